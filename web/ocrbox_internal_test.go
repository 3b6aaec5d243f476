package web

import "testing"

// TestOCRBox reads the page box ocr.Mark notes on a cell: as a share of
// the page; a note from text, or without the page's size, has none.
func TestOCRBox(t *testing.T) {
	for _, c := range []struct {
		note string
		want box
		ok   bool
	}{
		{"由图片识别：第 3 页 区域(887,1398,40,25) 置信度 76%，页面 1654×2339 像素", box{Left: 100 * 887 / 1654.0, Top: 100 * 1398 / 2339.0, Width: 100 * 40 / 1654.0, Height: 100 * 25 / 2339.0, Conf: "76"}, true},
		{"PDF文本中该列空白；由图片识别：第 1 页 区域(0,0,10,10) 置信度 0%，页面 100×200 像素，原识别为“O”", box{Width: 10, Height: 5, Conf: "0"}, true},
		{"由图片识别：第 3 页 区域(887,1398,40,25) 置信度 76%", box{}, false},
		{"由图片识别：第 3 页 区域(1,1,1,1) 置信度 76%，页面 0×0 像素", box{}, false},
		{"空白单元格按0计", box{}, false},
	} {
		got, ok := ocrBox(c.note)
		if ok != c.ok || got != c.want {
			t.Errorf("ocrBox(%q) = %+v %v, want %+v %v", c.note, got, ok, c.want, c.ok)
		}
	}
}

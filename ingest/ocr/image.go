package ocr

import (
	"image"
	"image/color"
)

// dark is the grey level under which a pixel is ink.
const dark = 160

// EraseRules returns a grey copy of img with its long horizontal and
// vertical ink runs painted white: a table's ruling lines. A run counts as
// a line when it is longer than about 0.6 inch horizontally or 0.35 inch
// vertically at dpi — longer than any stroke of a character in a report's
// body size (12 pt is 0.17 inch), shorter than any cell border. The pixel
// rows (columns) next to a run go too: a scanned line is a few pixels
// thick with grey edges that would read as "|" or "l".
func EraseRules(img image.Image, dpi int) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	if src, ok := img.(*image.Gray); ok {
		for y := 0; y < b.Dy(); y++ {
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):])
		}
	} else {
		toGray(g, img)
	}
	return erase(g, dpi)
}

func toGray(g *image.Gray, img image.Image) {
	b := img.Bounds()
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g.Set(x, y, color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)))
		}
	}
}

func erase(g *image.Gray, dpi int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ink := func(x, y int) bool { return g.Pix[y*g.Stride+x] < dark }
	hRun, vRun := max(dpi*6/10, 20), max(dpi*35/100, 12)
	erase := make([]bool, len(g.Pix))
	mark := func(x, y int) {
		if x >= 0 && y >= 0 && x < w && y < h {
			erase[y*g.Stride+x] = true
		}
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; {
			if !ink(x, y) {
				x++
				continue
			}
			s := x
			for x < w && ink(x, y) {
				x++
			}
			if x-s >= hRun {
				for i := s; i < x; i++ {
					mark(i, y-1)
					mark(i, y)
					mark(i, y+1)
				}
			}
		}
	}
	for x := 0; x < w; x++ {
		for y := 0; y < h; {
			if !ink(x, y) {
				y++
				continue
			}
			s := y
			for y < h && ink(x, y) {
				y++
			}
			if y-s >= vRun {
				for i := s; i < y; i++ {
					mark(x-1, i)
					mark(x, i)
					mark(x+1, i)
				}
			}
		}
	}
	for i, e := range erase {
		if e {
			g.Pix[i] = 0xff
		}
	}
	return g
}

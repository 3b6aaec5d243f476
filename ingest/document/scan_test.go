package document_test

import (
	"archive/zip"
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nianbao/ingest/document"
	"nianbao/ingest/ocr"
)

// pngChunk is one PNG chunk: length, type, data, CRC.
func pngChunk(typ string, data []byte) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.BigEndian, uint32(len(data)))
	b.WriteString(typ)
	b.Write(data)
	binary.Write(&b, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	return b.Bytes()
}

// grayPNG builds a w×h 8-bit grey PNG; with rows, its pixel data is all
// zeros, deflated (a decompression bomb: 10 000 × 10 000 is 100 MB of
// pixels in about 100 KB), else it has no pixel data at all (a header
// claiming any size).
func grayPNG(t *testing.T, w, h int, rows bool) []byte {
	t.Helper()
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8] = 8 // bit depth; colour type 0 (grey)
	b.Write(pngChunk("IHDR", ihdr))
	if rows {
		var z bytes.Buffer
		zw, _ := zlib.NewWriterLevel(&z, zlib.BestCompression)
		row := make([]byte, w+1)
		for y := 0; y < h; y++ {
			zw.Write(row)
		}
		zw.Close()
		b.Write(pngChunk("IDAT", z.Bytes()))
	}
	b.Write(pngChunk("IEND", nil))
	return b.Bytes()
}

// TestHostileImages: a picture too large for image_pixels is refused from
// its header, before a pixel is decoded, whatever its data; a file that
// is not a picture says so.
func TestHostileImages(t *testing.T) {
	for _, c := range []struct {
		name  string
		data  []byte
		limit string
	}{
		{"huge.png", grayPNG(t, 100_000, 100_000, false), "image_pixels"},
		{"bomb.png", grayPNG(t, 10_000, 10_000, true), "image_pixels"},
		{"broken.jpg", []byte("\xff\xd8\xff\xe0 not a jpeg at all"), ""},
	} {
		start := time.Now()
		_, err := document.Read(c.name, c.data)
		took := time.Since(start)
		var le *document.LimitError
		switch {
		case c.limit != "" && (!errors.As(err, &le) || le.Limit != c.limit):
			t.Errorf("%s (%d bytes): err = %v, want limit %s", c.name, len(c.data), err, c.limit)
		case c.limit == "" && !errors.Is(err, document.ErrImageUnreadable):
			t.Errorf("%s: err = %v, want ErrImageUnreadable", c.name, err)
		}
		if took > 2*time.Second {
			t.Errorf("%s refused after %v: it was decoded", c.name, took)
		}
		if msg := document.PublicMessage(err); !strings.Contains(msg, "图片") {
			t.Errorf("%s: public message %q does not name the picture", c.name, msg)
		}
	}
}

// TestReadImageUpload reads a report page uploaded as a PNG (page 3 of the
// real 洪泽区 2024 report, rendered at 200 DPI): its 表三 rows come out as
// text lines the parser reads, with every word's box and confidence.
func TestReadImageUpload(t *testing.T) {
	if _, err := exec.LookPath("pdftoppm"); err != nil || !ocr.Available() {
		t.Skip("pdftoppm or tesseract with chi_sim not installed: run scripts/setup.sh")
	}
	pdf := filepath.Join("..", "..", "..", "shared", "corpus", "peer", "hzq2024_working.pdf")
	if _, err := os.Stat(pdf); err != nil {
		t.Skipf("peer corpus absent (%s)", pdf)
	}
	dir := t.TempDir()
	if out, err := exec.Command("pdftoppm", "-r", "200", "-gray", "-png", "-f", "3", "-l", "3", "-singlefile", pdf, filepath.Join(dir, "p3")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	data, err := os.ReadFile(filepath.Join(dir, "p3.png"))
	if err != nil {
		t.Fatal(err)
	}
	doc, err := document.Read("第3页.png", data)
	if err != nil {
		t.Fatal(err)
	}
	if doc.Format != document.FormatImage || len(doc.OCR) != len(doc.Origins) {
		t.Fatalf("format %q, %d word lines for %d lines", doc.Format, len(doc.OCR), len(doc.Origins))
	}
	found := false
	for i, line := range strings.Split(doc.Text, "\n") {
		if !strings.Contains(line, "本年新收") {
			continue
		}
		found = true
		if f := strings.Fields(line[strings.Index(line, "数量")+len("数量"):]); strings.Join(f, " ") != "95 0 0 0 0 0 95" {
			t.Errorf("本年新收 row reads %q, want 95 0 0 0 0 0 95", f)
		}
		for _, w := range doc.OCR[i] {
			if w.Page != 1 || w.Width <= 0 || w.Conf <= 0 {
				t.Errorf("word without box or confidence: %+v", w)
			}
		}
	}
	if !found {
		t.Errorf("no 本年新收 row in:\n%s", doc.Text)
	}
}

// pictureDocx is a Word file of one typed paragraph and one picture.
func pictureDocx(t *testing.T, pic []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for name, body := range map[string][]byte{
		"[Content_Types].xml":          []byte(`<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="png" ContentType="image/png"/></Types>`),
		"word/document.xml":            []byte(`<?xml version="1.0"?><w:document xmlns:w="w" xmlns:r="r" xmlns:a="a"><w:body><w:p><w:r><w:t>某某镇2024年政府信息公开工作年度报告</w:t></w:r></w:p><w:p><w:r><w:drawing><a:blip r:embed="rId9"/></w:drawing></w:r></w:p></w:body></w:document>`),
		"word/_rels/document.xml.rels": []byte(`<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId9" Type="image" Target="media/image1.png"/></Relationships>`),
		"word/media/image1.png":        pic,
	} {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(body)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHostileDocxPictures: a Word file whose table is a picture too large
// for image_pixels (a header claiming 100 000² pixels, a deflate bomb of
// 10 000²) is refused from the picture's header, before it is decoded.
func TestHostileDocxPictures(t *testing.T) {
	if !ocr.Available() {
		t.Skip("tesseract with chi_sim not installed: run scripts/setup.sh")
	}
	for _, c := range []struct {
		name string
		pic  []byte
	}{
		{"huge", grayPNG(t, 100_000, 100_000, false)},
		{"bomb", grayPNG(t, 10_000, 10_000, true)},
	} {
		start := time.Now()
		_, err := document.Read(c.name+".docx", pictureDocx(t, c.pic))
		var le *document.LimitError
		if !errors.As(err, &le) || le.Limit != "image_pixels" || !strings.Contains(document.PublicMessage(err), "Word 文件中的第 1 张图片") {
			t.Errorf("%s: err = %v (public %q), want limit image_pixels naming the picture", c.name, err, document.PublicMessage(err))
		}
		if took := time.Since(start); took > 2*time.Second {
			t.Errorf("%s refused after %v: it was decoded", c.name, took)
		}
	}
}

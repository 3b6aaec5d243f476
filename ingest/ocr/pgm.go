package ocr

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
)

// Pages come from pdftoppm as binary PPM (P6) or PGM (P5): no
// compression to pay on either side, unlike PNG, and a header that gives
// the size before a pixel is read.

// PGMSize reads the width and height from a binary PGM or PPM header
// (a page pdftoppm rendered in grey or in colour).
func PGMSize(data []byte) (w, h int, err error) {
	w, h, _, _, err = pnmHeader(data)
	return w, h, err
}

// DecodePGM decodes a binary 8-bit PGM.
func DecodePGM(data []byte) (*image.Gray, error) {
	w, h, maxv, off, err := pgmHeader(data)
	if err != nil {
		return nil, err
	}
	if maxv > 255 {
		return nil, errors.New("pgm: 16-bit samples")
	}
	if int64(len(data)-off) < int64(w)*int64(h) {
		return nil, errors.New("pgm: short pixel data")
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	copy(g.Pix, data[off:off+w*h])
	return g, nil
}

// EncodePGM writes g as a binary PGM.
func EncodePGM(out io.Writer, g *image.Gray) error {
	b := g.Bounds()
	bw := bufio.NewWriter(out)
	fmt.Fprintf(bw, "P5\n%d %d\n255\n", b.Dx(), b.Dy())
	for y := b.Min.Y; y < b.Max.Y; y++ {
		i := g.PixOffset(b.Min.X, y)
		if _, err := bw.Write(g.Pix[i : i+b.Dx()]); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// pgmHeader parses "P5 <w> <h> <max>" (whitespace and # comments between)
// and returns the offset of the first pixel.
func pgmHeader(data []byte) (w, h, maxv, off int, err error) {
	if !bytes.HasPrefix(data, []byte("P5")) {
		return 0, 0, 0, 0, errors.New("pgm: not a binary PGM")
	}
	return pnmHeader(data)
}

// pnmHeader parses the header of a binary PGM or PPM (P5, P6).
func pnmHeader(data []byte) (w, h, maxv, off int, err error) {
	if !bytes.HasPrefix(data, []byte("P5")) && !bytes.HasPrefix(data, []byte("P6")) {
		return 0, 0, 0, 0, errors.New("pnm: not a binary PGM or PPM")
	}
	off = 2
	var v [3]int
	for i := range v {
		for off < len(data) && (isPGMSpace(data[off]) || data[off] == '#') {
			if data[off] == '#' {
				for off < len(data) && data[off] != '\n' {
					off++
				}
				continue
			}
			off++
		}
		s := off
		for off < len(data) && data[off] >= '0' && data[off] <= '9' && off-s < 9 {
			off++
		}
		n, err := strconv.Atoi(string(data[s:off]))
		if err != nil || n <= 0 {
			return 0, 0, 0, 0, errors.New("pgm: bad header")
		}
		v[i] = n
	}
	if off >= len(data) || !isPGMSpace(data[off]) {
		return 0, 0, 0, 0, errors.New("pgm: bad header")
	}
	return v[0], v[1], v[2], off + 1, nil
}

func isPGMSpace(c byte) bool { return c == ' ' || c == '\n' || c == '\r' || c == '\t' }

// Pages go to Tesseract as 8-bit grey BMP: Leptonica reads a PGM one
// pixel per fread call, about 5 % of a page's reading, and a BMP in one
// piece; the words are the same (docs/benchmarks.md, "Speed, third
// pass"). No resolution is written, as none is in a PGM: Tesseract
// estimates it from the text as before, or is told it (--dpi).

// bmpHeader is the size of the file and info headers and the grey
// palette before the pixels.
const bmpHeader = 14 + 40 + 256*4

// EncodeBMP writes g as an uncompressed 8-bit grey BMP.
func EncodeBMP(out io.Writer, g *image.Gray) error {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	row := (w + 3) &^ 3 // rows are padded to four bytes
	size := bmpHeader + row*h
	hdr := make([]byte, bmpHeader)
	copy(hdr, "BM")
	binary.LittleEndian.PutUint32(hdr[2:], uint32(size))
	binary.LittleEndian.PutUint32(hdr[10:], bmpHeader)
	binary.LittleEndian.PutUint32(hdr[14:], 40)
	binary.LittleEndian.PutUint32(hdr[18:], uint32(w))
	binary.LittleEndian.PutUint32(hdr[22:], uint32(h)) // bottom-up
	binary.LittleEndian.PutUint16(hdr[26:], 1)
	binary.LittleEndian.PutUint16(hdr[28:], 8)
	binary.LittleEndian.PutUint32(hdr[34:], uint32(row*h))
	binary.LittleEndian.PutUint32(hdr[46:], 256)
	binary.LittleEndian.PutUint32(hdr[50:], 256)
	for i := 0; i < 256; i++ {
		hdr[54+4*i], hdr[55+4*i], hdr[56+4*i] = byte(i), byte(i), byte(i)
	}
	bw := bufio.NewWriterSize(out, 1<<16)
	if _, err := bw.Write(hdr); err != nil {
		return err
	}
	pad := make([]byte, row-w)
	for y := b.Max.Y - 1; y >= b.Min.Y; y-- {
		i := g.PixOffset(b.Min.X, y)
		if _, err := bw.Write(g.Pix[i : i+w]); err != nil {
			return err
		}
		if _, err := bw.Write(pad); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// DecodeBMP reads back a BMP EncodeBMP wrote (8-bit grey, bottom-up).
func DecodeBMP(data []byte) (*image.Gray, error) {
	if len(data) < bmpHeader || !bytes.HasPrefix(data, []byte("BM")) ||
		binary.LittleEndian.Uint16(data[28:]) != 8 || binary.LittleEndian.Uint32(data[10:]) != bmpHeader {
		return nil, errors.New("bmp: not an 8-bit grey BMP")
	}
	w := int(int32(binary.LittleEndian.Uint32(data[18:])))
	h := int(int32(binary.LittleEndian.Uint32(data[22:])))
	row := (w + 3) &^ 3
	if w <= 0 || h <= 0 || int64(len(data)-bmpHeader) < int64(row)*int64(h) {
		return nil, errors.New("bmp: bad size")
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		src := data[bmpHeader+(h-1-y)*row:]
		copy(g.Pix[y*g.Stride:y*g.Stride+w], src[:w])
	}
	return g, nil
}

package ocr

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"image"
	"io"
	"strconv"
)

// Pages go between pdftoppm, this package and Tesseract as binary PGM
// (P5): no compression to pay on either side, unlike PNG, and a header
// that gives the size before a pixel is read.

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

package ocr

import (
	"bytes"
	"errors"
	"image"
)

// DecodePPMRed decodes a binary colour PPM (P6, as pdftoppm renders a
// page in colour) to grey through its red channel: a red seal is as
// light as the paper in red light, while black print stays black, so
// a seal stamped over table 3 drops out before Tesseract sees it.
// Pixels with no red cast (print, grey paper) are taken by their
// luminance as in a grey render.
func DecodePPMRed(data []byte) (*image.Gray, error) {
	if !bytes.HasPrefix(data, []byte("P6")) {
		return nil, errors.New("ppm: not a binary PPM")
	}
	w, h, maxv, off, err := pnmHeader(data)
	if err != nil {
		return nil, err
	}
	if maxv > 255 {
		return nil, errors.New("ppm: 16-bit samples")
	}
	if int64(len(data)-off) < 3*int64(w)*int64(h) {
		return nil, errors.New("ppm: short pixel data")
	}
	g := image.NewGray(image.Rect(0, 0, w, h))
	px := data[off:]
	for i := range g.Pix {
		g.Pix[i] = dropRed(int(px[3*i]), int(px[3*i+1]), int(px[3*i+2]))
	}
	return g, nil
}

// dropRed is the grey of a pixel with a seal's red taken as paper: its
// red channel where it has a red cast, else its luminance.
func dropRed(r, g, b int) uint8 {
	if r-max(g, b) > redCast {
		return uint8(r)
	}
	return uint8((299*r + 587*g + 114*b + 500) / 1000)
}

// GrayDropRed is Gray with a red seal dropped as DecodePPMRed drops it:
// a picture uploaded or pasted into a Word file in colour. Transparent
// pixels are paper.
func GrayDropRed(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return Gray(g)
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			// Premultiplied: a transparent background is laid on white
			// paper, not read as black.
			r, gg, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			white := 0xffff - a
			g.Pix[y*g.Stride+x] = dropRed(int((r+white)>>8), int((gg+white)>>8), int((bb+white)>>8))
		}
	}
	return g
}

// redCast is how much redder than green and blue a pixel must be to be
// read through its red channel: a seal's ink, not the slight colour of a
// scanner's paper.
const redCast = 40

// Blurry tells a page out of focus: the steepest step across an ink
// edge, averaged over the page's edges, is under blurEdge grey levels
// per two pixels. A sharp scan's edges step 110–160 (clean, turned,
// JPEG, sealed or unevenly lit, at 150 DPI rendered at 200); one blurred
// by σ≈1 px steps about 55 (docs/benchmarks.md).
func Blurry(g *image.Gray) bool {
	sum, n := 0, 0
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := 1; x < w-1; x++ {
			d := int(row[x+1]) - int(row[x-1])
			if d < 0 {
				d = -d
			}
			if d > edgeStep {
				sum += d
				n++
			}
		}
	}
	return n > 0 && sum < blurEdge*n
}

// edgeStep is the grey step across two pixels that counts as an edge;
// blurEdge the mean step under which the page is blurry.
const (
	edgeStep = 40
	blurEdge = 85
)

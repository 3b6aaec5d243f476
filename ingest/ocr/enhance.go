package ocr

import (
	"bytes"
	"errors"
	"image"
	"math"
	"slices"
)

// Despeckle is a 3×3 median filter: the blocky ringing a JPEG of low
// quality leaves around strokes (grey 8×8 blocks and halos, which
// Tesseract's threshold turns into specks glued to digits) goes, while a
// stroke two pixels wide stays.
func Despeckle(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	var win [9]uint8
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			k := 0
			for dy := -1; dy <= 1; dy++ {
				yy := min(max(y+dy, 0), h-1)
				for dx := -1; dx <= 1; dx++ {
					xx := min(max(x+dx, 0), w-1)
					win[k] = g.Pix[yy*g.Stride+xx]
					k++
				}
			}
			s := win[:]
			slices.Sort(s)
			out.Pix[y*out.Stride+x] = s[4]
		}
	}
	return out
}

// Sauvola binarises a page by Sauvola's local threshold: a pixel is ink
// when darker than m·(1+k·(s/128−1)), m and s the mean and deviation of
// the window of side win around it (integral images, so the cost does
// not grow with the window). Unlike one threshold for the page (Otsu),
// it holds where the paper darkens or a seal greys a region.
func Sauvola(g *image.Gray, win int, k float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	sum := make([]float64, (w+1)*(h+1))
	sq := make([]float64, (w+1)*(h+1))
	for y := 0; y < h; y++ {
		rs, rq := 0.0, 0.0
		for x := 0; x < w; x++ {
			v := float64(g.Pix[y*g.Stride+x])
			rs += v
			rq += v * v
			i := (y+1)*(w+1) + x + 1
			sum[i] = sum[i-(w+1)] + rs
			sq[i] = sq[i-(w+1)] + rq
		}
	}
	r := max(win/2, 1)
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		y0, y1 := max(y-r, 0), min(y+r+1, h)
		for x := 0; x < w; x++ {
			x0, x1 := max(x-r, 0), min(x+r+1, w)
			n := float64((y1 - y0) * (x1 - x0))
			a, b, c, d := y0*(w+1)+x0, y0*(w+1)+x1, y1*(w+1)+x0, y1*(w+1)+x1
			m := (sum[d] - sum[b] - sum[c] + sum[a]) / n
			v := (sq[d]-sq[b]-sq[c]+sq[a])/n - m*m
			t := m * (1 + k*(math.Sqrt(max(v, 0))/128-1))
			if float64(g.Pix[y*g.Stride+x]) < t {
				out.Pix[y*out.Stride+x] = 0
			} else {
				out.Pix[y*out.Stride+x] = 0xff
			}
		}
	}
	return out
}

// Upscale enlarges a page by factor f (bicubic, Catmull-Rom): a page
// scanned at 150 DPI read at about 300, where Tesseract's models see
// glyphs of the size they were trained on.
func Upscale(g *image.Gray, f float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	W, H := int(float64(w)*f+0.5), int(float64(h)*f+0.5)
	out := image.NewGray(image.Rect(0, 0, W, H))
	cubic := func(t float64) [4]float64 {
		t2, t3 := t*t, t*t*t
		return [4]float64{
			(-t3 + 2*t2 - t) / 2,
			(3*t3 - 5*t2 + 2) / 2,
			(-3*t3 + 4*t2 + t) / 2,
			(t3 - t2) / 2,
		}
	}
	at := func(x, y int) float64 {
		return float64(g.Pix[min(max(y, 0), h-1)*g.Stride+min(max(x, 0), w-1)])
	}
	// The weights of a column depend on x only: computed once a column.
	xs := make([]int, W)
	wx := make([][4]float64, W)
	for X := 0; X < W; X++ {
		sx := (float64(X)+0.5)/f - 0.5
		xs[X] = int(math.Floor(sx))
		wx[X] = cubic(sx - float64(xs[X]))
	}
	for Y := 0; Y < H; Y++ {
		sy := (float64(Y)+0.5)/f - 0.5
		y0 := int(math.Floor(sy))
		wy := cubic(sy - float64(y0))
		for X := 0; X < W; X++ {
			x0 := xs[X]
			v := 0.0
			for j := 0; j < 4; j++ {
				row := 0.0
				for i := 0; i < 4; i++ {
					row += wx[X][i] * at(x0-1+i, y0-1+j)
				}
				v += wy[j] * row
			}
			out.Pix[Y*out.Stride+X] = uint8(min(max(v, 0), 255) + 0.5)
		}
	}
	return out
}

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

// Sharpen is an unsharp mask: the page plus amount times its difference
// from a 3×3 box blur of itself, so an out-of-focus scan's strokes get
// their edges back before Tesseract thresholds them.
func Sharpen(g *image.Gray, amount float64) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum := 0
			for dy := -1; dy <= 1; dy++ {
				yy := min(max(y+dy, 0), h-1)
				for dx := -1; dx <= 1; dx++ {
					sum += int(g.Pix[yy*g.Stride+min(max(x+dx, 0), w-1)])
				}
			}
			v := float64(g.Pix[y*g.Stride+x])
			out.Pix[y*out.Stride+x] = uint8(min(max(v+amount*(v-float64(sum)/9), 0), 255) + 0.5)
		}
	}
	return out
}

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

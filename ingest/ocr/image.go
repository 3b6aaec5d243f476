package ocr

import (
	"image"
	"image/color"
	"math"
	"slices"
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
	return erase(Gray(img), dpi)
}

func toGray(g *image.Gray, img image.Image) {
	b := img.Bounds()
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			g.Set(x, y, color.GrayModel.Convert(img.At(b.Min.X+x, b.Min.Y+y)))
		}
	}
}

// fringe is how a pixel d pixels across from a line is erased: 2, white,
// within one pixel; 1, white if lighter than lineInk, up to three.
func fringe(d int) uint8 {
	if d >= -1 && d <= 1 {
		return 2
	}
	return 1
}

// lineInk is the grey level under which a pixel may be part of a ruling
// line: lighter than dark, because a line turned straight by Deskew is
// spread over two or three pixel rows of grey (bilinear), and a run of
// ink may skip up to lineGap pixels for the same reason.
const (
	lineInk = 200
	lineGap = 2
)

func erase(g *image.Gray, dpi int) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	ink := func(x, y int) bool { return g.Pix[y*g.Stride+x] < lineInk }
	hRun, vRun := max(dpi*6/10, 20), max(dpi*35/100, 12)
	// erase[i]: 2 paints the pixel white (the line and a pixel either
	// side), 1 only when it is lighter than lineInk (the grey fringe a
	// resampled or relit scan leaves up to three pixels out, which
	// Tesseract's local thresholds would turn back into a line).
	erase := make([]uint8, len(g.Pix))
	mark := func(x, y int, v uint8) {
		if x >= 0 && y >= 0 && x < w && y < h {
			erase[y*g.Stride+x] = max(erase[y*g.Stride+x], v)
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
				if x+lineGap < w && !ink(x, y) && (ink(x+1, y) || ink(x+lineGap, y)) {
					x++ // a gap in a line
				}
			}
			if x-s >= hRun {
				for i := s; i < x; i++ {
					for d := -3; d <= 3; d++ {
						mark(i, y+d, fringe(d))
					}
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
				if y+lineGap < h && !ink(x, y) && (ink(x, y+1) || ink(x, y+lineGap)) {
					y++
				}
			}
			if y-s >= vRun {
				for i := s; i < y; i++ {
					for d := -3; d <= 3; d++ {
						mark(x+d, i, fringe(d))
					}
				}
			}
		}
	}
	for i, e := range erase {
		if e == 2 || e == 1 && g.Pix[i] >= lineInk {
			g.Pix[i] = 0xff
		}
	}
	return g
}

// maxSkew is the largest skew, in degrees, Deskew looks for: a page fed
// crooked into a scanner, not a photo taken at an angle.
const maxSkew = 3.0

// Deskew turns a scanned page straight. A page fed a degree crooked
// breaks what the reader relies on: a ruling line no longer runs long
// enough on one pixel row for EraseRules to see it, and a table's row
// drifts across Tesseract's lines. The skew is the angle at which the
// page's ink, projected along it, piles into the fewest rows (rules and
// baselines line up): tried every coarseSkew degrees within ±maxSkew,
// then every fineSkew degrees around the best. It returns the page (a
// grey copy) and the angle turned, in degrees; under minSkew the page is
// only copied, since turning it would blur the glyphs for nothing.
//
// Every pixel row is projected (every other column): the first version
// took every other row too, so at 0° all the ink fell into even bins and
// scored twice what any turn could — a page turned 1° read 0° on most
// pages of the degraded corpus (docs/benchmarks.md, "Degradations, third
// pass").
func Deskew(img image.Image) (*image.Gray, float64) {
	g := Gray(img)
	best := skewAngle(g)
	if math.Abs(best) < minSkew {
		return g, 0
	}
	return Rotate(g, best), best
}

// The angles Deskew tries: a coarse pass, then a fine one about the best
// coarse angle. minSkew is the least angle worth turning a page for.
const (
	coarseSkew = 0.1
	fineSkew   = 0.02
	minSkew    = 0.15
)

// skewAngle is the angle, in degrees, that Deskew turns g by.
func skewAngle(g *image.Gray) float64 {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	// xs[y]: the ink columns of pixel row y (every other column).
	xs := make([][]int32, h)
	n := 0
	for y := 0; y < h; y++ {
		row := g.Pix[y*g.Stride : y*g.Stride+w]
		for x := 0; x < w; x += 2 {
			if row[x] < dark {
				xs[y] = append(xs[y], int32(x))
				n++
			}
		}
	}
	if n == 0 {
		return 0
	}
	bins := make([]int, h+2*w)
	score := func(a float64) float64 {
		t := math.Tan(a * math.Pi / 180)
		clear(bins)
		for y, row := range xs {
			for _, x := range row {
				if i := y - int(math.Round(float64(x)*t)) + w; i >= 0 && i < len(bins) {
					bins[i]++
				}
			}
		}
		s := 0.0
		for _, k := range bins {
			s += float64(k) * float64(k)
		}
		return s
	}
	search := func(lo, hi, step float64) float64 {
		best, bestScore := 0.0, -1.0
		steps := int(math.Round((hi - lo) / step))
		for i := 0; i <= steps; i++ {
			a := lo + float64(i)*step
			// Ties go to the angle nearer level: a blank band scores alike.
			if s := score(a); s > bestScore || s == bestScore && math.Abs(a) < math.Abs(best) {
				best, bestScore = a, s
			}
		}
		return best
	}
	coarse := search(-maxSkew, maxSkew, coarseSkew)
	return math.Round(search(coarse-coarseSkew, coarse+coarseSkew, fineSkew)/fineSkew) * fineSkew
}

// Rotate turns a grey page by deg degrees about its centre (bilinear,
// white where no page was): the ink that ran at deg runs level after it.
func Rotate(src *image.Gray, deg float64) *image.Gray {
	b := src.Rect
	w, h := b.Dx(), b.Dy()
	out := image.NewGray(image.Rect(0, 0, w, h))
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	at := func(x, y int) float64 {
		if x < 0 || y < 0 || x >= w || y >= h {
			return 255
		}
		return float64(src.Pix[src.PixOffset(b.Min.X+x, b.Min.Y+y)])
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			dx, dy := float64(x)-cx, float64(y)-cy
			sx, sy := cx+dx*cos-dy*sin, cy+dx*sin+dy*cos
			x0, y0 := int(math.Floor(sx)), int(math.Floor(sy))
			fx, fy := sx-float64(x0), sy-float64(y0)
			v := at(x0, y0)*(1-fx)*(1-fy) + at(x0+1, y0)*fx*(1-fy) + at(x0, y0+1)*(1-fx)*fy + at(x0+1, y0+1)*fx*fy
			out.Pix[y*out.Stride+x] = uint8(v + 0.5)
		}
	}
	return out
}

// Gray is a grey copy of img with its origin at 0,0.
func Gray(img image.Image) *image.Gray {
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	if src, ok := img.(*image.Gray); ok {
		for y := 0; y < b.Dy(); y++ {
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], src.Pix[src.PixOffset(b.Min.X, b.Min.Y+y):])
		}
		return g
	}
	toGray(g, img)
	return g
}

// unevenPaper is the brightness under which some paper of a page counts
// as badly lit; paperGrey the level from which a relit pixel is paper.
const (
	unevenPaper = 230
	paperGrey   = 180
)

// flatBlock is the side, in pixels, of the blocks Flatten measures the
// paper's brightness in: larger than a character, smaller than the
// distance over which a scan's lighting changes.
const flatBlock = 48

// Flatten evens out a page's lighting: each pixel is scaled by the
// brightness of the paper around it, taken as the brightest pixel of its
// block and the eight around it (a block inside a dark figure borrows its
// neighbours' paper), interpolated between block centres. A page lit to
// 70 % at one corner reads as white paper everywhere after it, so the
// ink thresholds here and Tesseract's binarisation hold across the page.
//
// A relit page keeps a light grey texture, which Tesseract's local
// thresholds read as strokes ("功岗|原U" for "21 0 0"): its pixels from
// paper up are painted white. A page whose paper is white everywhere
// (unevenPaper) is returned as it is: painting a clean page's grey glyph
// edges white cost a fifth of the cells of 洪泽区 2024 at 200 DPI.
func Flatten(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	bw, bh := (w+flatBlock-1)/flatBlock, (h+flatBlock-1)/flatBlock
	peak := make([]float64, bw*bh)
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			m := uint8(0)
			for y := by * flatBlock; y < min((by+1)*flatBlock, h); y++ {
				row := g.Pix[y*g.Stride:]
				for x := bx * flatBlock; x < min((bx+1)*flatBlock, w); x++ {
					m = max(m, row[x])
				}
			}
			peak[by*bw+bx] = float64(m)
		}
	}
	paper := make([]float64, len(peak))
	for by := 0; by < bh; by++ {
		for bx := 0; bx < bw; bx++ {
			m := 0.0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if x, y := bx+dx, by+dy; x >= 0 && y >= 0 && x < bw && y < bh {
						m = max(m, peak[y*bw+x])
					}
				}
			}
			paper[by*bw+bx] = max(m, 64) // a black page stays black
		}
	}
	if slices.Min(paper) >= unevenPaper {
		return g
	}
	at := func(bx, by int) float64 {
		return paper[min(max(by, 0), bh-1)*bw+min(max(bx, 0), bw-1)]
	}
	out := image.NewGray(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		fy := (float64(y)+0.5)/flatBlock - 0.5
		y0 := int(math.Floor(fy))
		ty := fy - float64(y0)
		for x := 0; x < w; x++ {
			fx := (float64(x)+0.5)/flatBlock - 0.5
			x0 := int(math.Floor(fx))
			tx := fx - float64(x0)
			p := at(x0, y0)*(1-tx)*(1-ty) + at(x0+1, y0)*tx*(1-ty) + at(x0, y0+1)*(1-tx)*ty + at(x0+1, y0+1)*tx*ty
			v := min(float64(g.Pix[y*g.Stride+x])*255/p, 255)
			if v >= paperGrey {
				v = 255
			}
			out.Pix[y*out.Stride+x] = uint8(v + 0.5)
		}
	}
	return out
}

// Unrotate maps a box on a w×h page turned by Rotate(page, deg) back to
// the page before it was turned: the smallest rectangle holding the
// box's four corners carried back. Deskew's word boxes so land on the
// digits of the page as it was scanned.
func Unrotate(r image.Rectangle, deg float64, w, h int) image.Rectangle {
	if deg == 0 {
		return r
	}
	sin, cos := math.Sincos(deg * math.Pi / 180)
	cx, cy := float64(w)/2, float64(h)/2
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range []image.Point{r.Min, {r.Max.X, r.Min.Y}, {r.Min.X, r.Max.Y}, r.Max} {
		// Rotate read the pixel at (x, y) from here on the page before.
		dx, dy := float64(p.X)-cx, float64(p.Y)-cy
		sx, sy := cx+dx*cos-dy*sin, cy+dx*sin+dy*cos
		minX, minY, maxX, maxY = min(minX, sx), min(minY, sy), max(maxX, sx), max(maxY, sy)
	}
	return image.Rect(int(math.Round(minX)), int(math.Round(minY)), int(math.Round(maxX)), int(math.Round(maxY)))
}

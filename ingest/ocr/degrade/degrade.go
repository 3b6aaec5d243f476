// Package degrade makes the scanned test corpus of issue 24 and scores
// what the reader makes of it: a born-digital PDF rasterised at a DPI,
// each page spoiled the way real scans are (turned, blurred, JPEG, a
// seal, uneven light), wrapped back into an image-only PDF; and the
// cells read from it counted against the truth as exact, flagged, unread
// or silently wrong. The tests of ingest and `analytics ocrbench` call
// the same code, so the figures of docs/benchmarks.md are one measure.
package degrade

import (
	"bytes"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"nianbao/ingest/ocr"
)

// A Degradation is a fault of a real scan, done to a page image in Go.
type Degradation struct {
	// Name is the Chinese name printed in the tables.
	Name string
	// Page spoils one grey page; it may return a colour page (a red seal).
	Page func(*image.Gray) image.Image
	// JPEG stores the page as a JPEG of quality 30.
	JPEG bool
}

// None is the clean scan.
var None = Degradation{Name: "无", Page: func(g *image.Gray) image.Image { return g }}

// All is the clean scan and every degradation, in the order of the
// tables of docs/benchmarks.md.
func All() []Degradation {
	return []Degradation{
		None,
		// Fed a degree crooked into the scanner.
		{Name: "旋转1°", Page: func(g *image.Gray) image.Image { return ocr.Rotate(g, 1) }},
		// Out of focus: a Gaussian of σ≈1 px (two 3×3 box blurs).
		{Name: "模糊", Page: func(g *image.Gray) image.Image { return BoxBlur(BoxBlur(g)) }},
		// Saved as a JPEG of quality 30, as scanners' "small file" setting.
		{Name: "JPEG压缩", Page: func(g *image.Gray) image.Image { return g }, JPEG: true},
		// A faint round seal over the middle of each page (table 3 on its
		// page), scanned in grey.
		{Name: "淡印章", Page: func(g *image.Gray) image.Image { return Stamp(g) }},
		// The same seal in red, scanned in colour, as real seals are.
		{Name: "红印章", Page: func(g *image.Gray) image.Image { return RedStamp(g) }},
		// Uneven lighting: the page darkens to 70 % towards one corner.
		{Name: "光照不均", Page: func(g *image.Gray) image.Image { return UnevenLight(g) }},
	}
}

// ByName returns the degradations named in a comma-separated list, or
// all of them for "".
func ByName(list string) ([]Degradation, error) {
	all := All()
	if strings.TrimSpace(list) == "" {
		return all, nil
	}
	var out []Degradation
	for _, n := range strings.Split(list, ",") {
		n = strings.TrimSpace(n)
		i := slices.IndexFunc(all, func(d Degradation) bool { return d.Name == n })
		if i < 0 {
			var names []string
			for _, d := range all {
				names = append(names, d.Name)
			}
			return nil, fmt.Errorf("没有名为“%s”的退化（可选：%s）", n, strings.Join(names, "、"))
		}
		out = append(out, all[i])
	}
	return out, nil
}

// BoxBlur is one 3×3 box blur.
func BoxBlur(g *image.Gray) *image.Gray {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	out := image.NewGray(g.Rect)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			sum, n := 0, 0
			for dy := -1; dy <= 1; dy++ {
				for dx := -1; dx <= 1; dx++ {
					if xx, yy := x+dx, y+dy; xx >= 0 && yy >= 0 && xx < w && yy < h {
						sum += int(g.Pix[yy*g.Stride+xx])
						n++
					}
				}
			}
			out.Pix[y*out.Stride+x] = uint8(sum / n)
		}
	}
	return out
}

// seal calls ink for every pixel of a seal's ring and five-pointed star
// over the middle of a w×h page (where table 3 stands on its page).
func seal(w, h int, ink func(x, y int)) {
	cx, cy, r := 0.62*float64(w), 0.5*float64(h), 0.12*float64(w)
	thick := float64(w) / 150
	in := func(x, y int) {
		if x >= 0 && y >= 0 && x < w && y < h {
			ink(x, y)
		}
	}
	for y := int(cy - r - thick); y <= int(cy+r+thick); y++ {
		for x := int(cx - r - thick); x <= int(cx+r+thick); x++ {
			if d := math.Hypot(float64(x)-cx, float64(y)-cy); math.Abs(d-r) <= thick/2 {
				in(x, y)
			}
		}
	}
	// Each point of the star joined to the point two on; a pixel is inked
	// once however many strokes cross it.
	done := map[image.Point]bool{}
	var px, py [5]float64
	for i := range px {
		a := -math.Pi/2 + float64(i)*2*math.Pi/5
		px[i], py[i] = cx+0.35*r*math.Cos(a), cy+0.35*r*math.Sin(a)
	}
	for i := range px {
		j := (i + 2) % 5
		for s := 0.0; s <= 1; s += 0.002 {
			x, y := px[i]+s*(px[j]-px[i]), py[i]+s*(py[j]-py[i])
			for d := -thick / 2; d <= thick/2; d++ {
				p := image.Pt(int(x), int(y+d))
				if !done[p] {
					done[p] = true
					in(p.X, p.Y)
				}
			}
		}
	}
}

// Stamp multiplies a seal in grey 185 (a red seal scanned in grey) into
// the page, so the print under it stays.
func Stamp(g *image.Gray) *image.Gray {
	out := image.NewGray(g.Rect)
	copy(out.Pix, g.Pix)
	seal(g.Rect.Dx(), g.Rect.Dy(), func(x, y int) {
		i := y*out.Stride + x
		out.Pix[i] = uint8(int(out.Pix[i]) * 185 / 255)
	})
	return out
}

// sealRed is the ink of a seal: a vermilion, multiplied into the page.
var sealRed = color.RGBA{R: 220, G: 40, B: 40, A: 255}

// RedStamp multiplies a red seal into a grey page, in colour: the page
// is scanned in colour, as an office scans a sealed report.
func RedStamp(g *image.Gray) *image.RGBA {
	out := image.NewRGBA(g.Rect)
	draw.Draw(out, out.Rect, g, g.Rect.Min, draw.Src)
	seal(g.Rect.Dx(), g.Rect.Dy(), func(x, y int) {
		i := out.PixOffset(x, y)
		out.Pix[i] = uint8(int(out.Pix[i]) * int(sealRed.R) / 255)
		out.Pix[i+1] = uint8(int(out.Pix[i+1]) * int(sealRed.G) / 255)
		out.Pix[i+2] = uint8(int(out.Pix[i+2]) * int(sealRed.B) / 255)
	})
	return out
}

// UnevenLight darkens the page to 70 % towards its bottom right corner.
func UnevenLight(g *image.Gray) *image.Gray {
	out := image.NewGray(g.Rect)
	w, h := g.Rect.Dx(), g.Rect.Dy()
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			f := 1 - 0.3*(float64(x)/float64(w)+float64(y)/float64(h))/2
			out.Pix[y*out.Stride+x] = uint8(float64(g.Pix[y*g.Stride+x]) * f)
		}
	}
	return out
}

// Gray is img in grey (pdftoppm -gray writes some pages as RGBA PNGs).
func Gray(img image.Image) *image.Gray {
	if g, ok := img.(*image.Gray); ok {
		return g
	}
	g := image.NewGray(img.Bounds())
	draw.Draw(g, g.Rect, img, img.Bounds().Min, draw.Src)
	return g
}

// ErrTools is the rasterising tools missing (poppler-utils, img2pdf).
var ErrTools = errors.New("缺少 pdftoppm 或 img2pdf（scripts/setup.sh 会安装 poppler-utils 和 img2pdf）")

// Tools tells whether pdftoppm and img2pdf are installed.
func Tools() error {
	for _, bin := range []string{"pdftoppm", "img2pdf"} {
		if _, err := exec.LookPath(bin); err != nil {
			return ErrTools
		}
	}
	return nil
}

// Rasterize renders a PDF's pages at dpi in grey, as a scanner would,
// in the temporary folder dir.
func Rasterize(pdf string, dpi int, dir string) ([]*image.Gray, error) {
	if out, err := exec.Command("pdftoppm", "-r", strconv.Itoa(dpi), "-gray", "-png", pdf, filepath.Join(dir, "p")).CombinedOutput(); err != nil {
		return nil, fmt.Errorf("pdftoppm %s: %v %s", pdf, err, bytes.TrimSpace(out))
	}
	pages, err := filepath.Glob(filepath.Join(dir, "p-*.png"))
	if err != nil {
		return nil, err
	}
	// p-1.png … p-10.png (or p-01.png) in page order.
	slices.SortFunc(pages, func(a, b string) int { return pageNo(a) - pageNo(b) })
	var out []*image.Gray
	for _, p := range pages {
		f, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		img, err := png.Decode(bytes.NewReader(f))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, Gray(img))
		os.Remove(p)
	}
	return out, nil
}

func pageNo(path string) int {
	b := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	n, _ := strconv.Atoi(b[strings.LastIndexByte(b, '-')+1:])
	return n
}

// Scan rasterises a born-digital PDF at dpi, spoils every page with d and
// wraps the pages back into an image-only PDF with img2pdf (no text
// layer, as an office that prints and scans its report publishes). It
// returns the PDF and its number of pages; dir is a temporary folder.
func Scan(pdf string, dpi int, d Degradation, dir string) ([]byte, int, error) {
	pages, err := Rasterize(pdf, dpi, dir)
	if err != nil {
		return nil, 0, err
	}
	var files []string
	for i, p := range pages {
		bad := d.Page(p)
		var buf bytes.Buffer
		name := filepath.Join(dir, fmt.Sprintf("d-%d.png", i))
		if d.JPEG {
			name = filepath.Join(dir, fmt.Sprintf("d-%d.jpg", i))
			err = jpeg.Encode(&buf, bad, &jpeg.Options{Quality: 30})
		} else {
			err = png.Encode(&buf, bad)
		}
		if err != nil {
			return nil, 0, err
		}
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			return nil, 0, err
		}
		files = append(files, name)
	}
	out := filepath.Join(dir, "scan.pdf")
	// img2pdf refuses a page with no resolution unless told it.
	if b, err := exec.Command("img2pdf", append(files, "--imgsize", fmt.Sprintf("%ddpix%ddpi", dpi, dpi), "-o", out)...).CombinedOutput(); err != nil {
		return nil, 0, fmt.Errorf("img2pdf: %v %s", err, bytes.TrimSpace(b))
	}
	data, err := os.ReadFile(out)
	if err != nil {
		return nil, 0, err
	}
	for _, f := range append(files, out) {
		os.Remove(f)
	}
	return data, len(files), nil
}

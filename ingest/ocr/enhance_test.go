package ocr

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"math"
	"testing"
)

// ruledPage is a white page with a table's rules and a few glyph-sized
// blots, the ink Deskew measures.
func ruledPage(w, h int) *image.Gray {
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := 200; y < h-200; y += 60 {
		for x := 100; x < w-100; x++ {
			img.Pix[y*img.Stride+x] = 0
			img.Pix[(y+1)*img.Stride+x] = 0
		}
		for x := 150; x < w-150; x += 97 {
			fill(img, image.Rect(x, y+20, x+12, y+40), 0)
		}
	}
	return img
}

func fill(g *image.Gray, r image.Rectangle, v uint8) {
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			g.Pix[y*g.Stride+x] = v
		}
	}
}

// TestDeskewFine: angles that are not a tenth of a degree are found to
// 0.03° (a 0.1° sweep left up to 0.05°, a rule's 1.4 px drift across an
// A4 page at 200 DPI).
func TestDeskewFine(t *testing.T) {
	img := ruledPage(1600, 1200)
	for _, deg := range []float64{0.33, 1.17, -1.73, 2.46, -2.9} {
		_, got := Deskew(Rotate(img, deg))
		if math.Abs(got+deg) > 0.03 {
			t.Errorf("a page turned %.2f° was turned back %.2f°", deg, got)
		}
	}
}

// TestUnrotate: a blot's box found on the page Deskew straightened, mapped
// back with Unrotate, holds the blot on the crooked page.
func TestUnrotate(t *testing.T) {
	img := ruledPage(1600, 1200)
	blot := image.Rect(1300, 950, 1340, 975) // far from the centre: 1.4° moves it ~14 px
	fill(img, image.Rect(1200, 880, 1450, 1060), 255)
	fill(img, blot, 0)
	const deg = 1.4
	crooked := Rotate(img, -deg) // Deskew turns it back by +deg
	straight, got := Deskew(crooked)
	if math.Abs(got-deg) > 0.03 {
		t.Fatalf("Deskew turned %.2f°, want %.2f°", got, deg)
	}
	if straight.GrayAt(blot.Min.X+20, blot.Min.Y+12).Y > 100 {
		t.Fatal("the blot is not where it was on the straightened page")
	}
	back := Unrotate(blot, got, 1600, 1200)
	if back.Eq(blot) {
		t.Fatal("Unrotate left the box where it was")
	}
	inside, outside := 0, 0
	for y := 900; y < 1030; y++ {
		for x := 1250; x < 1400; x++ {
			if crooked.Pix[y*crooked.Stride+x] < 128 {
				if image.Pt(x, y).In(back) {
					inside++
				} else if !image.Pt(x, y).In(back.Inset(-3)) {
					outside++
				}
			}
		}
	}
	if inside < 900 || outside > 0 {
		t.Errorf("box %v on the crooked page: %d blot pixels inside, %d more than 3 px outside", back, inside, outside)
	}
	if r := Unrotate(blot, 0, 1600, 1200); !r.Eq(blot) {
		t.Errorf("no turn: %v, want %v", r, blot)
	}
}

// TestDecodePPMRed: a red seal over white paper reads as paper, black
// print (also under the seal) as black, grey as grey.
func TestDecodePPMRed(t *testing.T) {
	px := [][3]uint8{{255, 255, 255}, {220, 40, 40}, {0, 0, 0}, {128, 128, 128}, {110, 20, 20}, {250, 245, 235}}
	want := []uint8{255, 220, 0, 128, 110, 245}
	var b bytes.Buffer
	fmt.Fprintf(&b, "P6\n%d 1\n255\n", len(px))
	for _, p := range px {
		b.Write(p[:])
	}
	g, err := DecodePPMRed(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i, w := range want {
		if g.Pix[i] != w {
			t.Errorf("pixel %v: grey %d, want %d", px[i], g.Pix[i], w)
		}
	}
	if w, h, err := PGMSize(b.Bytes()); err != nil || w != len(px) || h != 1 {
		t.Errorf("PGMSize of a PPM: %d×%d %v", w, h, err)
	}
	if _, err := DecodePPMRed([]byte("P5\n1 1\n255\n\x00")); err == nil {
		t.Error("a PGM decoded as a PPM")
	}
}

// TestDespeckle: a lone dark pixel goes, a stroke two pixels wide stays.
func TestDespeckle(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 20, 20))
	fill(g, g.Rect, 255)
	g.Pix[5*g.Stride+5] = 0
	fill(g, image.Rect(10, 2, 12, 18), 0)
	d := Despeckle(g)
	if d.Pix[5*d.Stride+5] != 255 {
		t.Error("the speck stayed")
	}
	for y := 3; y < 17; y++ {
		if d.Pix[y*d.Stride+10] != 0 || d.Pix[y*d.Stride+11] != 0 {
			t.Fatalf("the stroke lost row %d", y)
		}
	}
}

// TestSauvola: ink on paper darkened to grey 120 at one side is ink, the
// dark paper is paper; one global threshold would take that paper as ink.
func TestSauvola(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 200, 100))
	for x := 0; x < 200; x++ {
		paper := uint8(250 - 130*x/200)
		fill(g, image.Rect(x, 0, x+1, 100), paper)
	}
	fill(g, image.Rect(20, 40, 24, 60), 90)
	fill(g, image.Rect(180, 40, 184, 60), 30)
	b := Sauvola(g, 40, 0.2)
	for _, p := range []image.Point{{21, 50}, {181, 50}} {
		if b.GrayAt(p.X, p.Y).Y != 0 {
			t.Errorf("ink at %v read as paper", p)
		}
	}
	for _, p := range []image.Point{{100, 10}, {190, 90}, {10, 10}} {
		if b.GrayAt(p.X, p.Y).Y != 255 {
			t.Errorf("paper at %v read as ink", p)
		}
	}
}

// TestUpscale: twice the size, flat regions keep their grey, an edge
// stays where it was (scaled).
func TestUpscale(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 40, 30))
	fill(g, g.Rect, 255)
	fill(g, image.Rect(20, 0, 40, 30), 0)
	u := Upscale(g, 2)
	if u.Rect.Dx() != 80 || u.Rect.Dy() != 60 {
		t.Fatalf("size %v", u.Rect)
	}
	if u.GrayAt(10, 30).Y != 255 || u.GrayAt(70, 30).Y != 0 {
		t.Errorf("flat regions: %d, %d", u.GrayAt(10, 30).Y, u.GrayAt(70, 30).Y)
	}
	if u.GrayAt(38, 30).Y < 200 || u.GrayAt(41, 30).Y > 55 {
		t.Errorf("edge moved: %d at x=38, %d at x=41", u.GrayAt(38, 30).Y, u.GrayAt(41, 30).Y)
	}
}

// TestGrayDropRed: a colour picture's seal is paper, its print black,
// and its transparent background white (not black).
func TestGrayDropRed(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 4, 1))
	img.Set(0, 0, color.NRGBA{220, 40, 40, 255})
	img.Set(1, 0, color.NRGBA{0, 0, 0, 255})
	img.Set(2, 0, color.NRGBA{0, 0, 0, 0})
	img.Set(3, 0, color.NRGBA{128, 128, 128, 255})
	g := GrayDropRed(img)
	for i, want := range []uint8{220, 0, 255, 128} {
		if g.Pix[i] != want {
			t.Errorf("pixel %d: %d, want %d", i, g.Pix[i], want)
		}
	}
}

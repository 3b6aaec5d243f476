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
	if math.Abs(got-deg) > 0.1 {
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

// TestBlurry: a sharp page, turned a degree or softened a little, is not
// blurry; the same page out of focus (four 3×3 box blurs: its print's
// edges are perfectly sharp, a scan's are not) is.
func TestBlurry(t *testing.T) {
	img := ruledPage(800, 600)
	blur := func(g *image.Gray) *image.Gray {
		out := image.NewGray(g.Rect)
		for y := 0; y < g.Rect.Dy(); y++ {
			for x := 0; x < g.Rect.Dx(); x++ {
				s, n := 0, 0
				for dy := -1; dy <= 1; dy++ {
					for dx := -1; dx <= 1; dx++ {
						if p := image.Pt(x+dx, y+dy); p.In(g.Rect) {
							s += int(g.GrayAt(p.X, p.Y).Y)
							n++
						}
					}
				}
				out.Pix[y*out.Stride+x] = uint8(s / n)
			}
		}
		return out
	}
	if Blurry(img) || Blurry(Rotate(img, 1)) || Blurry(blur(img)) {
		t.Error("a sharp page (turned 1°, or softened by one 3×3 box as a resampled scan is) taken as blurry")
	}
	if !Blurry(blur(blur(blur(blur(img))))) {
		t.Error("a blurred page taken as sharp")
	}
}

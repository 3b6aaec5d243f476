package ocr

import (
	"bytes"
	"context"
	"image"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
)

// TestBMPRoundTrip: a page written as BMP for Tesseract reads back the
// same, whatever its width's padding to four bytes.
func TestBMPRoundTrip(t *testing.T) {
	for _, w := range []int{1, 2, 3, 4, 5, 7} {
		g := image.NewGray(image.Rect(0, 0, w, 3))
		for i := range g.Pix {
			g.Pix[i] = byte(i * 37)
		}
		var b bytes.Buffer
		if err := EncodeBMP(&b, g); err != nil {
			t.Fatal(err)
		}
		if want := bmpHeader + (w+3)/4*4*3; b.Len() != want {
			t.Errorf("width %d: %d bytes, want %d", w, b.Len(), want)
		}
		back, err := DecodeBMP(b.Bytes())
		if err != nil || !bytes.Equal(back.Pix, g.Pix) || back.Rect != g.Rect {
			t.Errorf("width %d: decoded %v %v, want %v", w, back, err, g.Pix)
		}
	}
	for _, bad := range [][]byte{nil, []byte("BM"), append([]byte("P5"), make([]byte, bmpHeader)...)} {
		if _, err := DecodeBMP(bad); err == nil {
			t.Errorf("DecodeBMP(%q…) accepted", bad[:min(len(bad), 4)])
		}
	}
}

// TestParseTSVPages: a run over a list of images numbers its pages 1, 2 …
// in the page_num column; each image's words get its own page number.
func TestParseTSVPages(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t100\t50\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t10\t10\t20\t10\t91.5\t95\n" +
		"1\t2\t0\t0\t0\t0\t0\t0\t200\t80\t-1\t\n" +
		"5\t2\t1\t1\t1\t1\t30\t20\t20\t10\t88\t自然人\n" +
		"5\t2\t1\t1\t2\t1\t30\t40\t20\t10\t70\t0\n"
	got, err := parseTSV(bytes.NewBufferString(tsv), []int{4, 7})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || len(got[0]) != 1 || len(got[1]) != 2 {
		t.Fatalf("words by page %v", got)
	}
	for _, c := range []struct {
		w        Word
		page, pw int
		text     string
	}{
		{got[0][0], 4, 100, "95"},
		{got[1][0], 7, 200, "自然人"},
	} {
		if c.w.Page != c.page || c.w.PageWidth != c.pw || c.w.Text != c.text {
			t.Errorf("word %+v: want page %d, width %d, %q", c.w, c.page, c.pw, c.text)
		}
	}
	if got[1][0].line == got[1][1].line {
		t.Errorf("two lines of page 7 read as one")
	}
	if _, err := parseTSV(bytes.NewBufferString(tsv), []int{4}); err == nil {
		t.Error("a page past the list accepted")
	}
}

// TestBatchSameWords: where Tesseract is installed, a page read from BMP
// gives the words it gives from PGM, and pages read under one Batch (one
// Tesseract run) the words each gives alone — the speed-up changes no
// reading.
func TestBatchSameWords(t *testing.T) {
	if !Available() {
		t.Skip("tesseract with chi_sim not installed")
	}
	dir := t.TempDir()
	cmd := func(ctx context.Context, bin string, args ...string) *exec.Cmd {
		return exec.CommandContext(ctx, bin, args...)
	}
	pages := []*image.Gray{
		Gray(latticeImage(t, "lattice_text.png")),
		Gray(latticeImage(t, "lattice_t3.png")),
		Gray(latticeImage(t, "lattice_t4.png")),
	}
	write := func(name string, enc func(*os.File, *image.Gray) error, g *image.Gray) string {
		p := filepath.Join(dir, name)
		f, err := os.Create(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := enc(f, g); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		return p
	}
	encPGM := func(f *os.File, g *image.Gray) error { return EncodePGM(f, g) }
	encBMP := func(f *os.File, g *image.Gray) error { return EncodeBMP(f, g) }
	ctx := context.Background()
	var alone [][]Word
	var bmps []string
	for i, g := range pages {
		pgm := write("p"+string(rune('0'+i))+".pgm", encPGM, g)
		bmp := write("p"+string(rune('0'+i))+".bmp", encBMP, g)
		a, err := Recognize(ctx, cmd, pgm, i+1)
		if err != nil {
			t.Fatal(err)
		}
		b, err := Recognize(ctx, cmd, bmp, i+1)
		if err != nil {
			t.Fatal(err)
		}
		if len(a) == 0 || !slices.Equal(a, b) {
			t.Errorf("page %d: PGM read %d words, BMP %d, or not the same", i+1, len(a), len(b))
		}
		alone = append(alone, a)
		bmps = append(bmps, bmp)
	}
	list, err := RecognizePages(ctx, cmd, bmps, []int{1, 2, 3})
	if err != nil {
		t.Fatal(err)
	}
	for i := range pages {
		if !slices.Equal(list[i], alone[i]) {
			t.Errorf("page %d: %d words in one run, %d alone, or not the same", i+1, len(list[i]), len(alone[i]))
		}
	}
	// The same through a Batch: three readers side by side, one of them
	// done without asking, the others' runs joined.
	var runs int
	var mu sync.Mutex
	counting := func(ctx context.Context, bin string, args ...string) *exec.Cmd {
		mu.Lock()
		runs++
		mu.Unlock()
		return cmd(ctx, bin, args...)
	}
	b := NewBatch([]int{1, 2, 3, 9})
	bctx := WithBatch(ctx, b)
	got := make([][]Word, len(pages))
	errs := make([]error, len(pages))
	var wg sync.WaitGroup
	for i := range pages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer b.Done(i + 1)
			got[i], errs[i] = tesseract(bctx, counting, "test", bmps[i], i+1, "-l", "chi_sim", "--psm", PSM)
		}()
	}
	b.Done(9)
	wg.Wait()
	for i := range pages {
		if errs[i] != nil || !slices.Equal(got[i], alone[i]) {
			t.Errorf("page %d under a batch: %d words, %v; alone %d", i+1, len(got[i]), errs[i], len(alone[i]))
		}
	}
	if runs != 1 {
		t.Errorf("%d Tesseract runs for a batch of three pages, want 1", runs)
	}
}

// Package ocr reads the words of a scanned page: it erases a table's ruling
// lines from the page image (Tesseract reads a ruled table as noise —
// "|0|ololololo" — while the same table without its lines reads as rows of
// numbers), runs Tesseract for word boxes and confidences, and lays the
// words out as text lines the way pdftotext -layout does, so the report
// parser reads a scan with the same passes and rules as a born-digital PDF.
//
// Nothing here guesses a number: a word keeps its confidence and its box,
// and the caller turns a cell read from an uncertain word into an unread
// cell with a finding.
package ocr

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Word is one word Tesseract recognised, with its box on the page image
// (pixels) and its confidence (0–100).
type Word struct {
	Page                     int
	Left, Top, Width, Height int
	// PageWidth and PageHeight are the page image's size in pixels (the
	// box's frame: the source viewer draws it over the page as a share
	// of them).
	PageWidth, PageHeight int
	Conf                  float64
	Text                  string
	// Fixed is the text before a digit confusion was corrected (O→0,
	// l→1 …), empty when Text is as recognised.
	Fixed string
	line  int // Tesseract's block/paragraph/line, for grouping
	// missing says why a table-3 cell could not be read from its column
	// (Columns): the word stands in for the cell, "0" with no confidence,
	// so the row keeps its width; Mark reads it only where the rules fix it.
	missing string
	// disputed: two readings of the cell disagree (the page's and the
	// digits-only one of a lattice cell, ReadLattices); Mark keeps it only
	// where two sums check it.
	disputed bool
}

// Missing tells why the word stands in for a cell no word was read for,
// or "" for a word Tesseract recognised.
func (w Word) Missing() string { return w.missing }

// Commander builds the bounded command that runs a reader of untrusted
// input (document.BoundedCommand under the OCR limits).
type Commander func(ctx context.Context, bin string, args ...string) *exec.Cmd

// ErrNoTesseract tells that Tesseract or its Simplified Chinese data is
// not installed.
var ErrNoTesseract = errors.New("找不到 Tesseract 文字识别程序或其简体中文数据：请安装 tesseract-ocr 和 tesseract-ocr-chi-sim（scripts/setup.sh 会安装）")

// Available tells whether tesseract with chi_sim can run here.
func Available() bool {
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		return false
	}
	out, err := exec.Command(bin, "--list-langs").CombinedOutput()
	return err == nil && bytes.Contains(out, []byte("chi_sim"))
}

// PSM is the page segmentation mode: 6, one uniform block of text, keeps
// a table's rows whole once the lines are erased (docs/benchmarks.md
// compares 4 and 11).
const PSM = "6"

// Recognize runs Tesseract on one page image (a file Tesseract reads:
// PNG, JPEG, TIFF, PGM) and returns its words; page numbers them. The
// options are Tesseract's ("-c", "thresholding_method=2").
func Recognize(ctx context.Context, cmd Commander, image string, page int, options ...string) ([]Word, error) {
	return tesseract(ctx, cmd, "tesseract", image, page, append([]string{"-l", "chi_sim", "--psm", PSM}, options...)...)
}

// RecognizePages is Recognize for several page images with one Tesseract
// run: each run loads its models again (0.1 s of CPU for chi_sim, a
// tenth of a page's reading), so a document's pages are read in one
// (docs/benchmarks.md, "Speed, third pass"). words[i] are the words of
// images[i], numbered pages[i]; a page is read exactly as on its own.
func RecognizePages(ctx context.Context, cmd Commander, images []string, pages []int, options ...string) ([][]Word, error) {
	return tesseractPages(ctx, cmd, "tesseract", images, pages, append([]string{"-l", "chi_sim", "--psm", PSM}, options...)...)
}

// tesseract runs Tesseract on image with args and reads its TSV; what
// names the run in an error. Every run of the package goes through here
// (or tesseractPages); under a Batch (WithBatch) the run is made with
// those of the batch's other pages.
func tesseract(ctx context.Context, cmd Commander, what, image string, page int, args ...string) ([]Word, error) {
	if b, ok := ctx.Value(batchKey{}).(*Batch); ok {
		if words, ok, err := b.ask(ctx, cmd, what, image, page, args); ok {
			return words, err
		}
	}
	out, err := tesseractPages(ctx, cmd, what, []string{image}, []int{page}, args...)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// tesseractPages runs Tesseract once on the images with args and reads
// its TSV, the words of images[i] numbered pages[i]. Several images go as
// a list file, which Tesseract reads one page after another.
func tesseractPages(ctx context.Context, cmd Commander, what string, images []string, pages []int, args ...string) ([][]Word, error) {
	bin, err := exec.LookPath("tesseract")
	if err != nil {
		return nil, ErrNoTesseract
	}
	input := images[0]
	if len(images) > 1 {
		// Tesseract takes a file it cannot read as an image for a list
		// of images, one a line.
		input = strings.TrimSuffix(images[0], filepath.Ext(images[0])) + "-list.txt"
		if err := os.WriteFile(input, []byte(strings.Join(images, "\n")+"\n"), 0o600); err != nil {
			return nil, err
		}
		defer os.Remove(input)
	}
	c := cmd(ctx, bin, append(append([]string{input, "-"}, args...), "tsv")...)
	// Tesseract threads its recognisers; one thread per page keeps a
	// server's cores for its other requests and the result deterministic.
	c.Env = append(c.Environ(), "OMP_THREAD_LIMIT=1")
	var stdout, stderr bytes.Buffer
	c.Stdout, c.Stderr = &stdout, &stderr
	if err := c.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%s: %v: %s", what, err, strings.TrimSpace(stderr.String()))
	}
	return parseTSV(&stdout, pages)
}

// ParseTSV reads Tesseract's TSV output: the words (level 5) with their
// boxes and confidences. Words of blank text are dropped.
func ParseTSV(r *bytes.Buffer, page int) ([]Word, error) {
	out, err := parseTSV(r, []int{page})
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// parseTSV reads the TSV of a run over len(pages) images: Tesseract
// numbers them 1, 2 … in its page_num column; their words are numbered
// pages[i] here.
func parseTSV(r *bytes.Buffer, pages []int) ([][]Word, error) {
	out := make([][]Word, len(pages))
	pw, ph := 0, 0
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	first := true
	for sc.Scan() {
		f := strings.Split(sc.Text(), "\t")
		if first {
			first = false
			if len(f) < 12 || f[0] != "level" {
				return nil, fmt.Errorf("tesseract TSV: unexpected header %q", sc.Text())
			}
			continue
		}
		if len(f) >= 12 && f[0] == "1" {
			// The page: its box is the image.
			pw, _ = strconv.Atoi(f[8])
			ph, _ = strconv.Atoi(f[9])
			continue
		}
		if len(f) < 12 || f[0] != "5" {
			continue
		}
		text := strings.TrimSpace(f[11])
		if text == "" {
			continue
		}
		var n [10]int
		for i := 1; i <= 9; i++ {
			v, err := strconv.Atoi(f[i])
			if err != nil {
				return nil, fmt.Errorf("tesseract TSV: field %d %q: %w", i+1, f[i], err)
			}
			n[i] = v
		}
		if n[1] < 1 || n[1] > len(pages) {
			return nil, fmt.Errorf("tesseract TSV: page %d of %d", n[1], len(pages))
		}
		conf, err := strconv.ParseFloat(f[10], 64)
		if err != nil {
			return nil, fmt.Errorf("tesseract TSV: confidence %q: %w", f[10], err)
		}
		k := n[1] - 1
		out[k] = append(out[k], Word{
			Page: pages[k], Left: n[6], Top: n[7], Width: n[8], Height: n[9],
			Conf: conf, Text: text, PageWidth: pw, PageHeight: ph,
			line: n[2]<<20 | n[3]<<10 | n[4],
		})
	}
	return out, sc.Err()
}

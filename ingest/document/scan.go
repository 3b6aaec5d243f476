package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	_ "image/jpeg" // registers JPEG with image.Decode
	_ "image/png"  // registers PNG with image.Decode
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	"nianbao/ingest/ocr"
)

// FormatImage is a report uploaded as a picture (.png, .jpg).
const FormatImage = "image"

// OCRDPI is the resolution scanned PDF pages are rendered at for
// Tesseract: docs/benchmarks.md ("OCR (issue 24)") gives the cells read
// exactly at 150, 200 and 300 DPI.
const OCRDPI = 200

// noTextLayer is a PDF without a text layer that OCR could not read
// either: errors.Is(err, ErrNoTextLayer) holds, with its own sentence.
type noTextLayer struct{ msg string }

func (e noTextLayer) Error() string { return e.msg }
func (e noTextLayer) Unwrap() error { return ErrNoTextLayer }

var (
	// ErrOCRUnavailable is a scan met where Tesseract is not installed.
	ErrOCRUnavailable error = noTextLayer{"PDF 没有文字层（多为扫描图片），而本机未安装 Tesseract 文字识别（tesseract-ocr、tesseract-ocr-chi-sim，scripts/setup.sh 会安装）；也可先用 ocrmypdf --language chi_sim 做文字识别再导入"}
	// ErrOCREmpty is a PDF whose pages OCR found no text on.
	ErrOCREmpty error = noTextLayer{"PDF 没有文字层，对页面图像做文字识别（OCR）也没有读出文字：请确认文件是否为空白页或图片过于模糊，可重新扫描（建议 300 DPI）后再导入"}
)

// ErrImageUnreadable is a picture that cannot be decoded.
var ErrImageUnreadable = errors.New("图片无法解码（支持 PNG 和 JPEG），请重新导出或扫描后再试")

var (
	magicPNG  = []byte("\x89PNG\r\n\x1a\n")
	magicJPEG = []byte{0xFF, 0xD8, 0xFF}
)

// isImage tells a picture by its magic bytes or, failing that, extension.
func isImage(data []byte, ext string) bool {
	return bytes.HasPrefix(data, magicPNG) || bytes.HasPrefix(data, magicJPEG) ||
		ext == ".png" || ext == ".jpg" || ext == ".jpeg"
}

// ocrCommand is BoundedCommand under the OCR limits.
func ocrCommander(lim Limits) ocr.Commander {
	return func(ctx context.Context, bin string, args ...string) *exec.Cmd {
		return BoundedCommand(ctx, bin, lim.OCRMemory, lim.OCRTimeout, args...)
	}
}

// readImage reads a report uploaded as one picture: its size is checked
// from the header before a pixel is decoded (a decompression bomb is
// refused at image_pixels), then it is read like a scanned page. The
// resolution is taken as that of an A4 page as wide as the picture.
func readImage(rc *readCtx, data []byte) (*Document, error) {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrImageUnreadable, err)
	}
	if err := checkPixels(rc.lim, cfg.Width, cfg.Height, "图片"); err != nil {
		return nil, err
	}
	if !ocr.Available() {
		return nil, ocr.ErrNoTesseract
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrImageUnreadable, err)
	}
	dir, err := os.MkdirTemp("", TempPrefix+"ocr-*")
	if err != nil {
		return nil, fmt.Errorf("ocr temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(rc.ctx, rc.lim.OCRTimeout)
	defer cancel()
	dpi := max(int(float64(cfg.Width)/8.27+0.5), 72)
	lines, frames, err := ocrPages(ctx, rc.lim, dir, []scanPage{{n: 1, dpi: dpi, load: func() (image.Image, error) { return img, nil }}})
	if err != nil {
		return nil, ocrErr(rc, ctx, err)
	}
	return ocrDocument(FormatImage, lines[0], frames), nil
}

// readScannedPDF reads a PDF without a text layer: pdftoppm renders at
// most ocr_pages pages at OCRDPI as PPMs (no compression to pay), and
// the pages are read by ocrPages; the whole under ocr_timeout.
func readScannedPDF(rc *readCtx, pdf string) (*Document, error) {
	if !ocr.Available() {
		return nil, ErrOCRUnavailable
	}
	bin, err := exec.LookPath("pdftoppm")
	if err != nil {
		return nil, ErrNoPdftotext
	}
	dir, err := os.MkdirTemp("", TempPrefix+"ocr-*")
	if err != nil {
		return nil, fmt.Errorf("ocr temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(rc.ctx, rc.lim.OCRTimeout)
	defer cancel()
	// A page of a huge MediaBox would render to gigapixels: the crop
	// (-W/-H) bounds what is rendered to 12 × 17 inches (A3 and a margin)
	// at OCRDPI without scaling the page. The page is rendered in colour
	// (PPM): a red seal over table 3 drops out through the red channel
	// (ocr.DecodePPMRed), and a grey page costs the same to render either
	// way (docs/benchmarks.md).
	var stderr bytes.Buffer
	cmd := BoundedCommand(ctx, bin, rc.lim.OCRMemory, rc.lim.OCRTimeout,
		"-r", strconv.Itoa(OCRDPI), "-x", "0", "-y", "0", "-W", strconv.Itoa(OCRDPI*12), "-H", strconv.Itoa(OCRDPI*17),
		"-l", strconv.FormatInt(rc.lim.OCRPages, 10), pdf, filepath.Join(dir, "p"))
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, ocrErr(rc, ctx, ctx.Err())
		}
		return nil, fmt.Errorf("pdftoppm: %v: %s: %w", err, strings.TrimSpace(stderr.String()), ErrPDFFailed)
	}
	pages, err := filepath.Glob(filepath.Join(dir, "p-*.ppm"))
	if err != nil {
		return nil, err
	}
	// p-1.ppm … p-10.ppm sort as numbers, not as text.
	slices.SortFunc(pages, func(a, b string) int { return pageOf(a) - pageOf(b) })
	sps := make([]scanPage, len(pages))
	for i, p := range pages {
		sps[i] = scanPage{n: pageOf(p), dpi: OCRDPI, load: func() (image.Image, error) {
			f, err := os.ReadFile(p)
			if err != nil {
				return nil, err
			}
			w, h, err := ocr.PGMSize(f)
			if err != nil {
				return nil, fmt.Errorf("pdftoppm page %s: %w", filepath.Base(p), err)
			}
			if err := checkPixels(rc.lim, w, h, fmt.Sprintf("第 %d 页", pageOf(p))); err != nil {
				return nil, err
			}
			img, err := ocr.DecodePPMRed(f)
			if err != nil {
				return nil, fmt.Errorf("pdftoppm page %s: %w", filepath.Base(p), err)
			}
			// The rendered page is read once: its file goes now, so the
			// pages on disk do not outlast their turn.
			os.Remove(p)
			return img, nil
		}}
	}
	byPage, frames, err := ocrPages(ctx, rc.lim, dir, sps)
	if err != nil {
		return nil, ocrErr(rc, ctx, err)
	}
	var lines []ocr.Line
	for _, pl := range byPage {
		lines = append(lines, pl...)
	}
	if len(lines) == 0 {
		return nil, ErrOCREmpty
	}
	return ocrDocument(FormatPDF, lines, frames), nil
}

func pageOf(path string) int {
	b := strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	n, _ := strconv.Atoi(b[strings.LastIndexByte(b, '-')+1:])
	return n
}

// frame is how a page image was turned before Tesseract read it: by
// angle degrees (Deskew), a page of w×h pixels. Word boxes are mapped
// back through it, so the source viewer draws a box on the digits of the
// page as it was scanned, not as straightened (a few pixels off on a
// crooked scan).
type frame struct {
	angle float64
	w, h  int
}

// toOriginal maps the boxes of the lines' words from the page Tesseract
// read to the page image as given (frames by page).
func toOriginal(lines []ocr.Line, frames map[int]frame) {
	for _, l := range lines {
		for i := range l.Words {
			w := &l.Words[i].Word
			f, ok := frames[w.Page]
			if !ok || f.angle == 0 {
				continue
			}
			r := ocr.Unrotate(image.Rect(w.Left, w.Top, w.Left+w.Width, w.Top+w.Height), f.angle, f.w, f.h)
			w.Left, w.Top, w.Width, w.Height = r.Min.X, r.Min.Y, r.Dx(), r.Dy()
		}
	}
}

// scanPage is one page image to read by OCR: page n, at dpi, its image
// given by load when its turn comes.
type scanPage struct {
	n, dpi int
	load   func() (image.Image, error)
}

// errPassOver is a page's load telling that it is no page to read (a
// picture of a Word file Go cannot decode): it has no lines, the others
// are read.
var errPassOver = errors.New("ocr: page passed over")

// preparedPage is a page made ready for Tesseract: its image, straightened
// and with its rules erased, is the BMP file name (not kept in memory: a
// document's pages are read in one Tesseract run after all are ready).
type preparedPage struct {
	n, dpi int
	fr     frame
	lats   []ocr.Lattice
	name   string
	opts   []string
	words  []ocr.Word
}

// batchPixels bounds the pixels of the pages whose digits are read
// together (ReadLattices side by side under one ocr.Batch): each holds
// its page image in memory meanwhile, about twelve A4 pages at 200 DPI.
const batchPixels = 48_000_000

// ocrPages reads page images by OCR and returns each page's lines (in
// the order of pages, nil for a page passed over) and its frame. Each
// page is straightened, its ruled tables found and its rules erased in
// turn (ocrPrepare); then all pages are read by one Tesseract run per
// set of options, and the digits of their ruled tables by one more
// (ocr.Batch): a run per page loaded the model again for each
// (docs/benchmarks.md, "Speed, third pass"). The words' boxes are on
// the pages as read; the frames map them back (toOriginal).
func ocrPages(ctx context.Context, lim Limits, dir string, pages []scanPage) ([][]ocr.Line, map[int]frame, error) {
	frames := map[int]frame{}
	var ready []*preparedPage
	at := map[*preparedPage]int{} // index into pages
	for i, sp := range pages {
		if err := ctx.Err(); err != nil {
			return nil, nil, err // over ocr_timeout before Tesseract ran
		}
		img, err := sp.load()
		if errors.Is(err, errPassOver) {
			continue
		}
		if err != nil {
			return nil, nil, err
		}
		pp, err := ocrPrepare(dir, img, sp.dpi, sp.n)
		if err != nil {
			return nil, nil, err
		}
		frames[sp.n] = pp.fr
		at[pp] = i
		ready = append(ready, pp)
	}
	cmd := ocrCommander(lim)
	// One run per set of options (a blurred page is thresholded
	// otherwise), the pages of each in order.
	for _, g := range ocr.ByOptions(ready, func(pp *preparedPage) []string { return pp.opts }) {
		names, ns := make([]string, len(g)), make([]int, len(g))
		for i, pp := range g {
			names[i], ns[i] = pp.name, pp.n
		}
		words, err := ocr.RecognizePages(ctx, cmd, names, ns, g[0].opts...)
		if err != nil {
			return nil, nil, err
		}
		for i, pp := range g {
			pp.words = words[i]
		}
	}
	out := make([][]ocr.Line, len(pages))
	var tabled []*preparedPage
	for _, pp := range ready {
		if len(pp.lats) == 0 {
			out[at[pp]] = ocr.Layout(pp.words)
			continue
		}
		tabled = append(tabled, pp)
	}
	// The pages with ruled tables, a batch at a time, side by side: their
	// digit montages go to one Tesseract run.
	for len(tabled) > 0 {
		n, px := 0, 0
		for n < len(tabled) && (n == 0 || px+tabled[n].fr.w*tabled[n].fr.h <= batchPixels) {
			px += tabled[n].fr.w * tabled[n].fr.h
			n++
		}
		batch := tabled[:n]
		tabled = tabled[n:]
		ns := make([]int, len(batch))
		for i, pp := range batch {
			ns[i] = pp.n
		}
		b := ocr.NewBatch(ns)
		bctx := ocr.WithBatch(ctx, b)
		errs := make([]error, len(batch))
		var wg sync.WaitGroup
		for i, pp := range batch {
			wg.Add(1)
			go func() {
				defer wg.Done()
				defer b.Done(pp.n)
				clean, err := readPage(pp.name)
				if err != nil {
					errs[i] = err
					return
				}
				out[at[pp]], errs[i] = ocr.ReadLattices(bctx, cmd, dir, clean, pp.dpi, pp.lats, pp.words, pp.n)
			}()
		}
		wg.Wait()
		if err := errors.Join(errs...); err != nil {
			return nil, nil, err
		}
	}
	return out, frames, nil
}

// ocrPrepare straightens one page image, finds its ruled tables, erases
// its rules and writes it as BMP for Tesseract, with the options it is
// to be read with.
func ocrPrepare(dir string, img image.Image, dpi, page int) (*preparedPage, error) {
	pp := &preparedPage{n: page, dpi: dpi, fr: frame{w: img.Bounds().Dx(), h: img.Bounds().Dy()}}
	// A red seal as paper, then even light, then straight: a crooked
	// rule is not erased, a crooked row not read as one line.
	straight, angle := ocr.Deskew(ocr.Flatten(ocr.GrayDropRed(img)))
	// The ruled tables are found before their rules are erased, on the
	// page levelled by its rules where Deskew left them crooked. Both
	// turn about the page's centre on the same canvas, so the angles add.
	straight, level := ocr.Straighten(straight, dpi)
	pp.fr.angle = angle + level
	pp.lats = ocr.FindLattices(straight, dpi)
	// An out-of-focus page is thresholded by Sauvola's local rule, over a
	// window Tesseract sizes by the page's resolution (so it is told it):
	// Otsu's one threshold for the page loses a blurred digit's strokes
	// (docs/benchmarks.md, "Degradations and speed").
	if ocr.Blurry(straight) {
		pp.opts = []string{"--dpi", strconv.Itoa(dpi), "-c", "thresholding_method=2"}
	}
	clean := ocr.EraseRules(straight, dpi)
	pp.name = filepath.Join(dir, fmt.Sprintf("clean-%d.bmp", page))
	f, err := os.Create(pp.name)
	if err != nil {
		return nil, err
	}
	if err := ocr.EncodeBMP(f, clean); err != nil {
		f.Close()
		return nil, err
	}
	return pp, f.Close()
}

// readPage reads back a page ocrPrepare wrote.
func readPage(name string) (*image.Gray, error) {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil, err
	}
	return ocr.DecodeBMP(data)
}

// ocrErr names the OCR limit a deadline came from.
func ocrErr(rc *readCtx, ctx context.Context, err error) error {
	if rc.ctx.Err() != nil {
		return rc.ctx.Err()
	}
	if ctx.Err() != nil {
		return over(rc.lim, "ocr_timeout", "")
	}
	return err
}

// checkPixels refuses a page or picture larger than image_pixels before
// it is decoded.
func checkPixels(lim Limits, w, h int, where string) error {
	if w <= 0 || h <= 0 || int64(w)*int64(h) > lim.ImagePixels {
		return over(lim, "image_pixels", fmt.Sprintf("%s（%d×%d 像素）", where, w, h))
	}
	return nil
}

// ocrDocument turns laid-out lines into a Document read by OCR: OCR[i]
// holds the words of line i+1 with their boxes and confidences.
func ocrDocument(format string, lines []ocr.Line, frames map[int]frame) *Document {
	// Table 3's rows placed by their words' columns (a missed or doubled
	// zero costs one cell, not the row), on the page as read; then the
	// boxes go back to the page as given.
	lines = ocr.Columns(lines)
	toOriginal(lines, frames)
	var b builder
	var words [][]ocr.Placed
	page := 0
	for _, l := range lines {
		if l.Page != page && page != 0 {
			b.add("", Origin{Page: l.Page})
			words = append(words, nil)
		}
		page = l.Page
		b.add(strings.TrimRight(l.Text, " "), Origin{Page: l.Page})
		words = append(words, l.Words)
	}
	return &Document{Format: format, Text: b.text(), Origins: b.origins, OCR: words}
}

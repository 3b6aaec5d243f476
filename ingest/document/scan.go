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
	lines, fr, err := ocrPage(ctx, rc.lim, dir, img, dpi, 1)
	if err != nil {
		return nil, ocrErr(rc, ctx, err)
	}
	return ocrDocument(FormatImage, lines, map[int]frame{1: fr}), nil
}

// readScannedPDF reads a PDF without a text layer: pdftoppm renders at
// most ocr_pages pages at OCRDPI as PPMs (no compression to pay), and
// each page is read by ocrPage; the whole under ocr_timeout.
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
	var lines []ocr.Line
	frames := map[int]frame{}
	for _, p := range pages {
		f, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		w, h, err := ocr.PGMSize(f)
		if err != nil {
			return nil, fmt.Errorf("pdftoppm page %s: %w", filepath.Base(p), err)
		}
		n := pageOf(p)
		if err := checkPixels(rc.lim, w, h, fmt.Sprintf("第 %d 页", n)); err != nil {
			return nil, err
		}
		img, err := ocr.DecodePPMRed(f)
		if err != nil {
			return nil, fmt.Errorf("pdftoppm page %s: %w", filepath.Base(p), err)
		}
		pl, fr, err := ocrPage(ctx, rc.lim, dir, img, OCRDPI, n)
		if err != nil {
			return nil, ocrErr(rc, ctx, err)
		}
		frames[n] = fr
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

// ocrPage straightens one page image, erases its ruling lines and reads its words;
// the page goes to Tesseract as PGM. The words' boxes are on the page
// as read; the frame maps them back (toOriginal).
func ocrPage(ctx context.Context, lim Limits, dir string, img image.Image, dpi, page int) ([]ocr.Line, frame, error) {
	fr := frame{w: img.Bounds().Dx(), h: img.Bounds().Dy()}
	// A red seal as paper, then even light, then straight: a crooked
	// rule is not erased, a crooked row not read as one line.
	straight, angle := ocr.Deskew(ocr.Flatten(ocr.GrayDropRed(img)))
	// The ruled tables are found before their rules are erased, on the
	// page levelled by its rules where Deskew left them crooked. Both
	// turn about the page's centre on the same canvas, so the angles add.
	straight, level := ocr.Straighten(straight, dpi)
	fr.angle = angle + level
	lats := ocr.FindLattices(straight, dpi)
	clean := ocr.EraseRules(straight, dpi)
	name := filepath.Join(dir, fmt.Sprintf("clean-%d.pgm", page))
	f, err := os.Create(name)
	if err != nil {
		return nil, fr, err
	}
	if err := ocr.EncodePGM(f, clean); err != nil {
		f.Close()
		return nil, fr, err
	}
	if err := f.Close(); err != nil {
		return nil, fr, err
	}
	// An out-of-focus page is thresholded by Sauvola's local rule, over a
	// window Tesseract sizes by the page's resolution (so it is told it):
	// Otsu's one threshold for the page loses a blurred digit's strokes
	// (docs/benchmarks.md, "Degradations and speed").
	var opts []string
	if ocr.Blurry(straight) {
		opts = []string{"--dpi", strconv.Itoa(dpi), "-c", "thresholding_method=2"}
	}
	words, err := ocr.Recognize(ctx, ocrCommander(lim), name, page, opts...)
	if err != nil {
		return nil, fr, err
	}
	if len(lats) > 0 {
		lines, err := ocr.ReadLattices(ctx, ocrCommander(lim), dir, clean, dpi, lats, words, page)
		return lines, fr, err
	}
	return ocr.Layout(words), fr, nil
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

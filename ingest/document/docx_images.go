package document

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"os"
	"path"
	"strings"

	"nianbao/ingest/ocr"
)

// A Word file may carry its tables as pictures: an office pastes a
// screenshot of the spreadsheet, or a scan, where the table should be
// (issue 24). Such a file has no w:tbl and its text never prints the
// table's header (自然人); its pictures are then read by OCR in the place
// they stand in the text, so the parser finds each table under its
// heading as it would a typed one.

// docxImage is a picture of the body, by the relationship id of its
// blip (DrawingML) or imagedata (VML); its lines go before line of the
// builder (after the text of its own paragraph).
type docxImage struct {
	rid  string
	line int
}

// imageRefs finds the pictures of a paragraph, in order.
func imageRefs(p *xnode) []string {
	var out []string
	var walk func(*xnode)
	walk = func(n *xnode) {
		for _, c := range n.children {
			switch {
			case c.name == "blip" && c.attr("embed") != "":
				out = append(out, c.attr("embed"))
			case c.name == "imagedata" && c.attr("id") != "":
				out = append(out, c.attr("id"))
			case c.name == "Fallback":
				// The same picture again for old readers.
			default:
				walk(c)
			}
		}
	}
	walk(p)
	return out
}

// picturesOnly tells whether a Word file's tables are pictures: no table
// was read, its text lacks table 3's header, and it has pictures.
func (r *docxReader) picturesOnly() bool {
	return r.tables == 0 && len(r.images) > 0 && !strings.Contains(strings.ReplaceAll(r.b.text(), " ", ""), "自然人")
}

// ocrImages reads the pictures of a Word file by OCR and returns the
// document: each picture's lines where the picture stands, OCR[i] the
// words of line i+1 (none for typed lines). Pictures count against
// ocr_pages, each is checked against image_pixels before it is decoded,
// and the whole OCR runs under ocr_timeout.
func (r *docxReader) ocrImages(rc *readCtx, zr *zip.Reader) (*Document, error) {
	if !ocr.Available() {
		return nil, fmt.Errorf("这份 Word 文件中的表格是图片，需要文字识别：%w", ocr.ErrNoTesseract)
	}
	targets, err := docxRels(zr, rc.lim)
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", TempPrefix+"ocr-*")
	if err != nil {
		return nil, fmt.Errorf("ocr temp dir: %w", err)
	}
	defer os.RemoveAll(dir)
	ctx, cancel := context.WithTimeout(rc.ctx, rc.lim.OCRTimeout)
	defer cancel()
	var sps []scanPage
	var at []int // the builder line each page's lines go before
	for i, pic := range r.pictures(targets) {
		n := i + 1
		if int64(n) > rc.lim.OCRPages {
			return nil, over(rc.lim, "ocr_pages", "Word 文件中的图片")
		}
		data, err := zipMember(zr, pic.member)
		if err != nil {
			return nil, err
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
		if err != nil {
			continue // a picture Go cannot decode (EMF, WMF): no table of ours
		}
		if err := checkPixels(rc.lim, cfg.Width, cfg.Height, fmt.Sprintf("Word 文件中的第 %d 张图片", n)); err != nil {
			return nil, err
		}
		// A picture has no resolution of its own that can be trusted: a
		// table pasted into a page is about 6.5 inches wide.
		dpi := min(max(cfg.Width*10/65, 72), 600)
		sps = append(sps, scanPage{n: n, dpi: dpi, load: func() (image.Image, error) {
			img, _, err := image.Decode(bytes.NewReader(data))
			if err != nil {
				return nil, errPassOver // as a picture Go cannot decode the header of
			}
			return img, nil
		}})
		at = append(at, pic.line)
	}
	pages, frames, err := ocrPages(ctx, rc.lim, dir, sps)
	if err != nil {
		return nil, ocrErr(rc, ctx, err)
	}
	byLine := map[int][]ocr.Line{}
	var all []ocr.Line
	for i, lines := range pages {
		byLine[at[i]] = append(byLine[at[i]], lines...)
		all = append(all, lines...)
	}
	if len(all) == 0 {
		return nil, nil
	}
	// The rows of table 3 by their columns, across all pictures (a table
	// may go on in the next picture), then put back in place.
	all = ocr.Columns(all)
	toOriginal(all, frames)
	var b builder
	var words [][]ocr.Placed
	k := 0
	for i := 0; i <= len(r.b.lines); i++ {
		for range byLine[i] {
			l := all[k]
			k++
			b.add(strings.TrimRight(l.Text, " "), Origin{})
			words = append(words, l.Words)
		}
		if i < len(r.b.lines) {
			b.add(r.b.lines[i], r.b.origins[i])
			words = append(words, nil)
		}
	}
	return &Document{Format: FormatDOCX, Text: b.text(), Origins: b.origins, OCR: words}, nil
}

// docxPicture is a picture of the body that is in the package: its zip
// member and the builder line its lines go before.
type docxPicture struct {
	member string
	line   int
}

// pictures lists the body's pictures that are in the package, in order:
// picture n (from 1) is page n of the words read from them, and of
// DocxPicture.
func (r *docxReader) pictures(targets map[string]string) []docxPicture {
	var out []docxPicture
	for _, im := range r.images {
		if target, ok := targets[im.rid]; ok { // else a linked picture
			out = append(out, docxPicture{path.Join("word", target), im.line})
		}
	}
	return out
}

// ErrNoPicture is a picture number a Word file does not have.
var ErrNoPicture = errors.New("这份 Word 文件中没有这张图片")

// DocxPicture returns picture n (from 1) of a Word file as its cells read
// by OCR number it (their page): the page image the source viewer draws
// a cell's box on. Its size and the package's are bounded by
// DefaultLimits, as a read is.
func DocxPicture(data []byte, n int) ([]byte, error) {
	lim := DefaultLimits()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrCorruptZip, err)
	}
	if err := checkZipSizes(zr, lim); err != nil {
		return nil, err
	}
	doc, err := zipMember(zr, "word/document.xml")
	if err != nil {
		return nil, err
	}
	root, err := parseXML(bytes.NewReader(doc), lim)
	if err != nil {
		return nil, fmt.Errorf("word/document.xml: %w (%w)", err, ErrCorruptZip)
	}
	r := &docxReader{lim: lim}
	r.flow(root)
	targets, err := docxRels(zr, lim)
	if err != nil {
		return nil, err
	}
	pics := r.pictures(targets)
	if n < 1 || n > len(pics) {
		return nil, ErrNoPicture
	}
	return zipMember(zr, pics[n-1].member)
}

// docxRels maps the relationship ids of word/document.xml to their
// targets in the package (media/image1.png).
func docxRels(zr *zip.Reader, lim Limits) (map[string]string, error) {
	data, err := zipMember(zr, "word/_rels/document.xml.rels")
	if err != nil {
		return nil, err
	}
	root, err := parseXML(bytes.NewReader(data), lim)
	if err != nil {
		return nil, fmt.Errorf("word/_rels/document.xml.rels: %w (%w)", err, ErrCorruptZip)
	}
	out := map[string]string{}
	var walk func(*xnode)
	walk = func(n *xnode) {
		for _, c := range n.children {
			if c.name == "Relationship" && c.attr("TargetMode") != "External" {
				out[c.attr("Id")] = strings.TrimPrefix(c.attr("Target"), "/word/")
			}
			walk(c)
		}
	}
	walk(root)
	return out, nil
}

// zipMember reads one member of a package; its size was bounded by
// checkZipSizes.
func zipMember(zr *zip.Reader, name string) ([]byte, error) {
	f, err := zr.Open(path.Clean(name))
	if err != nil {
		return nil, fmt.Errorf("这份 Word 文件缺少 %s: %w", name, ErrCorruptZip)
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%w)", name, err, ErrCorruptZip)
	}
	return data, nil
}

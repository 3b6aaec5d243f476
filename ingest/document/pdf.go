package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// pdftotextTimeout bounds one pdftotext run; a report is a few pages.
const pdftotextTimeout = 2 * time.Minute

// readPDF runs poppler's pdftotext in layout mode. Pages are split at form
// feeds, and page-number lines next to a page break are dropped so they do
// not land inside a table.
func readPDF(data []byte) (*Document, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, ErrNoPdftotext
	}
	tmp, err := os.CreateTemp("", "nianbao-*.pdf")
	if err != nil {
		return nil, fmt.Errorf("pdf temp file: %w", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, fmt.Errorf("pdf temp file: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return nil, fmt.Errorf("pdf temp file: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), pdftotextTimeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, "-layout", "-enc", "UTF-8", tmp.Name(), "-")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		msg := strings.TrimSpace(stderr.String())
		var exit *exec.ExitError
		if errors.As(err, &exit) && strings.Contains(strings.ToLower(msg), "incorrect password") {
			return nil, fmt.Errorf("PDF 已加密，请先解除密码保护: pdftotext: %s", msg)
		}
		return nil, fmt.Errorf("pdftotext: %w: %s", err, msg)
	}
	doc := pdfText(stdout.String())
	if strings.TrimSpace(doc.Text) == "" {
		return nil, ErrNoTextLayer
	}
	return doc, nil
}

var (
	pageNumDecorated = regexp.MustCompile(`^[-－—–_\s]*(\d{1,4})[-－—–_\s]*$`)
	pageNumChinese   = regexp.MustCompile(`^第\s*(\d{1,4})\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?$`)
	pageNumOf        = regexp.MustCompile(`^(\d{1,4})\s*/\s*\d{1,4}$|^(?i:page)\s*(\d{1,4})(?:\s*(?i:of)\s*\d{1,4})?$`)
)

// isPageNumber tells whether a line alone next to a page break is the
// number of page p. A bare number must be close to p (a cover page may
// shift the numbering); decorated forms (- 3 -, 第3页, 3/5) are taken as
// they come.
func isPageNumber(line string, p int) bool {
	s := strings.TrimSpace(line)
	if s == "" {
		return false
	}
	if pageNumChinese.MatchString(s) || pageNumOf.MatchString(s) {
		return true
	}
	m := pageNumDecorated.FindStringSubmatch(s)
	if m == nil {
		return false
	}
	if s != m[1] {
		return true // decorated: "- 3 -", "—3—"
	}
	n, _ := strconv.Atoi(m[1])
	return n >= p-2 && n <= p+1
}

// pdfText turns pdftotext -layout output into a Document: right-trimmed
// lines, runs of blank lines collapsed, page numbers dropped.
func pdfText(out string) *Document {
	pages := strings.Split(out, "\f")
	if len(pages) > 1 && strings.TrimSpace(pages[len(pages)-1]) == "" {
		pages = pages[:len(pages)-1]
	}
	var b builder
	for i, page := range pages {
		p := i + 1
		lines := strings.Split(page, "\n")
		for j := range lines {
			lines[j] = strings.TrimRight(lines[j], " \t\r")
		}
		first, last := -1, -1
		for j, l := range lines {
			if strings.TrimSpace(l) != "" {
				if first < 0 {
					first = j
				}
				last = j
			}
		}
		if first < 0 {
			continue
		}
		if isPageNumber(lines[last], p) {
			lines[last] = ""
		} else if first != last && isPageNumber(lines[first], p) {
			lines[first] = ""
		}
		blank := true // drop blank lines at the top of a page
		for _, l := range lines {
			if strings.TrimSpace(l) == "" {
				if blank {
					continue
				}
				blank = true
				b.add("", Origin{Page: p})
				continue
			}
			blank = false
			b.add(l, Origin{Page: p})
		}
		for len(b.lines) > 0 && b.lines[len(b.lines)-1] == "" {
			b.lines = b.lines[:len(b.lines)-1]
			b.origins = b.origins[:len(b.origins)-1]
		}
	}
	return &Document{Format: FormatPDF, Text: b.text(), Origins: b.origins}
}

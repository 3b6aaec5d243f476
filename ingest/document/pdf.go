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
	"syscall"
	"time"
)

// TempPrefix starts the name of every temporary file the readers make, so
// that a server can remove, when it starts, those a killed parse left.
const TempPrefix = "nianbao-"

// readPDF runs poppler's pdftotext in layout mode. Pages are split at form
// feeds, and page-number lines next to a page break are dropped so they do
// not land inside a table.
//
// pdftotext reads at most PDFPages pages, under a deadline (PDFTimeout or
// ctx, whichever ends first), with its address space limited to PDFMemory
// and its CPU time to the deadline's seconds (prlimit(1)), in its own
// process group (killed whole when the deadline passes) and with a death
// signal, so it dies with the process that started it. Its output is held
// to TextBytes.
func readPDF(rc *readCtx, data []byte) (*Document, error) {
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		return nil, ErrNoPdftotext
	}
	tmp, err := os.CreateTemp("", TempPrefix+"*.pdf")
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
	ctx, cancel := context.WithTimeout(rc.ctx, rc.lim.PDFTimeout)
	defer cancel()
	stdout := &cappedBuffer{max: rc.lim.TextBytes}
	var stderr bytes.Buffer
	cmd := pdftotextCommand(ctx, bin, rc.lim, "-layout", "-enc", "UTF-8", "-l", strconv.FormatInt(rc.lim.PDFPages, 10), tmp.Name(), "-")
	cmd.Stdout, cmd.Stderr = stdout, &stderr
	err = cmd.Run()
	switch {
	case stdout.over:
		return nil, over(rc.lim, "text_bytes", "PDF 提取出")
	case ctx.Err() != nil && rc.ctx.Err() == nil:
		return nil, over(rc.lim, "pdf_timeout", "")
	case rc.ctx.Err() != nil:
		return nil, rc.ctx.Err()
	case err != nil:
		msg := strings.TrimSpace(stderr.String())
		if strings.Contains(strings.ToLower(msg), "incorrect password") {
			return nil, ErrEncrypted
		}
		var exit *exec.ExitError
		if errors.As(err, &exit) && exit.ProcessState != nil {
			if ws, ok := exit.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
				// Killed by the kernel at the CPU limit, or aborted when an
				// allocation failed at the memory limit.
				limit := "pdf_memory"
				if ws.Signal() == syscall.SIGXCPU {
					limit = "pdf_timeout"
				}
				return nil, fmt.Errorf("pdftotext %v: %s: %w", ws.Signal(), msg, over(rc.lim, limit, ""))
			}
		}
		if strings.Contains(msg, "std::bad_alloc") || strings.Contains(strings.ToLower(msg), "out of memory") {
			return nil, fmt.Errorf("pdftotext: %s: %w", msg, over(rc.lim, "pdf_memory", ""))
		}
		return nil, fmt.Errorf("pdftotext: %v: %s: %w", err, msg, ErrPDFFailed)
	}
	doc := pdfText(stdout.String())
	if strings.TrimSpace(doc.Text) == "" {
		// No text layer: a scan, read by OCR.
		return readScannedPDF(rc, tmp.Name())
	}
	return doc, nil
}

// pdftotextCommand builds the bounded pdftotext command (BoundedCommand
// under the PDF limits).
func pdftotextCommand(ctx context.Context, bin string, lim Limits, args ...string) *exec.Cmd {
	return BoundedCommand(ctx, bin, lim.PDFMemory, lim.PDFTimeout, args...)
}

// BoundedCommand builds a command that reads an untrusted file (pdftotext,
// pdftoppm, pdfinfo): its address space limited to memory bytes and its
// CPU time to cpu, through prlimit when it is installed (util-linux,
// present on Debian), else through sh's ulimit; in its own process group,
// killed whole when ctx ends; with a death signal, so it dies with the
// process that started it.
func BoundedCommand(ctx context.Context, bin string, memory int64, cpu time.Duration, args ...string) *exec.Cmd {
	return boundedCommand(ctx, bin, "as", memory, cpu, args...)
}

// GoBoundedCommand is BoundedCommand for a Go program (the parse worker):
// its data segment is limited instead of its address space, since the Go
// runtime reserves far more address space than it uses (a worker under
// --as=1GB does not start) while RLIMIT_DATA counts the memory it maps
// for use.
func GoBoundedCommand(ctx context.Context, bin string, memory int64, cpu time.Duration, args ...string) *exec.Cmd {
	return boundedCommand(ctx, bin, "data", memory, cpu, args...)
}

// boundedCommand limits resource ("as" or "data") to memory bytes.
func boundedCommand(ctx context.Context, bin, resource string, memory int64, cpu time.Duration, args ...string) *exec.Cmd {
	secs := max(int64(cpu/time.Second), 1)
	var cmd *exec.Cmd
	if pl, err := exec.LookPath("prlimit"); err == nil {
		pargs := []string{fmt.Sprintf("--%s=%d", resource, memory), fmt.Sprintf("--cpu=%d", secs), "--", bin}
		cmd = exec.CommandContext(ctx, pl, append(pargs, args...)...)
	} else {
		flag := map[string]string{"as": "-v", "data": "-d"}[resource]
		script := fmt.Sprintf(`ulimit %s %d -t %d && exec "$0" "$@"`, flag, max(memory>>10, 1), secs)
		cmd = exec.CommandContext(ctx, "sh", append([]string{"-c", script, bin}, args...)...)
	}
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	cmd.Cancel = func() error {
		// The whole group: prlimit execs the reader, sh execs it too, but a
		// helper they might start must not outlive the deadline either.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = 2 * time.Second
	return cmd
}

// cappedBuffer keeps at most max bytes; a write past that fails, which
// ends pdftotext on a broken pipe instead of letting its output grow.
type cappedBuffer struct {
	bytes.Buffer
	max  int64
	over bool
}

func (b *cappedBuffer) Write(p []byte) (int, error) {
	if int64(b.Len()+len(p)) > b.max {
		b.over = true
		return 0, errors.New("pdftotext output over the limit")
	}
	return b.Buffer.Write(p)
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

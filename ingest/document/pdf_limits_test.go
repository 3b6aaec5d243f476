package document_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nianbao/ingest/document"
)

// TestPDFDeadlineKillsPdftotext: a PDF that keeps pdftotext busy past
// pdf_timeout gives the timeout's LimitError, promptly, and leaves no
// pdftotext running and no temporary file behind.
func TestPDFDeadlineKillsPdftotext(t *testing.T) {
	if _, err := os.Stat("/usr/bin/pdftotext"); err != nil {
		t.Skip("pdftotext not installed (scripts/setup.sh installs poppler-utils)")
	}
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp) // the reader's temporary PDF lands here, and nowhere another test looks
	var pdf bytes.Buffer
	if err := writeBombPDF(&pdf, 512<<20); err != nil {
		t.Fatal(err)
	}
	lim := document.BuiltinLimits()
	lim.PDFTimeout = time.Second
	lim.PDFMemory = 4 << 30 // the deadline, not the memory limit, must end it
	start := time.Now()
	_, err := document.ReadContext(t.Context(), "slow.pdf", pdf.Bytes(), lim)
	elapsed := time.Since(start)
	var le *document.LimitError
	if !errors.As(err, &le) || le.Limit != "pdf_timeout" {
		t.Fatalf("error %v after %v, want the pdf_timeout limit", err, elapsed)
	}
	t.Logf("stopped after %v (limit %v)", elapsed.Round(time.Millisecond), lim.PDFTimeout)
	if elapsed > 10*time.Second {
		t.Errorf("took %v to stop a run limited to %v", elapsed, lim.PDFTimeout)
	}
	procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, p := range procs {
		cmd, err := os.ReadFile(p)
		if err == nil && bytes.Contains(cmd, []byte(tmp)) {
			t.Errorf("still running: %s", strings.ReplaceAll(string(cmd), "\x00", " "))
		}
	}
	left, _ := os.ReadDir(tmp)
	for _, e := range left {
		t.Errorf("temporary file left: %s", e.Name())
	}
}

package cdp

import (
	"context"
	"os"
	"os/exec"
	"testing"
	"time"
)

// Chromium returns the browser's path or skips the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("chromium not found: run scripts/setup.sh to install it; browser tests skipped")
	return ""
}

func TestEvalAndRecord(t *testing.T) {
	path := chromium(t)
	b, err := Start(path, t.TempDir(), os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	p, err := b.NewPage(ctx, 800, 600, false)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Navigate(ctx, "data:text/html,<title>t</title><script>console.error('boom')</script>"); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := p.Eval(ctx, "1+2", &n); err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Errorf("1+2 = %d", n)
	}
	if errs := p.Errors(); len(errs) != 1 {
		t.Errorf("want the one console error recorded, got %q", errs)
	}
	if err := p.Eval(ctx, "setTimeout(() => alert('hi'), 0), new Promise(r => setTimeout(r, 50))", nil); err != nil {
		t.Fatal(err)
	}
	if d := p.Dialogs(); len(d) != 1 || d[0] != "hi" {
		t.Errorf("dialogs = %q", d)
	}
}

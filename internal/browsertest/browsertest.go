// Package browsertest starts the headless Chromium that the browser tests
// of web, dashboards and cmd/analytics drive with chromedp, in one way:
// the same executable search, flags and skips everywhere. Only tests
// import it.
package browsertest

import (
	"context"
	"os/exec"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Find is the path of an installed Chromium, "" when there is none.
func Find() string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// Tab starts headless Chromium with a window width px wide for one test and
// gives a tab closed with the test, which ends after timeout. The test is
// skipped, saying why, in -short mode or where no Chromium is installed
// (scripts/setup.sh installs it).
func Tab(t testing.TB, timeout time.Duration, width int) context.Context {
	t.Helper()
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	chromium := Find()
	if chromium == "" {
		t.Skip("chromium not found: scripts/setup.sh installs it; browser test skipped")
	}
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, 1000))
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return ctx
}

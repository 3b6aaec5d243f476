package dashboards

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// tab is one browser tab of a test on chromedp, recording what checkClean
// looks at: the requests it made, console and log errors, uncaught
// exceptions and dialogs (accepted at once, so a stray alert cannot stall the page).
type tab struct {
	ctx context.Context

	mu       sync.Mutex
	requests []string
	errors   []string
	dialogs  []string
}

// startBrowser starts a headless Chromium at path for one test, closed with
// it, and returns the context of its first tab's browser.
func startBrowser(t *testing.T, path string, timeout time.Duration) context.Context {
	t.Helper()
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(),
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true), chromedp.Flag("disable-sync", true),
		chromedp.Flag("hide-scrollbars", true), chromedp.Flag("font-render-hinting", "none"),
		chromedp.UserDataDir(t.TempDir()))
	ctx, cancel := chromedp.NewContext(alloc)
	ctx, cancelTimeout := context.WithTimeout(ctx, timeout)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	// Start the browser now, so a missing library fails here, not in the
	// first subtest.
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

// newTab opens a tab of width×height CSS pixels in the browser of parent;
// a mobile tab has the phone's scale factor 2 and touch.
func newTab(t *testing.T, parent context.Context, width, height int64, mobile bool) *tab {
	t.Helper()
	ctx, cancel := chromedp.NewContext(parent)
	t.Cleanup(cancel)
	tb := &tab{ctx: ctx}
	tb.listen()
	opts := []chromedp.EmulateViewportOption{}
	if mobile {
		opts = append(opts, chromedp.EmulateScale(2), chromedp.EmulateMobile, chromedp.EmulateTouch)
	}
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(width, height, opts...)); err != nil {
		t.Fatal(err)
	}
	return tb
}

func (tb *tab) listen() {
	add := func(list *[]string, s string) {
		tb.mu.Lock()
		*list = append(*list, s)
		tb.mu.Unlock()
	}
	_ = chromedp.Listen(tb.ctx, func(ev any) {
		switch ev := ev.(type) {
		case *network.EventRequestWillBeSent:
			add(&tb.requests, ev.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
				return
			}
			var msg []string
			for _, a := range ev.Args {
				if len(a.Value) > 0 {
					msg = append(msg, string(a.Value))
				} else {
					msg = append(msg, a.Description)
				}
			}
			add(&tb.errors, "console."+string(ev.Type)+": "+strings.Join(msg, " "))
		case *cdplog.EventEntryAdded:
			// A failed load (a 404 asset) is logged here, not on the console.
			if ev.Entry != nil && ev.Entry.Level == cdplog.EntryLevelError {
				add(&tb.errors, "log: "+ev.Entry.Text+" "+ev.Entry.URL)
			}
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			desc := ""
			if d.Exception != nil {
				desc = d.Exception.Description
			}
			add(&tb.errors, "exception: "+d.Text+" "+desc)
		case *cdppage.EventJavascriptDialogOpening:
			add(&tb.dialogs, ev.Message)
			// Not from the listener itself: the reply would wait behind it.
			go func() {
				_, _ = chromedp.Call(tb.ctx, cdppage.HandleJavaScriptDialog, cdppage.HandleJavaScriptDialogParams{Accept: true})
			}()
		}
	})
}

// Reset forgets what was recorded (between pages).
func (tb *tab) Reset() {
	tb.mu.Lock()
	tb.requests, tb.errors, tb.dialogs = nil, nil, nil
	tb.mu.Unlock()
}

// Navigate loads url and waits for it to load.
func (tb *tab) Navigate(url string) error {
	if err := chromedp.Do(tb.ctx, chromedp.Navigate(url)); err != nil {
		return fmt.Errorf("navigate %s: %w", url, err)
	}
	return nil
}

// Eval evaluates a JavaScript expression, awaiting a promise, and decodes
// its value into out.
func (tb *tab) Eval(expr string, out any) error {
	raw, err := chromedp.Run(tb.ctx, chromedp.Evaluate[[]byte](expr, chromedp.EvalAwaitPromise))
	if err != nil {
		return err
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	return json.Unmarshal(raw, out)
}

// Media switches the CSS media the page is laid out for ("print", or ""
// for the screen).
func (tb *tab) Media(media string) error {
	_, err := chromedp.Call(tb.ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: media})
	return err
}

// Screenshot returns a PNG of the page from its top, at most maxHeight CSS
// pixels tall.
func (tb *tab) Screenshot(maxHeight float64) ([]byte, error) {
	var size struct{ W, H float64 }
	if err := tb.Eval(`({W: document.documentElement.scrollWidth, H: document.documentElement.scrollHeight})`, &size); err != nil {
		return nil, err
	}
	yes := true
	res, err := chromedp.Call(tb.ctx, cdppage.CaptureScreenshot, cdppage.CaptureScreenshotParams{
		Format: cdppage.CaptureScreenshotFormatPng, CaptureBeyondViewport: &yes,
		Clip: &cdppage.Viewport{Width: size.W, Height: min(size.H, maxHeight), Scale: 1},
	})
	return res.Data, err
}

// PrintA4 prints the page to PDF on A4 as Ctrl+P would, with the page
// size of the stylesheet's @page.
func (tb *tab) PrintA4() ([]byte, error) {
	return chromedp.Run(tb.ctx, chromedp.PrintToPDF(chromedp.PDFPaper(chromedp.PaperA4), chromedp.PDFPreferCSSPageSize()))
}

func (tb *tab) Requests() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.requests...)
}

func (tb *tab) Errors() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.errors...)
}

func (tb *tab) Dialogs() []string {
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.dialogs...)
}

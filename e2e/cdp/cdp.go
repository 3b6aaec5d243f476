// Package cdp drives a headless Chromium over the DevTools protocol through
// a pipe (--remote-debugging-pipe): no websocket, no extra module. It does
// what the browser tests need and no more: open a page, navigate, evaluate,
// record requests, console errors and dialogs, take screenshots.
package cdp

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sync"
	"time"
)

// Browser is a running Chromium.
type Browser struct {
	cmd     *exec.Cmd
	out     *os.File // we write commands here (the browser's fd 3)
	in      *os.File // we read replies here (the browser's fd 4)
	dataDir string

	mu       sync.Mutex
	nextID   int64
	pending  map[int64]chan message
	sessions map[string]*Page
	closed   bool
	done     chan struct{}
}

type message struct {
	ID        int64           `json:"id,omitempty"`
	Method    string          `json:"method,omitempty"`
	Params    json.RawMessage `json:"params,omitempty"`
	Result    json.RawMessage `json:"result,omitempty"`
	Error     *protoError     `json:"error,omitempty"`
	SessionID string          `json:"sessionId,omitempty"`
}

type protoError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func (e *protoError) Error() string { return fmt.Sprintf("cdp error %d: %s", e.Code, e.Message) }

// Args are the flags every test browser gets: headless, no sandbox (root in
// CI), and nothing that phones home.
func Args(dataDir string) []string {
	return []string{
		"--headless", "--no-sandbox", "--disable-gpu",
		"--disable-background-networking", "--disable-component-update",
		"--disable-sync", "--no-first-run", "--no-default-browser-check",
		"--disable-default-apps", "--disable-extensions", "--mute-audio",
		"--hide-scrollbars", "--font-render-hinting=none",
		"--user-data-dir=" + dataDir,
		"--remote-debugging-pipe",
		"about:blank",
	}
}

// Start launches the browser at path with a fresh profile in dataDir.
func Start(path, dataDir string, stderr io.Writer) (*Browser, error) {
	// Pipe a: we write, the browser reads on fd 3. Pipe b: the browser
	// writes on fd 4, we read.
	aR, aW, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	bR, bW, err := os.Pipe()
	if err != nil {
		aR.Close()
		aW.Close()
		return nil, err
	}
	cmd := exec.Command(path, Args(dataDir)...)
	cmd.ExtraFiles = []*os.File{aR, bW}
	cmd.Stderr = stderr
	cmd.Stdout = stderr
	if err := cmd.Start(); err != nil {
		aR.Close()
		aW.Close()
		bR.Close()
		bW.Close()
		return nil, fmt.Errorf("start %s: %w", path, err)
	}
	aR.Close()
	bW.Close()
	b := &Browser{
		cmd: cmd, out: aW, in: bR, dataDir: dataDir,
		pending:  map[int64]chan message{},
		sessions: map[string]*Page{},
		done:     make(chan struct{}),
	}
	go b.read()
	return b, nil
}

func (b *Browser) read() {
	defer close(b.done)
	r := bufio.NewReaderSize(b.in, 1<<20)
	for {
		raw, err := r.ReadBytes(0)
		if err != nil {
			b.mu.Lock()
			b.closed = true
			for id, ch := range b.pending {
				close(ch)
				delete(b.pending, id)
			}
			b.mu.Unlock()
			return
		}
		var m message
		if err := json.Unmarshal(raw[:len(raw)-1], &m); err != nil {
			continue
		}
		b.mu.Lock()
		if m.ID != 0 {
			if ch, ok := b.pending[m.ID]; ok {
				delete(b.pending, m.ID)
				ch <- m
			}
			b.mu.Unlock()
			continue
		}
		p := b.sessions[m.SessionID]
		b.mu.Unlock()
		if p != nil {
			p.event(m.Method, m.Params)
		}
	}
}

// Call sends a command (to a page session when sessionID is not empty) and
// decodes its result into result (which may be nil).
func (b *Browser) Call(ctx context.Context, sessionID, method string, params, result any) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return errors.New("cdp: browser is gone")
	}
	b.nextID++
	id := b.nextID
	ch := make(chan message, 1)
	b.pending[id] = ch
	b.mu.Unlock()
	if params == nil {
		params = struct{}{}
	}
	p, err := json.Marshal(params)
	if err != nil {
		return err
	}
	body, err := json.Marshal(message{ID: id, Method: method, Params: p, SessionID: sessionID})
	if err != nil {
		return err
	}
	b.mu.Lock()
	_, err = b.out.Write(append(body, 0))
	b.mu.Unlock()
	if err != nil {
		return fmt.Errorf("cdp %s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("cdp %s: browser closed the pipe", method)
		}
		if m.Error != nil {
			return fmt.Errorf("cdp %s: %w", method, m.Error)
		}
		if result != nil && len(m.Result) > 0 {
			return json.Unmarshal(m.Result, result)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("cdp %s: %w", method, ctx.Err())
	}
}

// Close asks the browser to quit and kills it if it has not within five
// seconds. The caller owns and removes dataDir.
func (b *Browser) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = b.Call(ctx, "", "Browser.close", nil, nil)
	b.out.Close()
	waitErr := make(chan error, 1)
	go func() { waitErr <- b.cmd.Wait() }()
	var err error
	select {
	case err = <-waitErr:
	case <-ctx.Done():
		_ = b.cmd.Process.Kill()
		err = <-waitErr
	}
	b.in.Close()
	<-b.done
	return err
}

// Page is one tab, attached in flat session mode.
type Page struct {
	b       *Browser
	target  string
	session string

	mu         sync.Mutex
	requests   []string
	console    []string
	exceptions []string
	dialogs    []string
	loaded     chan struct{}
}

// NewPage opens a tab of the given viewport size and starts recording.
func (b *Browser) NewPage(ctx context.Context, width, height int, mobile bool) (*Page, error) {
	var t struct {
		TargetID string `json:"targetId"`
	}
	if err := b.Call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &t); err != nil {
		return nil, err
	}
	var s struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.Call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": t.TargetID, "flatten": true}, &s); err != nil {
		return nil, err
	}
	p := &Page{b: b, target: t.TargetID, session: s.SessionID}
	b.mu.Lock()
	b.sessions[s.SessionID] = p
	b.mu.Unlock()
	for _, m := range []string{"Page.enable", "Runtime.enable", "Network.enable", "Log.enable"} {
		if err := p.Call(ctx, m, nil, nil); err != nil {
			return nil, err
		}
	}
	scale := 1.0
	if mobile {
		scale = 2
	}
	if err := p.Call(ctx, "Emulation.setDeviceMetricsOverride", map[string]any{
		"width": width, "height": height, "deviceScaleFactor": scale, "mobile": mobile,
	}, nil); err != nil {
		return nil, err
	}
	return p, nil
}

// Call sends a command to this page's session.
func (p *Page) Call(ctx context.Context, method string, params, result any) error {
	return p.b.Call(ctx, p.session, method, params, result)
}

func (p *Page) event(method string, params json.RawMessage) {
	switch method {
	case "Network.requestWillBeSent":
		var e struct {
			Request struct {
				URL string `json:"url"`
			} `json:"request"`
		}
		if json.Unmarshal(params, &e) == nil {
			p.mu.Lock()
			p.requests = append(p.requests, e.Request.URL)
			p.mu.Unlock()
		}
	case "Runtime.consoleAPICalled":
		var e struct {
			Type string `json:"type"`
			Args []struct {
				Value       any    `json:"value"`
				Description string `json:"description"`
			} `json:"args"`
		}
		if json.Unmarshal(params, &e) == nil && (e.Type == "error" || e.Type == "assert") {
			msg := ""
			for _, a := range e.Args {
				if a.Value != nil {
					msg += fmt.Sprint(a.Value) + " "
				} else {
					msg += a.Description + " "
				}
			}
			p.mu.Lock()
			p.console = append(p.console, "console."+e.Type+": "+msg)
			p.mu.Unlock()
		}
	case "Log.entryAdded":
		var e struct {
			Entry struct {
				Level string `json:"level"`
				Text  string `json:"text"`
				URL   string `json:"url"`
			} `json:"entry"`
		}
		if json.Unmarshal(params, &e) == nil && e.Entry.Level == "error" {
			p.mu.Lock()
			p.console = append(p.console, "log: "+e.Entry.Text+" "+e.Entry.URL)
			p.mu.Unlock()
		}
	case "Runtime.exceptionThrown":
		var e struct {
			Details struct {
				Text      string `json:"text"`
				Exception struct {
					Description string `json:"description"`
				} `json:"exception"`
			} `json:"exceptionDetails"`
		}
		if json.Unmarshal(params, &e) == nil {
			p.mu.Lock()
			p.exceptions = append(p.exceptions, e.Details.Text+" "+e.Details.Exception.Description)
			p.mu.Unlock()
		}
	case "Page.javascriptDialogOpening":
		var e struct {
			Message string `json:"message"`
		}
		_ = json.Unmarshal(params, &e)
		p.mu.Lock()
		p.dialogs = append(p.dialogs, e.Message)
		p.mu.Unlock()
		// Dismiss it from another goroutine: the reader must not block.
		go p.Call(context.Background(), "Page.handleJavaScriptDialog", map[string]any{"accept": true}, nil)
	case "Page.loadEventFired":
		p.mu.Lock()
		if p.loaded != nil {
			close(p.loaded)
			p.loaded = nil
		}
		p.mu.Unlock()
	}
}

// Navigate loads url and waits for the load event.
func (p *Page) Navigate(ctx context.Context, url string) error {
	ch := make(chan struct{})
	p.mu.Lock()
	p.loaded = ch
	p.mu.Unlock()
	var r struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.Call(ctx, "Page.navigate", map[string]any{"url": url}, &r); err != nil {
		return err
	}
	if r.ErrorText != "" {
		return fmt.Errorf("navigate %s: %s", url, r.ErrorText)
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("navigate %s: %w", url, ctx.Err())
	}
}

// Eval evaluates a JavaScript expression (awaiting a promise) and decodes
// its value into out.
func (p *Page) Eval(ctx context.Context, expr string, out any) error {
	var r struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		Exception *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := p.Call(ctx, "Runtime.evaluate", map[string]any{
		"expression": expr, "awaitPromise": true, "returnByValue": true,
	}, &r); err != nil {
		return err
	}
	if r.Exception != nil {
		return fmt.Errorf("eval: %s %s", r.Exception.Text, r.Exception.Exception.Description)
	}
	if out != nil && len(r.Result.Value) > 0 {
		return json.Unmarshal(r.Result.Value, out)
	}
	return nil
}

// Screenshot returns a PNG of the page from its top, at most maxHeight CSS
// pixels tall (0 for the whole page).
func (p *Page) Screenshot(ctx context.Context, maxHeight float64) ([]byte, error) {
	var m struct {
		CSSContentSize struct {
			Width  float64 `json:"width"`
			Height float64 `json:"height"`
		} `json:"cssContentSize"`
	}
	if err := p.Call(ctx, "Page.getLayoutMetrics", nil, &m); err != nil {
		return nil, err
	}
	if maxHeight > 0 {
		m.CSSContentSize.Height = min(m.CSSContentSize.Height, maxHeight)
	}
	var r struct {
		Data string `json:"data"`
	}
	if err := p.Call(ctx, "Page.captureScreenshot", map[string]any{
		"format": "png", "captureBeyondViewport": true,
		"clip": map[string]any{"x": 0, "y": 0, "width": m.CSSContentSize.Width, "height": m.CSSContentSize.Height, "scale": 1},
	}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// Requests returns every URL the page asked for so far.
func (p *Page) Requests() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.requests...)
}

// Errors returns console errors, log errors and uncaught exceptions.
func (p *Page) Errors() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append(append([]string(nil), p.console...), p.exceptions...)
}

// Dialogs returns the messages of alert/confirm/prompt dialogs opened.
func (p *Page) Dialogs() []string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]string(nil), p.dialogs...)
}

// Reset forgets what was recorded (between pages).
func (p *Page) Reset() {
	p.mu.Lock()
	p.requests, p.console, p.exceptions, p.dialogs = nil, nil, nil, nil
	p.mu.Unlock()
}

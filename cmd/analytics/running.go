package main

import (
	"archive/tar"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"nianbao/store"
)

// DuckDB lets no second process open a file that a server holds for
// writing, so while `analytics serve` runs, the other commands ask it over
// HTTP. The server leaves its address in a file beside the database.

// addrFile is where serve writes its address for the database at db.
func addrFile(db string) string { return db + ".serve-addr" }

// writeAddr records the server's address beside the database; the
// returned func removes it at shutdown.
func writeAddr(db, addr string) (func(), error) {
	p := addrFile(db)
	if err := os.WriteFile(p, []byte("http://"+addr+"\n"), 0o644); err != nil {
		return func() {}, err
	}
	return func() { os.Remove(p) }, nil
}

// runningServer returns the base URL of the server holding db, when one
// answers its health check.
func runningServer(db string) (string, bool) {
	b, err := os.ReadFile(addrFile(db))
	if err != nil {
		return "", false
	}
	base := strings.TrimSpace(string(b))
	if u, err := url.Parse(base); err != nil || u.Host == "" {
		return "", false
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/api/v1/health", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return base, false
	}
	resp.Body.Close()
	return base, resp.StatusCode == http.StatusOK
}

// getJSON reads one API answer.
func getJSON(base, path string, v any) error {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
	if tok := os.Getenv("ANALYTICS_TOKEN"); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok) // a server with private reads
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 256<<20))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		json.Unmarshal(body, &e)
		return fmt.Errorf("%s%s: %d %s", base, path, resp.StatusCode, e.Error.Message)
	}
	return json.Unmarshal(body, v)
}

// heldAdvice says what to do instead of a write while a server holds the
// database: the page of the running server that does it, and the API route.
func heldAdvice(db string, err error, page, route string) string {
	if !errors.Is(err, store.ErrLocked) {
		return err.Error()
	}
	base, up := runningServer(db)
	if base == "" || !up {
		base = "http://服务器地址"
	}
	return fmt.Sprintf("数据库 %s 正由另一个进程（analytics serve）占用，本命令不能写入。请在浏览器打开 %s%s，或调用 API：%s（需要令牌）。也可以先停止服务器再运行本命令。", db, base, page, route)
}

// fetchParquet asks the running server for the Parquet export (path, from
// exportPath) and unpacks it into dir; it returns the number of files written.
func fetchParquet(base, path, dir string) (int, error) {
	return fetchTar(http.MethodGet, base, path, dir)
}

// fetchTar asks the running server for a tar (an export, a backup) and
// unpacks it into dir; it returns the number of files written.
func fetchTar(method, base, path, dir string) (int, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, base+path, nil)
	if tok := os.Getenv("ANALYTICS_TOKEN"); tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&e)
		return 0, fmt.Errorf("%s%s: %d %s", base, path, resp.StatusCode, e.Error.Message)
	}
	tr := tar.NewReader(resp.Body)
	n := 0
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, fmt.Errorf("the server's answer was cut short: %w", err)
		}
		name := filepath.FromSlash(h.Name)
		if !filepath.IsLocal(name) || h.Typeflag != tar.TypeReg {
			return n, fmt.Errorf("the server's answer holds an unexpected entry %q", h.Name)
		}
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return n, err
		}
		f, err := os.Create(p)
		if err != nil {
			return n, err
		}
		_, err = io.Copy(f, tr)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

package main

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHelperServe is not a test: run as a child process by
// TestCommandsWhileServing, it is the server holding the database.
func TestHelperServe(t *testing.T) {
	db := os.Getenv("NIANBAO_HELPER_SERVE_DB")
	if db == "" {
		t.Skip("helper process of TestCommandsWhileServing")
	}
	os.Exit(run([]string{"serve", "--db", db, "--addr", "127.0.0.1:0", "--sample", filepath.Join(filepath.Dir(db), "none")}, os.Stdout, os.Stderr))
}

// TestCommandsWhileServing: with a server in another process holding the
// database, audit reads through the server, the file commands work as
// ever, and the write commands say which page or route to use instead.
func TestCommandsWhileServing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "held.duckdb")
	child := exec.Command(os.Args[0], "-test.run=^TestHelperServe$")
	child.Env = append(os.Environ(), "NIANBAO_HELPER_SERVE_DB="+db, "ANALYTICS_TOKEN=t0ken")
	var logs bytes.Buffer
	child.Stdout, child.Stderr = &logs, &logs
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		child.Process.Kill()
		child.Wait()
	}()
	var base string
	for deadline := time.Now().Add(60 * time.Second); ; {
		if b, up := runningServer(db); up {
			base = b
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("server did not start:\n%s", logs.String())
		}
		time.Sleep(200 * time.Millisecond)
	}
	// One upload through the API, so the audit log has a line.
	data, err := os.ReadFile(filepath.Join("..", "..", "web", "testdata", "fengtang-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	w, _ := mw.CreateFormFile("file", "fengtang-2022.txt")
	w.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, base+"/api/v1/reports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer t0ken")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	file := filepath.Join("..", "..", "web", "testdata", "fengtang-2022.txt")
	cases := []struct {
		name   string
		args   []string
		code   int
		stdout []string
		stderr []string
	}{
		{"audit reads through the server", []string{"audit", "--db", db}, 0, []string{"序号", "上传", "ANALYTICS_TOKEN", "凤塘镇"}, nil},
		{"parse needs no database", []string{"parse", file}, 0, []string{`"agency":"凤塘镇"`}, nil},
		{"correct says where", []string{"correct", "--db", db, "--reason", "核对", "1", "t3.new.total", "7"}, 1, nil,
			[]string{base + "/web/reports/1#correct", "PUT /api/v1/reports/1/cells/t3.new.total"}},
		{"ingest says where", []string{"ingest", "--db", db, file}, 1, nil, []string{base + "/web/upload", "POST /api/v1/reports"}},
		{"export through the server", []string{"export", "--db", db, "--parquet", filepath.Join(dir, "out")}, 0, []string{"cells written", "from the server"}, nil},
		{"export of a county through the server", []string{"export", "--db", db, "--parquet", filepath.Join(dir, "county"), "--county", "样例县", "--year", "2022"}, 0, []string{"cells written", "from the server"}, nil},
		{"export of no report through the server", []string{"export", "--db", db, "--parquet", filepath.Join(dir, "none"), "--county", "样例县", "--year", "2019"}, 1, nil, []string{"没有可导出的报告数据"}},
		// ANALYTICS_TOKEN of this process is the server's admin token. The
		// audit log holds two rows: the first start's administrator
		// (person-add by 首次启动) and the upload.
		{"backup through the server", []string{"backup", "--db", db, "--out", filepath.Join(dir, "bk")}, 0, []string{"已备份", "报告 1 份", "审计记录 2 条"}, nil},
		// Reading the held file in the server would drop its lock (POSIX
		// locks go with any descriptor closed): the file is still held.
		{"still held after the backup", []string{"ingest", "--db", db, file}, 1, nil, []string{base + "/web/upload"}},
		{"restore the server's backup", []string{"restore", "--from", filepath.Join(dir, "bk"), "--db", filepath.Join(dir, "restored.duckdb")}, 0, []string{"与清单核对一致：报告 1 份"}, nil},
		{"restore refuses the held file", []string{"restore", "--from", filepath.Join(dir, "bk"), "--db", db, "--force"}, 1, nil, []string{"请先停止它"}},
	}
	t.Setenv("ANALYTICS_TOKEN", "t0ken")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			defer func() {
				if tc.name == "export through the server" {
					checkParquet(t, filepath.Join(dir, "out"))
				}
			}()
			code := run(tc.args, &out, &errb)
			if code != tc.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, tc.code, errb.String())
			}
			for _, s := range tc.stdout {
				if !strings.Contains(out.String(), s) {
					t.Errorf("stdout lacks %q:\n%s", s, out.String())
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(errb.String(), s) {
					t.Errorf("stderr lacks %q:\n%s", s, errb.String())
				}
			}
		})
	}
}

// checkParquet: the files the server sent are Parquet, under the
// partitions of analytics export, and the uploaded report's town is in one.
func checkParquet(t *testing.T, dir string) {
	t.Helper()
	var files []string
	filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			files = append(files, p)
		}
		return nil
	})
	if len(files) == 0 {
		t.Fatal("no Parquet file written")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil || !bytes.HasPrefix(b, []byte("PAR1")) || !strings.Contains(f, "year=2022") {
			t.Errorf("%s is not a Parquet file of year=2022", f)
		}
	}
}

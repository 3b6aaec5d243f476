package main

import (
	"archive/zip"
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"nianbao/ingest/sandbox"
)

// TestMain lets this test binary be the parse worker of the servers the
// tests start, as serve's own executable is in production.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == sandbox.Mode {
		os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
	}
	os.Exit(m.Run())
}

// manyParagraphsDOCX is a small .docx of 3 million empty paragraphs: the
// reader holds some 170 MB of tree before refusing it at xml_elements,
// more than the 160 MB the worker of the test may map (a worker with
// DuckDB linked in needs about 150 MB to start and read a text file).
func manyParagraphsDOCX(t *testing.T) []byte {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	fw, err := zw.Create("word/document.xml")
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, `<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`)
	chunk := strings.Repeat("<w:p/>", 10_000)
	for range 300 {
		io.WriteString(fw, chunk)
	}
	io.WriteString(fw, `</w:body></w:document>`)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func uploadFile(t *testing.T, addr, name string, data []byte) (int, string) {
	t.Helper()
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", name)
	fw.Write(data)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, "http://"+addr+"/api/v1/reports", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+testToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// TestParseWorkerKilledServerAnswers: serve reads uploads in warm
// parse-worker children (a sandbox.Pool); one killed at its memory limit
// after it read an upload is that upload's 422 with a Chinese sentence,
// and the server goes on answering and storing.
func TestParseWorkerKilledServerAnswers(t *testing.T) {
	report, err := os.ReadFile(filepath.Join("..", "..", "web", "testdata", "fengtang-2022.txt"))
	if err != nil {
		t.Fatal(err)
	}
	pool := sandbox.NewPool(sandbox.Worker{Exe: os.Args[0], Memory: 160 << 20, Timeout: 30 * time.Second}, sandbox.PoolOptions{})
	defer pool.Close()
	addr, stop := startServe(t, serveConfig{parser: uploadParser{worker: pool}}, false)
	defer stop()
	if code, body := uploadFile(t, addr, "fengtang-2022.txt", report); code != http.StatusCreated {
		t.Fatalf("first upload: %d %s", code, body)
	}
	code, body := uploadFile(t, addr, "paragraphs.docx", manyParagraphsDOCX(t))
	t.Logf("bomb: %d %s", code, body)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "内存超过解析进程的上限 160 MB") {
		t.Errorf("upload killing its worker: %d %s; want 422 naming the worker's memory limit", code, body)
	}
	if code, body := uploadFile(t, addr, "fengtang-2022.txt", report); code != http.StatusCreated {
		t.Errorf("upload after the killed worker: %d %s", code, body)
	}
	resp, err := http.Get("http://" + addr + "/api/v1/health")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Errorf("health after the killed worker: %v %v", resp, err)
	}
	if s := pool.Stats(); s.Started < 2 {
		t.Errorf("parse workers started %d, want the killed one replaced", s.Started)
	}
}

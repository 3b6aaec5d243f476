package api_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/report"
	"nianbao/store"
)

// smallDisk mounts a tmpfs of the given size for a test and unmounts it
// after; it skips the test where mounting is not allowed.
func smallDisk(t *testing.T, size string) string {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("挂载 tmpfs 需要 root：跳过磁盘已满的测试")
	}
	dir := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+size, "tmpfs", dir).CombinedOutput(); err != nil {
		t.Skipf("无法挂载 tmpfs（%v：%s）：跳过磁盘已满的测试", err, out)
	}
	t.Cleanup(func() { exec.Command("umount", dir).Run() })
	return dir
}

// fill takes the free space of dir's file system down to about leave
// bytes with a file, and returns a function that frees it again.
func fill(t *testing.T, dir string, leave int64) func() {
	t.Helper()
	var fs syscall.Statfs_t
	if err := syscall.Statfs(dir, &fs); err != nil {
		t.Fatal(err)
	}
	free := int64(fs.Bavail) * int64(fs.Bsize)
	p := filepath.Join(dir, "filler")
	if free > leave {
		if err := os.WriteFile(p, make([]byte, free-leave), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return func() { os.Remove(p) }
}

// TestUploadOnAFullDisk: an upload the disk has no room for is answered
// 507 with a Chinese sentence — never 201 — and leaves neither the report
// nor its original behind: whether the original itself does not fit, or
// the original fits and the report after it does not.
func TestUploadOnAFullDisk(t *testing.T) {
	one := api.ParserFunc(func(_ context.Context, name string, _ []byte) ([]*report.Report, error) {
		r := report.New(name)
		r.Agency, r.County, r.Year, r.Edition, r.SHA256 = "乐至县满盘局", "乐至县", 2023, report.Edition2021, "full-"+name
		r.Set("t3.new.total", 3, report.Source{Line: 1, Raw: "3"})
		return []*report.Report{r}, nil
	})
	for _, tc := range []struct {
		name  string
		leave int64 // bytes left free before the upload
		size  int   // bytes of the upload
	}{
		{"the original does not fit", 256 << 10, 3 << 20},
		{"the original fits, its report does not", 1 << 20, 64 << 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := smallDisk(t, "12m")
			path := filepath.Join(dir, "full.duckdb")
			st, err := store.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			h := api.New(query.New(st), st, api.Options{Tokens: map[string]string{token: "县政务公开办"}, Parser: one})
			free := fill(t, dir, tc.leave)
			data := bytes.Repeat([]byte("年报"), tc.size/len("年报"))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, upload(t, "full.txt", data, "Bearer "+token))
			if w.Code != http.StatusInsufficientStorage || !strings.Contains(w.Body.String(), "磁盘空间不足") || !strings.Contains(w.Body.String(), "full.txt") {
				t.Errorf("upload on a full disk: %d %s, want 507 saying 磁盘空间不足 and naming full.txt", w.Code, w.Body)
			}
			// The administrator frees the disk, then restarts the server.
			free()
			if err := st.Close(); err != nil {
				t.Logf("close after freeing the disk: %v", err)
			}
			st, err = store.Open(path)
			if err != nil {
				t.Fatalf("reopen after freeing the disk: %v", err)
			}
			defer st.Close()
			var reports, sources int
			db := st.DB()
			if err := db.QueryRow(`SELECT count(*) FROM reports`).Scan(&reports); err != nil {
				t.Fatal(err)
			}
			if err := db.QueryRow(`SELECT count(*) FROM source_documents`).Scan(&sources); err != nil {
				t.Fatal(err)
			}
			if reports != 0 || sources != 0 {
				t.Errorf("after a refused upload: %d reports, %d originals kept; want none", reports, sources)
			}
		})
	}
}

// TestClerkCannotMoveAReportOut: a clerk of 乐至县 PATCHing a report of
// 乐至县 into 示范县, or restoring or merging outside it, is refused 403
// with a sentence; a correction value sent as a JSON string is refused.
func TestClerkCannotMoveAReportOut(t *testing.T) {
	st, ids := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{
		Tokens: map[string]string{"c": "王"},
		Users:  map[string]api.User{"c": {Name: "王", Role: api.RoleClerk, Scope: "乐至县"}},
	})
	le, shifan := ids[0], ids[3] // 乐至县劳动镇 2022, 示范县城关镇 2020
	for _, tc := range []struct {
		name, method, path, body string
		status                   int
		says                     string
	}{
		{"PATCH into another county", http.MethodPatch, fmt.Sprintf("/api/v1/reports/%d", le), `{"county": "示范县", "reason": "县写错"}`, 403, "示范县"},
		{"PATCH another county's report", http.MethodPatch, fmt.Sprintf("/api/v1/reports/%d", shifan), `{"county": "乐至县", "reason": "县写错"}`, 403, "示范县"},
		{"restore another county's report", http.MethodPost, fmt.Sprintf("/api/v1/reports/%d/versions/1/restore", shifan), `{"reason": "恢复"}`, 403, "示范县"},
		{"merge agencies", http.MethodPost, "/api/v1/agencies/x/merge", `{"into": "y", "reason": "合并"}`, 403, "无权"},
		{"value as a JSON string", http.MethodPut, fmt.Sprintf("/api/v1/reports/%d/cells/t3.new.total", le), `{"value": "12", "reason": "笔误"}`, 400, "JSON 数字"},
		{"value as a JSON number", http.MethodPut, fmt.Sprintf("/api/v1/reports/%d/cells/t3.new.total", le), `{"value": 12, "reason": "笔误"}`, 200, "\"value\":12"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req := httptest.NewRequest(tc.method, tc.path, strings.NewReader(tc.body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer c")
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != tc.status || !strings.Contains(w.Body.String(), tc.says) {
				t.Errorf("%d %s, want %d saying %q", w.Code, w.Body, tc.status, tc.says)
			}
		})
	}
	_, county, _, err := st.ReportKey(context.Background(), le)
	if err != nil || county != "乐至县" {
		t.Errorf("the report is now in %q (%v)", county, err)
	}
}

// cellsParser reads "code=value" lines; the hash is the file's.
func cellsParser(_ context.Context, name string, data []byte) ([]*report.Report, error) {
	r := report.New(name)
	r.Agency, r.County, r.Year, r.Edition = "乐至县审计局", "乐至县", 2023, report.Edition2021
	r.SHA256 = fmt.Sprintf("%x", sha256.Sum256(data))
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		code, v, _ := strings.Cut(line, "=")
		var f float64
		if _, err := fmt.Sscan(v, &f); err != nil {
			return nil, err
		}
		r.Set(code, f, report.Source{Line: 1, Raw: v})
	}
	return []*report.Report{r}, nil
}

// TestCorrectionsSurviveAChangedUpload uploads a report, corrects two
// cells, uploads a CHANGED document (one corrected cell reads differently,
// another uncorrected cell changed) and then the identical one: the answer
// counts the corrections really kept and names the one to review, and the
// report shows the kept correction applied and the other as 待复核.
func TestCorrectionsSurviveAChangedUpload(t *testing.T) {
	st, _ := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{Tokens: map[string]string{token: "县政务公开办"}, Parser: api.ParserFunc(cellsParser)})
	do := func(req *http.Request) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		return w
	}
	type answer struct {
		Reports []struct {
			ID        int64    `json:"id"`
			Unchanged bool     `json:"unchanged"`
			Kept      int      `json:"corrections_kept"`
			ToReview  []string `json:"corrections_to_review"`
		} `json:"reports"`
	}
	send := func(body string) answer {
		t.Helper()
		w := do(upload(t, "shenji.txt", []byte(body), "Bearer "+token))
		var a answer
		if w.Code != http.StatusCreated || json.Unmarshal(w.Body.Bytes(), &a) != nil || len(a.Reports) != 1 {
			t.Fatalf("upload: %d %s", w.Code, w.Body)
		}
		return a
	}
	first := send("t3.new.natural=5\nt3.new.commercial=5\nt3.new.research=5")
	id := first.Reports[0].ID
	for code, v := range map[string]string{"t3.new.natural": "50", "t3.new.commercial": "60"} {
		req := httptest.NewRequest(http.MethodPut, fmt.Sprintf("/api/v1/reports/%d/cells/%s", id, code), strings.NewReader(`{"value": `+v+`, "reason": "原表笔误"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		if w := do(req); w.Code != http.StatusOK {
			t.Fatalf("correct %s: %d %s", code, w.Code, w.Body)
		}
	}
	check := func(when string, a answer, unchanged bool) {
		t.Helper()
		got := a.Reports[0]
		if got.Unchanged != unchanged || got.Kept != 1 || !unchanged && (len(got.ToReview) != 1 || got.ToReview[0] != "t3.new.commercial") {
			t.Errorf("%s: answer %+v, want unchanged=%v, 1 correction kept, t3.new.commercial to review", when, got, unchanged)
		}
		w := do(httptest.NewRequest(http.MethodGet, fmt.Sprintf("/api/v1/reports/%d", id), nil))
		var d struct {
			Cells       map[string]float64 `json:"cells"`
			Corrections []struct {
				Code  string `json:"code"`
				State string `json:"state"`
			} `json:"corrections"`
		}
		if err := json.Unmarshal(w.Body.Bytes(), &d); err != nil {
			t.Fatal(err)
		}
		want := map[string]float64{"t3.new.natural": 50, "t3.new.commercial": 7, "t3.new.research": 8}
		for code, v := range want {
			if d.Cells[code] != v {
				t.Errorf("%s: %s = %v, want %v", when, code, d.Cells[code], v)
			}
		}
		states := map[string]string{}
		for _, c := range d.Corrections {
			states[c.Code] = c.State
		}
		if states["t3.new.natural"] != "已生效" || states["t3.new.commercial"] != "待复核" {
			t.Errorf("%s: corrections %v, want natural 已生效 and commercial 待复核", when, states)
		}
	}
	changed := "t3.new.natural=5\nt3.new.commercial=7\nt3.new.research=8"
	check("changed document", send(changed), false)
	check("identical document", send(changed), true)
}

package api_test

import (
	"archive/tar"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gin-gonic/gin"

	"nianbao/api"
	"nianbao/query"
	"nianbao/query/querytest"
	"nianbao/store"
)

// TestAdminBackupRoute: only an admin gets the snapshot, as a tar of the
// database file and a manifest counting what the database holds.
func TestAdminBackupRoute(t *testing.T) {
	gin.SetMode(gin.TestMode)
	st, ids := querytest.Seed(t)
	h := api.New(query.New(st), st, api.Options{
		Tokens: map[string]string{"adm": "管理员", "c": "填报员"},
		Users:  map[string]api.User{"adm": {Name: "管理员", Role: api.RoleAdmin}, "c": {Name: "填报员", Role: api.RoleClerk}},
	})
	for _, tc := range []struct {
		auth   string
		status int
	}{{"", 401}, {"Bearer c", 403}, {"Bearer adm", 200}} {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/admin/backup", nil)
		if tc.auth != "" {
			req.Header.Set("Authorization", tc.auth)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != tc.status {
			t.Fatalf("%q: %d, want %d: %s", tc.auth, w.Code, tc.status, w.Body.String())
		}
		if tc.status != 200 {
			continue
		}
		files := map[string][]byte{}
		tr := tar.NewReader(w.Body)
		for {
			hd, err := tr.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			files[hd.Name], _ = io.ReadAll(tr)
		}
		var m store.Manifest
		if err := json.Unmarshal(files[store.ManifestFile], &m); err != nil {
			t.Fatalf("manifest: %v (files %d)", err, len(files))
		}
		if m.Counts["reports"] != int64(len(ids)) || int64(len(files[store.SnapshotFile])) != m.Bytes || m.SchemaVersion == 0 {
			t.Fatalf("manifest %+v for %d reports, snapshot of %d bytes", m, len(ids), len(files[store.SnapshotFile]))
		}
	}
}

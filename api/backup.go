package api

import (
	"net/http"
	"os"
	"path/filepath"

	"github.com/gin-gonic/gin"
)

// backup answers a consistent snapshot of the database (store.Backup: the
// file copied after a CHECKPOINT under the write lock, and its manifest)
// packed in one tar, so `analytics backup` works while this server holds
// the file. Admins only (RouteAction lists no other role for it).
func (h *handler) backup(c *gin.Context) {
	dir, err := os.MkdirTemp("", "nianbao-backup-")
	if err != nil {
		h.error(c, err)
		return
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "backup")
	m, err := h.st.Backup(c.Request.Context(), out)
	if err != nil {
		h.error(c, err)
		return
	}
	h.log.Info("backup", "who", c.GetString("who"), "bytes", m.Bytes, "reports", m.Counts["reports"])
	c.Header("Content-Type", "application/x-tar")
	c.Header("Content-Disposition", `attachment; filename="nianbao-backup.tar"`)
	c.Status(http.StatusOK)
	if err := packTar(c.Writer, out); err != nil {
		h.log.Error("backup", "err", err)
	}
}

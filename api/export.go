package api

import (
	"archive/tar"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"

	"github.com/gin-gonic/gin"
)

// exportParquet answers every cell as Parquet files (the layout of
// `analytics export`) packed in one tar, so that the command works while
// this server holds the database file.
func (h *handler) exportParquet(c *gin.Context) {
	dir, err := os.MkdirTemp("", "nianbao-export-")
	if err != nil {
		h.error(c, err)
		return
	}
	defer os.RemoveAll(dir)
	out := filepath.Join(dir, "parquet")
	if err := h.q.ExportParquet(c.Request.Context(), out); err != nil {
		h.error(c, err)
		return
	}
	c.Header("Content-Type", "application/x-tar")
	c.Header("Content-Disposition", `attachment; filename="nianbao-parquet.tar"`)
	c.Status(http.StatusOK)
	if err := writeTar(c.Writer, out); err != nil {
		// The status is sent: the client sees a cut tar and says so.
		h.log.Error("export parquet", "err", err)
	}
}

// writeTar writes the files under dir as one tar, named relative to dir.
func writeTar(w io.Writer, dir string) error {
	tw := tar.NewWriter(w)
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if err := tw.WriteHeader(&tar.Header{Name: filepath.ToSlash(rel), Mode: 0o644, Size: info.Size(), ModTime: info.ModTime()}); err != nil {
			return err
		}
		f, err := os.Open(p)
		if err != nil {
			return err
		}
		defer f.Close()
		_, err = io.Copy(tw, f)
		return err
	})
	if err != nil {
		return err
	}
	return tw.Close()
}

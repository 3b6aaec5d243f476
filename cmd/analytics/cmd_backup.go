package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"time"

	"nianbao/store"
)

func init() {
	register(command{name: "backup", summary: "consistent snapshot of the database and its manifest into a folder (asks the running server when it holds the file)", run: runBackup})
}

func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("backup", "backup [--db FILE] --out DIR", stderr)
	db := fs.String("db", "", "DuckDB file (default $ANALYTICS_DB or "+defaultDB+")")
	out := fs.String("out", "", "folder to write the backup into (created; it must not hold a backup already)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if *out == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	path := dbPath(*db)
	if _, err := os.Stat(path); err != nil {
		fmt.Fprintf(stderr, "analytics backup: 数据库 %s 不存在 (%v)\n", path, err)
		return 1
	}
	m, err := backup(path, *out)
	if err != nil {
		fmt.Fprintf(stderr, "analytics backup: %v\n", err)
		return 1
	}
	fmt.Fprintf(stdout, "已备份 %s 到 %s：%s，%.1f MB，sha256 %s\n", path, *out, store.SnapshotFile, float64(m.Bytes)/(1<<20), m.SHA256)
	fmt.Fprintf(stdout, "报告 %d 份，版本 %d 个，单元格 %d 个，更正 %d 条，审计记录 %d 条；数据库结构第 %d 号。\n",
		m.Counts["reports"], m.Counts["report_versions"], m.Counts["cells"], m.Counts["corrections"], m.Counts["audit_log"], m.SchemaVersion)
	fmt.Fprintf(stdout, "恢复：analytics restore --from %s --db 文件\n", *out)
	return 0
}

// backup snapshots the database at path into dir: itself when it can open
// the file, else through the server holding it (POST /api/v1/admin/backup,
// an admin token in ANALYTICS_TOKEN), whose answer is checked against its
// manifest here.
func backup(path, dir string) (*store.Manifest, error) {
	if _, err := os.Stat(filepath.Join(dir, store.ManifestFile)); err == nil {
		return nil, fmt.Errorf("备份目录 %s 已有一份备份，请换一个目录", dir)
	}
	st, err := store.Open(path)
	if err == nil {
		defer st.Close()
		return st.Backup(context.Background(), dir)
	}
	if !errors.Is(err, store.ErrLocked) {
		return nil, err
	}
	base, up := runningServer(path)
	if !up {
		return nil, fmt.Errorf("%v；也没有找到占用它的 analytics serve（%s）", err, addrFile(path))
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	if _, err := fetchTar(http.MethodPost, base, "/api/v1/admin/backup", dir); err != nil {
		return nil, fmt.Errorf("服务器 %s 正占用 %s，向它请求备份失败（需要管理员令牌 ANALYTICS_TOKEN）: %w", base, path, err)
	}
	return store.ReadBackup(dir)
}

// backupStamp names the folders of periodic backups; only folders named so
// are ever removed.
const backupStamp = "20060102-150405"

// backupEvery makes a backup into dir every period until ctx ends and
// keeps the newest keep of them.
func backupEvery(ctx context.Context, st *store.Store, dir string, every time.Duration, keep int, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case now := <-t.C:
			name := filepath.Join(dir, now.UTC().Format(backupStamp))
			m, err := st.Backup(ctx, name)
			if err != nil {
				log.Error("periodic backup failed", "dir", name, "err", err)
				continue
			}
			log.Info("periodic backup", "dir", name, "bytes", m.Bytes, "reports", m.Counts["reports"])
			if err := pruneBackups(dir, keep); err != nil {
				log.Warn("old backups not removed", "dir", dir, "err", err)
			}
		}
	}
}

// pruneBackups removes the periodic backups of dir but the newest keep.
func pruneBackups(dir string, keep int) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	var names []string
	for _, e := range entries {
		if _, err := time.Parse(backupStamp, e.Name()); e.IsDir() && err == nil {
			names = append(names, e.Name())
		}
	}
	slices.Sort(names)
	for len(names) > max(keep, 1) {
		if err := os.RemoveAll(filepath.Join(dir, names[0])); err != nil {
			return err
		}
		names = names[1:]
	}
	return nil
}

package store

import (
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
)

// MemoryLimitEnv names the environment variable that sets DuckDB's
// memory_limit for every database this process opens (analytics serve,
// ingest, …); analytics ingest --memory-limit overrides it.
const MemoryLimitEnv = "ANALYTICS_MEMORY_LIMIT"

// DefaultMemoryLimit is DuckDB's memory_limit when nothing sets it.
// DuckDB's own default is 80 % of the machine's memory, and it keeps the
// blocks it has read cached up to that: an ingest into a database of
// 200 000 reports peaked at 3.4 GB resident, growing with the database,
// while the Go side stayed under 0.7 GB. With 1 GB the peak is bounded and
// ingest's CPU per report unchanged (docs/benchmarks.md, "Ingest at
// national size"); larger queries spill to a temporary file beside the
// database rather than fail.
const DefaultMemoryLimit = "1GB"

// IngestMemoryLimit is DuckDB's memory_limit for analytics ingest when
// neither its --memory-limit nor MemoryLimitEnv sets one. A bulk load
// reads little back (its batch's keys, its agencies' texts), so DuckDB's
// cache of blocks does not speed it: at 200 000 reports with 1 GB DuckDB
// held 1.2–1.4 GB, the largest part of an ingest's memory
// (docs/benchmarks.md, "Ingest writer and memory, third pass"). At 512 MB
// an ingest of 200 000 still peaked at 1.41 GB resident; with 256 MB and
// the bulk load checkpointing every 64 MB of log (bulk.go) nothing
// spilled at 20 000 ("Ingest writer, fourth pass").
const IngestMemoryLimit = "256MB"

// MemoryLimitSet says whether this process was told a memory_limit (by
// SetMemoryLimit or MemoryLimitEnv), so a command may choose its own
// default otherwise.
func MemoryLimitSet() bool {
	memoryLimit.Lock()
	defer memoryLimit.Unlock()
	return memoryLimit.set != "" || strings.TrimSpace(os.Getenv(MemoryLimitEnv)) != ""
}

// memoryLimitForm is what DuckDB's memory_limit accepts that we pass on: a
// number and a unit.
var memoryLimitForm = regexp.MustCompile(`^(?i)[0-9]+(\.[0-9]+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$`)

var memoryLimit struct {
	sync.Mutex
	set string // from SetMemoryLimit; "" : the environment, else the default
}

// SetMemoryLimit sets DuckDB's memory_limit for the databases opened from
// now on, overriding MemoryLimitEnv ("" goes back to it).
func SetMemoryLimit(v string) error {
	v = strings.TrimSpace(v)
	if v != "" && !memoryLimitForm.MatchString(v) {
		return fmt.Errorf("内存上限 %q 无法识别：请写数字加单位，例如 1GB、512MB", v)
	}
	memoryLimit.Lock()
	defer memoryLimit.Unlock()
	memoryLimit.set = v
	return nil
}

// currentMemoryLimit is the memory_limit to open with: SetMemoryLimit's,
// else the environment's, else DefaultMemoryLimit.
func currentMemoryLimit() (string, error) {
	memoryLimit.Lock()
	v := memoryLimit.set
	memoryLimit.Unlock()
	if v != "" {
		return v, nil
	}
	v = strings.TrimSpace(os.Getenv(MemoryLimitEnv))
	if v == "" {
		return DefaultMemoryLimit, nil
	}
	if !memoryLimitForm.MatchString(v) {
		return "", fmt.Errorf("环境变量 %s=%q 无法识别：请写数字加单位，例如 1GB、512MB", MemoryLimitEnv, v)
	}
	return v, nil
}

// dsn is the DuckDB data source for path with the process's settings and
// extra (key=value pairs, such as access_mode=read_only) as the driver's
// configuration options, never as SQL.
func dsn(path string, extra ...string) (string, error) {
	limit, err := currentMemoryLimit()
	if err != nil {
		return "", err
	}
	q := url.Values{}
	q.Set("memory_limit", limit)
	for _, kv := range extra {
		k, v, _ := strings.Cut(kv, "=")
		q.Set(k, v)
	}
	return path + "?" + q.Encode(), nil
}

package api

// ExportRuns is the number of Parquet exports run so far in this process.
func ExportRuns() int64 { return exportRuns.Load() }

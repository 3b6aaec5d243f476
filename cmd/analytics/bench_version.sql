-- The DuckDB library the binary links, for the machine line of a benchmark.
SELECT library_version FROM pragma_version()

package main

import (
	"flag"
	"fmt"
	"io"
	"os"

	"nianbao/ingest"
)

// defaultDB is the database used when --db and ANALYTICS_DB are unset.
const defaultDB = "data/nianbao.duckdb"

func dbPath(flagValue string) string {
	if flagValue != "" {
		return flagValue
	}
	if env := os.Getenv("ANALYTICS_DB"); env != "" {
		return env
	}
	return defaultDB
}

// metaFlags are the flags that override what the parser infers.
type metaFlags struct {
	agency, county, edition string
	year                    int
}

func (m *metaFlags) register(fs *flag.FlagSet) {
	fs.StringVar(&m.agency, "agency", "", "agency (机关) of every report read, overriding the text")
	fs.StringVar(&m.county, "county", "", "county (县/区) of every report read, overriding the text")
	fs.IntVar(&m.year, "year", 0, "report year, overriding the text")
	fs.StringVar(&m.edition, "edition", "", "table edition, 2019 or 2021, overriding detection")
}

func (m *metaFlags) meta() ingest.Meta {
	return ingest.Meta{Agency: m.agency, County: m.county, Year: m.year, Edition: m.edition}
}

// parseInterleaved parses flags that may come before or after the
// positional arguments (analytics parse FILE --year 2022).
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			// Parse took the "--" itself: all after it is positional
			// (a negative value: correct … -- 12 t3.new.total -5).
			return append(pos, rest...), nil
		}
		args = rest
		if len(args) == 0 {
			return pos, nil
		}
		if args[0] == "--" {
			return append(pos, args[1:]...), nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: analytics %s\n\nFlags:\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"nianbao/accuracy"
	"nianbao/ingest"
)

func init() {
	register(command{name: "score", summary: "compare parsed reports with verified figures (truth.json): exact, missing, wrong, silently wrong", run: runScore})
}

// truthEntry is one report of a truth file: the excerpts' form (file,
// agency — null when the excerpt does not name it —, year, edition,
// cells) or the simpler one (file and cells).
type truthEntry struct {
	File    string             `json:"file"`
	Agency  json.RawMessage    `json:"agency"`
	County  string             `json:"county"`
	Year    int                `json:"year"`
	Edition string             `json:"edition"`
	Cells   map[string]float64 `json:"cells"`
}

func (e truthEntry) truth(file string) (accuracy.Truth, error) {
	t := accuracy.Truth{File: file, County: e.County, Year: e.Year, Edition: e.Edition, Cells: e.Cells}
	if len(e.Agency) > 0 && string(e.Agency) != "null" {
		var a string
		if err := json.Unmarshal(e.Agency, &a); err != nil {
			return t, fmt.Errorf("%s: agency is neither a name nor null: %s", e.File, e.Agency)
		}
		t.Agency = &a
	}
	if t.Cells == nil {
		t.Cells = map[string]float64{}
	}
	return t, nil
}

// readTruth reads a truth file: an array of entries, or one entry.
func readTruth(path string) ([]truthEntry, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	b = bytes.TrimPrefix(bytes.TrimSpace(b), []byte("\ufeff"))
	var entries []truthEntry
	if len(b) > 0 && b[0] == '{' {
		var e truthEntry
		if err := json.Unmarshal(b, &e); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		entries = []truthEntry{e}
	} else if err := json.Unmarshal(b, &entries); err != nil {
		return nil, fmt.Errorf("%s: not a truth file (an array of {file, cells} or one such object): %w", path, err)
	}
	for i, e := range entries {
		if e.File == "" {
			return nil, fmt.Errorf("%s: entry %d has no \"file\"", path, i+1)
		}
	}
	return entries, nil
}

// matchTruth finds the entry of a file: the same path, the same path
// ending, or the same base name.
func matchTruth(entries []truthEntry, path string) (truthEntry, bool) {
	p := filepath.ToSlash(path)
	for _, e := range entries {
		f := filepath.ToSlash(e.File)
		if p == f || strings.HasSuffix(p, "/"+f) {
			return e, true
		}
	}
	for _, e := range entries {
		if filepath.Base(e.File) == filepath.Base(path) {
			return e, true
		}
	}
	return truthEntry{}, false
}

// scoreOutput is the --json output.
type scoreOutput struct {
	Files []accuracy.Score `json:"files"`
	Total accuracy.Counts  `json:"total"`
}

func runScore(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("score", "score --truth truth.json [--json] DIR|FILE...", stderr)
	truthPath := fs.String("truth", "", "the verified figures: a JSON array of {file, cells[, agency, year, edition, county]} or one such object")
	asJSON := fs.Bool("json", false, "print the scores as JSON")
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return 1
	}
	if *truthPath == "" || len(paths) == 0 {
		fmt.Fprintln(stderr, "analytics score: 需要 --truth 真值文件和至少一个报告文件或文件夹")
		fs.Usage()
		return 1
	}
	entries, err := readTruth(*truthPath)
	if err != nil {
		fmt.Fprintf(stderr, "analytics score: 无法读取真值文件：%v\n", err)
		return 1
	}
	files, err := ingest.CollectFiles(paths)
	if err != nil {
		fmt.Fprintf(stderr, "analytics score: %v\n", err)
		return 1
	}
	code := 0
	var out scoreOutput
	for _, path := range files {
		if filepath.Base(path) == filepath.Base(*truthPath) {
			continue
		}
		e, ok := matchTruth(entries, path)
		if !ok {
			fmt.Fprintf(stderr, "analytics score: %s 在真值文件中没有记录，跳过\n", path)
			continue
		}
		t, err := e.truth(path)
		if err != nil {
			fmt.Fprintf(stderr, "analytics score: %v\n", err)
			return 1
		}
		reports, err := ingest.ParseFile(path, ingest.Meta{})
		if err != nil {
			// Scored all the same: every cell missing.
			fmt.Fprintf(stderr, "analytics score: 无法读取 %v\n", err)
			code = 1
		}
		var s accuracy.Score
		if len(reports) > 0 {
			s = accuracy.Compare(reports[0], t)
		} else {
			s = accuracy.Compare(nil, t)
		}
		out.Files = append(out.Files, s)
		out.Total.Add(s.Counts)
	}
	if len(out.Files) == 0 {
		fmt.Fprintln(stderr, "analytics score: 所给文件没有一个在真值文件中有记录")
		return 1
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		enc.Encode(out)
	} else {
		writeScores(stdout, out)
	}
	if out.Total.Silent > 0 {
		return 2
	}
	return code
}

var scoreHeader = []string{"文件", "真值单元格", "正确", "缺失(有提示)", "缺失(无提示)", "错误(有提示)", "静默错误", "多读", "机关", "年份", "版式"}

func mark(f accuracy.Field) string {
	switch f {
	case accuracy.Right:
		return "对"
	case accuracy.WrongMeta:
		return "错"
	}
	return "-"
}

func frac(right, scored int) string {
	if scored == 0 {
		return "-"
	}
	return fmt.Sprintf("%d/%d", right, scored)
}

func countRow(name string, c accuracy.Counts) []string {
	return []string{name, strconv.Itoa(c.Cells), strconv.Itoa(c.Exact), strconv.Itoa(c.MissingFlagged), strconv.Itoa(c.MissingUnflagged),
		strconv.Itoa(c.Wrong), strconv.Itoa(c.Silent), strconv.Itoa(c.Extra)}
}

func writeScores(w io.Writer, out scoreOutput) {
	rows := [][]string{scoreHeader}
	for _, s := range out.Files {
		rows = append(rows, append(countRow(filepath.Base(s.File), s.Counts), mark(s.Agency), mark(s.Year), mark(s.Edition)))
	}
	t := out.Total
	rows = append(rows, append(countRow(fmt.Sprintf("合计（%d份）", len(out.Files)), t),
		frac(t.AgencyRight, t.AgencyScored), frac(t.YearRight, t.YearScored), frac(t.EditionRight, t.EditionScored)))
	writeColumns(w, rows)
	// The cells nobody would notice are listed one by one.
	var silent [][]string
	for _, s := range out.Files {
		for _, c := range s.Details {
			if c.Class == accuracy.Silent {
				silent = append(silent, []string{filepath.Base(s.File), c.Code, "真值 " + num(*c.Want), "读出 " + num(*c.Got)})
			}
		}
	}
	if len(silent) > 0 {
		fmt.Fprintf(w, "\n静默错误（读出的数与真值不同，且没有任何提示）：\n")
		writeColumns(w, silent)
	}
}

func num(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

package degrade

import (
	"fmt"
	"sort"

	"nianbao/report"
)

// Score counts the truth's cells by what a read of the scan made of them.
type Score struct {
	// Exact: read, equal, no finding names it.
	Exact int `json:"exact"`
	// Flagged: read, and a finding (not an info) names it, right or wrong.
	Flagged int `json:"flagged"`
	// FlaggedRight: of the flagged, those read equal to the truth (a
	// print that breaks a rule itself has its right cells flagged, as
	// its text layer's reading has).
	FlaggedRight int `json:"flagged_right"`
	// Unread: absent (the reader gave a finding for it).
	Unread int `json:"unread"`
	// Wrong: read, different, no finding names it — silently wrong; a
	// cell the scan has and the truth does not counts here too.
	Wrong      int      `json:"silently_wrong"`
	WrongCells []string `json:"silently_wrong_cells,omitempty"`
}

// Cells is the number of cells scored.
func (s Score) Cells() int { return s.Exact + s.Flagged + s.Unread + s.Wrong }

// Add sums two scores.
func (s Score) Add(o Score) Score {
	return Score{s.Exact + o.Exact, s.Flagged + o.Flagged, s.FlaggedRight + o.FlaggedRight, s.Unread + o.Unread, s.Wrong + o.Wrong, append(append([]string(nil), s.WrongCells...), o.WrongCells...)}
}

func (s Score) String() string {
	return fmt.Sprintf("%d cells: %d exact (%.1f%%), %d flagged, %d unread, %d silently wrong %v",
		s.Cells(), s.Exact, 100*float64(s.Exact)/float64(max(s.Cells(), 1)), s.Flagged, s.Unread, s.Wrong, s.WrongCells)
}

// Compare scores the cells read from a scan (got) against the truth.
func Compare(truth, got *report.Report) Score {
	flagged := map[string]bool{}
	for _, f := range got.Findings {
		if f.Severity == report.SeverityInfo {
			continue
		}
		for _, c := range f.Cells {
			flagged[c] = true
		}
	}
	var s Score
	codes := make([]string, 0, len(truth.Cells))
	for c := range truth.Cells {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	for _, c := range codes {
		v, ok := got.Cells[c]
		switch {
		case !ok:
			s.Unread++
		case flagged[c]:
			s.Flagged++
			if v == truth.Cells[c] {
				s.FlaggedRight++
			}
		case v == truth.Cells[c]:
			s.Exact++
		default:
			s.Wrong++
			s.WrongCells = append(s.WrongCells, fmt.Sprintf("%s=%v(真值%v)", c, v, truth.Cells[c]))
		}
	}
	extra := make([]string, 0)
	for c := range got.Cells {
		if _, ok := truth.Cells[c]; !ok && !flagged[c] {
			extra = append(extra, c)
		}
	}
	sort.Strings(extra)
	for _, c := range extra {
		s.Wrong++
		s.WrongCells = append(s.WrongCells, fmt.Sprintf("%s=%v(真值无)", c, got.Cells[c]))
	}
	return s
}

package report

import (
	"iter"
	"strings"
)

// Code is a cell code of docs/report-format.md (in ../shared/docs):
// "t<table>.<row>.<column>", such as t3.new.total. Codes are made by the
// constructors below, never by concatenation at the call site, so that
// "where is t3.granted.total made" is answered by "who calls T3".
type Code string

// T2 is the code of a table-2 cell: T2("regulations", "issued").
func T2(row, col string) Code { return Code("t2." + row + "." + col) }

// T3 is the code of a table-3 cell: T3("granted", "natural").
func T3(row, col string) Code { return Code("t3." + row + "." + col) }

// T4 is the code of a table-4 cell: T4("reconsideration", "corrected").
func T4(group, outcome string) Code { return Code("t4." + group + "." + outcome) }

// String returns the code as printed.
func (c Code) String() string { return string(c) }

// Table is the table number of a code (2, 3 or 4), 0 when malformed.
func (c Code) Table() int {
	if len(c) < 3 || c[0] != 't' || c[2] != '.' || c[1] < '2' || c[1] > '4' {
		return 0
	}
	return int(c[1] - '0')
}

// Row is the row part of a code (for t3.denied.state_secret.total,
// "denied.state_secret").
func (c Code) Row() string {
	s := string(c)
	if c.Table() == 0 {
		return ""
	}
	s = s[3:]
	i := strings.LastIndexByte(s, '.')
	if i < 0 {
		return ""
	}
	return s[:i]
}

// Column is the last part of a code (the column, or table 4's outcome).
func (c Code) Column() string {
	s := string(c)
	i := strings.LastIndexByte(s, '.')
	if i < 0 || c.Table() == 0 {
		return ""
	}
	return s[i+1:]
}

// Known tells whether the code is in the catalogue.
func (c Code) Known() bool {
	_, ok := byCode[string(c)]
	return ok
}

// T2Codes yields the printed cells of table 2 for an edition, in order.
func T2Codes(edition string) iter.Seq[Code] {
	return func(yield func(Code) bool) {
		for _, r := range T2Rows[edition] {
			for _, col := range r.Columns {
				if !yield(T2(r.Code, col)) {
					return
				}
			}
		}
	}
}

// T3PrintedRows lists the rows of table 3 that an edition prints (2021:
// the three other.* sub-rows and not "other"; 2019: "other" alone).
func T3PrintedRows(edition string) []string {
	var rows []string
	for _, r := range T3Rows {
		if !editionPrints(edition, r.Code) {
			continue
		}
		rows = append(rows, r.Code)
	}
	return rows
}

func editionPrints(edition, row string) bool {
	switch {
	case row == "other":
		return edition != Edition2021
	case strings.HasPrefix(row, "other."):
		return edition == Edition2021
	}
	return true
}

// T3Codes yields the printed cells of table 3 for an edition, row by row.
func T3Codes(edition string) iter.Seq[Code] {
	return func(yield func(Code) bool) {
		for _, row := range T3PrintedRows(edition) {
			for _, col := range T3Columns {
				if !yield(T3(row, col)) {
					return
				}
			}
		}
	}
}

// T4Codes yields table 4's fifteen cells in printed order.
func T4Codes() iter.Seq[Code] {
	return func(yield func(Code) bool) {
		for _, g := range T4Groups {
			for _, o := range T4Outcomes {
				if !yield(T4(g, o)) {
					return
				}
			}
		}
	}
}

// PrintedCodes yields every printed cell of an edition: tables 2, 3, 4.
func PrintedCodes(edition string) iter.Seq[Code] {
	return func(yield func(Code) bool) {
		for _, seq := range []iter.Seq[Code]{T2Codes(edition), T3Codes(edition), T4Codes()} {
			for c := range seq {
				if !yield(c) {
					return
				}
			}
		}
	}
}

// Package cellsafe keeps a spreadsheet from reading text as a formula.
// Every CSV and XLSX download of the server (api, web) passes its text
// cells through Text: reports are uploaded by anyone, and an agency named
// `=HYPERLINK("http://x")` or `+cmd|' /C calc'!A0` must reach an office's
// Excel as text.
package cellsafe

import "strings"

// leaders are the first characters Excel, LibreOffice and Google Sheets
// take as the start of a formula (or, for tab and carriage return, strip
// before looking again) — the OWASP list for CSV injection.
const leaders = "=+-@\t\r"

// Text returns s with a leading apostrophe when it starts like a formula;
// other text is returned as is. Excel hides the apostrophe of a CSV cell
// and shows the text; in an XLSX string cell it shows, which is the price
// of one rule for both (a file saved again as CSV stays safe). Only text
// goes through here: numbers are written as numbers, so a negative number
// is never touched.
func Text(s string) string {
	if s != "" && strings.IndexByte(leaders, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// Unsafe tells whether s starts like a formula and is not escaped (the
// tests walk every download with it).
func Unsafe(s string) bool {
	return s != "" && strings.IndexByte(leaders, s[0]) >= 0
}

// Values passes the strings of a row through Text and leaves every other
// value (numbers, nil) as it is: for excelize's SetSheetRow and SetRow.
func Values(row []any) []any {
	out := make([]any, len(row))
	for i, v := range row {
		if s, ok := v.(string); ok {
			v = Text(s)
		}
		out[i] = v
	}
	return out
}

// Strings passes every string of a record through Text, for csv.Writer.
func Strings(rec []string) []string {
	out := make([]string, len(rec))
	for i, s := range rec {
		out[i] = Text(s)
	}
	return out
}

package document

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/xuri/excelize/v2"
)

// TestSheetGridAsBefore: sheetGrid (each cell joined once, slices for
// maps) lays out random sheets with random merged ranges — overlapping,
// backwards, past the used range, over the whole sheet — exactly as the
// former function (sheetGridBefore, kept below as it was at bbbbc7f).
func TestSheetGridAsBefore(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 25))
	texts := []string{"", "", "1", "本年新收", " 两 行 ", "a\u3000b", "\xff", "x  y"}
	lim := BuiltinLimits()
	for n := range 3000 {
		rows := make([][]string, rng.IntN(12))
		for i := range rows {
			row := make([]string, rng.IntN(8))
			for j := range row {
				row[j] = texts[rng.IntN(len(texts))]
			}
			rows[i] = row
		}
		var merges []excelize.MergeCell
		for range rng.IntN(4) {
			a, _ := excelize.CoordinatesToCellName(1+rng.IntN(10), 1+rng.IntN(14))
			b, _ := excelize.CoordinatesToCellName(1+rng.IntN(10), 1+rng.IntN(14))
			merges = append(merges, excelize.MergeCell{a + ":" + b, ""})
		}
		if n%500 == 0 {
			merges = append(merges, excelize.MergeCell{"A1:XFD1048576", ""}, excelize.MergeCell{"bad:ref", ""})
		}
		l := lim
		if n%3 == 0 {
			l.GridCells = 20 // the merged area refused
		}
		got, err1 := sheetGrid(rows, merges, l)
		want, err2 := sheetGridBefore(rows, merges, l)
		if fmt.Sprint(err1) != fmt.Sprint(err2) || !reflect.DeepEqual(got, want) {
			t.Fatalf("rows %q merges %v:\n got %v (%v)\nwant %v (%v)", rows, merges, got, err1, want, err2)
		}
	}
}

func sheetGridBefore(rows [][]string, merges []excelize.MergeCell, lim Limits) ([][]gridCell, error) {
	var area int64 // cells covered by merges, overlapping ones counted again
	covered := map[[2]int]bool{}
	inMerge := map[int]bool{} // rows touched by a merged range
	mergeEnd := map[int]int{} // top row of a merge -> its last column
	usedCols := 0
	for _, row := range rows {
		usedCols = max(usedCols, len(row))
	}
	for _, m := range merges {
		c1, r1, err1 := excelize.CellNameToCoordinates(m.GetStartAxis())
		c2, r2, err2 := excelize.CellNameToCoordinates(m.GetEndAxis())
		if err1 != nil || err2 != nil {
			continue
		}
		if c1 > c2 {
			c1, c2 = c2, c1
		}
		if r1 > r2 {
			r1, r2 = r2, r1
		}
		r2, c2 = min(r2, len(rows)), min(c2, usedCols)
		if r1 > r2 || c1 > c2 {
			continue
		}
		if area += int64(r2-r1+1) * int64(c2-c1+1); area > lim.GridCells {
			return nil, over(lim, "grid_cells", "合并单元格")
		}
		for r := r1; r <= r2; r++ {
			inMerge[r] = true
			for c := c1; c <= c2; c++ {
				if r != r1 || c != c1 {
					covered[[2]int{r, c}] = true
				}
			}
		}
		mergeEnd[r1] = max(mergeEnd[r1], c2)
	}
	value := func(r, c int) string {
		if r <= len(rows) && c <= len(rows[r-1]) {
			return joinText(rows[r-1][c-1])
		}
		return ""
	}
	lastValue := func(r int) int {
		last := 0
		if r <= len(rows) {
			for c := range rows[r-1] {
				if value(r, c+1) != "" {
					last = c + 1
				}
			}
		}
		return last
	}
	var blocks [][]gridCell
	maxRow := len(rows)
	for r := range inMerge {
		maxRow = max(maxRow, r)
	}
	for r := 1; r <= maxRow; {
		if lastValue(r) == 0 && !inMerge[r] {
			r++
			continue
		}
		end, width := r, 0
		for end <= maxRow && (lastValue(end) > 0 || inMerge[end]) {
			width = max(width, lastValue(end), mergeEnd[end])
			end++
		}
		var block []gridCell
		for i := r; i < end; i++ {
			var row []gridCell
			empty := true
			for c := 1; c <= width; c++ {
				if covered[[2]int{i, c}] {
					continue
				}
				v := value(i, c)
				empty = empty && v == ""
				row = append(row, gridCell{Row: i, Col: c, Text: v})
			}
			if !empty {
				block = append(block, row...)
			}
		}
		if len(block) > 0 {
			blocks = append(blocks, block)
		}
		r = end
	}
	return blocks, nil
}

package store

import (
	"context"
	"fmt"
	"reflect"
	"testing"

	"nianbao/report"
)

// TestCountiesDocsFewEqualsTheJoins: the documents of a few counties read
// county by county and by id range (the re-check after a change) are the
// ones the joins of the bulk re-check read: same reports in the same
// order, same cells, printed blanks and text sections. Two counties, three
// years, reports saved interleaved so that a county's ids make more than
// one range.
func TestCountiesDocsFewEqualsTheJoins(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	n := 0
	for _, year := range []int{2021, 2022, 2023} {
		for _, county := range []string{"乐至县", "安岳县"} {
			for _, town := range []string{"甲镇", "乙镇", "丙镇"} {
				n++
				r := full(county+town, county, year, float64(n%4), fmt.Sprint("h", n))
				r.Set("t3.new.natural", 0, report.Source{Line: 3, Raw: "—"})
				r.Set("t3.new.total", float64(n), report.Source{Line: 4, Raw: fmt.Sprint(n)})
				if _, err := s.Save(ctx, r); err != nil {
					t.Fatal(err)
				}
				if n%2 == 0 {
					secs := []NarrativeSection{{Number: 1, Body: fmt.Sprintf("%s%d年总体情况", town, year)}, {Number: 6, Body: "其他"}}
					if err := s.SaveNarrative(ctx, r.Agency, county, year, secs); err != nil {
						t.Fatal(err)
					}
				}
			}
			// Ids far apart: the next reports start another range.
			if _, err := s.DB().ExecContext(ctx, `SELECT max(nextval('report_id_seq')) FROM range(?)`, idGap+1); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, spans := range [][]CountySpan{
		{{County: "乐至县", From: 2021, To: 2023}},
		{{County: "乐至县", From: 2022, To: 2023}, {County: "安岳县", From: 2021, To: 2021}},
		{{County: "无此县", From: 2021, To: 2023}},
	} {
		few, err := countiesDocs(ctx, s.db, spans, true, nil)
		if err != nil {
			t.Fatal(err)
		}
		joined, err := countiesDocs(ctx, s.db, spans, false, nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(few, joined) {
			t.Errorf("%v: county by county and by the joins differ:\n%+v\n%+v", spans, few, joined)
		}
	}
	docs, _ := countiesDocs(ctx, s.db, []CountySpan{{County: "乐至县", From: 2021, To: 2023}}, true, nil)
	var ids []int64
	for _, d := range docs["乐至县"] {
		ids = append(ids, d.ID)
	}
	if len(ids) != 9 || len(idRanges(ids)) < 2 || docs["乐至县"][1].Sections == nil || docs["乐至县"][0].Raw["t3.new.natural"] != "—" {
		t.Errorf("乐至县: %d reports in %d id ranges, want 9 in 3 with their texts and blanks: %+v", len(ids), len(idRanges(ids)), docs["乐至县"])
	}
	// The levels come from agencies by a second statement (levelsOf): a
	// town's, the same as the join gives.
	for _, d := range docs["乐至县"] {
		if d.Level != "镇" {
			t.Errorf("%s %d: level %q, want 镇", d.Agency, d.Year, d.Level)
		}
	}
}

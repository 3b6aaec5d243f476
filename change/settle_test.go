package change_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"slices"
	"strings"
	"testing"

	"nianbao/assess"
	"nianbao/change"
	"nianbao/ingest"
	"nianbao/parse"
	"nianbao/report"
	"nianbao/store"
)

// gluedT2 is a 2022 report whose table-2 rows are glued runs the report
// alone cannot settle (规章12514, 行政规范性文件86231), read as an upload
// reads it: its text kept, its hash that of its bytes.
func gluedT2(t *testing.T, agency, county string) (*report.Report, []byte) {
	t.Helper()
	data, err := os.ReadFile("../parse/testdata/glued-t2-last-year.txt")
	if err != nil {
		t.Fatal(err)
	}
	r, err := parse.Text("glued-2022.txt", string(data), parse.Meta{Agency: agency, County: county})
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	r.SHA256, r.Text = hex.EncodeToString(sum[:]), string(data)
	// A finding made around the parse (the name checked against the
	// registry), which a re-read given the agency does not make again.
	r.AddFinding(report.RuleAgencyNearMiss, report.SeverityInfo, "机关名称与登记册中的“乐至县司法所”相近，请核对")
	return r, data
}

// lastYear is the agency's 2021 report with table 2's 现行有效 counts.
func lastYear(agency, county string, regs, docs float64) *report.Report {
	r := rep(agency, county, 2021, 0, "y2021-"+agency)
	r.Findings = nil
	for row, v := range map[string]float64{"regulations": regs, "normative_docs": docs} {
		r.Cells["t2."+row+".issued"], r.Cells["t2."+row+".abolished"], r.Cells["t2."+row+".in_force"] = 1, 1, v
	}
	return r
}

// TestSettleAcrossYears: year 2022 stored with ambiguous glued rows of
// table 2; when 2021 arrives (or was there first), 2022 gets a new
// version authored by the reader with the cells read and the findings
// gone, audited as the reader's; a 2021 that contradicts every reading
// settles nothing.
func TestSettleAcrossYears(t *testing.T) {
	want := map[string]float64{
		"t2.regulations.issued": 12, "t2.regulations.abolished": 5, "t2.regulations.in_force": 14,
		"t2.normative_docs.issued": 8, "t2.normative_docs.abolished": 6, "t2.normative_docs.in_force": 231,
	}
	cases := []struct {
		name       string
		lastFirst  bool    // 2021 stored before 2022
		regsInLast float64 // 2021's 规章 现行有效
		docsInLast float64 // 2021's 行政规范性文件 现行有效
		settles    bool
	}{
		{"last year arrives after", false, 7, 229, true},
		{"this year arrives after", true, 7, 229, true},
		{"last year contradicts", false, 100, 100, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st, err := store.Open("")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			ctx := context.Background()
			rec := &recorder{}
			svc := rec.service(st)
			admin := change.Admin("管理员")
			const agency, county = "乐至县司法局", "乐至县"
			this, data := gluedT2(t, agency, county)
			prev := lastYear(agency, county, tc.regsInLast, tc.docsInLast)
			upload := func(r *report.Report, data []byte) int64 {
				out, err := svc.Upload(ctx, admin, change.Upload{File: r.File, Data: data, Reports: []*report.Report{r}})
				if err != nil {
					t.Fatal(err)
				}
				return out[0].ID
			}
			var id int64
			if tc.lastFirst {
				upload(prev, []byte(prev.SHA256))
				id = upload(this, data)
			} else {
				id = upload(this, data)
				if got := gluedFindings(t, st, id); got != 2 {
					t.Fatalf("2022 alone: %d glued-run findings, want 2", got)
				}
				upload(prev, []byte(prev.SHA256))
			}
			full, err := st.Get(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			vs, err := st.Versions(ctx, id)
			if err != nil {
				t.Fatal(err)
			}
			audit, err := st.Audit(ctx, 1000)
			if err != nil {
				t.Fatal(err)
			}
			byReader := 0
			for _, e := range audit {
				if e.Author == change.Reader && e.Year == 2022 {
					byReader++
				}
			}
			settleSteps := 0
			for _, a := range rec.audits {
				if a.Op == "settle" && a.Actor == change.Reader && len(a.Reports) == 1 && a.Reports[0] == id {
					settleSteps++
				}
			}
			if !tc.settles {
				if len(vs) != 1 || byReader != 0 || settleSteps != 0 || gluedFindings(t, st, id) != 2 {
					t.Errorf("contradicting year: %d versions, %d reader audit rows, %d settle steps, %d findings; want 1, 0, 0, 2",
						len(vs), byReader, settleSteps, gluedFindings(t, st, id))
				}
				return
			}
			for code, v := range want {
				if got, ok := full.Cells[code]; !ok || got != v {
					t.Errorf("%s = %v (read %v), want %v", code, got, ok, v)
				}
			}
			if n := gluedFindings(t, st, id); n != 0 {
				t.Errorf("%d glued-run findings left, want none", n)
			}
			if !slices.ContainsFunc(full.Findings, func(f report.Finding) bool { return f.Rule == report.RuleAgencyNearMiss }) {
				t.Errorf("the finding on the agency's name was lost by the re-read: %+v", full.Findings)
			}
			if src := full.Sources["t2.normative_docs.in_force"]; !strings.Contains(src.Note, "上年（2021年）报告的现行有效件数") {
				t.Errorf("note of the settled cell does not name last year: %q", src.Note)
			}
			if len(vs) != 2 || vs[1].Author != change.Reader || !vs[1].Current || vs[0].Author != admin.Name {
				t.Errorf("versions %+v, want the upload then the reader's current version", vs)
			}
			if byReader != 1 {
				t.Errorf("%d audit_log rows by the reader for 2022, want 1", byReader)
			}
			if settleSteps != 1 {
				t.Errorf("audit steps %+v, want one settle by the reader of report %d", rec.audits, id)
			}
			if last := rec.figures[len(rec.figures)-1]; !slices.Contains(last, id) {
				t.Errorf("figures refreshed for %v, not the settled report %d", last, id)
			}
			if !covers(rec.rechecks[len(rec.rechecks)-1], county, 2022) {
				t.Errorf("re-check %+v does not cover the settled year", rec.rechecks[len(rec.rechecks)-1])
			}
			// A person who restores the upload is not overruled: neither
			// by the restore's own steps nor by a later write next door.
			if _, err := svc.Restore(ctx, admin, id, 1, "上年数字有重新统计，粘连数字请人工核对"); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.Correct(ctx, admin, upload2021(t, st, agency), "t2.regulations.in_force", "7", "核对原件"); err != nil {
				t.Fatal(err)
			}
			if vs, err := st.Versions(ctx, id); err != nil || len(vs) != 2 || !vs[0].Current {
				t.Errorf("after a person restored the upload: versions %+v (%v), want the upload current and no new one", vs, err)
			}
		})
	}
}

func gluedFindings(t *testing.T, st *store.Store, id int64) int {
	t.Helper()
	fs, err := st.FindingsOf(context.Background(), []int64{id})
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, f := range fs {
		if f.Rule == report.RuleAmbiguous && strings.Contains(f.Message, "数字粘连") {
			n++
		}
	}
	return n
}

func covers(spans []assess.CountySpan, county string, year int) bool {
	for _, s := range spans {
		if s.County == county && s.From <= year && year <= s.To {
			return true
		}
	}
	return false
}

// upload2021 is the id of the agency's stored 2021 report.
func upload2021(t *testing.T, st *store.Store, agency string) int64 {
	t.Helper()
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM reports WHERE agency = ? AND year = 2021`, agency).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSettleAtIngest: the same through the batch ingest of files (the
// path of analytics ingest): 2022's glued table 2 stored from a file,
// then 2021's file ingested settles it as the reader's version.
func TestSettleAtIngest(t *testing.T) {
	st, err := store.Open("")
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	svc := change.New(st, nil)
	admin := change.Admin("管理员")
	dir := t.TempDir()
	data, err := os.ReadFile("../parse/testdata/glued-t2-last-year.txt")
	if err != nil {
		t.Fatal(err)
	}
	last := "某镇2021年政府信息公开工作年度报告\n二、主动公开政府信息情况\n第二十条第(一)项\n" +
		"信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 1 | 1 | 7 |\n行政规范性文件 | 3 | 2 | 229 |\n" +
		"三、收到和处理政府信息公开申请情况\n四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n"
	meta := ingest.Meta{Agency: "乐至县司法局", County: "乐至县"}
	for _, f := range []struct{ name, text string }{{"2022.txt", string(data)}, {"2021.txt", last}} {
		path := dir + "/" + f.name
		if err := os.WriteFile(path, []byte(f.text), 0o644); err != nil {
			t.Fatal(err)
		}
		sum, err := svc.Ingest(ctx, admin, []string{path}, meta, ingest.Options{}, nil)
		if err != nil || sum.Stored != 1 {
			t.Fatalf("ingest %s: %+v, %v", f.name, sum, err)
		}
	}
	var id int64
	if err := st.DB().QueryRow(`SELECT id FROM reports WHERE year = 2022`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	full, err := st.Get(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if full.Cells["t2.normative_docs.in_force"] != 231 || full.Cells["t2.regulations.issued"] != 12 || gluedFindings(t, st, id) != 0 {
		t.Errorf("2022 after 2021's ingest: cells %v, %d glued-run findings", full.Cells, gluedFindings(t, st, id))
	}
	if vs, err := st.Versions(ctx, id); err != nil || len(vs) != 2 || vs[1].Author != change.Reader {
		t.Errorf("versions %+v (%v), want the ingest's then the reader's", vs, err)
	}
}

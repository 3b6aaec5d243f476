package assess_test

import (
	"context"
	"testing"

	"nianbao/assess"
	"nianbao/report"
	"nianbao/store"
)

// TestAggregateStored stores a county government's report and two towns'
// and checks the coverage rows and the finding the re-check stores, with
// and without the towns exceeding the county's figure.
func TestAggregateStored(t *testing.T) {
	for _, tc := range []struct {
		name       string
		county     float64
		wantFind   bool
		wantUnits  float64
		wantShares float64
	}{
		{"coverage gap", 20, false, 9, 0.45},
		{"units above", 8, true, 9, 9.0 / 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open("")
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			mk := func(agency string, v float64) *report.Report {
				r := report.New(agency + ".txt")
				r.Agency, r.County, r.Year, r.Edition, r.SHA256 = agency, "示范县", 2023, report.Edition2021, agency
				r.Cells["t3.new.total"] = v
				return r
			}
			var countyID int64
			for _, r := range []*report.Report{mk("示范县人民政府", tc.county), mk("甲镇", 4), mk("乙乡", 5)} {
				res, err := st.Save(ctx, r)
				if err != nil {
					t.Fatal(err)
				}
				if err := assess.Saved(ctx, st, res.ID, r); err != nil {
					t.Fatal(err)
				}
				if r.Agency == "示范县人民政府" {
					countyID = res.ID
				}
			}
			cov, err := st.Coverage(ctx, countyID)
			if err != nil {
				t.Fatal(err)
			}
			if len(cov) != 1 || cov[0].Code != "t3.new.total" || cov[0].UnitsSum != tc.wantUnits || cov[0].Units != 2 || cov[0].UnitsSum/cov[0].Aggregate != tc.wantShares {
				t.Fatalf("coverage %+v", cov)
			}
			fs, err := st.CountyFindings(ctx, "示范县", 2023)
			if err != nil {
				t.Fatal(err)
			}
			found := false
			for _, f := range fs {
				if f.Rule == report.RuleAggregateOver {
					found = f.ReportID == countyID
				}
			}
			if found != tc.wantFind {
				t.Errorf("aggregate finding %v, want %v", found, tc.wantFind)
			}
		})
	}
}

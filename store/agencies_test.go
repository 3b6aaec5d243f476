package store

import (
	"context"
	"os"
	"testing"

	"nianbao/registry"
)

// A county's own list of departments: imported (audited), then ingest
// resolves a bureau by its short name and old name, and the filing list of
// departments expects all three.
func TestImportUnitsThenResolveAndFile(t *testing.T) {
	ctx := context.Background()
	s := openMem(t)
	data, err := os.ReadFile("../registry/testdata/lezhi-units.csv")
	if err != nil {
		t.Fatal(err)
	}
	reg, err := s.Registry(ctx)
	if err != nil {
		t.Fatal(err)
	}
	units, err := registry.ReadUnits(reg, "lezhi-units.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	if n, err := s.ImportUnits(ctx, "lezhi-units.csv", units, "cli:test"); err != nil || n != 3 {
		t.Fatalf("import: %d %v", n, err)
	}
	kewei, err := s.Save(ctx, full("乐至县科委", "乐至县", 2023, 1, "k"))
	if err != nil {
		t.Fatal(err)
	}
	edu, err := s.Save(ctx, full("乐至县教育局", "乐至县", 2023, 1, "e")) // the old name
	if err != nil {
		t.Fatal(err)
	}
	if !kewei.Registered || !edu.Registered || kewei.AgencyID == edu.AgencyID {
		t.Fatalf("imported units not resolved: %+v %+v", kewei, edu)
	}
	a, err := s.GetAgency(ctx, edu.AgencyID)
	if err != nil || a.Name != "乐至县教育和体育局" || a.Level != registry.CountyDept || a.Source != "import" {
		t.Fatalf("agency: %+v %v", a, err)
	}
	f, err := s.Filing(ctx, FilingQuery{Place: "乐至县", Year: 2023, Levels: []registry.Level{registry.CountyDept}, Deadline: testDeadline})
	if err != nil || f.Expected != 2 || f.Filed != 2 {
		t.Fatalf("departments filing: %+v %v", f, err)
	}
	// Importing the same list again updates, it does not duplicate.
	if _, err := s.ImportUnits(ctx, "lezhi-units.csv", units, "cli:test"); err != nil {
		t.Fatal(err)
	}
	list, _ := s.Agencies(ctx, AgencyFilter{County: "512022", Level: string(registry.CountyDept)})
	if len(list) != 2 {
		t.Fatalf("%d departments after a second import", len(list))
	}
	audit, _ := s.Audit(ctx, 0)
	if audit[0].Action != "registry-import" || audit[0].Author != "cli:test" {
		t.Fatalf("import not audited: %+v", audit[0])
	}
}

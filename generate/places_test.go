package generate

import (
	"testing"

	"nianbao/registry"
)

// TestCorpusOnRegistryPlaces: with Options.Places every report is of a
// real county's town as the registry names it; MissingEvery leaves some
// towns without any report and some without their last year, and still
// holds late, broken-across-years and copied reports.
func TestCorpusOnRegistryPlaces(t *testing.T) {
	reg, err := registry.Default()
	if err != nil {
		t.Fatal(err)
	}
	places, err := RegistryCounties(reg, "资阳市", "乐至县", "雁江区")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := RegistryCounties(reg, "资阳市", "朝阳区"); err == nil {
		t.Error("a county of another city was found in 资阳市")
	}
	real := map[string]bool{}
	towns := 0
	for _, c := range places {
		for _, n := range c.Towns {
			real[c.County+"/"+n] = true
			towns++
		}
	}
	if towns < 40 {
		t.Fatalf("乐至县 and 雁江区 have %d towns in the registry", towns)
	}
	full := Options{Seed: 5, Places: places, FirstYear: 2022, LastYear: 2024}
	opts := full
	opts.MissingEvery = 6
	all, some := Corpus(full), Corpus(opts)
	cases := map[string]int{}
	for _, r := range all {
		cases[AssessmentCase(r)]++
	}
	filed := map[string]map[int]bool{}
	kept := map[string]int{}
	for _, r := range some {
		key := r.County + "/" + r.Agency
		if !real[key] || !r.Synthetic {
			t.Errorf("%s %d: not a registry town of the city, or not 示例数据 (synthetic %v)", key, r.Year, r.Synthetic)
		}
		if filed[key] == nil {
			filed[key] = map[int]bool{}
		}
		filed[key][r.Year] = true
		kept[AssessmentCase(r)]++
	}
	none, lastMissing := 0, 0
	for key := range real {
		switch y := filed[key]; {
		case len(y) == 0:
			none++
		case y[2022] && y[2023] && !y[2024]:
			lastMissing++
		case len(y) != 3:
			t.Errorf("%s filed %v: a town misses no year but its last", key, y)
		}
	}
	if none == 0 || lastMissing == 0 || len(some) >= len(all) {
		t.Errorf("%d towns with no report, %d without 2024, %d of %d reports: want some of each missing", none, lastMissing, len(some), len(all))
	}
	for _, c := range []string{"late", "cross_year", "copy_previous_year", "copy_peer"} {
		if kept[c] == 0 {
			t.Errorf("the corpus with bodies missing has no %s report (full corpus: %d)", c, cases[c])
		}
	}
	t.Logf("%d towns, %d with no report, %d without 2024; %d reports of %d; cases %v, kept %v", towns, none, lastMissing, len(some), len(all), cases, kept)
}

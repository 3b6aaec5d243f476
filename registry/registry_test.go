package registry

import (
	"bytes"
	"encoding/csv"
	"os"
	"strings"
	"testing"
)

// TestRegistryFromPackageData counts each level from the package's own CSV
// files (read independently of the loader) and checks the loaded registry.
func TestRegistryFromPackageData(t *testing.T) {
	reg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	rows := func(name string) [][]string {
		b, err := ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return rs[1:]
	}
	want := map[Level]int{Province: len(rows("province.csv")), City: len(rows("city.csv")), County: len(rows("area.csv"))}
	for _, r := range rows("town.csv") {
		switch n := r[1]; {
		case strings.HasSuffix(n, "街道"), strings.HasSuffix(n, "街道办事处"):
			want[Street]++
		case strings.HasSuffix(n, "镇"):
			want[Town]++
		case strings.HasSuffix(n, "乡"), strings.HasSuffix(n, "苏木"):
			want[Township]++
		default:
			want[TownOther]++
		}
	}
	got := reg.CountByLevel()
	for l, n := range want {
		if got[l] != n {
			t.Errorf("level %s: %d places, the files have %d", l, got[l], n)
		}
		t.Logf("%s %d", l, got[l])
	}
	if want[Town] < 15000 || want[Street] < 5000 || want[County] < 2800 {
		t.Errorf("too few places for the national registry: %v", want)
	}
}

func TestLezhiTowns(t *testing.T) {
	reg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	lz := reg.Resolve(Query{Name: "乐至县人民政府"})
	if lz.Place == nil || lz.Place.Code != "512022" || lz.Place.Level != County || lz.Place.City != "资阳市" || lz.Place.Province != "四川省" {
		t.Fatalf("乐至县: %+v", lz)
	}
	towns := reg.Within("512022", Town, Township, Street)
	names := map[string]string{}
	for _, p := range towns {
		names[p.Name] = p.Code
	}
	for name, code := range map[string]string{"劳动镇": "512022110", "天池街道": "512022001", "石佛镇": "512022101", "双河场乡": "512022204"} {
		if names[name] != code {
			t.Errorf("乐至县 %s: code %q, want %s", name, names[name], code)
		}
	}
	if len(towns) < 20 {
		t.Errorf("乐至县 has %d towns and streets", len(towns))
	}
}

func TestResolve(t *testing.T) {
	reg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name           string
		q              Query
		id, by, county string // id "" = unresolved
	}{
		{"by code", Query{Code: "512022110", Name: "随便"}, "512022110", "code", "乐至县"},
		{"12-digit code", Query{Code: "512022110000"}, "512022110", "code", "乐至县"},
		{"town within county", Query{Name: "劳动镇人民政府", County: "乐至县"}, "512022110", "name", "乐至县"},
		{"county prefix in name", Query{Name: "乐至县劳动镇人民政府"}, "512022110", "name", "乐至县"},
		{"city and county", Query{Name: "劳动镇", County: "资阳市乐至县"}, "512022110", "name", "乐至县"},
		{"street office", Query{Name: "天池街道办事处", County: "乐至县"}, "512022001", "name", "乐至县"},
		{"county longest at the start", Query{Name: "梅县区梅西镇人民政府"}, "441403103", "name", "梅县区"},
		{"county stated short of its name", Query{Name: "区梅西镇", County: "梅县"}, "441403103", "name", "梅县区"},
		{"farm within county", Query{Name: "赵光农场", County: "北安市"}, "231181502", "name", "北安市"},
		{"street of a 回族区", Query{Name: "郑州市管城回族区北下街街道办事处"}, "410104001", "name", "管城回族区"},
		{"OCR slip is not applied", Query{Name: "沐阳县人民政府"}, "", "", ""},
		{"county government", Query{Name: "沭阳县人民政府", County: "沭阳县"}, "321322", "county", "沭阳县"},
		{"OCR slip in both is not applied", Query{Name: "沐阳县人民政府", County: "沐阳县"}, "", "", ""},
		{"not in county", Query{Name: "劳动镇", County: "沭阳县"}, "", "", "沭阳县"},
		{"城关镇 without county is not guessed", Query{Name: "城关镇人民政府"}, "", "", ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := reg.Resolve(c.q)
			id := ""
			if m.Place != nil {
				id = m.Place.ID
			}
			if id != c.id || m.By != c.by {
				t.Fatalf("got %q by %q (%s), want %q by %q", id, m.By, m.Reason, c.id, c.by)
			}
			county := ""
			if m.County != nil {
				county = m.County.Name
			}
			if county != c.county {
				t.Errorf("county %q, want %q", county, c.county)
			}
			if id == "" && m.Reason == "" {
				t.Error("unresolved without a reason")
			}
		})
	}
}

// TestNearMiss: a name one character off a registry name is proposed with
// a reason naming the registry's spelling, and never becomes the match;
// names two characters off, or near several places, propose nothing.
func TestNearMiss(t *testing.T) {
	reg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		q        Query
		proposal string // "" = none
	}{
		{"county one off", Query{Name: "沐阳县人民政府"}, "沭阳县"},
		{"county one off, stated too", Query{Name: "沐阳县人民政府", County: "沐阳县"}, "沭阳县"},
		{"town of a county one off", Query{Name: "沐阳县钱集镇人民政府"}, "沭阳县钱集镇"},
		{"town of a county one off, stated", Query{Name: "胡集镇", County: "沐阳县"}, "沭阳县胡集镇"},
		{"town known nationally, county one off", Query{Name: "钱集镇", County: "沐阳县"}, "沭阳县钱集镇"},
		{"county one off without a look-alike", Query{Name: "泗洋县人民政府"}, ""},
		{"county one off by a look-alike", Query{Name: "泗杨县人民政府"}, "泗阳县"},
		{"town one off in its county", Query{Name: "钱记镇", County: "沭阳县"}, "沭阳县钱集镇"},
		{"town one character short", Query{Name: "乐至县劳镇人民政府"}, ""}, // two characters: too short to propose
		{"farm one off", Query{Name: "赵光衣场", County: "北安市"}, "北安市赵光农场"},
		{"two off", Query{Name: "钱记乡", County: "沭阳县"}, ""},
		{"county and town both off", Query{Name: "沐阳县钱记镇"}, ""},
		{"unknown everywhere", Query{Name: "不存在的单位"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := reg.Resolve(c.q)
			if m.Place != nil {
				t.Fatalf("resolved to %s: a near-miss must not be applied", m.Place.Name)
			}
			got := ""
			if m.Proposal != nil {
				got = fullName(m.Proposal)
			}
			if got != c.proposal {
				t.Fatalf("proposal %q, want %q (%s)", got, c.proposal, m.Reason)
			}
			if got != "" && !strings.Contains(m.Reason, "「"+got+"」相差一字") {
				t.Errorf("reason %q does not name the proposal", m.Reason)
			}
			if reg.Known(c.q.County, c.q.Name) {
				t.Error("Known, want not known")
			}
			if prop := reg.Propose(c.q.County, c.q.Name); prop != got {
				t.Errorf("Propose = %q, want %q", prop, got)
			}
		})
	}
}

// Two 城关镇 of two counties resolve to two places; with each county stated
// each finds its own.
func TestSameNameTownsStayDistinct(t *testing.T) {
	reg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	all := reg.Named("城关镇")
	if len(all) < 2 {
		t.Fatalf("%d 城关镇 in the registry", len(all))
	}
	a, b := all[0], all[1]
	if a.CountyCode == b.CountyCode {
		t.Fatalf("two 城关镇 in one county: %+v %+v", a, b)
	}
	ma := reg.Resolve(Query{Name: "城关镇人民政府", County: a.County})
	mb := reg.Resolve(Query{Name: "城关镇", County: b.County})
	if ma.Place == nil || mb.Place == nil {
		// a county name shared by two cities may need its city
		ma = reg.Resolve(Query{Name: "城关镇", County: a.City + a.County})
		mb = reg.Resolve(Query{Name: "城关镇", County: b.City + b.County})
	}
	if ma.Place == nil || mb.Place == nil || ma.Place.ID != a.ID || mb.Place.ID != b.ID || ma.Place.ID == mb.Place.ID {
		t.Fatalf("城关镇 of %s and %s: %+v / %+v", a.County, b.County, ma, mb)
	}
}

func TestImportUnits(t *testing.T) {
	reg, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("testdata/lezhi-units.csv")
	if err != nil {
		t.Fatal(err)
	}
	units, err := ReadUnits(reg, "lezhi-units.csv", data)
	if err != nil {
		t.Fatal(err)
	}
	if len(units) != 3 {
		t.Fatalf("%d units", len(units))
	}
	r := reg.Clone()
	for _, u := range units {
		r.Add(&u.Place)
		for _, a := range u.Aliases {
			if err := r.AddAlias(a); err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, c := range []struct{ q, level, short string }{
		{"乐至县教育局", "县级部门", "教体局"}, // old name, alias
		{"科委", "县级部门", "科委"},      // short name within county
		{"乐至县经济开发区管委会", "其他", "经济开发区管委会"},
	} {
		m := r.Resolve(Query{Name: c.q, County: "乐至县"})
		if m.Place == nil || string(m.Place.Level) != c.level || m.Place.Short != c.short || m.Place.CountyCode != "512022" {
			t.Errorf("%s: %+v", c.q, m)
		}
	}
	if _, err := ReadUnits(reg, "bad.csv", []byte("name,county\n某局,不存在县\n")); err == nil || !strings.Contains(err.Error(), "第 2 行") {
		t.Errorf("unknown county: %v", err)
	}
	first, again := UnitID("u", "512022", "科委"), UnitID("u", "512022", "科委")
	if first != again || first == UnitID("u", "512021", "科委") {
		t.Error("unit ids are not stable per county")
	}
}

func TestOneOff(t *testing.T) {
	cases := []struct {
		a, b string
		want bool
	}{
		{"沭阳县", "沐阳县", true},
		{"沭阳县", "沭阳县", false},
		{"北下街街道", "北下街道", true},
		{"北下街道", "北下街街道", true},
		{"钱集镇", "钱记乡", false},
		{"梅县", "梅县区", true},
		{"梅县区", "梅西镇", false},
		{"赵光农场", "赵光农场分场", false},
		{"", "镇", true},
	}
	for _, c := range cases {
		if got := oneOff(c.a, c.b); got != c.want {
			t.Errorf("oneOff(%q, %q) = %v, want %v", c.a, c.b, got, c.want)
		}
	}
}

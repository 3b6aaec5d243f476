package generate

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"nianbao/registry"
	"nianbao/report"
)

// NationalPlace is one reporting body of the national corpus: a town of
// the registry or a department of its county.
type NationalPlace struct {
	Province, CountyCode, County string
	Name                         string // as on the title page: 劳动镇, 公安局
	Body                         string // 人民政府, 办事处, or "" for a department
	Department                   bool
}

// countyDepartments are the departments that publish the most reports
// (and the busiest ones first): every county has the first six, most have
// more. Names only: the bodies are 示例数据, never the real offices.
var countyDepartments = []string{
	"公安局", "自然资源局", "住房和城乡建设局", "人力资源和社会保障局", "市场监督管理局", "教育局",
	"卫生健康局", "交通运输局", "农业农村局", "民政局", "财政局", "生态环境分局", "水利局", "退役军人事务局",
}

// NationalPlaces lists every town-level place of the registry and, per
// county, six to fourteen departments drawn by seed.
func NationalPlaces(reg *registry.Registry, seed uint64) []NationalPlace {
	rng := rand.New(rand.NewPCG(seed, 0x6e6174696f6e))
	var out []NationalPlace
	for _, c := range reg.Places() {
		if c.Level != registry.County {
			continue
		}
		for _, p := range reg.Within(c.Code) {
			if !p.Level.IsTownLevel() {
				continue
			}
			body := "人民政府"
			if p.Level == registry.Street {
				body = "办事处"
			}
			out = append(out, NationalPlace{Province: c.Province, CountyCode: c.Code, County: c.Name, Name: p.Name, Body: body})
		}
		for _, d := range countyDepartments[:6+rng.IntN(len(countyDepartments)-5)] {
			out = append(out, NationalPlace{Province: c.Province, CountyCode: c.Code, County: c.Name, Name: d, Department: true})
		}
	}
	return out
}

// NationalOptions say what to generate.
type NationalOptions struct {
	Seed                uint64
	FirstYear, LastYear int // default 2020–2024: both editions
	// Limit stops after this many reports (0: every place, every year);
	// places are taken spread over the whole country, not the first ones.
	Limit int
	// Formats, when set, keeps only documents of these formats (txt, html,
	// docx, xlsx): the others are still drawn and counted against Limit
	// but neither rendered nor emitted, so a text-only corpus is exactly
	// the text files of the mixed corpus of the same seed and limit (the
	// text ingest of scripts/bench-scale.sh beside the mixed one).
	Formats []string
}

// NationalFormats are the formats of the national corpus, in the order
// of their share.
var NationalFormats = []string{"txt", "html", "docx", "xlsx"}

// NationalDoc is one generated file of the national corpus.
type NationalDoc struct {
	Report *report.Report
	Path   string // <province>/<county code>_<county>/<year>/<name>.<ext>
	Format string // txt, html, docx or xlsx
	Data   []byte
	// CountyCode is the GB/T 2260 code of the place's county, written to
	// the manifest so that counties of one name stay apart.
	CountyCode string
}

// nationalFormat gives a report's format in the proportions published
// reports arrive in: mostly pasted text and CMS pages, some Word and Excel.
// PDF is left out: rendering one takes a browser process (seconds).
func nationalFormat(rng *rand.Rand) string {
	switch p := rng.IntN(100); {
	case p < 62:
		return "txt"
	case p < 84:
		return "html"
	case p < 93:
		return "docx"
	default:
		return "xlsx"
	}
}

// National generates the corpus of places year by year for each place
// (a place's figures carry over from one year to the next) and hands each
// document to emit. The same seed gives the same bytes.
func National(places []NationalPlace, opts NationalOptions, emit func(NationalDoc) error) error {
	if opts.FirstYear == 0 {
		opts.FirstYear = 2020
	}
	if opts.LastYear == 0 {
		opts.LastYear = 2024
	}
	years := opts.LastYear - opts.FirstYear + 1
	// With a limit, the places taken are spread evenly over the country:
	// the k-th of the want places needed is place k·len/want, so a limit
	// of 200 000 gives 200 000 reports rather than the nearest whole
	// stride's count.
	want := len(places)
	if opts.Limit > 0 && opts.Limit < len(places)*years {
		want = (opts.Limit + years - 1) / years
	}
	layouts := Layouts()
	seen := map[string]int{}
	n := 0
	for k := 0; k < want; k++ {
		i := k * len(places) / want
		p := places[i]
		rng := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15^uint64(i+1)))
		t := &town{county: p.County, name: p.Name, body: p.Body, index: i}
		t.draw(rng, p.Body == "办事处")
		if !p.Department && !t.big {
			// Most towns receive a handful of applications a year, or none.
			t.size *= 0.4
		}
		if p.Department {
			// A department's load: the police and land offices of a city
			// district receive thousands of applications, a small county's
			// education bureau a handful.
			t.size *= 2
			if i%len(countyDepartments) < 3 {
				t.size, t.big = t.size*6+20, true
			}
		}
		if strings.HasSuffix(p.County, "区") {
			t.size *= 2
		}
		name := p.Name
		key := p.CountyCode + "/" + p.Name
		if k := seen[key]; k > 0 {
			name = fmt.Sprintf("%s_%d", p.Name, k+1) // two places of one name in a county
		}
		seen[key]++
		for y := opts.FirstYear; y <= opts.LastYear; y++ {
			if opts.Limit > 0 && n >= opts.Limit {
				return nil
			}
			r := t.report(rng, y)
			if rng.IntN(12) == 0 {
				breakReport(r, rng, n)
			}
			report.Check(r)
			d := NationalDoc{Report: r, Format: nationalFormat(rng), CountyCode: p.CountyCode}
			d.Path = fmt.Sprintf("%s/%s_%s/%d/%s.%s", p.Province, p.CountyCode, p.County, y, name, d.Format)
			r.File = d.Path
			if len(opts.Formats) > 0 && !slices.Contains(opts.Formats, d.Format) {
				// Rendering draws nothing from rng: skipping it leaves
				// every later document as it would be.
				n++
				continue
			}
			var err error
			switch d.Format {
			case "txt":
				d.Data = Render(r, layouts[(i+y)%len(layouts)])
			case "html":
				d.Data = RenderHTML(r, (i+y)%2 == 0)
			case "docx":
				d.Data, err = RenderDOCX(r)
			case "xlsx":
				d.Data, err = RenderXLSX(r)
			}
			if err != nil {
				return fmt.Errorf("generate %s: %w", d.Path, err)
			}
			r.Format = d.Format
			if err := emit(d); err != nil {
				return err
			}
			n++
		}
	}
	return nil
}

// WriteNational writes the national corpus under dir, with a manifest.csv
// in every folder naming each file's agency, county and year, and returns
// how many reports it wrote and of which format.
func WriteNational(dir string, places []NationalPlace, opts NationalOptions) (map[string]int, error) {
	counts := map[string]int{}
	manifests := map[string]*bytes.Buffer{}
	var order []string
	err := National(places, opts, func(d NationalDoc) error {
		path := filepath.Join(dir, filepath.FromSlash(d.Path))
		folder := filepath.Dir(path)
		m, ok := manifests[folder]
		if !ok {
			if err := os.MkdirAll(folder, 0o755); err != nil {
				return fmt.Errorf("generate: %w", err)
			}
			m = &bytes.Buffer{}
			m.WriteString("file,agency,county,year,county_code\n")
			manifests[folder] = m
			order = append(order, folder)
		}
		w := csv.NewWriter(m)
		w.Write([]string{filepath.Base(path), d.Report.Agency, d.Report.County, strconv.Itoa(d.Report.Year), d.CountyCode})
		w.Flush()
		counts[d.Format]++
		return os.WriteFile(path, d.Data, 0o644)
	})
	if err != nil {
		return counts, err
	}
	for _, folder := range order {
		if err := os.WriteFile(filepath.Join(folder, "manifest.csv"), manifests[folder].Bytes(), 0o644); err != nil {
			return counts, fmt.Errorf("generate: %w", err)
		}
	}
	return counts, nil
}

// RegistryCounties gives the towns of the named counties of a city, in
// the order named, as the registry lists them (for Options.Places): the
// sample on real places (issue 22) expects every one of them.
func RegistryCounties(reg *registry.Registry, city string, counties ...string) ([]CountyTowns, error) {
	var out []CountyTowns
	for _, name := range counties {
		var county *registry.Place
		for _, p := range reg.Named(name) {
			if p.Level == registry.County && p.City == city {
				county = p
			}
		}
		if county == nil {
			return nil, fmt.Errorf("登记册中%s没有名为%s的县（区）", city, name)
		}
		c := CountyTowns{County: county.Name}
		for _, p := range reg.Within(county.Code) {
			if p.Level.IsTownLevel() {
				c.Towns = append(c.Towns, p.Name)
			}
		}
		out = append(out, c)
	}
	return out, nil
}

// The sample corpus of data/sample (data/sample/README.md gives the
// command): the towns of three counties of 资阳市, 2022–2024, some
// missing, with six departments of the first county.
var (
	SampleCity     = "资阳市"
	SampleCounties = []string{"乐至县", "雁江区", "安岳县"}
)

// SampleOptions are the options data/sample was generated with, for the
// tests that compare what is found in it with what was made.
func SampleOptions(reg *registry.Registry) (Options, error) {
	places, err := RegistryCounties(reg, SampleCity, SampleCounties...)
	return Options{Seed: 2024, Places: places, FirstYear: 2022, LastYear: 2024, MissingEvery: 8, Departments: 6}, err
}

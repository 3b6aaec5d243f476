package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"nianbao/generate"
	"nianbao/registry"
)

func init() {
	register(command{name: "generate", summary: "write a synthetic corpus of reports (示例数据) with its truth.json", run: runGenerate})
}

func runGenerate(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("generate", "generate --seed N --out DIR [--counties 1] [--towns 16] [--years 2019-2024] [--layouts all]", stderr)
	seed := fs.Uint64("seed", 1, "seed; the same seed writes the same bytes")
	out := fs.String("out", "", "directory to write <county>/<year>/<agency>.txt and truth.json into (required)")
	counties := fs.Int("counties", 1, fmt.Sprintf("number of counties (names taken in order from %s)", strings.Join(generate.CountyNames, "、")))
	towns := fs.String("towns", "16", "towns per county: one number for all, or one per county (16,6)")
	years := fs.String("years", "2019-2024", "report years: a range (2019-2024) or one year")
	layouts := fs.String("layouts", "all", "text layouts to rotate, comma-separated, or all: "+layoutNames())
	national := fs.Bool("national", false, "every town of the registry and 6–14 departments per county, 2020–2024 unless --years, as text, HTML, Word and Excel (示例数据); no truth.json, a manifest.csv per folder")
	limit := fs.Int("limit", 0, "with --national: at most this many reports, spread over the country (0: all)")
	formats := fs.String("formats", "", "with --national: write only these formats, comma-separated ("+strings.Join(generate.NationalFormats, ",")+"): the files of that format the whole corpus of this seed and --limit holds")
	places := fs.String("places", "", "real counties of one city, CITY:COUNTY,COUNTY (资阳市:乐至县,雁江区): every town of the registry there instead of made-up counties (--counties, --towns unused)")
	missing := fs.Int("missing-every", 0, "about one town in N publishes nothing and one in N misses its last year (0: none)")
	departments := fs.Int("departments", 0, "with --places: this many departments (公安局, 自然资源局, …; at most 14) of the first county too")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *national {
		return runGenerateNational(fs, *seed, *out, *years, *limit, *formats, stdout, stderr)
	}
	opts, lays, err := generateOptions(*seed, *counties, *towns, *years, *layouts)
	if err == nil && *out == "" {
		err = errors.New("--out is required")
	}
	if err == nil && *places != "" {
		opts.Places, err = placesOption(*places)
	}
	opts.MissingEvery, opts.Departments = *missing, *departments
	if err != nil {
		fmt.Fprintf(stderr, "analytics generate: %v\n", err)
		fs.Usage()
		return 2
	}
	truth, err := generate.WriteCorpus(*out, opts, lays)
	if err != nil {
		fmt.Fprintf(stderr, "analytics generate: %v\n", err)
		return 1
	}
	broken := 0
	for _, t := range truth {
		if t.BrokenRule != "" {
			broken++
		}
	}
	fmt.Fprintf(stdout, "wrote %d reports (%d break a rule on purpose) and truth.json to %s\n", len(truth), broken, *out)
	return 0
}

// placesOption reads --places CITY:COUNTY,COUNTY against the registry.
func placesOption(s string) ([]generate.CountyTowns, error) {
	city, list, ok := strings.Cut(s, ":")
	if !ok || strings.TrimSpace(city) == "" || strings.TrimSpace(list) == "" {
		return nil, fmt.Errorf("--places %q: want a city and its counties, such as 资阳市:乐至县,雁江区", s)
	}
	reg, err := registry.Default()
	if err != nil {
		return nil, err
	}
	var names []string
	for _, n := range strings.Split(list, ",") {
		names = append(names, strings.TrimSpace(n))
	}
	return generate.RegistryCounties(reg, strings.TrimSpace(city), names...)
}

func layoutNames() string {
	var names []string
	for _, l := range generate.Layouts() {
		names = append(names, string(l))
	}
	return strings.Join(names, ",")
}

// generateOptions turns the flags of generate into options.
func generateOptions(seed uint64, counties int, towns, years, layouts string) (generate.Options, []generate.Layout, error) {
	opts := generate.Options{Seed: seed}
	if counties < 1 || counties > len(generate.CountyNames) {
		return opts, nil, fmt.Errorf("--counties %d: want 1 to %d", counties, len(generate.CountyNames))
	}
	opts.Counties = generate.CountyNames[:counties]
	for _, s := range strings.Split(towns, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 || n > 200 {
			return opts, nil, fmt.Errorf("--towns %q: want numbers from 1 to 200", towns)
		}
		opts.Towns = append(opts.Towns, n)
	}
	first, last, isRange := strings.Cut(years, "-")
	if !isRange {
		last = first
	}
	var err1, err2 error
	opts.FirstYear, err1 = strconv.Atoi(strings.TrimSpace(first))
	opts.LastYear, err2 = strconv.Atoi(strings.TrimSpace(last))
	if err1 != nil || err2 != nil || opts.FirstYear < 2008 || opts.LastYear > 2100 || opts.FirstYear > opts.LastYear {
		return opts, nil, fmt.Errorf("--years %q: want a year or a range such as 2019-2024", years)
	}
	if layouts == "" || layouts == "all" {
		return opts, generate.Layouts(), nil
	}
	var lays []generate.Layout
	for _, name := range strings.Split(layouts, ",") {
		l, err := generate.ParseLayout(strings.TrimSpace(name))
		if err != nil {
			return opts, nil, fmt.Errorf("--layouts: %w (known: %s)", err, layoutNames())
		}
		lays = append(lays, l)
	}
	return opts, lays, nil
}

// runGenerateNational writes the national corpus (generate --national).
func runGenerateNational(fs *flag.FlagSet, seed uint64, out, years string, limit int, formats string, stdout, stderr io.Writer) int {
	if out == "" {
		fmt.Fprintln(stderr, "analytics generate: --out is required")
		return 2
	}
	opts := generate.NationalOptions{Seed: seed, Limit: limit}
	if formats != "" {
		for _, f := range strings.Split(formats, ",") {
			f = strings.TrimSpace(f)
			if !slices.Contains(generate.NationalFormats, f) {
				fmt.Fprintf(stderr, "analytics generate: --formats %q: 不认识的格式“%s”，可选 %s\n", formats, f, strings.Join(generate.NationalFormats, ","))
				return 2
			}
			opts.Formats = append(opts.Formats, f)
		}
	}
	explicit := false
	fs.Visit(func(f *flag.Flag) { explicit = explicit || f.Name == "years" })
	if explicit {
		o, _, err := generateOptions(seed, 1, "1", years, "all")
		if err != nil {
			fmt.Fprintf(stderr, "analytics generate: %v\n", err)
			return 2
		}
		opts.FirstYear, opts.LastYear = o.FirstYear, o.LastYear
	}
	reg, err := registry.Default()
	if err != nil {
		fmt.Fprintf(stderr, "analytics generate: %v\n", err)
		return 1
	}
	places := generate.NationalPlaces(reg, seed)
	start := time.Now()
	counts, err := generate.WriteNational(out, places, opts)
	if err != nil {
		fmt.Fprintf(stderr, "analytics generate: %v\n", err)
		return 1
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	fmt.Fprintf(stdout, "wrote %d reports (示例数据) of %d places in %.1f s to %s: txt %d, html %d, docx %d, xlsx %d\n",
		total, len(places), time.Since(start).Seconds(), out, counts["txt"], counts["html"], counts["docx"], counts["xlsx"])
	return 0
}

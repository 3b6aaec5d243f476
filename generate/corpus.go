// Package generate makes synthetic annual reports: truth reports whose every
// cell is known (Corpus), and their text in each layout real reports come in
// (Render). The sample corpus in data/sample and the parser's round-trip
// tests are built from it. Everything is deterministic from Options.Seed.
package generate

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"nianbao/report"
)

// Options say what corpus to make.
type Options struct {
	// Seed makes the corpus; the same seed gives the same corpus.
	Seed uint64
	// Counties names the counties; empty means one county, 示范县.
	Counties []string
	// Towns gives the number of towns per county, in the order of Counties;
	// a shorter list repeats its last entry, an empty one means 16.
	Towns []int
	// FirstYear and LastYear bound the report years (defaults 2019–2024).
	FirstYear, LastYear int
	// Places, when set, are real counties of the registry with their towns
	// (RegistryCounties); Counties and Towns are then not used. The reports
	// stay 示例数据: only the places' names are real.
	Places []CountyTowns
	// MissingEvery leaves about one town in MissingEvery without any report
	// and about one in MissingEvery without its last year's, so a filing
	// list over the registry shows bodies missing (0: every report made).
	MissingEvery int
	// Departments adds, with Places, this many county departments (公安局,
	// 自然资源局, …; at most 14) to the first county, each reporting every
	// year, so the county's pages show departments beside its towns.
	Departments int
}

// CountyTowns is one real county and the names of its towns, as the
// registry lists them.
type CountyTowns struct {
	County string
	Towns  []string // 劳动镇, 天池街道, 双河场乡
}

// CountyNames are the fictional county names used when Options.Counties
// is empty or when a caller asks for N counties.
var CountyNames = []string{"示范县", "样例县", "试点县", "模拟县", "虚构县", "演示县"}

// Town name roots: two characters, combined into names that read like
// places but belong to no real county here.
var (
	rootFirst  = []rune("青白柳石桃杏松云梅枫竹兰金银鹤鹿凤泉溪霞禾麦榆槐芦苇菱荷栗桑")
	rootSecond = []rune("石溪岗湾坪桥塘庄岭铺集堡峪沟洲坝寨林川源")
)

// Town kinds and how their government is named on the title page.
var townKinds = []struct{ suffix, body string }{
	{"镇", "人民政府"},
	{"乡", "人民政府"},
	{"街道", "办事处"},
}

func (o Options) withDefaults() Options {
	if len(o.Counties) == 0 {
		o.Counties = []string{CountyNames[0]}
	}
	if len(o.Towns) == 0 {
		o.Towns = []int{16}
	}
	if o.FirstYear == 0 {
		o.FirstYear = 2019
	}
	if o.LastYear == 0 {
		o.LastYear = 2024
	}
	if o.LastYear < o.FirstYear {
		o.FirstYear, o.LastYear = o.LastYear, o.FirstYear
	}
	return o
}

func (o Options) townsIn(county int) int {
	if county < len(o.Towns) {
		return o.Towns[county]
	}
	return o.Towns[len(o.Towns)-1]
}

// town is one reporting body and the state it carries from year to year.
type town struct {
	county, name, body string
	index              int // across the whole corpus, for layout rotation
	size               float64
	big                bool

	carry           map[string]float64 // last carry_forward per column
	normInForce     float64
	normPublished   float64 // 2019 edition: 对外公开总数量
	items           map[string]float64
	licensingScale  float64
	oldTemplateYear int // a 2021+ year this town still uses the 2019 tables
}

// Corpus returns the truth reports of opts, ordered by county, town and
// year. Every report is Synthetic and carries all cells of its edition
// (in the 2021 edition not the derived t3.other.*). About one report in
// twelve breaks an accounting rule on purpose; its Findings are exactly
// what report.Check says about it, and BrokenRule names the rule.
func Corpus(opts Options) []*report.Report {
	opts = opts.withDefaults()
	towns := makeTowns(opts)
	var out []*report.Report
	pick := rand.New(rand.NewPCG(opts.Seed, 0x62726f6b656e))
	broken := 0
	for _, t := range towns {
		rng := rand.New(rand.NewPCG(opts.Seed, 0x9e3779b97f4a7c15^uint64(t.index+1)))
		for y := opts.FirstYear; y <= opts.LastYear; y++ {
			r := t.report(rng, y)
			// About one report in twelve, at places fixed by the seed, is
			// broken; the broken rule takes turns.
			if pick.IntN(12) == 0 {
				breakReport(r, rng, broken)
				broken++
			}
			out = append(out, r)
		}
	}
	perturbForAssessment(out, opts.Seed)
	for _, r := range out {
		report.Check(r)
	}
	return dropLastYears(out, opts)
}

// dropLastYears leaves out, for about one town in opts.MissingEvery, its
// last year's report: only one no other report depends on (not copied,
// broken or late, and not copied from), so every assessment case of the
// corpus stays findable.
func dropLastYears(out []*report.Report, opts Options) []*report.Report {
	if opts.MissingEvery <= 0 {
		return out
	}
	copies.Lock()
	sources := map[*report.Report]bool{}
	for _, src := range copies.of {
		sources[src] = true
	}
	copies.Unlock()
	pick := rand.New(rand.NewPCG(opts.Seed, 0x6d697373)) // "miss"
	kept := out[:0:0]
	for _, r := range out {
		if r.Year == opts.LastYear && !sources[r] && AssessmentCase(r) == "" && BrokenRule(r) == "" && pick.IntN(opts.MissingEvery) == 0 {
			continue
		}
		kept = append(kept, r)
	}
	return kept
}

// BrokenRule names the accounting rule a generated report breaks on
// purpose, or "" for a report that keeps every rule.
func BrokenRule(r *report.Report) string {
	if len(r.Findings) == 0 {
		return ""
	}
	return r.Findings[0].Rule
}

// makeTowns draws distinct town names for every county; when there are
// several counties, the first town of the second county takes a name also
// used in the first, so the same name stands for two bodies.
func makeTowns(opts Options) []*town {
	rng := rand.New(rand.NewPCG(opts.Seed, 0x746f776e73))
	var pool []string
	for _, a := range rootFirst {
		for _, b := range rootSecond {
			if a != b {
				pool = append(pool, string([]rune{a, b}))
			}
		}
	}
	rng.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
	var towns []*town
	if len(opts.Places) > 0 {
		return placeTowns(opts, rng)
	}
	next := 0
	for ci, county := range opts.Counties {
		first := len(towns)
		n := opts.townsIn(ci)
		for i := 0; i < n; i++ {
			root := pool[next%len(pool)]
			next++
			kind := townKinds[0]
			switch p := rng.IntN(10); {
			case p >= 8:
				kind = townKinds[2]
			case p >= 6:
				kind = townKinds[1]
			}
			name := root + kind.suffix
			if ci == 1 && i == 0 && len(towns) > 0 {
				name = towns[rng.IntN(first)].name
				kind = townKinds[0]
				for _, k := range townKinds {
					if len(name) > len(k.suffix) && name[len(name)-len(k.suffix):] == k.suffix {
						kind = k
					}
				}
			}
			t := &town{county: county, name: name, body: kind.body, index: len(towns)}
			t.draw(rng, kind.suffix == "街道")
			towns = append(towns, t)
		}
	}
	sort.SliceStable(towns, func(i, j int) bool { return towns[i].index < towns[j].index })
	return towns
}

// placeTowns makes the towns of real counties: every town whose name is a
// 镇, 乡 or 街道 (a registry's 管理所 or 农场 publishes no such report), less
// about one in opts.MissingEvery, drawn by seed, which publish nothing.
func placeTowns(opts Options, rng *rand.Rand) []*town {
	// Who is missing is drawn apart, and a missing town keeps its index:
	// the towns that publish draw the same figures with or without it.
	miss := rand.New(rand.NewPCG(opts.Seed, 0x6e6f6e65)) // "none"
	var towns []*town
	index := 0
	for _, c := range opts.Places {
		for _, name := range c.Towns {
			kind, ok := townKind(name)
			if !ok {
				continue
			}
			t := &town{county: c.County, name: name, body: kind.body, index: index}
			index++
			t.draw(rng, kind.suffix == "街道")
			if opts.MissingEvery <= 0 || miss.IntN(opts.MissingEvery) != 0 {
				towns = append(towns, t)
			}
		}
	}
	if len(opts.Places) > 0 {
		// Departments come last, so that adding them leaves every town's
		// figures as they were.
		for _, d := range countyDepartments[:min(opts.Departments, len(countyDepartments))] {
			t := &town{county: opts.Places[0].County, name: d, index: index}
			index++
			t.draw(rng, false)
			t.size *= 2 // a department sees more applications than a town
			towns = append(towns, t)
		}
	}
	return towns
}

// townKind is the kind of a town by its name's suffix.
func townKind(name string) (struct{ suffix, body string }, bool) {
	for _, k := range townKinds {
		if strings.HasSuffix(name, k.suffix) {
			return k, true
		}
	}
	return townKinds[0], false
}

// draw gives a town its size and habits; a street office (street) sees
// more applications than a town of the same draw.
func (t *town) draw(rng *rand.Rand, street bool) {
	switch p := rng.IntN(10); {
	case p == 9:
		t.size, t.big = 40+rng.Float64()*80, true
	case p >= 7:
		t.size = 10 + rng.Float64()*15
	default:
		t.size = rng.Float64() * 8
	}
	if street {
		t.size *= 1.5
	}
	t.licensingScale = 5 + rng.Float64()*40
	if t.big {
		t.licensingScale = 400 + rng.Float64()*1500
	}
	if rng.IntN(4) == 0 {
		t.oldTemplateYear = 2021 + rng.IntN(2)
	}
	t.normInForce = float64(rng.IntN(6))
	t.normPublished = t.normInForce + float64(rng.IntN(4))
	t.items = map[string]float64{}
}

// Edition gives the table template of a year: 2019 for 2019–2020, 2021 after.
func Edition(year int) string {
	if year < 2021 {
		return report.Edition2019
	}
	return report.Edition2021
}

func (t *town) report(rng *rand.Rand, year int) *report.Report {
	r := report.New(fmt.Sprintf("%s/%d/%s.txt", t.county, year, t.name))
	r.Agency, r.County, r.Year, r.Synthetic = t.name, t.county, year, true
	r.Edition = Edition(year)
	if year == t.oldTemplateYear {
		r.Edition = report.Edition2019
	}
	r.Format = "text"
	r.PublishedOn = fmt.Sprintf("%d-01-%02d", year+1, 8+rng.IntN(22))
	t.table2(rng, r)
	t.table3(rng, r)
	t.table4(rng, r)
	r.Sources = nil
	r.Narrative = []report.NarrativeFigure{{
		Text:  fmt.Sprintf("全年共收到政府信息公开申请%s件", fmtNum(r.Cells["t3.new.total"])),
		Value: r.Cells["t3.new.total"],
		Cells: []string{"t3.new.total"},
	}}
	return r
}

func set(r *report.Report, code string, v float64) { r.Cells[code] = v }

// money returns an amount in 万元 with up to four decimals, or zero.
func money(rng *rand.Rand, pZero float64, scale float64) float64 {
	if rng.Float64() < pZero {
		return 0
	}
	places := []float64{100, 1000, 10000}[rng.IntN(3)]
	v := float64(int(rng.Float64()*scale*places)+1) / places
	return v
}

func (t *town) table2(rng *rand.Rand, r *report.Report) {
	issued := 0.0
	if rng.IntN(3) == 0 {
		issued = float64(1 + rng.IntN(3))
	}
	abolished := 0.0
	if t.normInForce > 0 && rng.IntN(4) == 0 {
		abolished = float64(1 + rng.IntN(int(min(t.normInForce, 3))))
	}
	t.normInForce += issued - abolished
	t.normPublished += issued
	licensing := float64(int(t.licensingScale * (0.6 + rng.Float64()*0.8)))
	// Penalty decisions follow the body's size from year to year, within
	// 30–70 % of 3+size (one draw, as before: the rest of the stream is
	// unchanged), not anywhere from 0 to it: a town does not fall from 79
	// to 8 without a cause, and the year-on-year check would rightly ask.
	n := int(3 + t.size)
	penalty := float64(int(float64(n) * (0.3 + 0.4*float64(rng.IntN(n))/float64(max(n-1, 1)))))
	enforcement := float64(rng.IntN(3)) * float64(rng.IntN(2))
	if r.Edition == report.Edition2021 {
		set(r, "t2.regulations.issued", 0)
		set(r, "t2.regulations.abolished", 0)
		set(r, "t2.regulations.in_force", 0)
		set(r, "t2.normative_docs.issued", issued)
		set(r, "t2.normative_docs.abolished", abolished)
		set(r, "t2.normative_docs.in_force", t.normInForce)
		set(r, "t2.licensing.decisions", licensing)
		set(r, "t2.penalty.decisions", penalty)
		set(r, "t2.enforcement.decisions", enforcement)
		set(r, "t2.fees.amount", money(rng, 0.7, 30))
		return
	}
	set(r, "t2.regulations.made", 0)
	set(r, "t2.regulations.published", 0)
	set(r, "t2.regulations.total_published", 0)
	set(r, "t2.normative_docs.made", issued)
	set(r, "t2.normative_docs.published", issued)
	set(r, "t2.normative_docs.total_published", t.normPublished)
	decisions := map[string]float64{"licensing": licensing, "other_services": float64(rng.IntN(int(5 + t.size*3))), "penalty": penalty, "enforcement": enforcement}
	for _, row := range []string{"licensing", "other_services", "penalty", "enforcement", "fees"} {
		prev, ok := t.items[row]
		if !ok {
			prev = float64(rng.IntN(25))
			if row == "fees" {
				prev = float64(rng.IntN(4))
			}
		}
		change := 0.0
		if rng.IntN(3) == 0 {
			change = float64(rng.IntN(7) - 3)
			if prev+change < 0 {
				change = -prev
			}
		}
		set(r, "t2."+row+".previous", prev)
		set(r, "t2."+row+".change", change)
		if row != "fees" {
			set(r, "t2."+row+".decisions", decisions[row])
		}
		t.items[row] = prev + change
	}
	count := 0.0
	if rng.IntN(3) == 0 {
		count = float64(1 + rng.IntN(8))
	}
	set(r, "t2.procurement.count", count)
	amount := 0.0
	if count > 0 {
		amount = money(rng, 0, 80)
	}
	set(r, "t2.procurement.amount", amount)
}

// Weights of the applicant columns and of the outcome rows.
var (
	applicantWeights = []float64{0.85, 0.07, 0.01, 0.01, 0.03, 0.03}
	outcomeWeights   = map[string]float64{
		"granted": 45, "partial": 8,
		"denied.state_secret": 0.3, "denied.law_prohibited": 0.4, "denied.security_stability": 0.3,
		"denied.third_party": 1.5, "denied.internal_affairs": 1, "denied.process_info": 2,
		"denied.enforcement_file": 0.5, "denied.inquiry": 1,
		"unavailable.not_held": 22, "unavailable.needs_creation": 4, "unavailable.unclear": 3,
		"not_processed.petition": 5, "not_processed.duplicate": 3, "not_processed.publication": 0.7,
		"not_processed.excessive": 0.8, "not_processed.confirmation": 0.8,
		"other": 2, "other.overdue_correction": 1.3, "other.unpaid_fee": 0.1, "other.other": 0.6,
	}
)

func pick(rng *rand.Rand, weights []float64) int {
	sum := 0.0
	for _, w := range weights {
		sum += w
	}
	x := rng.Float64() * sum
	for i, w := range weights {
		if x < w {
			return i
		}
		x -= w
	}
	return len(weights) - 1
}

func (t *town) table3(rng *rand.Rand, r *report.Report) {
	cols := report.T3Columns[:6]
	rows := report.T3ResultRows(r.Edition)
	rowWeights := make([]float64, len(rows))
	for i, row := range rows {
		rowWeights[i] = outcomeWeights[row]
	}
	n := 0
	if !(t.size < 8 && rng.IntN(3) == 0) {
		n = int(t.size * (0.5 + rng.Float64()))
	}
	cells := map[string]float64{}
	for i := 0; i < n; i++ {
		cells["new."+cols[pick(rng, applicantWeights)]]++
	}
	if t.carry == nil {
		t.carry = map[string]float64{}
		if rng.IntN(5) == 0 {
			t.carry["natural"] = float64(1 + rng.IntN(2))
		}
	}
	for _, c := range cols {
		cells["carried_over."+c] = t.carry[c]
		avail := int(cells["new."+c] + t.carry[c])
		cf := 0
		for i := 0; i < avail; i++ {
			if rng.IntN(14) == 0 {
				cf++
			}
		}
		cells["carry_forward."+c] = float64(cf)
		cells["total."+c] = float64(avail - cf)
		for i := 0; i < avail-cf; i++ {
			cells[rows[pick(rng, rowWeights)]+"."+c]++
		}
		t.carry[c] = float64(cf)
	}
	printed := append([]string{"new", "carried_over"}, rows...)
	printed = append(printed, "total", "carry_forward")
	for _, row := range printed {
		sum := 0.0
		for _, c := range cols {
			v := cells[row+"."+c]
			set(r, "t3."+row+"."+c, v)
			sum += v
		}
		set(r, "t3."+row+".total", sum)
	}
}

func (t *town) table4(rng *rand.Rand, r *report.Report) {
	chance := map[string]int{"reconsideration": 7, "litigation_direct": 20, "litigation_after": 30}
	for _, g := range report.T4Groups {
		n := 0
		if r.Cells["t3.new.total"] > 0 && rng.IntN(chance[g]) == 0 {
			n = 1 + rng.IntN(2)
			if t.big {
				n += rng.IntN(4)
			}
		}
		counts := make([]float64, 4)
		for i := 0; i < n; i++ {
			counts[pick(rng, []float64{6, 1.5, 1, 1.5})]++
		}
		total := 0.0
		for i, o := range report.T4Outcomes[:4] {
			set(r, "t4."+g+"."+o, counts[i])
			total += counts[i]
		}
		set(r, "t4."+g+".total", total)
	}
}

// Rules a report can be broken in, in the order they take turns.
var breakable = []string{report.RuleReview, report.RuleBalance, report.RuleApplicants, report.RuleResults, report.RuleNarrative}

// breakReport makes the k-th broken report: one identity broken the way a
// clerk would break it, and only that one.
func breakReport(r *report.Report, rng *rand.Rand, k int) {
	rule := breakable[k%len(breakable)]
	if rule == report.RuleApplicants {
		// Move one natural-person application from an outcome row to
		// another: the column still adds up, the two rows no longer do.
		var from []string
		for _, row := range report.T3ResultRows(r.Edition) {
			if r.Cells["t3."+row+".natural"] > 0 {
				from = append(from, row)
			}
		}
		if len(from) == 0 {
			rule = report.RuleReview
		} else {
			src := from[rng.IntN(len(from))]
			dst := "granted"
			if src == "granted" {
				dst = "unavailable.not_held"
			}
			r.Cells["t3."+src+".natural"]--
			r.Cells["t3."+dst+".natural"]++
		}
	}
	switch rule {
	case report.RuleReview:
		g := report.T4Groups[rng.IntN(len(report.T4Groups))]
		r.Cells["t4."+g+".total"]++ // a typo'd total
	case report.RuleBalance:
		// New applications miscounted in a column and in the total column
		// alike: the row adds up, the column balance does not.
		r.Cells["t3.new.natural"]++
		r.Cells["t3.new.total"]++
		r.Narrative[0].Value = r.Cells["t3.new.total"]
		r.Narrative[0].Text = fmt.Sprintf("全年共收到政府信息公开申请%s件", fmtNum(r.Narrative[0].Value))
	case report.RuleResults:
		r.Cells["t3.granted.natural"]++
		r.Cells["t3.granted.total"]++
	case report.RuleNarrative:
		// Off by one to three, and never by exactly the applications
		// carried over (new + carried over is a reading the prose allows).
		k := float64(1 + rng.IntN(3))
		if k == r.Cells["t3.carried_over.total"] {
			k++
		}
		v := r.Cells["t3.new.total"] + k
		r.Narrative[0].Value = v
		r.Narrative[0].Text = fmt.Sprintf("全年共收到政府信息公开申请%s件", fmtNum(v))
	}
}

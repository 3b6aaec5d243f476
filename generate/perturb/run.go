package perturb

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"sort"
	"sync"

	"nianbao/accuracy"
	"nianbao/generate"
	"nianbao/ingest"
	"nianbao/parse"
	"nianbao/report"
)

// Result is one case read back and scored.
type Result struct {
	Case   *Case
	Report *report.Report
	Err    error
	Score  accuracy.Score
	// Failures are the truth cells whose outcome breaks the target: a
	// determined cell not exact, or an undetermined cell wrong or missing
	// without a finding.
	Failures []accuracy.Cell
}

// Read parses a case the way its format is read: parse.Text for text,
// ingest.ParseBytes for the grid formats. A parser panic is an error.
func Read(c *Case) (r *report.Report, err error) {
	defer func() {
		if p := recover(); p != nil {
			r, err = nil, fmt.Errorf("parser panicked: %v", p)
		}
	}()
	if c.Data != nil {
		reports, err := ingest.ParseBytes(c.File, c.Data, ingest.Meta{})
		if err != nil {
			return nil, err
		}
		if len(reports) != 1 {
			return nil, fmt.Errorf("%s: %d reports read, want 1", c.File, len(reports))
		}
		return reports[0], nil
	}
	return parse.Text(c.File, c.Text, parse.Meta{Neighbours: c.Neighbours})
}

// Score reads a case and compares it with its truth.
func Score(c *Case) Result {
	r, err := Read(c)
	t := accuracy.Truth{File: c.File, Agency: &c.Truth.Agency, County: c.Truth.County, Year: c.Truth.Year, Edition: c.Truth.Edition, Cells: c.Want()}
	res := Result{Case: c, Report: r, Err: err, Score: accuracy.Compare(r, t)}
	for _, cell := range res.Score.Details {
		_, undetermined := c.Undetermined[cell.Code]
		switch {
		case cell.Class == accuracy.Exact:
		case undetermined && cell.Class == accuracy.MissingFlagged:
		default:
			res.Failures = append(res.Failures, cell)
		}
	}
	return res
}

// Tally sums the results of one perturbation.
type Tally struct {
	Name  string `json:"name"`
	Cases int    `json:"cases"`
	accuracy.Counts
	// Undetermined counts the truth cells the text no longer determines.
	Undetermined int `json:"undetermined"`
	// Failing counts the cells that miss the target; FailingCases the
	// cases with at least one; Errors the cases the parser refused.
	Failing      int `json:"failing"`
	FailingCases int `json:"failing_cases"`
	Errors       int `json:"errors"`
}

// Add counts one result.
func (t *Tally) Add(r Result) {
	t.Cases++
	t.Counts.Add(r.Score.Counts)
	t.Undetermined += len(r.Case.Undetermined)
	t.Failing += len(r.Failures)
	if len(r.Failures) > 0 || r.Err != nil {
		t.FailingCases++
	}
	if r.Err != nil {
		t.Errors++
	}
}

// Options of a run.
type Options struct {
	N    int    // cases in all (spread over the perturbations)
	Seed uint64 // fixes the corpus and every choice
	Only string // comma list of perturbation names; empty: all
	// Examples is how many failing results to keep per perturbation.
	Examples int
}

// Report is the outcome of a run.
type Report struct {
	Tallies  []Tally // per perturbation, in the order of All
	Total    Tally
	Examples map[string][]Result // failing results kept, per perturbation
}

// corpus returns truth reports for a run of n cases over k perturbations:
// enough towns that a report is seldom printed twice the same way.
func corpus(seed uint64, n, k int) []*report.Report {
	towns := min(max(4, n/(k*6)+1), 120)
	return generate.Corpus(generate.Options{Seed: seed, Counties: generate.CountyNames[:2], Towns: []int{(towns + 1) / 2}})
}

// Run makes and scores opts.N cases, spread evenly over the perturbations,
// on every core.
func Run(opts Options) (*Report, error) {
	ps, err := ByName(opts.Only)
	if err != nil {
		return nil, err
	}
	if opts.N <= 0 {
		opts.N = len(ps)
	}
	truths := corpus(opts.Seed, opts.N, len(ps))
	jobs := make(chan int)
	type done struct {
		i   int
		res Result
	}
	results := make(chan done)
	var wg sync.WaitGroup
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := ps[i%len(ps)]
				rng := rand.New(rand.NewPCG(opts.Seed, uint64(i)))
				// A perturbation that does not apply to a report (nothing
				// to change) moves on to the next report.
				start := (i / len(ps)) * 7
				for try := 0; try < len(truths); try++ {
					truth := truths[(start+try)%len(truths)]
					c, ok := p.make(truth, rng)
					if !ok {
						continue
					}
					results <- done{i, Score(c)}
					break
				}
			}
		}()
	}
	go func() {
		for i := 0; i < opts.N; i++ {
			jobs <- i
		}
		close(jobs)
		wg.Wait()
		close(results)
	}()
	rep := &Report{Examples: map[string][]Result{}, Total: Tally{Name: "总计"}}
	byName := map[string]*Tally{}
	for _, p := range ps {
		rep.Tallies = append(rep.Tallies, Tally{Name: p.Name})
	}
	for i := range rep.Tallies {
		byName[rep.Tallies[i].Name] = &rep.Tallies[i]
	}
	// Results are tallied as they come; only the worst few per
	// perturbation are kept (silent cells first, then failing cells, then
	// the case number, so that a run is the same on any machine).
	type kept struct {
		i   int
		res Result
	}
	keep := map[string][]kept{}
	worse := func(a, b kept) bool {
		if a.res.Score.Silent != b.res.Score.Silent {
			return a.res.Score.Silent > b.res.Score.Silent
		}
		if len(a.res.Failures) != len(b.res.Failures) {
			return len(a.res.Failures) > len(b.res.Failures)
		}
		return a.i < b.i
	}
	for d := range results {
		res := d.res
		t := byName[res.Case.Perturbation]
		t.Add(res)
		rep.Total.Add(res)
		if opts.Examples <= 0 || (len(res.Failures) == 0 && res.Err == nil) {
			continue
		}
		k := append(keep[t.Name], kept{d.i, res})
		sort.SliceStable(k, func(a, b int) bool { return worse(k[a], k[b]) })
		if len(k) > opts.Examples {
			k = k[:opts.Examples]
		}
		keep[t.Name] = k
	}
	for name, k := range keep {
		for _, e := range k {
			rep.Examples[name] = append(rep.Examples[name], e.res)
		}
	}
	return rep, nil
}

package ocr

import (
	"image"
	"math"
	"slices"
	"sort"
)

// A lattice is a ruled table found on a page image by its ruling lines,
// the way camelot's lattice mode reads a PDF: the rules are the table's
// structure, so a cell is a rectangle between rules whatever its text, a
// row's numbers cannot slide into the next column, and a header printed
// one character a line (自然人) costs nothing. The cells are read one by
// one (lattice_read.go); a page with no lattice is read from its word
// boxes as before (Layout, Columns).

// Lattice is one ruled table: the positions of its rules (pixel centres,
// left to right and top to bottom) and its cells, merged where a rule
// between two grid cells is absent.
type Lattice struct {
	Xs, Ys []int
	Cells  []Cell
}

// Cell is a rectangle of a lattice: rows Row … Row+RowSpan-1 and columns
// Col … Col+ColSpan-1 of the grid, and its box on the page between the
// rules' centres.
type Cell struct {
	Row, Col, RowSpan, ColSpan int
	Box                        image.Rectangle
}

// Bounds is the box of the whole table.
func (l Lattice) Bounds() image.Rectangle {
	return image.Rect(l.Xs[0], l.Ys[0], l.Xs[len(l.Xs)-1], l.Ys[len(l.Ys)-1])
}

// rule is one ruling line: horizontal (at y = pos, from lo to hi in x) or
// vertical (at x = pos, from lo to hi in y).
type rule struct {
	pos, lo, hi, n int
	// loAt and hiAt are the first pixel rows (columns) the rule's ends
	// were met on: a rule not quite level drifts from one to the other.
	loAt, hiAt int
	// core is how dark the rule is: along it, the darkest of its runs'
	// ink at each point, and of those the lightest but a quarter — a
	// rule is dark all along, a grey seal's stroke only where it
	// crosses print (darkRules).
	core int
}

// latticeInk is the grey level under which a pixel may be a rule's: a
// line blurred, turned by Deskew or printed thin at 150 DPI is grey, not
// black (the same as EraseRules' lineInk).
const latticeInk = lineInk

// FindLattices finds the ruled tables of a straightened grey page at dpi.
// A rule is a run of ink at least 0.3 inch long (longer than any stroke of
// a character in a report's body size), which may skip a few pixels (a
// scan's broken line) and drift a pixel or two across its length (what
// Deskew leaves); runs on neighbouring pixel rows are one rule (a thick or
// double line). A table is a set of rules that cross, with at least two
// of each direction; its cells are the grid between them, merged across
// a grid line where less than 60 % of it is inked (a header spanning
// columns, a label spanning rows).
func FindLattices(g *image.Gray, dpi int) []Lattice {
	minRun := max(dpi*3/10, 15)
	gap := lineGap
	hs, vs := darkRules(findRules(g, minRun, gap, true), findRules(g, minRun, gap, false))
	if len(hs) < 2 || len(vs) < 2 {
		return nil
	}
	tol := max(dpi/40, 3) // how far a rule's end may fall short of the rule it meets
	// Tables: the connected sets of crossing rules (union-find over
	// horizontal i and vertical len(hs)+j).
	sets := newSets(len(hs) + len(vs))
	for i, h := range hs {
		for j, v := range vs {
			if v.pos >= h.lo-tol && v.pos <= h.hi+tol && h.pos >= v.lo-tol && h.pos <= v.hi+tol {
				sets.union(i, len(hs)+j)
			}
		}
	}
	groups := map[int][2][]rule{}
	var roots []int
	for i, h := range hs {
		r := sets.find(i)
		gr, ok := groups[r]
		if !ok {
			roots = append(roots, r)
		}
		gr[0] = append(gr[0], h)
		groups[r] = gr
	}
	for j, v := range vs {
		r := sets.find(len(hs) + j)
		gr, ok := groups[r]
		if !ok {
			roots = append(roots, r)
		}
		gr[1] = append(gr[1], v)
		groups[r] = gr
	}
	var out []Lattice
	for _, r := range roots {
		gr := groups[r]
		if len(gr[0]) < 2 || len(gr[1]) < 2 {
			continue
		}
		l, ok := buildLattice(g, gr[0], gr[1], tol)
		if ok {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b Lattice) int { return a.Ys[0] - b.Ys[0] })
	return out
}

// Straighten turns a page straight by its ruling lines where they are
// not level (Deskew, which goes by the rows of text, can miss a degree on
// a page of little text): the median slope of its horizontal rules at
// least a third of the page wide, when over 0.1°. It returns the page,
// turned or not, and the angle turned by.
func Straighten(g *image.Gray, dpi int) (*image.Gray, float64) {
	deg := ruleSlope(g, dpi)
	if math.Abs(deg) <= 0.1 {
		return g, 0
	}
	// Rotate's sense is checked, not assumed: the turn that levels the
	// rules is kept.
	for _, d := range []float64{deg, -deg} {
		t := Rotate(g, d)
		if math.Abs(ruleSlope(t, dpi)) < math.Abs(deg)/2 {
			return t, d
		}
	}
	return g, 0
}

// ruleSlope is the median slope, in degrees, of a page's horizontal rules
// at least a third of its width (0 without three of them).
func ruleSlope(g *image.Gray, dpi int) float64 {
	var slopes []float64
	for _, r := range findRules(g, max(dpi*3/10, 15), lineGap, true) {
		if 3*(r.hi-r.lo) >= g.Rect.Dx() {
			slopes = append(slopes, math.Atan2(float64(r.hiAt-r.loAt), float64(r.hi-r.lo))*180/math.Pi)
		}
	}
	if len(slopes) < 3 {
		return 0
	}
	sort.Float64s(slopes)
	return slopes[len(slopes)/2]
}

// findRules finds the horizontal (or vertical) rules of a page: runs of
// ink of at least minRun pixels, skipping gaps up to gap, joined across
// neighbouring pixel rows where they overlap.
func findRules(g *image.Gray, minRun, gap int, horizontal bool) []rule {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	along, across := w, h
	if !horizontal {
		along, across = h, w
	}
	ink := func(a, c int) bool {
		if horizontal {
			return g.Pix[c*g.Stride+a] < latticeInk
		}
		return g.Pix[a*g.Stride+c] < latticeInk
	}
	var runs []rule
	for c := 0; c < across; c++ {
		for a := 0; a < along; {
			if !ink(a, c) {
				a++
				continue
			}
			s, last := a, a
			for a < along && a-last <= gap+1 {
				if ink(a, c) {
					last = a
				}
				a++
			}
			if last-s+1 >= minRun {
				runs = append(runs, rule{pos: c, lo: s, hi: last, n: 1})
			}
			a = last + 1
		}
	}
	// Join runs into rules: a run continues a rule that ended on one of
	// the two previous pixel rows and overlaps it.
	var rules []rule
	of := make([]int, len(runs)) // the rule each run joined
	open := []int{}              // indexes into rules still being extended
	lastPos := map[int]int{}
	for ri, r := range runs {
		joined := false
		for _, k := range open {
			q := &rules[k]
			if r.pos-lastPos[k] <= 2 && r.lo <= q.hi+gap && r.hi >= q.lo-gap {
				of[ri] = k
				// pos is the running mean of the rows the rule spans.
				q.pos += r.pos
				q.n++
				if r.lo < q.lo {
					q.lo, q.loAt = r.lo, r.pos
				}
				if r.hi > q.hi {
					q.hi, q.hiAt = r.hi, r.pos
				}
				lastPos[k] = r.pos
				joined = true
				break
			}
		}
		if !joined {
			of[ri] = len(rules)
			rules = append(rules, rule{pos: r.pos, lo: r.lo, hi: r.hi, n: 1, loAt: r.pos, hiAt: r.pos})
			lastPos[len(rules)-1] = r.pos
			open = append(open, len(rules)-1)
		}
		open = slices.DeleteFunc(open, func(k int) bool { return r.pos-lastPos[k] > 2 })
	}
	for i := range rules {
		rules[i].pos /= rules[i].n
	}
	// The core of each rule, from its own runs' pixels only (not the
	// text beside it).
	darkest := make([][]uint8, len(rules))
	for i, r := range rules {
		darkest[i] = make([]uint8, r.hi-r.lo+1)
		for j := range darkest[i] {
			darkest[i][j] = 0xff
		}
	}
	pix := func(a, c int) uint8 {
		if horizontal {
			return g.Pix[c*g.Stride+a]
		}
		return g.Pix[a*g.Stride+c]
	}
	for ri, r := range runs {
		k := of[ri]
		for a := r.lo; a <= r.hi; a++ {
			d := &darkest[k][a-rules[k].lo]
			*d = min(*d, pix(a, r.pos))
		}
	}
	for i := range rules {
		// The points of a broken line's gaps are no part of its ink.
		d := slices.DeleteFunc(darkest[i], func(v uint8) bool { return v >= latticeInk })
		slices.Sort(d)
		rules[i].core = latticeInk
		if len(d) > 0 {
			rules[i].core = int(d[len(d)*3/4])
		}
	}
	return rules
}

// clusterPos merges rule positions closer than tol (a double line, the
// two edges of a thick one) into their mean.
func clusterPos(rs []rule, tol int) []int {
	ps := make([]int, len(rs))
	for i, r := range rs {
		ps[i] = r.pos
	}
	sort.Ints(ps)
	var out []int
	for i := 0; i < len(ps); {
		j, sum := i, 0
		for j < len(ps) && ps[j]-ps[i] <= tol {
			sum += ps[j]
			j++
		}
		out = append(out, sum/(j-i))
		i = j
	}
	return out
}

// buildLattice makes the grid of one table's rules and merges its cells
// where the rule between them is not printed.
func buildLattice(g *image.Gray, hs, vs []rule, tol int) (Lattice, bool) {
	xs, ys := clusterPos(vs, 2*tol), clusterPos(hs, 2*tol)
	ys = openEdges(ys, vs, tol)
	// A grid line printed nowhere along the table (a long stroke of text
	// taken for a rule) is no grid line.
	y0, y1 := ys[0], ys[len(ys)-1]
	ys = slices.DeleteFunc(ys, func(y int) bool {
		return y != y0 && y != y1 && !anyInked(g, y, xs, tol, true)
	})
	x0, x1 := xs[0], xs[len(xs)-1]
	xs = slices.DeleteFunc(xs, func(x int) bool {
		return x != x0 && x != x1 && !anyInked(g, x, ys, tol, false)
	})
	if len(xs) < 2 || len(ys) < 2 {
		return Lattice{}, false
	}
	nr, nc := len(ys)-1, len(xs)-1
	// vRuled[r][c]: the rule at xs[c] between ys[r] and ys[r+1] is printed;
	// hRuled[r][c]: the rule at ys[r] between xs[c] and xs[c+1].
	vRuled := make([][]bool, nr)
	for r := range vRuled {
		vRuled[r] = make([]bool, nc+1)
		for c := range vRuled[r] {
			vRuled[r][c] = inked(g, xs[c], ys[r], ys[r+1], tol, false)
		}
	}
	hRuled := make([][]bool, nr+1)
	for r := range hRuled {
		hRuled[r] = make([]bool, nc)
		for c := range hRuled[r] {
			hRuled[r][c] = inked(g, ys[r], xs[c], xs[c+1], tol, true)
		}
	}
	// Union grid cells across unprinted rules.
	id := func(r, c int) int { return r*nc + c }
	sets := newSets(nr * nc)
	for r := 0; r < nr; r++ {
		for c := 0; c < nc; c++ {
			if c+1 < nc && !vRuled[r][c+1] {
				sets.union(id(r, c), id(r, c+1))
			}
			if r+1 < nr && !hRuled[r+1][c] {
				sets.union(id(r, c), id(r+1, c))
			}
		}
	}
	type span struct{ r0, c0, r1, c1 int }
	spans := map[int]*span{}
	var order []int
	for r := 0; r < nr; r++ {
		for c := 0; c < nc; c++ {
			k := sets.find(id(r, c))
			s, ok := spans[k]
			if !ok {
				spans[k] = &span{r, c, r, c}
				order = append(order, k)
				continue
			}
			s.r0, s.c0, s.r1, s.c1 = min(s.r0, r), min(s.c0, c), max(s.r1, r), max(s.c1, c)
		}
	}
	l := Lattice{Xs: xs, Ys: ys}
	for _, k := range order {
		s := spans[k]
		l.Cells = append(l.Cells, Cell{
			Row: s.r0, Col: s.c0, RowSpan: s.r1 - s.r0 + 1, ColSpan: s.c1 - s.c0 + 1,
			Box: image.Rect(xs[s.c0], ys[s.r0], xs[s.c1+1], ys[s.r1+1]),
		})
	}
	// A table is at least two cells wide or two tall: a box drawn round
	// a paragraph is no table.
	return l, nr*nc >= 2 && len(l.Cells) >= 2
}

// openEdges closes a table cut by a page break: where its vertical rules
// (two at least) run on past its first or last horizontal rule, a row
// began on the page before (or ends on the next) without the rule, and the
// rules' ends are its edge.
func openEdges(ys []int, vs []rule, tol int) []int {
	var above, below []int
	for _, v := range vs {
		if v.lo < ys[0]-2*tol {
			above = append(above, v.lo)
		}
		if v.hi > ys[len(ys)-1]+2*tol {
			below = append(below, v.hi)
		}
	}
	if len(above) >= 2 {
		sort.Ints(above)
		ys = append([]int{above[len(above)/2]}, ys...)
	}
	if len(below) >= 2 {
		sort.Ints(below)
		ys = append(ys, below[len(below)/2])
	}
	return ys
}

// anyInked tells whether the line at pos is printed between any two
// neighbouring crossing lines.
func anyInked(g *image.Gray, pos int, cross []int, tol int, horizontal bool) bool {
	for i := 1; i < len(cross); i++ {
		if inked(g, pos, cross[i-1], cross[i], tol, horizontal) {
			return true
		}
	}
	return false
}

// inked tells whether the stretch lo…hi of the line at pos (a row when
// horizontal, else a column) is mostly ink: at least 60 % of its pixels,
// looking tol pixels either side (a rule a little off its grid line).
func inked(g *image.Gray, pos, lo, hi, tol int, horizontal bool) bool {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	// Leave out the ends, where the crossing rules are.
	lo, hi = lo+tol+1, hi-tol-1
	if hi <= lo {
		return true
	}
	n := 0
	for a := lo; a <= hi; a++ {
		for d := -tol; d <= tol; d++ {
			x, y := a, pos+d
			if !horizontal {
				x, y = pos+d, a
			}
			if x >= 0 && y >= 0 && x < w && y < h && g.Pix[y*g.Stride+x] < latticeInk {
				n++
				break
			}
		}
	}
	return n*10 >= (hi-lo+1)*6
}

// sets is a union-find over 0…n-1: the rules of one table, the grid
// cells of one merged cell.
type sets []int

func newSets(n int) sets {
	s := make(sets, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func (s sets) find(i int) int {
	for s[i] != i {
		s[i] = s[s[i]]
		i = s[i]
	}
	return i
}

func (s sets) union(a, b int) { s[s.find(a)] = s.find(b) }

// lightRule is how much lighter than the page's typical rule (the
// median core) a line may be and still be a rule.
const lightRule = 80

// darkRules keeps the rules of a page printed like the others: a table's
// rules are drawn with one pen, while a seal scanned in grey (淡印章: its
// ring and star multiplied in at 185 over paper) draws long light strokes
// that FindLattices took for rules — the ring's sides split 表三's columns
// and its top a row, so a cell of the seal's ink beside the numbers sent
// the whole page to the word boxes. A rule lighter than print (dark) and
// much lighter than the page's median rule is dropped. On a blurred page
// every rule is light (cores 141–195 on the generated reports, their
// median 141), so it is the difference that counts, not the grey alone;
// a thin rule of a clean page is 128–141, the seal 185.
func darkRules(hs, vs []rule) ([]rule, []rule) {
	var cores []int
	for _, r := range append(slices.Clone(hs), vs...) {
		cores = append(cores, r.core)
	}
	if len(cores) == 0 {
		return hs, vs
	}
	sort.Ints(cores)
	limit := max(cores[len(cores)/2]+lightRule, dark)
	light := func(r rule) bool { return r.core > limit }
	return slices.DeleteFunc(hs, light), slices.DeleteFunc(vs, light)
}

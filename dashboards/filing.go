package dashboards

import (
	"context"
	"fmt"

	"nianbao/assess"
	"nianbao/store"
)

// FilingFunc tells who has and has not reported in a county and year
// (store.Store.Filing behind a function, so pages need no store).
type FilingFunc func(ctx context.Context, county string, year int) (*store.Filing, error)

// WithFiling gives the county page its "who has not reported" list.
func WithFiling(f FilingFunc) Option { return func(c *config) { c.filing = f } }

// StoreFiling adapts a store to FilingFunc: the town levels of a county,
// from the one filing list with the default sheet's deadlines.
func StoreFiling(st *store.Store) FilingFunc {
	return func(ctx context.Context, county string, year int) (*store.Filing, error) {
		return assess.FilingList(ctx, st, county, year, nil, nil) // the county's own sheet
	}
}

// PlaceCheck refuses a county name the registry cannot tell (朝阳区: two
// counties), as the API does, so that no page sums two counties' reports
// under one name; nil for a name it can tell or does not know.
type PlaceCheck func(ctx context.Context, county string) error

// WithPlaceCheck makes every county-scoped page refuse an ambiguous name.
func WithPlaceCheck(f PlaceCheck) Option { return func(c *config) { c.placeCheck = f } }

// StorePlaceCheck is store.Unambiguous, the check /stats makes too.
func StorePlaceCheck(st *store.Store) PlaceCheck { return st.Unambiguous }

// filingView is the county page's list of who has not reported. 未收录
// (Nianbao has no report) and 未发布 (a person checked the website) are
// kept in two lists, never added together as "did not publish".
type filingView struct {
	Summary     string
	Missing     []filingEntry
	Unpublished []filingEntry
	Late        []filingEntry
	// Synthetic: some reports are 示例数据; MadeUp: the county itself is
	// the sample's invention (no GB/T 2260 code), so is its list.
	Synthetic, MadeUp bool
}

type filingEntry struct {
	Name, Level, Code, Note string
}

func (h *handler) filingData(ctx context.Context, county string, year int) *filingView {
	if h.filing == nil {
		return nil
	}
	f, err := h.filing(ctx, county, year)
	if err != nil {
		// A county the registry cannot tell (a name shared by two cities):
		// the page stands without the list, and the log says why.
		h.log.Warn("county page: no filing list", "county", county, "year", year, "err", err)
		return nil
	}
	madeUp := f.Synthetic && (f.Code == "" || f.Code[0] < '0' || f.Code[0] > '9')
	v := &filingView{Synthetic: f.Synthetic, MadeUp: madeUp}
	v.Summary = fmt.Sprintf("登记册中 %s 有乡镇（街道）%d 个：%d 个已有 %d 年报告（报送率 %.1f%%，其中逾期 %d 个），%d 个未收录，%d 个经核实未发布。",
		f.Name, f.Expected, f.Filed, year, f.Rate*100, f.Late, f.Missing, f.Unpublished)
	for _, r := range f.Rows {
		e := filingEntry{Name: r.Name, Level: r.Level, Code: r.Code, Note: r.Comment}
		switch r.Status {
		case store.NotInStore:
			v.Missing = append(v.Missing, e)
		case store.Unpublished:
			v.Unpublished = append(v.Unpublished, e)
		case store.FiledLate:
			e.Note = "发布于 " + r.PublishedOn
			v.Late = append(v.Late, e)
		}
	}
	return v
}

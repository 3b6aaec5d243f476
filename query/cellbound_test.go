package query

import (
	"context"
	"testing"

	"nianbao/query/querytest"
)

// TestCellsBound: an answer of more groups × codes than the bound is an
// input error (400), not hundreds of megabytes built in memory.
func TestCellsBound(t *testing.T) {
	st, _ := querytest.Seed(t)
	s := New(st)
	s.maxCellValues = 3
	ctx := context.Background()
	// The seed has 4 reports of 3 agencies (劳动镇 twice): 3 groups × 1 code fits.
	if res, err := s.Cells(ctx, []string{"t3.new.total"}, Filter{}, GroupAgency); err != nil || len(res.Rows) != 3 {
		t.Fatalf("3 × 1: %d rows, %v", len(res.Rows), err)
	}
	if _, err := s.Cells(ctx, []string{"t3.new.total", "t3.granted.total"}, Filter{}, GroupAgency); !IsInputError(err) {
		t.Errorf("3 × 2 over a bound of 3: %v, want an input error", err)
	}
	if _, err := s.Cells(ctx, []string{"t3.new.total", "t3.granted.total"}, Filter{}, GroupNone); err != nil {
		t.Errorf("1 × 2: %v", err)
	}
}

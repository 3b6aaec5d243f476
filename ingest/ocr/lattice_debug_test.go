package ocr

import (
	"fmt"
	"image/png"
	"os"
	"testing"
	"time"
)

func TestDebugLattice(t *testing.T) {
	f := os.Getenv("LAT_IMG")
	if f == "" {
		t.Skip()
	}
	r, _ := os.Open(f)
	img, err := png.Decode(r)
	if err != nil {
		t.Fatal(err)
	}
	g, ang := Deskew(Flatten(Gray(img)))
	g, a2 := Straighten(g, 150)
	fmt.Println("straighten", a2)
	fmt.Println("angle", ang)
	st := time.Now()
	ls := FindLattices(g, 150)
	fmt.Println("took", time.Since(st))
	for _, l := range ls {
		fmt.Println("lattice", l.Bounds(), len(l.Xs)-1, "cols", len(l.Ys)-1, "rows", len(l.Cells), "cells")
		fmt.Println(" xs", l.Xs)
		fmt.Println(" ys", l.Ys)
		for _, c := range l.Cells {
			if c.RowSpan > 1 || c.ColSpan > 1 {
				fmt.Printf("  merged r%d c%d %dx%d %v\n", c.Row, c.Col, c.RowSpan, c.ColSpan, c.Box)
			}
		}
	}
}

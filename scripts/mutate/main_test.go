package main

import (
	"go/token"
	"strings"
	"testing"
)

// TestMutants: each kind of mutation is found where it stands, a string
// concatenation and an import are left alone, and applying a mutant
// changes exactly its own bytes.
func TestMutants(t *testing.T) {
	src := `package p

import "fmt"

func f(a, b int, s string) bool {
	fmt.Println("t3." + s)
	if a+b < 15 && a != b {
		return a-1 >= b
	}
	return false
}
`
	ms, err := mutants(token.NewFileSet(), "p.go", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range ms {
		got = append(got, m.From+"→"+m.To)
		mutated := src[:m.start] + m.To + src[m.end:]
		if !strings.Contains(mutated, m.To) || len(mutated)-len(src) != len(m.To)-len(m.From) {
			t.Errorf("%s: applied wrongly:\n%s", m, mutated)
		}
	}
	want := []string{
		`fmt.Println("t3." + s)→{}`,
		"&&→||", "<→<=", "+→-", "15→16", "15→14", "!=→==",
		">=→>", "-→+", "1→2", "1→0",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("mutants\n%v\nwant\n%v", got, want)
	}
}

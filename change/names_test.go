package change

import (
	"strings"
	"testing"

	"nianbao/query"
)

func TestName(t *testing.T) {
	long := strings.Repeat("局", MaxNameRunes+1)
	for _, tc := range []struct {
		name, in, want string
		refused        bool
	}{
		{"plain", "沭阳县教育局", "沭阳县教育局", false},
		{"trimmed and collapsed", "  沭阳县\t教育局\n ", "沭阳县 教育局", false},
		{"right-to-left override", "沭阳县\u202e局育教", "沭阳县局育教", false},
		{"bidi isolate and marks", "\u2066沭阳县\u2069\u200e教育局\u200f", "沭阳县教育局", false},
		{"zero-width", "沭\u200b阳\u200c县\u200d教育局\ufeff", "沭阳县教育局", false},
		{"NUL and controls", "沭阳县\x00教育\x07局", "沭阳县教育局", false},
		{"full-width letters and space", "ＡＢＣ　１局", "ABC 1局", false},
		{"only invisible", "\u200b\u202e", "", false},
		{"at the cap", strings.Repeat("局", MaxNameRunes), strings.Repeat("局", MaxNameRunes), false},
		{"over the cap", long, "", true},
		{"10000 characters", strings.Repeat("a", 10000), "", true},
		{"invalid UTF-8", "局\xff", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Name("agency", tc.in)
			if tc.refused {
				if !query.IsInputError(err) || !strings.Contains(err.Error(), "机关名称") {
					t.Fatalf("Name(%q) = %q, %v; want a refusal naming 机关名称", tc.in, got, err)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Fatalf("Name(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
			}
		})
	}
}

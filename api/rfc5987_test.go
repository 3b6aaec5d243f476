package api

import (
	"net/url"
	"testing"
)

func TestRFC5987(t *testing.T) {
	cases := []struct{ in, want string }{
		{"乐至县_2023_办理结果.xlsx", "%E4%B9%90%E8%87%B3%E5%8E%BF_2023_%E5%8A%9E%E7%90%86%E7%BB%93%E6%9E%9C.xlsx"},
		{"a b;c=d,e.csv", "a%20b%3Bc%3Dd%2Ce.csv"},
	}
	for _, c := range cases {
		if got := rfc5987(c.in); got != c.want {
			t.Errorf("rfc5987(%q) = %q, want %q", c.in, got, c.want)
		}
		back, err := url.PathUnescape(rfc5987(c.in))
		if err != nil || back != c.in {
			t.Errorf("%q does not decode back: %q %v", c.in, back, err)
		}
	}
}

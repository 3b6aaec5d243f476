package document

import (
	"context"
	"fmt"
	"reflect"
)

// HTMLBothWays reads a page by the line reader and by its tree
// (readHTMLTree, the oracle). fast tells whether the line reader read it;
// diff is "" when it did not or when both gave the same document and
// error. Exported for the fuzz target (FuzzReadHTML).
func HTMLBothWays(data []byte, lim Limits) (fast bool, diff string) {
	text, err := Decode(data)
	if err != nil || int64(len(text)) > lim.TextBytes {
		return false, ""
	}
	return htmlBothWays(text, lim)
}

func htmlBothWays(text string, lim Limits) (fast bool, diff string) {
	rc := &readCtx{ctx: context.Background(), lim: lim}
	doc, ok, err := readHTMLLines(rc, text)
	if !ok {
		return false, ""
	}
	want, wantErr := readHTMLTree(rc, text)
	if fmt.Sprint(err) != fmt.Sprint(wantErr) {
		return true, fmt.Sprintf("error %v, the tree's %v", err, wantErr)
	}
	if !reflect.DeepEqual(doc, want) {
		return true, fmt.Sprintf("document differs:\n%s\nthe tree's:\n%s", docDump(doc), docDump(want))
	}
	return true, ""
}

func docDump(d *Document) string {
	if d == nil {
		return "<nil>"
	}
	return fmt.Sprintf("published %q\n%q\n%v", d.PublishedOn, d.Text, d.Origins)
}

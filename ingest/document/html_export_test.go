package document

import (
	"context"
	"fmt"
	"reflect"
)

// StreamAgrees reads data as an HTML page (decoded as Read decodes it)
// through readHTMLStream and readHTMLTree and returns an error where the
// two differ in text, origins, date, format or error. streamed says
// whether the stream read the page or gave it to the tree.
func StreamAgrees(data []byte, lim Limits) (streamed bool, err error) {
	text, err := Decode(data)
	if err != nil || int64(len(text)) > lim.TextBytes {
		return false, nil // never read as HTML
	}
	rc := &readCtx{ctx: context.Background(), lim: lim}
	got, gotErr, ok := readHTMLStream(rc, text)
	if !ok {
		return false, nil
	}
	want, wantErr := readHTMLTree(rc, text)
	if fmt.Sprint(gotErr) != fmt.Sprint(wantErr) {
		return true, fmt.Errorf("stream error %v, tree error %v", gotErr, wantErr)
	}
	if !reflect.DeepEqual(got, want) {
		return true, fmt.Errorf("stream and tree differ:\n%s", docDiff(got, want))
	}
	return true, nil
}

// docDiff names the first difference of two documents.
func docDiff(got, want *Document) string {
	switch {
	case got == nil || want == nil:
		return fmt.Sprintf("stream %v, tree %v", got, want)
	case got.Text != want.Text:
		g, w := got.Text, want.Text
		i := 0
		for i < len(g) && i < len(w) && g[i] == w[i] {
			i++
		}
		lo := max(0, i-80)
		return fmt.Sprintf("text differs at byte %d:\nstream …%q\ntree   …%q", i, g[lo:min(len(g), i+80)], w[lo:min(len(w), i+80)])
	case got.PublishedOn != want.PublishedOn:
		return fmt.Sprintf("published on: stream %q, tree %q", got.PublishedOn, want.PublishedOn)
	case !reflect.DeepEqual(got.Origins, want.Origins):
		for i := range min(len(got.Origins), len(want.Origins)) {
			if !reflect.DeepEqual(got.Origins[i], want.Origins[i]) {
				return fmt.Sprintf("origin of line %d: stream %+v, tree %+v", i+1, got.Origins[i], want.Origins[i])
			}
		}
		return fmt.Sprintf("origins: stream %d, tree %d", len(got.Origins), len(want.Origins))
	}
	return fmt.Sprintf("stream %+v\ntree %+v", *got, *want)
}

package document

import (
	"unicode/utf8"

	a "golang.org/x/net/html/atom"
)

// streamWalker reads a page's log as htmlReader reads its tree: flow,
// children, table and nodeText below are htmlReader's, over records.
type streamWalker struct {
	htmlReader
	log  *hlog
	rows []int32
	text []byte // a cell's text before joinText
	// para is the paragraph being read (htmlReader's, kept in a buffer
	// that lasts the page).
	para []byte
}

func (w *streamWalker) flush() {
	if p := joinBytes(w.para); p != "" {
		w.b.add(p, Origin{})
	}
	w.para = w.para[:0]
}

// end is the index past an element's content; -1 is the document.
func (w *streamWalker) end(i int32) int32 {
	if i < 0 {
		return int32(len(w.log.recs))
	}
	return w.log.recs[i].next
}

// skipped: an element whose content is never read (dropped, hidden, or in
// the head).
func skipped(r *hrec) bool {
	return r.flags&(recHidden|recInHead|recDropped) != 0
}

func (w *streamWalker) flow(i int32) {
	if w.err != nil {
		return
	}
	r := &w.log.recs[i]
	if r.flags&recText != 0 {
		if !w.addText(int(r.hi - r.lo)) {
			return
		}
		w.para = append(w.para, w.log.buf[r.lo:r.hi]...)
		return
	}
	if skipped(r) {
		return
	}
	if r.atom == a.Table {
		w.flush()
		if r.flags&recTables != 0 {
			// A layout table: its cells hold prose and the real tables.
			w.children(i, true)
		} else {
			w.table(i)
		}
		w.flush()
		return
	}
	block := r.flags&recBlock != 0
	if block {
		w.flush()
	}
	w.children(i, block)
	if block {
		w.flush()
	}
}

func (w *streamWalker) children(i int32, block bool) {
	recs := w.log.recs
	for c, end := i+1, w.end(i); c < end; c = recs[c].next {
		w.flow(c)
		if block && recs[c].flags&recText == 0 && (recs[c].atom == a.Td || recs[c].atom == a.Th) {
			w.flush()
		}
	}
}

// table renders a table that holds no other table as grid rows.
func (w *streamWalker) table(t int32) {
	recs := w.log.recs
	w.rows = w.rows[:0]
	var walk func(int32)
	walk = func(n int32) {
		for c := n + 1; c < recs[n].next; c = recs[c].next {
			r := &recs[c]
			if r.flags&recText != 0 || skipped(r) {
				continue
			}
			switch r.atom {
			case a.Tr:
				w.rows = append(w.rows, c)
			case a.Caption:
				if t := w.nodeText(c); w.addText(len(t)) {
					w.para = append(w.para, t...)
				}
				w.flush()
			default:
				walk(c)
			}
		}
	}
	walk(t)
	if w.err != nil {
		return
	}
	rows := w.rows
	g := w.grid(len(rows))
	for i, tr := range rows {
		for c := tr + 1; c < recs[tr].next; c = recs[c].next {
			r := &recs[c]
			if r.flags&recText != 0 || (r.atom != a.Td && r.atom != a.Th) || r.flags&recHidden != 0 {
				continue
			}
			if !w.cell(&g, i, int(r.lo), int(r.hi), func() string { return w.nodeText(c) }) {
				return
			}
		}
	}
	w.addTable(&g)
}

// nodeText is the visible text of an element, whitespace collapsed.
func (w *streamWalker) nodeText(n int32) string {
	w.text = w.appendText(w.text[:0], n)
	return joinBytes(w.text)
}

// appendText appends the text of an element's content, a space before
// and after each block.
func (w *streamWalker) appendText(b []byte, n int32) []byte {
	recs := w.log.recs
	for c := n + 1; c < recs[n].next; c = recs[c].next {
		r := &recs[c]
		if r.flags&recText != 0 {
			b = append(b, w.log.buf[r.lo:r.hi]...)
			continue
		}
		if skipped(r) {
			continue
		}
		block := r.flags&recBlock != 0
		if block {
			b = append(b, ' ')
		}
		b = w.appendText(b, c)
		if block {
			b = append(b, ' ')
		}
	}
	return b
}

// joinBytes is joinText(string(b)) without its copies where that is the
// text itself trimmed: b holds no space inside and is valid UTF-8 (a
// table cell's "  3  ", most cells of a report).
func joinBytes(b []byte) string {
	lo, hi := 0, len(b)
	for lo < hi {
		r, n := utf8.DecodeRune(b[lo:])
		if !isSpace(r) {
			break
		}
		lo += n
	}
	for hi > lo {
		r, n := utf8.DecodeLastRune(b[lo:hi])
		if !isSpace(r) {
			break
		}
		hi -= n
	}
	for i := lo; i < hi; {
		r, n := utf8.DecodeRune(b[i:hi])
		if isSpace(r) || (r == utf8.RuneError && n == 1) {
			return joinText(string(b))
		}
		i += n
	}
	return string(b[lo:hi])
}

// title is the text of the page's first title.
func (w *streamWalker) title() string {
	for i, r := range w.log.recs {
		if r.atom == a.Title && r.flags&recText == 0 {
			return w.nodeText(int32(i))
		}
	}
	return ""
}

package document

// Rendering the records of a table read by the line reader, once it has
// ended: as readHTMLTree's table (a grid of cells) when it holds no other
// table, else as running content (readHTMLTree's layout table).

// render writes the table whose recTable is recs[i] and returns the index
// of its recTableEnd.
func (r *htmlLines) render(i int) int {
	t := r.recs[i]
	end := int(t.a)
	r.flush()
	if t.b == 0 {
		r.grid(i+1, end)
	} else {
		for j := i + 1; j < end; j++ {
			switch rec := r.recs[j]; rec.kind {
			case recText:
				r.para = append(r.para, r.arena[rec.a:rec.a+rec.b]...)
			case recTable:
				j = r.render(j)
			default: // rows, cells, captions and blocks all end a paragraph
				r.flush()
			}
		}
	}
	r.flush()
	return end
}

// grid writes a table of cells: its captions as lines, then its rows.
func (r *htmlLines) grid(from, to int) {
	var (
		rows         int
		in           bool // inside a cell or a caption
		cell         gridCell
		colspan, rsp int
	)
	cells, spans := r.cells[:0], r.spans[:0]
	buf := r.para[:0] // flushed: free until the table is written
	for j := from; j < to; j++ {
		rec := r.recs[j]
		switch rec.kind {
		case recRow:
			rows++
		case recCell, recCaption:
			in, buf = true, buf[:0]
			cell, colspan, rsp = gridCell{Row: rows}, int(rec.a), int(rec.b)
		case recText:
			if in {
				buf = append(buf, r.arena[rec.a:rec.a+rec.b]...)
			}
		case recBreak:
			if in {
				buf = append(buf, ' ')
			}
		case recCellEnd, recCaptionEnd:
			in = false
			r.joined = joinBytes(r.joined[:0], buf)
			r.counted += int64(len(r.joined))
			if rec.kind == recCaptionEnd {
				if len(r.joined) > 0 {
					r.b.add(string(r.joined), Origin{})
				}
				continue
			}
			cell.Text = string(r.joined)
			cells = append(cells, cell)
			spans = append(spans, [2]int{colspan, rsp})
		}
	}
	r.para = buf[:0]
	r.cells, r.spans = cells, spans
	if len(cells) == 0 {
		return
	}
	var p placer
	maxWidth := max(int(r.lim.GridCells/int64(max(rows, 1))), 1)
	span := int(r.lim.Span)
	for k := range cells {
		c := &cells[k]
		c.Col = p.place(c.Row, min(spans[k][0], span), min(spans[k][1], rows-c.Row+1))
		if p.width() > maxWidth {
			r.giveUp = true // the tree names the limit
			return
		}
	}
	r.tables++
	r.b.addGrid(cells, r.tables, 0)
}

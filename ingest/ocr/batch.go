package ocr

import (
	"context"
	"strings"
	"sync"
)

// Batch joins the Tesseract runs that the readers of several pages make
// side by side into one run per set of options: each run loads its model
// again, which costs as much CPU as reading a page's digit montage
// (docs/benchmarks.md, "Speed, third pass"). The pages' readers run
// concurrently under WithBatch; each page's first run waits until every
// page of the batch has asked for its own or is Done, then one
// Tesseract reads all their images (a list file) and each gets its
// words. A page's second run, if any, goes alone. The words are those of
// a run on the page alone: Tesseract reads a list one page at a time.
type Batch struct {
	mu      sync.Mutex
	running map[int]bool // pages that may still ask
	waiting []*batchRun
}

type batchRun struct {
	ctx         context.Context
	cmd         Commander
	what, image string
	page        int
	args        []string
	words       []Word
	err         error
	done        chan struct{}
}

type batchKey struct{}

// NewBatch is a batch of the readers of pages (their numbers).
func NewBatch(pages []int) *Batch {
	b := &Batch{running: map[int]bool{}}
	for _, p := range pages {
		b.running[p] = true
	}
	return b
}

// WithBatch makes the Tesseract runs under ctx join b.
func WithBatch(ctx context.Context, b *Batch) context.Context {
	return context.WithValue(ctx, batchKey{}, b)
}

// Done tells that page's reader will ask for no more runs (it returned,
// with or without asking): the others need not wait for it.
func (b *Batch) Done(page int) {
	b.mu.Lock()
	delete(b.running, page)
	runs := b.ready()
	b.mu.Unlock()
	flush(runs)
}

// ask joins a run of page to the batch and waits for its words; ok is
// false when the page already had its run (the caller runs alone).
func (b *Batch) ask(ctx context.Context, cmd Commander, what, image string, page int, args []string) (words []Word, ok bool, err error) {
	b.mu.Lock()
	if !b.running[page] {
		b.mu.Unlock()
		return nil, false, nil
	}
	delete(b.running, page)
	r := &batchRun{ctx: ctx, cmd: cmd, what: what, image: image, page: page, args: args, done: make(chan struct{})}
	b.waiting = append(b.waiting, r)
	runs := b.ready()
	b.mu.Unlock()
	flush(runs)
	select {
	case <-r.done:
		return r.words, true, r.err
	case <-ctx.Done():
		return nil, true, ctx.Err()
	}
}

// ready takes the waiting runs once no page may still ask (b.mu held).
func (b *Batch) ready() []*batchRun {
	if len(b.running) > 0 || len(b.waiting) == 0 {
		return nil
	}
	runs := b.waiting
	b.waiting = nil
	return runs
}

// flush makes one Tesseract run of the runs with the same options, in the
// order they asked, and hands each its words.
func flush(runs []*batchRun) {
	for _, g := range ByOptions(runs, func(r *batchRun) []string { return r.args }) {
		images := make([]string, len(g))
		pages := make([]int, len(g))
		for i, r := range g {
			images[i], pages[i] = r.image, r.page
		}
		words, err := tesseractPages(g[0].ctx, g[0].cmd, g[0].what, images, pages, g[0].args...)
		for i, r := range g {
			if err == nil {
				r.words = words[i]
			}
			r.err = err
			close(r.done)
		}
	}
}

// ByOptions splits items into groups of equal Tesseract options, the
// groups in the order their first item came and each group's items in
// their order: one Tesseract run a group.
func ByOptions[T any](items []T, options func(T) []string) [][]T {
	index := map[string]int{}
	var out [][]T
	for _, it := range items {
		k := strings.Join(options(it), "\x00")
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], it)
	}
	return out
}

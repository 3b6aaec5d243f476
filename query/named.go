package query

import (
	"sync"
	"sync/atomic"
)

// Statement is one SQL statement the query layer ran: the name of its file
// under query/sql, the text build made of it and the bound arguments in
// order. Run as it is on the same database, it is the raw cost of the
// statistic that issued it, without the cache, the Go post-processing or
// HTTP (analytics bench --latency sets the two side by side).
type Statement struct {
	Name string
	Text string
	Args []any
}

// recorders holds the functions of Record by Service. It lives beside the
// Service rather than in it so that measuring needs no field in the
// struct; recording counts them so the common case (nobody measuring)
// costs one atomic load per statement.
var (
	recorders sync.Map // *Service → func(Statement)
	recording atomic.Int32
)

// Record calls fn with every statement s runs, from any goroutine, until
// stop is called. It is for measuring: with one request in flight at a
// time, what fn received is exactly what that request ran (a cached answer
// runs nothing). One recorder per Service; a second replaces the first.
func (s *Service) Record(fn func(Statement)) (stop func()) {
	if _, loaded := recorders.Swap(s, fn); !loaded {
		recording.Add(1)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			if _, ok := recorders.LoadAndDelete(s); ok {
				recording.Add(-1)
			}
		})
	}
}

// note passes a statement about to run to the recorder, if any.
func (s *Service) note(name string, st stmt) {
	if recording.Load() == 0 {
		return
	}
	if fn, ok := recorders.Load(s); ok {
		args := append([]any(nil), st.args...)
		fn.(func(Statement))(Statement{Name: name, Text: st.text, Args: args})
	}
}

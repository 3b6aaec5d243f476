package api_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"nianbao/api"
	"nianbao/report"
)

// holdParse blocks until release is closed, after saying it started.
func holdParse(started chan<- string, release <-chan struct{}) func(context.Context) ([]*report.Report, error) {
	return func(ctx context.Context) ([]*report.Report, error) {
		started <- api.ClientOf(ctx)
		select {
		case <-release:
			return []*report.Report{report.New("x")}, nil
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
}

// TestAdmissionShareByAddress: of 4 slots one address holds 2; its third
// parse is refused at once, while other addresses still get the others,
// and past all 4 a parse waits ParseWait and is refused.
func TestAdmissionShareByAddress(t *testing.T) {
	a := api.NewAdmission(api.Options{MaxParses: 4, ParseWait: 300 * time.Millisecond})
	started := make(chan string, 8)
	release := make(chan struct{})
	results := make(chan error, 8)
	run := func(addr string) {
		go func() {
			_, err := a.Run(api.WithClient(context.Background(), addr+":1234"), holdParse(started, release))
			results <- err
		}()
	}
	for range 2 {
		run("192.0.2.1")
		<-started
	}
	start := time.Now()
	_, err := a.Run(api.WithClient(context.Background(), "192.0.2.1:5678"), holdParse(started, release))
	if !errors.Is(err, api.ErrBusy) || time.Since(start) > 100*time.Millisecond {
		t.Errorf("third parse of one address: %v after %v, want ErrBusy at once", err, time.Since(start))
	}
	run("192.0.2.2")
	run("192.0.2.3")
	for _, want := range []string{"192.0.2.2", "192.0.2.3"} {
		select {
		case got := <-started:
			if got != "192.0.2.2" && got != "192.0.2.3" {
				t.Errorf("started %s, want %s", got, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("the parse of %s did not start while slots were free", want)
		}
	}
	start = time.Now()
	_, err = a.Run(api.WithClient(context.Background(), "192.0.2.4"), holdParse(started, release))
	if waited := time.Since(start); !errors.Is(err, api.ErrBusy) || waited < 250*time.Millisecond {
		t.Errorf("parse past every slot: %v after %v, want ErrBusy after the wait", err, waited)
	}
	close(release)
	for range 4 {
		if err := <-results; err != nil {
			t.Errorf("admitted parse: %v", err)
		}
	}
	// Every slot is free again, the addresses forgotten.
	if _, err := a.Run(api.WithClient(context.Background(), "192.0.2.1"), func(context.Context) ([]*report.Report, error) { return nil, nil }); err != nil {
		t.Errorf("after the others ended: %v", err)
	}
}

// TestAdmissionResultWins: a parse that has returned is never reported
// as cancelled. The worker used to cancel its context right after
// sending its result, and the caller's select then picked the
// cancellation about half the times both were ready.
func TestAdmissionResultWins(t *testing.T) {
	a := api.NewAdmission(api.Options{MaxParses: 2})
	for i := range 2000 {
		got, err := a.Run(context.Background(), func(context.Context) ([]*report.Report, error) {
			return []*report.Report{report.New("x")}, nil
		})
		if err != nil || len(got) != 1 {
			t.Fatalf("run %d: %d reports, %v", i, len(got), err)
		}
	}
}

// TestAdmissionPanicIsAnError: a reader's panic ends its parse, not the
// server, and frees the slot.
func TestAdmissionPanicIsAnError(t *testing.T) {
	a := api.NewAdmission(api.Options{MaxParses: 1})
	for range 3 {
		_, err := a.Run(context.Background(), func(context.Context) ([]*report.Report, error) { panic("bad bytes") })
		if err == nil || errors.Is(err, api.ErrBusy) {
			t.Fatalf("panicking parse: %v", err)
		}
	}
}

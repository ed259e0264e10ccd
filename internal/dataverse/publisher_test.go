package dataverse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakePublish is a publish function whose rounds block until released, and
// which records what each round published and what happened around it.
type fakePublish struct {
	mu      sync.Mutex
	events  []string       // "start 1 a,b", "end 1", and whatever tests note
	rounds  [][]string     // tables per round
	started chan int       // receives the round number when a round starts
	release chan error     // each round waits for its result here
	ctxErrs map[int]error  // the round context's error when the round ended
	ctxs    map[int]func() // waits for the round context to end
}

func newFake() *fakePublish {
	return &fakePublish{started: make(chan int, 100), release: make(chan error), ctxErrs: map[int]error{}, ctxs: map[int]func(){}}
}

func (f *fakePublish) publish(ctx context.Context, tables ...string) error {
	f.mu.Lock()
	f.rounds = append(f.rounds, tables)
	n := len(f.rounds)
	f.events = append(f.events, fmt.Sprintf("start %d %s", n, strings.Join(tables, ",")))
	f.ctxs[n] = func() { <-ctx.Done() }
	f.mu.Unlock()
	f.started <- n
	err := <-f.release
	f.mu.Lock()
	f.events = append(f.events, fmt.Sprintf("end %d", n))
	f.ctxErrs[n] = ctx.Err()
	f.mu.Unlock()
	return err
}

func (f *fakePublish) note(e string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.events = append(f.events, e)
}

func (f *fakePublish) snapshot() (events []string, rounds [][]string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.events...), append([][]string(nil), f.rounds...)
}

// waitRound waits until round n has started.
func (f *fakePublish) waitRound(t *testing.T, n int) {
	t.Helper()
	select {
	case got := <-f.started:
		if got != n {
			t.Fatalf("round %d started, want %d", got, n)
		}
	case <-time.After(10 * time.Second):
		t.Fatalf("round %d never started", n)
	}
}

// waitWaiters waits until n callers wait for the next round.
func waitWaiters(t *testing.T, p *Publisher, n int) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		p.mu.Lock()
		got := 0
		if p.next != nil {
			got = p.next.waiters
		}
		p.mu.Unlock()
		if got == n {
			return
		}
	}
	t.Fatalf("never %d callers waiting for the next round", n)
}

// publishAsync calls p.Publish in a goroutine; the result arrives on the channel.
func publishAsync(ctx context.Context, p interface {
	Publish(context.Context, ...string) error
}, tables ...string) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- p.Publish(ctx, tables...) }()
	return ch
}

func result(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("Publish did not return")
		return nil
	}
}

func pending(ch <-chan error) bool {
	select {
	case <-ch:
		return false
	case <-time.After(20 * time.Millisecond):
		return true
	}
}

func TestPublisherCoalescesWaitingCallers(t *testing.T) {
	f := newFake()
	p := NewPublisher(f.publish)
	ctx := context.Background()

	first := publishAsync(ctx, p, "opportunity")
	f.waitRound(t, 1)
	const n = 40
	var chans []<-chan error
	for i := range n {
		chans = append(chans, publishAsync(ctx, p, fmt.Sprintf("t%02d", i%10), "opportunity", ""))
	}
	waitWaiters(t, p, n)
	f.release <- nil
	if err := result(t, first); err != nil {
		t.Fatalf("first caller: %v", err)
	}
	f.waitRound(t, 2)
	f.release <- nil
	for i, ch := range chans {
		if err := result(t, ch); err != nil {
			t.Errorf("caller %d: %v", i, err)
		}
	}
	_, rounds := f.snapshot()
	want := "opportunity|opportunity,t00,t01,t02,t03,t04,t05,t06,t07,t08,t09"
	var got []string
	for _, r := range rounds {
		got = append(got, strings.Join(r, ","))
	}
	if strings.Join(got, "|") != want {
		t.Errorf("rounds = %q, want %q (41 callers, 2 publishes, the second with the sorted union)", got, want)
	}
}

func TestPublisherManyGoroutinesFewRounds(t *testing.T) {
	var mu sync.Mutex
	var rounds [][]string
	p := NewPublisher(func(_ context.Context, tables ...string) error {
		mu.Lock()
		rounds = append(rounds, tables)
		mu.Unlock()
		time.Sleep(5 * time.Millisecond) // a publish takes a while, so callers pile up
		return nil
	})
	const n = 200
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := range n {
		wg.Go(func() { errs <- p.Publish(context.Background(), fmt.Sprint("t", i%7)) })
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	for _, r := range rounds {
		for _, tbl := range r {
			seen[tbl] = true
		}
	}
	if len(seen) != 7 {
		t.Errorf("published tables %v, want t0..t6", seen)
	}
	if len(rounds) >= n/2 {
		t.Errorf("%d callers took %d publishes; want them coalesced", n, len(rounds))
	}
}

// A caller that arrives while a round is publishing its own table must not
// be answered by that round: the round may have read the table before the
// caller's change.
func TestPublisherWaitsForARoundStartedAfterTheCall(t *testing.T) {
	f := newFake()
	p := NewPublisher(f.publish)
	ctx := context.Background()

	a := publishAsync(ctx, p, "opportunity")
	f.waitRound(t, 1)
	b := publishAsync(ctx, p, "opportunity")
	waitWaiters(t, p, 1)
	f.release <- nil
	if err := result(t, a); err != nil {
		t.Fatal(err)
	}
	f.waitRound(t, 2)
	if !pending(b) {
		t.Fatal("the second caller returned before the round that started after it ended")
	}
	f.release <- nil
	if err := result(t, b); err != nil {
		t.Fatal(err)
	}
	f.note("b returned")
	events, _ := f.snapshot()
	if got := strings.Join(events, "; "); got != "start 1 opportunity; end 1; start 2 opportunity; end 2; b returned" {
		t.Errorf("events: %s", got)
	}

	// Idle again: a new caller starts its own round at once.
	c := publishAsync(ctx, p, "account")
	f.waitRound(t, 3)
	f.release <- nil
	if err := result(t, c); err != nil {
		t.Fatal(err)
	}
}

func TestPublisherErrorReachesEveryCallerOfTheRound(t *testing.T) {
	f := newFake()
	p := NewPublisher(f.publish)
	ctx := context.Background()
	boom := errors.New("publish failed: 0x80040216")

	a := publishAsync(ctx, p, "a")
	f.waitRound(t, 1)
	var round2 []<-chan error
	for _, tbl := range []string{"b", "c", "b"} {
		round2 = append(round2, publishAsync(ctx, p, tbl))
	}
	waitWaiters(t, p, 3)
	f.release <- nil // round 1 succeeds
	if err := result(t, a); err != nil {
		t.Fatalf("round 1 caller: %v", err)
	}
	f.waitRound(t, 2)
	f.release <- boom
	for i, ch := range round2 {
		if err := result(t, ch); !errors.Is(err, boom) {
			t.Errorf("round 2 caller %d: err = %v, want %v", i, err, boom)
		}
	}
	// The failure belongs to that round only.
	d := publishAsync(ctx, p, "b")
	f.waitRound(t, 3)
	f.release <- nil
	if err := result(t, d); err != nil {
		t.Errorf("a later round reported %v", err)
	}
}

func TestPublisherCancelledCallerDoesNotCancelTheRound(t *testing.T) {
	f := newFake()
	p := NewPublisher(f.publish)
	bg := context.Background()

	a := publishAsync(bg, p, "a")
	f.waitRound(t, 1)
	ctxB, cancelB := context.WithCancel(bg)
	b := publishAsync(ctxB, p, "b")
	c := publishAsync(bg, p, "c")
	waitWaiters(t, p, 2)
	f.release <- nil
	if err := result(t, a); err != nil {
		t.Fatal(err)
	}
	f.waitRound(t, 2)
	cancelB()
	if err := result(t, b); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled caller: err = %v, want context.Canceled", err)
	}
	if !pending(c) {
		t.Fatal("the other caller returned although its round is still publishing")
	}
	f.release <- nil
	if err := result(t, c); err != nil {
		t.Errorf("other caller: %v", err)
	}
	f.mu.Lock()
	ctxErr := f.ctxErrs[2]
	f.mu.Unlock()
	if ctxErr != nil {
		t.Errorf("round 2 ran with a cancelled context (%v) because one of its callers left", ctxErr)
	}
	_, rounds := f.snapshot()
	if got := strings.Join(rounds[1], ","); got != "b,c" {
		t.Errorf("round 2 published %s, want b,c", got)
	}
}

func TestPublisherRoundEndsWhenAllCallersLeave(t *testing.T) {
	f := newFake()
	p := NewPublisher(f.publish)
	bg := context.Background()

	// A running round whose only caller gives up is cancelled.
	ctxA, cancelA := context.WithCancel(bg)
	a := publishAsync(ctxA, p, "a")
	f.waitRound(t, 1)
	// A gathered round whose only caller gives up is never published.
	ctxB, cancelB := context.WithCancel(bg)
	b := publishAsync(ctxB, p, "b")
	waitWaiters(t, p, 1)
	cancelB()
	if err := result(t, b); !errors.Is(err, context.Canceled) {
		t.Errorf("b: err = %v, want context.Canceled", err)
	}
	cancelA()
	if err := result(t, a); !errors.Is(err, context.Canceled) {
		t.Errorf("a: err = %v, want context.Canceled", err)
	}
	f.mu.Lock()
	wait := f.ctxs[1]
	f.mu.Unlock()
	done := make(chan struct{})
	go func() { wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the round's context was not cancelled when its last caller left")
	}
	f.release <- context.Canceled

	c := publishAsync(bg, p, "c")
	f.waitRound(t, 2)
	f.release <- nil
	if err := result(t, c); err != nil {
		t.Fatal(err)
	}
	_, rounds := f.snapshot()
	if len(rounds) != 2 || strings.Join(rounds[1], ",") != "c" {
		t.Errorf("rounds = %v, want [[a] [c]] (b dropped)", rounds)
	}
}

func TestPublisherNothingToPublish(t *testing.T) {
	f := newFake()
	p := NewPublisher(f.publish)
	if err := p.Publish(context.Background()); err != nil {
		t.Errorf("no tables: %v", err)
	}
	if err := p.Publish(context.Background(), "", ""); err != nil {
		t.Errorf("empty names: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := p.Publish(ctx, "a"); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err = %v", err)
	}
	if _, rounds := f.snapshot(); len(rounds) != 0 {
		t.Errorf("published %v", rounds)
	}
}

// Client.Publish sends one PublishXml naming the tables of callers that
// waited together.
func TestClientPublishCoalesces(t *testing.T) {
	gate := make(chan struct{})
	srv := newServer(t,
		func(w http.ResponseWriter, r *http.Request) { <-gate; w.WriteHeader(204) },
		reply(204, ""))
	c := srv.client()
	ctx := context.Background()
	first := publishAsync(ctx, c, "opportunity")
	for len(srv.requests()) == 0 {
		time.Sleep(time.Millisecond)
	}
	var rest []<-chan error
	for _, tbl := range []string{"pfx_solutiondetail", "opportunity", "pfx_solution"} {
		rest = append(rest, publishAsync(ctx, c, tbl))
	}
	waitWaiters(t, c.pub, 3)
	close(gate)
	for _, ch := range append(rest, first) {
		if err := result(t, ch); err != nil {
			t.Fatal(err)
		}
	}
	if n := len(srv.requests()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	assertJSON(t, srv.req(t, 1).Body, `{"ParameterXml":"<importexportxml><entities><entity>opportunity</entity><entity>pfx_solution</entity><entity>pfx_solutiondetail</entity></entities></importexportxml>"}`)
}

package receiver

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// batchEngine is the fake engine with the batch entry: one call reconciles
// each id (as ReconcileReferral would), and the sizes of the calls are kept.
type batchEngine struct {
	*fakeEngine
	mu    sync.Mutex
	sizes []int
}

func (b *batchEngine) ReconcileReferrals(ctx context.Context, ids []string) (Result, error) {
	b.mu.Lock()
	b.sizes = append(b.sizes, len(ids))
	b.mu.Unlock()
	var res Result
	for _, id := range ids {
		r, err := b.ReconcileReferral(ctx, id)
		if err != nil {
			return res, err
		}
		res.Written += r.Written
	}
	return res, nil
}

// Referrals that become due while the workers are busy go together in one
// engine call (at most the batch size), each referral is reconciled once,
// and one that gets events while it runs goes again afterwards, never twice
// at once.
func TestDueReferralsAreReconciledInBatches(t *testing.T) {
	b := &batchEngine{fakeEngine: newFakeEngine()}
	f := newFixtureWith(t, b, b.fakeEngine, func(c *Config) { c.Concurrency = 1; c.BatchSize = 10 })
	gate := make(chan struct{})
	b.fakeEngine.mu.Lock()
	b.fakeEngine.gate = gate
	b.fakeEngine.mu.Unlock()
	base := time.Now().Add(-time.Minute)
	f.deliver(eventBody("referral-updated", "r00", base))
	deadline := time.Now().Add(5 * time.Second)
	for f.r.q.inFlight() < 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	var ids []string
	for i := range 25 {
		ids = append(ids, fmt.Sprintf("r%02d", i))
		if w := f.deliver(eventBody("referral-updated", ids[i], time.Now().Add(time.Duration(i)*time.Millisecond))); w.Code != 200 {
			t.Fatalf("status %d", w.Code)
		}
	}
	time.Sleep(3 * f.cfg.CoalesceWindow) // all due while the first call is held
	close(gate)
	f.settle()

	total, calls := b.snapshot()
	b.mu.Lock()
	sizes := slices.Clone(b.sizes)
	b.mu.Unlock()
	if total != 26 || calls["r00"] != 2 {
		t.Errorf("%d reconciles %v, want each of 25 referrals once and r00 twice", total, calls)
	}
	for _, id := range ids {
		if calls[id] == 0 {
			t.Errorf("referral %s never reconciled", id)
		}
	}
	// The first call held r00 alone (the single-referral entry); the 25 due
	// referrals then went in batch calls of at most 10: 10 + 10 + 5.
	if !slices.Equal(sizes, []int{10, 10, 5}) {
		t.Errorf("batch calls covered %v referrals, want [10 10 5]", sizes)
	}
	if b.maxSame != 1 {
		t.Errorf("a referral was reconciled %d times at once", b.maxSame)
	}
	if m := f.metric("cosell_receiver_reconcile_batches_total"); !strings.HasSuffix(m, " 4") {
		t.Errorf("batches metric %q, want 4 engine calls", m)
	}
	if m := f.metric("cosell_receiver_reconciles_total"); !strings.HasSuffix(m, " 26") {
		t.Errorf("reconciles metric %q, want 26", m)
	}
}

// A batch that fails is retried for each of its referrals.
func TestFailedBatchIsRetriedForEveryReferral(t *testing.T) {
	b := &batchEngine{fakeEngine: newFakeEngine()}
	f := newFixtureWith(t, b, b.fakeEngine, func(c *Config) { c.Concurrency = 1; c.BatchSize = 10 })
	gate := make(chan struct{})
	b.fakeEngine.mu.Lock()
	b.fakeEngine.gate = gate
	b.fakeEngine.failFirst["x1"] = 1 // the first call with x1 fails as a whole
	b.fakeEngine.mu.Unlock()
	f.deliver(eventBody("referral-updated", "x0", time.Now()))
	for f.r.q.inFlight() < 1 {
		time.Sleep(5 * time.Millisecond)
	}
	for _, id := range []string{"x1", "x2", "x3"} {
		f.deliver(eventBody("referral-updated", id, time.Now()))
	}
	time.Sleep(3 * f.cfg.CoalesceWindow)
	close(gate)
	got := map[string]bool{}
	timeout := time.After(10 * time.Second)
	for len(got) < 4 {
		select {
		case id := <-b.fakeEngine.reconciled:
			got[id] = true
		case <-timeout:
			t.Fatalf("reconciled %v, want x0..x3 (the failed batch retried)", got)
		}
	}
	if _, calls := b.snapshot(); calls["x1"] != 2 {
		t.Errorf("x1 reconciled %d times, want 2 (failed, then retried)", calls["x1"])
	}
	if m := f.metric("cosell_receiver_reconciles_failed_total{kind=\"error\"}"); !strings.HasSuffix(m, " 0") {
		t.Errorf("a retried batch counted as failed: %s", m)
	}
}

// The settings cache answers repeated reads from one API read within the
// TTL, reads again after it, and never caches an error.
func TestCacheReferenceData(t *testing.T) {
	d := &countingVars{}
	now := time.Unix(0, 0)
	c := CacheReferenceData(d, time.Minute).(*cachedReference)
	c.now = func() time.Time { return now }
	ctx := context.Background()
	d.fail = true
	if _, err := c.ReadVariables(ctx, []string{"a"}); err == nil {
		t.Fatal("error not passed on")
	}
	d.fail = false
	for range 3 {
		v, err := c.ReadVariables(ctx, []string{"a"})
		if err != nil || v["a"] != "1" {
			t.Fatalf("vars %v, %v", v, err)
		}
		v["a"] = "changed by the caller"
	}
	if d.reads != 2 {
		t.Errorf("%d reads, want 2 (the failed one and one cached)", d.reads)
	}
	now = now.Add(time.Minute)
	_, _ = c.ReadVariables(ctx, []string{"a"})
	_, _ = c.ReadVariables(ctx, []string{"a", "b"})
	if d.reads != 4 {
		t.Errorf("%d reads, want 4 (expired, then other names)", d.reads)
	}
}

// Whole reads of the small tables are cached; keyed or filtered reads, and
// other tables, always go to Dataverse.
func TestCacheReferenceDataRows(t *testing.T) {
	d := &countingVars{}
	c := CacheReferenceData(d, time.Minute)
	ctx := context.Background()
	read := func(q engine.RowQuery) []engine.Row {
		var out []engine.Row
		if err := c.ListRows(ctx, q, func(p []engine.Row) error { out = append(out, p...); return nil }); err != nil {
			t.Fatal(err)
		}
		return out
	}
	whole := engine.RowQuery{Table: engine.TableCurrency, Columns: []string{"isocurrencycode"}}
	for range 3 {
		rows := read(whole)
		if len(rows) != 1 || rows[0].Values["isocurrencycode"] != "AUD" {
			t.Fatalf("rows %v", rows)
		}
		rows[0].Values["isocurrencycode"] = "changed by the caller"
	}
	read(engine.RowQuery{Table: engine.TableCurrency, IDs: []string{"c1"}})
	read(engine.RowQuery{Table: engine.TableOpportunity})
	read(engine.RowQuery{Table: engine.TableOpportunity})
	if d.lists != 4 {
		t.Errorf("%d listings, want 4 (one whole currency read cached, the keyed and other-table reads not)", d.lists)
	}
}

type countingVars struct {
	engine.Dynamics
	reads, lists int
	fail         bool
}

func (c *countingVars) ListRows(_ context.Context, q engine.RowQuery, page func([]engine.Row) error) error {
	c.lists++
	return page([]engine.Row{{Table: q.Table, ID: "c1", Values: map[string]any{"isocurrencycode": "AUD"}}})
}

func (c *countingVars) ReadVariables(_ context.Context, names []string) (map[string]string, error) {
	c.reads++
	if c.fail {
		return nil, fmt.Errorf("dataverse: 503")
	}
	return map[string]string{"a": "1"}, nil
}

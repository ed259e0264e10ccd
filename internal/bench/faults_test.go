package bench_test

import (
	"context"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/bench"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// faultSize is N for the fault and crash suites: a small slice in `make
// test`, COSELL_SOAK_N=10000 in `make soak`.
func faultSize(t *testing.T, def int) int {
	if v := os.Getenv("COSELL_SOAK_N"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 10 {
			t.Fatalf("COSELL_SOAK_N=%q is not a size ≥ 10", v)
		}
		return n
	}
	return def
}

// settled is a rig whose scenario was paired by a first sync and then
// edited on both sides.
func settled(t *testing.T, n int, seed uint64) (*bench.Rig, *bench.Scenario, bench.Edits, engine.Options) {
	t.Helper()
	r, err := bench.NewRig(t.TempDir(), seed)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	sc := bench.Generate(n, seed, bench.DefaultMix)
	if err := sc.LoadBase(r.Emu); err != nil {
		t.Fatal(err)
	}
	o := engine.DefaultOptions()
	rep, err := r.Engine.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("first sync: %v", err)
	}
	ed, err := sc.ApplyChanges(r.Emu, r.OpportunityOf())
	if err != nil {
		t.Fatal(err)
	}
	o.Continue(rep)
	return r, sc, ed, o
}

// converge runs the engine until a run has nothing left but the invalid
// records, and returns the runs it took.
func converge(t *testing.T, r *bench.Rig, sc *bench.Scenario, o engine.Options, maxRuns int) int {
	t.Helper()
	for run := 1; run <= maxRuns; run++ {
		rep, err := r.Engine.Run(context.Background(), o)
		if err == nil {
			o.Continue(rep)
			if plan, err := r.Engine.Plan(context.Background(), o); err == nil && onlyFailures(plan) {
				return run
			}
		} else {
			t.Logf("run %d: %v", run, err)
		}
	}
	t.Fatalf("not converged after %d runs", maxRuns)
	return 0
}

// onlyFailures: nothing pending but the invalid records (they fail every run).
func onlyFailures(rep engine.Report) bool {
	for _, c := range rep.Changes {
		if c.Kind != engine.ChangeFailure {
			return false
		}
	}
	return true
}

// TestSyncFaults: the change run over a scenario under injected 429 with
// Retry-After, 503, connection resets and 412 races on both APIs, with
// records edited by others during the run, converges to the expected merge
// with no duplicate and no lost update.
func TestSyncFaults(t *testing.T) {
	n := faultSize(t, 200)
	r, sc, ed, o := settled(t, n, 11)
	faults := &core.Faults{ErrorRates: map[int]float64{429: 0.04, 503: 0.03}, RetryAfterSeconds: 1, DropRate: 0.02, PreconditionRaceRate: 0.05}
	for _, s := range []string{emulator.ServiceReferrals, emulator.ServiceDataverse} {
		r.Emu.Faults().Set(s, faults)
	}
	// Others edit in-sync pairs during the run (real 412s for the engine's
	// If-Match writes); those edits are part of the expected merge.
	stop := make(chan struct{})
	done := make(chan struct{})
	rnd := rand.New(rand.NewPCG(11, 1))
	go func() {
		defer close(done)
		for k := 0; ; k++ {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			id := sc.Paired[rnd.IntN(len(sc.Paired))]
			if _, changed := ed.PC[id]; changed {
				continue
			}
			if _, changed := ed.CRM[id]; changed {
				continue
			}
			e := bench.Edit{Field: "notes", Value: "Edited during the run " + strconv.Itoa(k)}
			r.Emu.PartnerCenter().UpdateReferral(id, func(x *partnercenter.Referral) { _ = x.Set("/details/notes", e.Value) })
			ed.PC[id] = e
		}
	}()
	r.Emu.Dataverse().ResetConcurrency()
	start := time.Now()
	retriesBefore := r.Retries.Load()
	rep, err := r.Engine.Run(context.Background(), o) // the run others edit during
	close(stop)
	<-done
	if err != nil {
		t.Logf("first run under faults: %v", err)
	} else {
		o.Continue(rep)
	}
	// Later runs pick up what faults left undone and the edits made during
	// the first; faults stay on. They are incremental, as cosell_sync's
	// applies are: watermark, failures retried by id, settled versions.
	runs := 1 + converge(t, r, sc, o, 8)
	for _, s := range []string{emulator.ServiceReferrals, emulator.ServiceDataverse} {
		r.Emu.Faults().Set(s, nil)
	}
	injected := 0
	for _, c := range r.Emu.Metrics().Snapshot() {
		if c.Status == 429 || c.Status == 503 || c.Status == 412 {
			injected += c.Count
		}
	}
	diffs, checked := sc.Verify(r.Emu, ed)
	cc := r.Emu.Dataverse().Concurrency()
	t.Logf("N=%d: %d runs to converge in %v under faults; fault answers seen %d (plus resets), transport retries %d; %d records verified, %d differences; "+
		"Dataverse peak concurrency %d (limit %d)",
		n, runs, time.Since(start).Round(time.Millisecond), injected, r.Retries.Load()-retriesBefore, checked, len(diffs), cc.Peak, cc.Limit)
	if cc.Peak > cc.Limit || cc.Refused > 0 {
		t.Errorf("the Dataverse concurrency limit was exceeded: peak %d requests in flight (limit %d), %d refused", cc.Peak, cc.Limit, cc.Refused)
	}
	for _, d := range diffs[:min(20, len(diffs))] {
		t.Error(d)
	}
	if injected == 0 {
		t.Error("no fault was answered: the test proves nothing")
	}
}

package bench_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/bench"
)

// writesSeen counts the write requests the emulator answered so far.
func writesSeen(r *bench.Rig) int {
	n := 0
	for _, c := range r.Emu.Metrics().Snapshot() {
		if c.Method == "POST" || c.Method == "PATCH" {
			n += c.Count
		}
	}
	return n
}

// TestSyncCrashConsistency: the change run is cancelled at a random write
// (K seeds; COSELL_CRASH_SEEDS, default 4); a re-run converges to the
// expected merge with no duplicate.
func TestSyncCrashConsistency(t *testing.T) {
	k := 4
	if v := os.Getenv("COSELL_CRASH_SEEDS"); v != "" {
		k, _ = strconv.Atoi(v)
	}
	n := faultSize(t, 100)
	for seed := uint64(1); seed <= uint64(k); seed++ {
		t.Run(fmt.Sprintf("seed=%d", seed), func(t *testing.T) {
			r, sc, ed, o := settled(t, n, 100+seed)
			minimal := sc.MinimalChangeRun(bench.DefaultPaging)
			at := 1 + rand.New(rand.NewPCG(seed, 9)).IntN(max(1, minimal.ReferralWrite+minimal.BatchWrites))
			r.Emu.Metrics().Reset()
			ctx, cancel := context.WithCancel(context.Background())
			go func() {
				for ctx.Err() == nil && writesSeen(r) < at {
					time.Sleep(200 * time.Microsecond)
				}
				cancel()
			}()
			_, err := r.Engine.Run(ctx, o)
			cancel()
			cut := writesSeen(r)
			o.Full = true
			runs := converge(t, r, sc, o, 4)
			diffs, checked := sc.Verify(r.Emu, ed)
			t.Logf("cancelled after %d writes (target %d, run error: %v); %d re-run(s) converged; %d records verified, %d differences", cut, at, err, runs, checked, len(diffs))
			for _, d := range diffs[:min(20, len(diffs))] {
				t.Error(d)
			}
		})
	}
}

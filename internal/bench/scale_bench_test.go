package bench_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/bench"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

const (
	scaleSeed      = 7
	scaleLatencyMS = 20
	baselineWorker = 16
)

// scaleSizes are the N measured: BENCH_SIZES="1000,10000" by default.
func scaleSizes(b *testing.B) []int {
	spec := os.Getenv("BENCH_SIZES")
	if spec == "" {
		spec = "1000,10000"
	}
	var out []int
	for _, f := range strings.Split(spec, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 10 {
			b.Fatalf("BENCH_SIZES: %q is not a size ≥ 10", f)
		}
		out = append(out, n)
	}
	return out
}

// prepared is a rig whose scenario is paired by a first sync and then
// edited: the state between two runs.
func prepared(b *testing.B, n int) (*bench.Rig, *bench.Scenario, engine.Options) {
	b.Helper()
	r, err := bench.NewRig(b.TempDir(), scaleSeed)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { r.Close() })
	sc := bench.Generate(n, scaleSeed, bench.DefaultMix)
	if err := sc.LoadBase(r.Emu); err != nil {
		b.Fatal(err)
	}
	o := engine.DefaultOptions()
	rep, err := r.Engine.Run(context.Background(), o)
	if err != nil {
		b.Fatalf("first sync: %v", err)
	}
	if _, err := sc.ApplyChanges(r.Emu, r.OpportunityOf()); err != nil {
		b.Fatal(err)
	}
	o.Continue(rep)
	return r, sc, o
}

// BenchmarkSyncScale measures the engine (change run, plan-time check,
// no-op resync) and the per-record baseline over the same scenario at each
// size with injected latency, and writes BENCHMARKS.md + BENCHMARKS.png.
// Run once: `make bench` (-benchtime 1x).
func BenchmarkSyncScale(b *testing.B) {
	var results []bench.Result
	for _, n := range scaleSizes(b) {
		res := bench.Result{N: n, LatencyMS: scaleLatencyMS, Workers: baselineWorker}
		r, sc, o := prepared(b, n)
		res.Minimal = sc.MinimalChangeRun(bench.DefaultPaging)
		r.SetLatency(scaleLatencyMS)
		// Each operation runs in a child process: its memory is the
		// provider's alone (bench.MeasureChild).
		var rep engine.Report
		var err error
		if res.PlanCheck, rep, err = r.MeasureChild("plan", o, 0); err != nil {
			b.Fatal(err)
		}
		res.Pending = len(rep.Changes)
		if res.Engine, rep, err = r.MeasureChild("run", o, 0); err != nil {
			b.Fatal(err)
		}
		res.Failures = len(rep.Failures)
		o.Continue(rep)
		if res.NoOp, rep, err = r.MeasureChild("run", o, 0); err != nil {
			b.Fatal(err)
		}
		o.Continue(rep)
		if res.NoOpPlan, _, err = r.MeasureChild("plan", o, 0); err != nil {
			b.Fatal(err)
		}
		r.Close()
		if os.Getenv("BENCH_BASELINE") == "off" {
			results = append(results, res)
			fmt.Fprintf(os.Stderr, "N=%d: engine %d calls %v heap %s rss %s; plan check %d calls %v heap %s rss %s; no-op %d calls %v heap %s rss %s; no-op plan %d calls %v heap %s rss %s\n", n,
				res.Engine.Calls, res.Engine.Wall, mib(res.Engine.PeakHeap), mib(res.Engine.PeakRSS), res.PlanCheck.Calls, res.PlanCheck.Wall, mib(res.PlanCheck.PeakHeap), mib(res.PlanCheck.PeakRSS),
				res.NoOp.Calls, res.NoOp.Wall, mib(res.NoOp.PeakHeap), mib(res.NoOp.PeakRSS), res.NoOpPlan.Calls, res.NoOpPlan.Wall, mib(res.NoOpPlan.PeakHeap), mib(res.NoOpPlan.PeakRSS))
			fmt.Fprintf(os.Stderr, "  no-op calls by route: %s\n", strings.Join(res.NoOp.Routes(), "; "))
			continue // a quick engine-only run while tuning: BENCHMARKS.md is not written
		}

		// The baseline on its own copy of the same scenario. Dataverse's
		// service protection limit (6000 requests / 5 min) is lifted for it,
		// else it would mostly wait: its call count is what is compared.
		rb, _, _ := prepared(b, n)
		rb.Emu.Dataverse().SetLimits(dataverse.Limits{Requests: 1 << 30, ExecutionTimeMS: 1 << 40, Concurrent: 1000})
		rb.SetLatency(scaleLatencyMS)
		if res.Baseline, _, err = rb.MeasureChild("baseline", engine.Options{}, baselineWorker); err != nil {
			b.Fatal(err)
		}
		rb.Close()
		results = append(results, res)
		fmt.Fprintf(os.Stderr, "N=%d: engine %d calls (minimal %d, ratio %.2f) %v; plan check %d calls %v (%d pending); no-op %d calls %v; baseline %d calls %v\n",
			n, res.Engine.Calls, res.Minimal.Total(), res.Ratio(), res.Engine.Wall, res.PlanCheck.Calls, res.PlanCheck.Wall, res.Pending,
			res.NoOp.Calls, res.NoOp.Wall, res.Baseline.Calls, res.Baseline.Wall)
		b.ReportMetric(res.Ratio(), fmt.Sprintf("ratio-N%d", n))
	}
	if os.Getenv("BENCH_BASELINE") == "off" {
		return
	}
	root, _ := filepath.Abs("../..")
	note := fmt.Sprintf("Seed %d; %d ms injected latency; baseline with %d parallel workers; load average at the time: %s.", scaleSeed, scaleLatencyMS, baselineWorker, loadAvg())
	if err := bench.WriteMarkdown(filepath.Join(root, "BENCHMARKS.md"), filepath.Join(root, "BENCHMARKS.png"), results, note); err != nil {
		b.Fatal(err)
	}
}

func mib(b uint64) string { return fmt.Sprintf("%dMB", b>>20) }

// TestBenchChild is a child process's entry point (bench.MeasureChild);
// without the task variable it has nothing to do.
func TestBenchChild(t *testing.T) {
	if os.Getenv(bench.ChildEnv) == "" {
		t.Skip("run by bench.MeasureChild in a child process")
	}
	if err := bench.RunChild(); err != nil {
		t.Fatal(err)
	}
}

func init() {
	bench.ChildOps["baseline"] = perRecordBaseline
}

func loadAvg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

package bench

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/metrics"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// The provider's memory is measured in a process of its own: in this one
// the emulator holds every record of the scenario, and the garbage
// collector's headroom grows with that, so an in-process heap figure says
// more about the emulator than about the provider. MeasureChild runs an
// operation in a child process (the test binary again, entry point
// TestBenchChild) that builds the same stack over the same emulator and
// reports its own peak heap and peak resident set.

// ChildEnv names the file with a child's task; the test binary's
// TestBenchChild runs it when set.
const ChildEnv = "COSELL_BENCH_CHILD"

// ChildProfileEnv names a directory: when set, each child writes a CPU
// profile of its operation there (go tool pprof <test binary> <file>).
const ChildProfileEnv = "COSELL_BENCH_CPUPROFILE"

// childTask is what a child is asked to do.
type childTask struct {
	Stack stackSpec `json:"stack"`
	// Op is "run", "plan", or a name the caller's ChildOps knows.
	Op      string         `json:"op"`
	Options engine.Options `json:"options"`
	Settled []byte         `json:"settled,omitempty"` // Options.Settled, encoded
	Workers int            `json:"workers,omitempty"`
	Out     string         `json:"out"`
}

// childResult is what a child reports.
type childResult struct {
	Wall      time.Duration    `json:"wall"`
	PeakHeap  uint64           `json:"peak_heap"`
	PeakRSS   uint64           `json:"peak_rss"`
	Retries   int64            `json:"retries"`
	Watermark time.Time        `json:"watermark"`
	Failures  []engine.Failure `json:"failures"`
	Changes   []engine.Change  `json:"changes"`
	SetAside  int              `json:"set_aside"`
	Settled   []byte           `json:"settled,omitempty"`
	Err       string           `json:"error,omitempty"`
}

// ChildOps are the operations a child can run besides the engine's own
// ("run", "plan"): benchmark code registers them (the per-record baseline).
var ChildOps = map[string]func(ctx context.Context, r *Rig, workers int) error{}

// MeasureChild runs op ("run", "plan" or a ChildOps name) with options o
// in a child process and returns its cost: API calls as the emulator
// counted them, and the child's wall time, peak heap and peak RSS. For the
// engine's operations it also returns the report (changes, failures,
// watermark, settled versions, set-aside count).
func (r *Rig) MeasureChild(op string, o engine.Options, workers int) (Measurement, engine.Report, error) {
	dir, err := os.MkdirTemp("", "cosell-bench-child-")
	if err != nil {
		return Measurement{}, engine.Report{}, err
	}
	defer os.RemoveAll(dir)
	t := childTask{Stack: r.stack, Op: op, Options: o, Workers: workers, Out: filepath.Join(dir, "result.json")}
	if o.Settled != nil {
		if t.Settled, err = o.Settled.MarshalBinary(); err != nil {
			return Measurement{}, engine.Report{}, err
		}
	}
	t.Options.Settled = nil
	taskFile := filepath.Join(dir, "task.json")
	b, _ := json.Marshal(t)
	if err := os.WriteFile(taskFile, b, 0o600); err != nil {
		return Measurement{}, engine.Report{}, err
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestBenchChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), ChildEnv+"="+taskFile)
	var out strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &out
	r.Emu.Metrics().Reset()
	if err := cmd.Run(); err != nil {
		return Measurement{}, engine.Report{}, fmt.Errorf("bench child %s: %v\n%s", op, err, out.String())
	}
	raw, err := os.ReadFile(t.Out)
	if err != nil {
		return Measurement{}, engine.Report{}, fmt.Errorf("bench child %s wrote no result: %v\n%s", op, err, out.String())
	}
	var res childResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return Measurement{}, engine.Report{}, err
	}
	m := r.counted(Measurement{Wall: res.Wall, PeakHeap: res.PeakHeap, PeakRSS: res.PeakRSS, Retries: res.Retries, Child: true})
	rep := engine.Report{Watermark: res.Watermark, Failures: res.Failures, Changes: res.Changes, SetAside: res.SetAside}
	if rep.Settled, err = engine.UnmarshalSettled(res.Settled); err != nil {
		return m, rep, err
	}
	if res.Err != "" {
		return m, rep, errors.New(res.Err)
	}
	return m, rep, nil
}

// RunChild is the child's side: it reads the task named by ChildEnv, builds
// the stack, runs the operation while sampling its heap, and writes the
// result. TestBenchChild calls it.
func RunChild() error {
	b, err := os.ReadFile(os.Getenv(ChildEnv))
	if err != nil {
		return err
	}
	var t childTask
	if err := json.Unmarshal(b, &t); err != nil {
		return err
	}
	if t.Options.Settled, err = engine.UnmarshalSettled(t.Settled); err != nil {
		return err
	}
	pem, err := os.ReadFile(t.Stack.Endpoints.CAFile)
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pem)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	r := &Rig{stack: t.Stack}
	r.build(&http.Client{Transport: tr, Timeout: 2 * time.Minute})

	ctx := context.Background()
	var res childResult
	if dir := os.Getenv(ChildProfileEnv); dir != "" {
		// A CPU profile of the operation, for tuning: one file per child.
		f, err := os.CreateTemp(dir, t.Op+"-*.cpu")
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	sampler := startHeapSampler()
	start := time.Now()
	switch t.Op {
	case "run", "plan":
		var rep engine.Report
		if t.Op == "run" {
			rep, err = r.Engine.Run(ctx, t.Options)
		} else {
			rep, err = r.Engine.Plan(ctx, t.Options)
		}
		res.Watermark, res.Failures, res.Changes, res.SetAside = rep.Watermark, rep.Failures, rep.Changes, rep.SetAside
		if rep.Settled != nil {
			res.Settled, _ = rep.Settled.MarshalBinary()
		}
	default:
		op, ok := ChildOps[t.Op]
		if !ok {
			return fmt.Errorf("bench child: unknown operation %q", t.Op)
		}
		err = op(ctx, r, t.Workers)
	}
	res.Wall = time.Since(start)
	res.PeakHeap = sampler.stop()
	res.PeakRSS = peakRSS()
	res.Retries = r.Retries.Load()
	if err != nil {
		res.Err = err.Error()
	}
	out, _ := json.Marshal(res)
	return os.WriteFile(t.Out, out, 0o600)
}

// heapSampler records the peak of the Go heap's object bytes (live and not
// yet swept: what the process holds), every 2 ms.
type heapSampler struct {
	peak        atomic.Uint64
	stopc, done chan struct{}
}

func startHeapSampler() *heapSampler {
	h := &heapSampler{stopc: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(h.done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			metrics.Read(s)
			if v := s[0].Value.Uint64(); v > h.peak.Load() {
				h.peak.Store(v)
			}
			select {
			case <-h.stopc:
				return
			case <-tick.C:
			}
		}
	}()
	return h
}

func (h *heapSampler) stop() uint64 {
	close(h.stopc)
	<-h.done
	return h.peak.Load()
}

// peakRSS is the process's resident set high-water mark (VmHWM), bytes; 0
// where /proc is not there.
func peakRSS() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

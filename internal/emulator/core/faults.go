package core

import (
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Faults is the fault-injection configuration of one service. Rates are
// probabilities in [0,1]; zero values inject nothing.
type Faults struct {
	LatencyMS int `json:"latency_ms,omitempty"`
	JitterMS  int `json:"jitter_ms,omitempty"`
	// ErrorRates maps an HTTP status (429, 500, 502, 503, 504, 408) to the
	// probability that a request is answered with it before reaching the API.
	ErrorRates map[int]float64 `json:"error_rates,omitempty"`
	// RetryAfterSeconds is sent with injected 429 and 503 answers.
	RetryAfterSeconds int `json:"retry_after_seconds,omitempty"`
	// PreconditionRaceRate answers conditional writes (If-Match) with 412, as
	// when another writer changed the record first.
	PreconditionRaceRate float64 `json:"precondition_race_rate,omitempty"`
	// DropRate closes the connection without an answer (a connection reset)
	// before the request reaches the API: nothing was applied.
	DropRate float64 `json:"drop_rate,omitempty"`
	// DropAfterApplyRate lets the API handle the request (a write is
	// applied), then closes the connection instead of sending the answer:
	// the client never hears that its write happened.
	DropAfterApplyRate float64 `json:"drop_after_apply_rate,omitempty"`
	// Methods and RoutePrefixes narrow where faults apply (empty = everywhere).
	Methods       []string `json:"methods,omitempty"`
	RoutePrefixes []string `json:"route_prefixes,omitempty"`
	// Count stops injecting after this many faults (0 = unlimited), so a test
	// can say "the next two calls fail".
	Count int `json:"count,omitempty"`
}

// FaultInjector holds the per-service fault configuration, changeable at
// run time, with a seeded random source so runs are repeatable.
type FaultInjector struct {
	mu       sync.Mutex
	byName   map[string]*Faults
	injected map[string]int
	rng      *rand.Rand
}

func NewFaultInjector(seed uint64) *FaultInjector {
	return &FaultInjector{byName: map[string]*Faults{}, injected: map[string]int{}, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// Set replaces the faults of a service ("" or nil clears them).
func (f *FaultInjector) Set(service string, cfg *Faults) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if cfg == nil {
		delete(f.byName, service)
	} else {
		c := *cfg
		f.byName[service] = &c
	}
	f.injected[service] = 0
}

// Injected is how many faults were injected into a service since its
// faults were last set, so a test can prove its fault happened.
func (f *FaultInjector) Injected(service string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.injected[service]
}

// Get returns a copy of a service's faults, or nil.
func (f *FaultInjector) Get(service string) *Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	if c, ok := f.byName[service]; ok {
		cp := *c
		return &cp
	}
	return nil
}

type decision struct {
	sleep     time.Duration
	status    int
	race      bool
	drop      bool
	dropAfter bool
	retry     int
}

func (f *FaultInjector) decide(service string, r *http.Request) decision {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := f.byName[service]
	if c == nil || !c.applies(r) || (c.Count > 0 && f.injected[service] >= c.Count) {
		return decision{}
	}
	d := decision{retry: c.RetryAfterSeconds}
	if c.LatencyMS > 0 || c.JitterMS > 0 {
		ms := c.LatencyMS
		if c.JitterMS > 0 {
			ms += f.rng.IntN(c.JitterMS + 1)
		}
		d.sleep = time.Duration(ms) * time.Millisecond
	}
	switch {
	case c.DropRate > 0 && f.rng.Float64() < c.DropRate:
		d.drop = true
	case c.DropAfterApplyRate > 0 && f.rng.Float64() < c.DropAfterApplyRate:
		d.dropAfter = true
	case c.PreconditionRaceRate > 0 && r.Header.Get("If-Match") != "" && f.rng.Float64() < c.PreconditionRaceRate:
		d.race = true
	default:
		for _, status := range sortedStatuses(c.ErrorRates) {
			if f.rng.Float64() < c.ErrorRates[status] {
				d.status = status
				break
			}
		}
	}
	if d.drop || d.dropAfter || d.race || d.status != 0 {
		f.injected[service]++
	}
	return d
}

func (c *Faults) applies(r *http.Request) bool {
	if len(c.Methods) > 0 {
		ok := false
		for _, m := range c.Methods {
			ok = ok || strings.EqualFold(m, r.Method)
		}
		if !ok {
			return false
		}
	}
	if len(c.RoutePrefixes) > 0 {
		ok := false
		for _, p := range c.RoutePrefixes {
			ok = ok || strings.HasPrefix(r.URL.Path, p)
		}
		return ok
	}
	return true
}

func sortedStatuses(m map[int]float64) []int {
	out := make([]int, 0, len(m))
	for s := range m {
		out = append(out, s)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// Middleware applies the service's faults before the request reaches next.
func (f *FaultInjector) Middleware(service string, writeErr ErrorWriter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		d := f.decide(service, r)
		if d.sleep > 0 {
			select {
			case <-time.After(d.sleep):
			case <-r.Context().Done():
				return
			}
		}
		switch {
		case d.drop:
			hangUp(w)
		case d.dropAfter:
			// The handler writes into a buffer nobody reads; its effects
			// (the write) stay, its answer is lost.
			next.ServeHTTP(&discardWriter{header: http.Header{}}, r)
			hangUp(w)
		case d.race:
			writeErr(w, http.StatusPreconditionFailed, "PreconditionFailed",
				"The version of the existing record doesn't match the RowVersion property provided.")
		case d.status != 0:
			if (d.status == http.StatusTooManyRequests || d.status == http.StatusServiceUnavailable) && d.retry > 0 {
				w.Header().Set("Retry-After", strconv.Itoa(d.retry))
			}
			writeErr(w, d.status, http.StatusText(d.status), "Injected fault: "+http.StatusText(d.status))
		default:
			next.ServeHTTP(w, r)
		}
	})
}

// hangUp closes the client's connection without an answer.
func hangUp(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler) // closes the connection without a response
}

// discardWriter takes a handler's answer and throws it away, keeping the
// status for nobody: the answer of a write whose response is dropped.
type discardWriter struct {
	header http.Header
}

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

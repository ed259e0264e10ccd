package dataverse

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Limits are the service protection limits (dataverse-api.md §1.10), per
// caller over a sliding window. Zero fields take Dataverse's defaults.
type Limits struct {
	Requests        int   `json:"requests,omitempty"`          // default 6000
	ExecutionTimeMS int64 `json:"execution_time_ms,omitempty"` // default 1,200,000
	Concurrent      int   `json:"concurrent,omitempty"`        // default 52
	WindowSeconds   int   `json:"window_seconds,omitempty"`    // default 300
}

func (l Limits) withDefaults() Limits {
	if l.Requests <= 0 {
		l.Requests = 6000
	}
	if l.ExecutionTimeMS <= 0 {
		l.ExecutionTimeMS = 1200000
	}
	if l.Concurrent <= 0 {
		l.Concurrent = 52
	}
	if l.WindowSeconds <= 0 {
		l.WindowSeconds = 300
	}
	return l
}

// minChargeMS is the least execution time a request is charged, so that a
// small ExecutionTimeMS limit trips deterministically in tests.
const minChargeMS = 1

type execEntry struct {
	at time.Time
	ms float64
}

type callerState struct {
	reqs     []time.Time
	execs    []execEntry
	inflight int
}

type limiter struct {
	mu      sync.Mutex
	lim     Limits
	now     func() time.Time
	callers map[string]*callerState
	// peak is the most requests one caller had in flight at once, counting
	// the arriving one (so a refused request over the limit shows as
	// Concurrent+1); refusedConcurrent counts the concurrency refusals.
	peak, refusedConcurrent int
}

// ConcurrencyStats is what the concurrency limit saw since the limits were
// last set or reset.
type ConcurrencyStats struct {
	Limit   int // Limits.Concurrent in force
	Peak    int // most requests of one caller in flight at once, the arriving one included
	Refused int // requests refused for exceeding Limit
}

func (l *limiter) concurrency() ConcurrencyStats {
	l.mu.Lock()
	defer l.mu.Unlock()
	return ConcurrencyStats{Limit: l.lim.Concurrent, Peak: l.peak, Refused: l.refusedConcurrent}
}

func (l *limiter) resetConcurrency() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.peak, l.refusedConcurrent = 0, 0
}

func newLimiter(l Limits, now func() time.Time) *limiter {
	return &limiter{lim: l.withDefaults(), now: now, callers: map[string]*callerState{}}
}

func (l *limiter) set(lim Limits) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lim = lim.withDefaults()
	l.callers = map[string]*callerState{}
	l.peak, l.refusedConcurrent = 0, 0
}

// refusal is a 429 answer.
type refusal struct {
	code       string
	message    string
	retryAfter int
}

// admit counts a request for caller or refuses it; on success it returns
// the remaining request and time budgets for the debug headers.
func (l *limiter) admit(caller string) (*refusal, int, float64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	window := time.Duration(l.lim.WindowSeconds) * time.Second
	cs := l.callers[caller]
	if cs == nil {
		cs = &callerState{}
		l.callers[caller] = cs
	}
	cutoff := now.Add(-window)
	for len(cs.reqs) > 0 && !cs.reqs[0].After(cutoff) {
		cs.reqs = cs.reqs[1:]
	}
	for len(cs.execs) > 0 && !cs.execs[0].at.After(cutoff) {
		cs.execs = cs.execs[1:]
	}
	var spent float64
	for _, e := range cs.execs {
		spent += e.ms
	}
	l.peak = max(l.peak, cs.inflight+1)
	retryAt := func(t time.Time) int {
		return max(1, int(math.Ceil(t.Add(window).Sub(now).Seconds())))
	}
	switch {
	case len(cs.reqs) >= l.lim.Requests:
		return &refusal{code: codeRequestsLimit, retryAfter: retryAt(cs.reqs[0]),
			message: "Number of requests exceeded the limit of " + strconv.Itoa(l.lim.Requests) + " over time window of " + strconv.Itoa(l.lim.WindowSeconds) + " seconds."}, 0, 0
	case spent >= float64(l.lim.ExecutionTimeMS):
		// Approximation: retry when the oldest charge leaves the window.
		return &refusal{code: codeTimeLimit, retryAfter: retryAt(cs.execs[0].at),
			message: "Combined execution time of incoming requests exceeded limit of " + groupThousands(float64(l.lim.ExecutionTimeMS), 0) +
				" milliseconds over time window of " + strconv.Itoa(l.lim.WindowSeconds) + " seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later."}, 0, 0
	case cs.inflight >= l.lim.Concurrent:
		l.refusedConcurrent++
		return &refusal{code: codeConcurrencyLimit, retryAfter: 1,
			message: "Number of concurrent requests exceeded the limit of " + strconv.Itoa(l.lim.Concurrent) + "."}, 0, 0
	}
	cs.reqs = append(cs.reqs, now)
	cs.inflight++
	return nil, l.lim.Requests - len(cs.reqs), float64(l.lim.ExecutionTimeMS) - spent
}

func (l *limiter) done(caller string, elapsed time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	cs := l.callers[caller]
	if cs == nil {
		return // limits were reset meanwhile
	}
	cs.inflight = max(0, cs.inflight-1)
	ms := math.Max(float64(elapsed)/float64(time.Millisecond), minChargeMS)
	cs.execs = append(cs.execs, execEntry{at: l.now(), ms: ms})
}

// middleware applies the limits per caller (token object id, else app id).
// A $batch counts as one request; its execution time counts in full.
func (l *limiter) middleware(s *Service, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller := "anonymous"
		if c := core.ClaimsFrom(r.Context()); c != nil {
			caller = c.ObjectID
			if caller == "" {
				caller = c.AppID
			}
		}
		ref, burst, timeLeft := l.admit(caller)
		if ref != nil {
			w.Header().Set("Retry-After", strconv.Itoa(ref.retryAfter))
			s.WriteError(w, http.StatusTooManyRequests, ref.code, ref.message)
			return
		}
		w.Header().Set("x-ms-ratelimit-burst-remaining-xrm-requests", strconv.Itoa(burst))
		w.Header().Set("x-ms-ratelimit-time-remaining-xrm-requests", groupThousands(timeLeft, 2))
		start := time.Now()
		defer func() { l.done(caller, time.Since(start)) }()
		next.ServeHTTP(w, r)
	})
}

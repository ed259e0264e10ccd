package core

import (
	"net/http"
	"sort"
	"sync"
)

// Metrics counts requests per service, method and route pattern, so that
// benchmarks and tests can assert how many API calls an operation made.
type Metrics struct {
	mu     sync.Mutex
	counts map[Key]int
}

// Key identifies a counter. Route is the ServeMux pattern that matched
// (e.g. "GET /v1.0/engagements/referrals/{id}") or "unmatched".
type Key struct {
	Service string `json:"service"`
	Method  string `json:"method"`
	Route   string `json:"route"`
	Status  int    `json:"status"`
}

// Count is one row of a metrics snapshot.
type Count struct {
	Key
	Count int `json:"count"`
}

func NewMetrics() *Metrics { return &Metrics{counts: map[Key]int{}} }

// Middleware counts each request after it is served, keyed by the pattern
// the inner ServeMux matched (http.Request.Pattern is set in place by it).
func (m *Metrics) Middleware(service string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(sw, r)
		route := r.Pattern
		if route == "" {
			route = "unmatched"
		}
		m.mu.Lock()
		m.counts[Key{Service: service, Method: r.Method, Route: route, Status: sw.status}]++
		m.mu.Unlock()
	})
}

// Snapshot returns all counters, sorted for stable output.
func (m *Metrics) Snapshot() []Count {
	m.mu.Lock()
	defer m.mu.Unlock()
	out := make([]Count, 0, len(m.counts))
	for k, v := range m.counts {
		out = append(out, Count{Key: k, Count: v})
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Service != b.Service {
			return a.Service < b.Service
		}
		if a.Route != b.Route {
			return a.Route < b.Route
		}
		if a.Method != b.Method {
			return a.Method < b.Method
		}
		return a.Status < b.Status
	})
	return out
}

// Total sums the counters that match the filter (empty fields match all).
func (m *Metrics) Total(service, method string) int {
	m.mu.Lock()
	defer m.mu.Unlock()
	n := 0
	for k, v := range m.counts {
		if (service == "" || k.Service == service) && (method == "" || k.Method == method) {
			n += v
		}
	}
	return n
}

// Reset zeroes every counter.
func (m *Metrics) Reset() {
	m.mu.Lock()
	m.counts = map[Key]int{}
	m.mu.Unlock()
}

type statusWriter struct {
	http.ResponseWriter
	status      int
	wroteHeader bool
}

func (s *statusWriter) WriteHeader(code int) {
	if !s.wroteHeader {
		s.status, s.wroteHeader = code, true
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusWriter) Write(b []byte) (int, error) {
	s.wroteHeader = true
	return s.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Hijack/Flush on the real writer.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }

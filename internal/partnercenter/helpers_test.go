package partnercenter

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"sync"
	"testing"
)

var guidRE = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// captured is what a test handler saw of one request.
type captured struct {
	Method, Path, RawQuery string
	Query                  map[string][]string
	Header                 http.Header
	Body                   []byte
}

// server is an httptest server that records requests and answers with the
// handler the test gives for each request in turn.
type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newServer(t *testing.T, handlers ...http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, captured{r.Method, r.URL.Path, r.URL.RawQuery, r.URL.Query(), r.Header.Clone(), body})
		s.mu.Unlock()
		if n >= len(handlers) {
			t.Errorf("unexpected request %d: %s %s", n+1, r.Method, r.URL)
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		handlers[n](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) requests() []captured {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]captured(nil), s.reqs...)
}

func (s *server) only(t *testing.T) captured {
	t.Helper()
	r := s.requests()
	if len(r) != 1 {
		t.Fatalf("want 1 request, got %d", len(r))
	}
	return r[0]
}

func reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func mustJSON(t *testing.T, b []byte) any {
	t.Helper()
	var v any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, b)
	}
	return v
}

func assertHeader(t *testing.T, h http.Header, key, want string) {
	t.Helper()
	if got := h.Get(key); got != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

// recordingMarker stands in for transport.MarkRetrySafe.
type recordingMarker struct {
	mu     sync.Mutex
	marked []string
}

func (m *recordingMarker) mark(r *http.Request) *http.Request {
	m.mu.Lock()
	m.marked = append(m.marked, r.Method+" "+r.URL.Path)
	m.mu.Unlock()
	return r
}

func (m *recordingMarker) count() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	return len(m.marked)
}

package dataverse

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"sync"
	"testing"
)

type captured struct {
	Method, Path, RawPath, RawQuery string
	Query                           map[string][]string
	Header                          http.Header
	Body                            []byte
}

type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

// newServer answers the n-th request with handlers[n] and records them all.
func newServer(t *testing.T, handlers ...http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, captured{r.Method, r.URL.Path, r.URL.EscapedPath(), r.URL.RawQuery, r.URL.Query(), r.Header.Clone(), body})
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

func (s *server) req(t *testing.T, i int) captured {
	t.Helper()
	r := s.requests()
	if len(r) <= i {
		t.Fatalf("want request %d, got %d requests", i+1, len(r))
	}
	return r[i]
}

func (s *server) client(opts ...Options) *Client { return New(s.Client(), s.URL+"/", opts...) }

func reply(status int, body string, headers ...string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		if body != "" && w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func assertHeader(t *testing.T, h http.Header, key, want string) {
	t.Helper()
	if got := h.Get(key); got != want {
		t.Errorf("header %s = %q, want %q", key, got, want)
	}
}

func assertNoHeader(t *testing.T, h http.Header, key string) {
	t.Helper()
	if v, ok := h[http.CanonicalHeaderKey(key)]; ok {
		t.Errorf("header %s should be absent, got %q", key, v)
	}
}

// assertODataHeaders checks the headers every Dataverse request carries.
func assertODataHeaders(t *testing.T, r captured) {
	t.Helper()
	assertHeader(t, r.Header, "Accept", "application/json")
	assertHeader(t, r.Header, "OData-MaxVersion", "4.0")
	assertHeader(t, r.Header, "OData-Version", "4.0")
	if r.Method == http.MethodGet {
		assertHeader(t, r.Header, "If-None-Match", "null")
	} else {
		assertNoHeader(t, r.Header, "If-None-Match")
	}
	if len(r.Body) > 0 {
		assertHeader(t, r.Header, "Content-Type", "application/json")
	} else {
		assertNoHeader(t, r.Header, "Content-Type")
	}
	if r.Header.Get("Authorization") != "" {
		t.Errorf("the client must not authenticate; the Doer does")
	}
}

// assertJSON compares a body with the expected JSON semantically.
func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("bad expectation: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body mismatch\n got: %s\nwant: %s", got, want)
	}
}

func jsonMap(t *testing.T, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("body is not a JSON object: %v\n%s", err, b)
	}
	return m
}

func readFile(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

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

func fixedIDs(ids ...string) func() string {
	var mu sync.Mutex
	return func() string {
		mu.Lock()
		defer mu.Unlock()
		id := ids[0]
		ids = ids[1:]
		return id
	}
}

const (
	oppID  = "3b9f2d4e-6a7c-4e8b-9d0f-a1b2c3d4e5f6"
	acctID = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
	newID1 = "aaaaaaaa-0000-4000-8000-000000000001"
	newID2 = "aaaaaaaa-0000-4000-8000-000000000002"
)

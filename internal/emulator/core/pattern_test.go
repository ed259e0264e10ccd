package core

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
)

type okVerifier struct{}

func (okVerifier) Verify(raw string) (*Claims, error) {
	if raw != "good" {
		return nil, errors.New("bad token")
	}
	return &Claims{Audience: "https://api.example"}, nil
}

// Metrics sit outside RequireToken, which hands the inner ServeMux a copy of
// the request; the matched pattern must still reach the counter.
func TestMetricsSeeRoutePatternThroughRequireToken(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /things/{id}", func(w http.ResponseWriter, r *http.Request) {
		WriteJSON(w, http.StatusOK, map[string]string{"id": r.PathValue("id")})
	})
	writeErr := func(w http.ResponseWriter, status int, code, msg string) {
		WriteJSON(w, status, map[string]string{"code": code})
	}
	m := NewMetrics()
	h := m.Middleware("svc", RequireToken(okVerifier{}, AuthPolicy{Audience: func() string { return "https://api.example" }}, writeErr, mux))

	for _, tok := range []string{"good", "bad"} {
		req := httptest.NewRequest(http.MethodGet, "/things/7", nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("content type %q", ct)
		}
	}
	got := map[Key]int{}
	for _, c := range m.Snapshot() {
		got[c.Key] = c.Count
	}
	if got[Key{Service: "svc", Method: "GET", Route: "GET /things/{id}", Status: 200}] != 1 ||
		got[Key{Service: "svc", Method: "GET", Route: "unmatched", Status: 401}] != 1 {
		t.Fatalf("counters: %+v", m.Snapshot())
	}
}

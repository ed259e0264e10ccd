package core

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// countingServer serves a handler that counts the requests it handled
// (i.e. the writes applied), behind the fault middleware.
func countingServer(t *testing.T, f *FaultInjector) (*httptest.Server, *int32) {
	t.Helper()
	var handled int32
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		atomic.AddInt32(&handled, 1)
		WriteJSON(w, http.StatusCreated, map[string]string{"ok": "yes"})
	})
	writeErr := func(w http.ResponseWriter, status int, code, msg string) {
		WriteJSON(w, status, map[string]string{"code": code})
	}
	srv := httptest.NewServer(f.Middleware("svc", writeErr, h))
	t.Cleanup(srv.Close)
	return srv, &handled
}

// Drop-after-apply: the handler runs (the write happens), the client gets
// no answer. A plain drop never reaches the handler.
func TestDropAfterApplyRunsTheHandlerThenHangsUp(t *testing.T) {
	for _, tc := range []struct {
		name        string
		faults      Faults
		wantHandled int32
	}{
		{"drop_after_apply", Faults{DropAfterApplyRate: 1, Count: 1}, 1},
		{"drop", Faults{DropRate: 1, Count: 1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := NewFaultInjector(1)
			f.Set("svc", &tc.faults)
			srv, handled := countingServer(t, f)
			resp, err := srv.Client().Post(srv.URL+"/things", "application/json", strings.NewReader(`{}`))
			if err == nil {
				resp.Body.Close()
				t.Fatalf("got an answer (%d), want the connection closed", resp.StatusCode)
			}
			if got := atomic.LoadInt32(handled); got != tc.wantHandled {
				t.Fatalf("handler ran %d times, want %d", got, tc.wantHandled)
			}
			// Count 1: the next request is answered.
			resp, err = srv.Client().Post(srv.URL+"/things", "application/json", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated || !strings.Contains(string(b), "yes") {
				t.Fatalf("after the fault: %d %s", resp.StatusCode, b)
			}
		})
	}
}

// Like the other faults, drop-after-apply is narrowed by method and route.
func TestDropAfterApplyNarrowedByMethodAndRoute(t *testing.T) {
	f := NewFaultInjector(1)
	f.Set("svc", &Faults{DropAfterApplyRate: 1, Methods: []string{"PUT"}, RoutePrefixes: []string{"/connections/"}})
	srv, handled := countingServer(t, f)
	send := func(method, path string) error {
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(`{}`))
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		return err
	}
	if err := send("POST", "/connections/a"); err != nil {
		t.Fatalf("POST is not narrowed in: %v", err)
	}
	if err := send("PUT", "/other/a"); err != nil {
		t.Fatalf("another route is not narrowed in: %v", err)
	}
	if err := send("PUT", "/connections/a"); err == nil {
		t.Fatal("PUT /connections/ answered, want dropped")
	}
	if got := atomic.LoadInt32(handled); got != 3 {
		t.Fatalf("handled %d, want 3 (the dropped PUT was applied too)", got)
	}
}

package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
)

// fakeSleep records the waits Do asks for without sleeping.
type fakeSleep struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (f *fakeSleep) sleep(ctx context.Context, d time.Duration) error {
	f.mu.Lock()
	f.delays = append(f.delays, d)
	f.mu.Unlock()
	return ctx.Err()
}

func (f *fakeSleep) all() []time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]time.Duration(nil), f.delays...)
}

// recorder is a test server answering from a script, one entry per attempt
// (the last entry repeats), and recording what it received.
type recorder struct {
	mu     sync.Mutex
	reqs   []recorded
	script []func(w http.ResponseWriter, r *http.Request)
}

type recorded struct {
	method string
	header http.Header
	body   string
}

func (rec *recorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rec.mu.Lock()
	n := len(rec.reqs)
	rec.reqs = append(rec.reqs, recorded{method: r.Method, header: r.Header.Clone(), body: string(b)})
	step := rec.script[min(n, len(rec.script)-1)]
	rec.mu.Unlock()
	step(w, r)
}

func (rec *recorder) got() []recorded {
	rec.mu.Lock()
	defer rec.mu.Unlock()
	return append([]recorded(nil), rec.reqs...)
}

func status(code int, headers ...string) func(http.ResponseWriter, *http.Request) {
	return func(w http.ResponseWriter, _ *http.Request) {
		for i := 0; i+1 < len(headers); i += 2 {
			w.Header().Set(headers[i], headers[i+1])
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		fmt.Fprintf(w, `{"error":{"code":"c%d","message":"status %d"}}`, code, code)
	}
}

func ok(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"ok":true}`)
}

// hangUp closes the connection without answering (a dropped connection).
func hangUp(w http.ResponseWriter, _ *http.Request) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(err)
	}
	_ = conn.Close()
}

func serve(t *testing.T, script ...func(http.ResponseWriter, *http.Request)) (*recorder, *httptest.Server) {
	t.Helper()
	rec := &recorder{script: script}
	srv := httptest.NewServer(rec)
	t.Cleanup(srv.Close)
	return rec, srv
}

func newClient(srv *httptest.Server, fs *fakeSleep, mod ...func(*Options)) *Client {
	o := Options{Service: "test", HTTPClient: srv.Client(), Sleep: fs.sleep}
	for _, m := range mod {
		m(&o)
	}
	return New(o)
}

func do(t *testing.T, c *Client, req *http.Request) (*http.Response, string, error) {
	t.Helper()
	resp, err := c.Do(req)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b), nil
}

func mustReq(t *testing.T, ctx context.Context, method, url, body string) *http.Request {
	t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		t.Fatal(err)
	}
	return req
}

func TestRetriesEachRetryableStatus(t *testing.T) {
	for _, code := range []int{429, 408, 500, 502, 503, 504} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			rec, srv := serve(t, status(code), status(code), ok)
			fs := &fakeSleep{}
			resp, body, err := do(t, newClient(srv, fs), mustReq(t, context.Background(), "GET", srv.URL+"/x", ""))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || body != `{"ok":true}` {
				t.Fatalf("got %d %q", resp.StatusCode, body)
			}
			if n := len(rec.got()); n != 3 {
				t.Fatalf("server saw %d attempts, want 3", n)
			}
			if n := len(fs.all()); n != 2 {
				t.Fatalf("slept %d times, want 2", n)
			}
			if Attempts(resp) != 3 {
				t.Fatalf("Attempts = %d", Attempts(resp))
			}
		})
	}
}

func TestDoesNotRetryOtherStatuses(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 409, 412, 501} {
		rec, srv := serve(t, status(code), ok)
		fs := &fakeSleep{}
		resp, _, err := do(t, newClient(srv, fs), mustReq(t, context.Background(), "GET", srv.URL, ""))
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != code || len(rec.got()) != 1 || len(fs.all()) != 0 {
			t.Fatalf("%d: got status %d after %d attempts", code, resp.StatusCode, len(rec.got()))
		}
	}
}

func TestRetryAfterSecondsHonored(t *testing.T) {
	_, srv := serve(t, status(429, "Retry-After", "7"), status(503, "Retry-After", "2"), ok)
	fs := &fakeSleep{}
	resp, _, err := do(t, newClient(srv, fs), mustReq(t, context.Background(), "GET", srv.URL, ""))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("err=%v", err)
	}
	got := fs.all()
	if len(got) != 2 || got[0] != 7*time.Second || got[1] != 2*time.Second {
		t.Fatalf("waits = %v, want [7s 2s]", got)
	}
}

func TestRetryAfterHTTPDateHonored(t *testing.T) {
	at := time.Now().Add(30 * time.Second).UTC().Format(http.TimeFormat)
	_, srv := serve(t, status(429, "Retry-After", at), ok)
	fs := &fakeSleep{}
	if _, _, err := do(t, newClient(srv, fs), mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
		t.Fatal(err)
	}
	got := fs.all()
	// HTTP-date has one-second resolution.
	if len(got) != 1 || got[0] < 28*time.Second || got[0] > 31*time.Second {
		t.Fatalf("waits = %v, want ~30s", got)
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"", 0, false},
		{"12", 12 * time.Second, true},
		{" 0 ", 0, true},
		{"-3", 0, true},
		{"1.5", 1500 * time.Millisecond, true},
		{"Fri, 02 Jan 2026 03:05:05 GMT", time.Minute, true},
		{"Fri, 02 Jan 2026 03:00:00 GMT", 0, true}, // in the past
		{"99999", maxRetryAfter, true},
		{"99999999999", maxRetryAfter, true}, // seconds overflow a Duration
		{"Inf", maxRetryAfter, true},
		{"NaN", 0, false},
		{"soon", 0, false},
	} {
		got, ok := parseRetryAfter(tc.in, now)
		if got != tc.want || ok != tc.ok {
			t.Errorf("parseRetryAfter(%q) = %v,%v want %v,%v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestBackoffIsExponentialJitteredAndCapped(t *testing.T) {
	_, srv := serve(t, status(503))
	fs := &fakeSleep{}
	c := newClient(srv, fs, func(o *Options) {
		o.MaxRetries, o.MinBackoff, o.MaxBackoff = 6, 100*time.Millisecond, 1*time.Second
	})
	resp, _, err := do(t, c, mustReq(t, context.Background(), "GET", srv.URL, ""))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 503 || Attempts(resp) != 7 {
		t.Fatalf("status %d after %d attempts, want 503 after 7", resp.StatusCode, Attempts(resp))
	}
	ceil := []time.Duration{100, 200, 400, 800, 1000, 1000}
	got := fs.all()
	if len(got) != len(ceil) {
		t.Fatalf("waits = %v", got)
	}
	for i, d := range got {
		hi := ceil[i] * time.Millisecond
		if d < hi/2 || d > hi {
			t.Errorf("wait %d = %v, want in [%v, %v]", i+1, d, hi/2, hi)
		}
	}
}

func TestMaxRetriesNegativeDisablesRetries(t *testing.T) {
	rec, srv := serve(t, status(503), ok)
	fs := &fakeSleep{}
	resp, _, err := do(t, newClient(srv, fs, func(o *Options) { o.MaxRetries = NoRetries }), mustReq(t, context.Background(), "GET", srv.URL, ""))
	if err != nil || resp.StatusCode != 503 || len(rec.got()) != 1 {
		t.Fatalf("err=%v attempts=%d", err, len(rec.got()))
	}
}

func TestPostAndPatchNotRetriedUnlessMarked(t *testing.T) {
	for _, method := range []string{"POST", "PATCH"} {
		t.Run(method, func(t *testing.T) {
			rec, srv := serve(t, status(503), ok)
			fs := &fakeSleep{}
			c := newClient(srv, fs)
			resp, _, err := do(t, c, mustReq(t, context.Background(), method, srv.URL, `{"a":1}`))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 503 || len(rec.got()) != 1 {
				t.Fatalf("unmarked %s: status %d after %d attempts, want one 503", method, resp.StatusCode, len(rec.got()))
			}

			rec2, srv2 := serve(t, status(503), status(502), ok)
			c2 := newClient(srv2, fs)
			resp, _, err = do(t, c2, MarkRetrySafe(mustReq(t, context.Background(), method, srv2.URL, `{"a":1}`)))
			if err != nil {
				t.Fatal(err)
			}
			if resp.StatusCode != 200 || len(rec2.got()) != 3 {
				t.Fatalf("marked %s: status %d after %d attempts", method, resp.StatusCode, len(rec2.got()))
			}
		})
	}
}

func TestThrottledPostIsRetried(t *testing.T) {
	rec, srv := serve(t, status(429, "Retry-After", "1"), ok)
	fs := &fakeSleep{}
	resp, _, err := do(t, newClient(srv, fs), mustReq(t, context.Background(), "POST", srv.URL, `{"name":"x"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("err=%v", err)
	}
	got := rec.got()
	if len(got) != 2 || got[1].body != `{"name":"x"}` {
		t.Fatalf("attempts = %+v", got)
	}
}

func TestBodyReplayedIdentically(t *testing.T) {
	body := `{"displayName":"Contoso – ü","values":[1,2,3]}` + strings.Repeat(" ", 5000)
	rec, srv := serve(t, status(503), hangUp, status(504), ok)
	fs := &fakeSleep{}
	req := mustReq(t, context.Background(), "PUT", srv.URL, body)
	req.Header.Set("Content-Type", "application/json")
	resp, _, err := do(t, newClient(srv, fs), req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("err=%v", err)
	}
	got := rec.got()
	if len(got) != 4 {
		t.Fatalf("%d attempts, want 4", len(got))
	}
	for i, r := range got {
		if r.body != body || r.header.Get("Content-Type") != "application/json" {
			t.Fatalf("attempt %d sent %d bytes (%q), want the original %d", i+1, len(r.body), r.header.Get("Content-Type"), len(body))
		}
	}
}

func TestResetConnectionRetried(t *testing.T) {
	rec, srv := serve(t, hangUp, hangUp, ok)
	fs := &fakeSleep{}
	resp, body, err := do(t, newClient(srv, fs), mustReq(t, context.Background(), "GET", srv.URL, ""))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body != `{"ok":true}` || len(rec.got()) != 3 {
		t.Fatalf("status %d after %d attempts", resp.StatusCode, len(rec.got()))
	}
}

func TestResetConnectionNotRetriedForUnmarkedPost(t *testing.T) {
	rec, srv := serve(t, hangUp, ok)
	fs := &fakeSleep{}
	_, _, err := do(t, newClient(srv, fs), mustReq(t, context.Background(), "POST", srv.URL+"/v1.0/engagements/referrals", `{}`))
	var re *RetryError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *RetryError", err)
	}
	if re.Attempts != 1 || len(rec.got()) != 1 || !strings.Contains(err.Error(), "neither an idempotency key nor a lookup") {
		t.Fatalf("err = %v", err)
	}
}

func TestResetConnectionRetriesExhausted(t *testing.T) {
	rec, srv := serve(t, hangUp)
	fs := &fakeSleep{}
	_, _, err := do(t, newClient(srv, fs, func(o *Options) { o.MaxRetries = 2 }), mustReq(t, context.Background(), "GET", srv.URL, ""))
	var re *RetryError
	if !errors.As(err, &re) || re.Attempts != 3 || len(rec.got()) != 3 {
		t.Fatalf("err = %v (attempts seen %d)", err, len(rec.got()))
	}
	if !strings.Contains(err.Error(), "gave up after 3 attempts") || !strings.Contains(err.Error(), "last error") {
		t.Fatalf("message: %v", err)
	}
}

func TestContextDeadlineStopsRetriesEarly(t *testing.T) {
	rec, srv := serve(t, status(503), status(429, "Retry-After", "60"), ok)
	fs := &fakeSleep{}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, _, err := do(t, newClient(srv, fs), mustReq(t, ctx, "GET", srv.URL+"/api/data/v9.2/accounts", ""))
	var re *RetryError
	if !errors.As(err, &re) {
		t.Fatalf("err = %v, want *RetryError", err)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err should wrap context.DeadlineExceeded: %v", err)
	}
	if re.Attempts != 2 || re.LastStatus != 429 || len(rec.got()) != 2 {
		t.Fatalf("attempts=%d last=%d seen=%d", re.Attempts, re.LastStatus, len(rec.got()))
	}
	if len(fs.all()) != 1 {
		t.Fatalf("slept %v; must not wait past the deadline", fs.all())
	}
	msg := err.Error()
	for _, want := range []string{"gave up after 2 attempts", "would pass the context deadline", "429 Too Many Requests", "GET", "/api/data/v9.2/accounts"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
}

func TestCancelledWhileWaiting(t *testing.T) {
	_, srv := serve(t, status(503))
	ctx, cancel := context.WithCancel(context.Background())
	c := newClient(srv, nil, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	_, _, err := do(t, c, mustReq(t, ctx, "GET", srv.URL, ""))
	if !errors.Is(err, context.Canceled) || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v", err)
	}
}

func TestCorrelationIDStableAcrossRetries(t *testing.T) {
	rec, srv := serve(t, status(503), hangUp, ok)
	fs := &fakeSleep{}
	c := newClient(srv, fs, func(o *Options) { o.CorrelationHeader = HeaderPartnerCenterCorrelation })
	if _, _, err := do(t, c, mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	id := got[0].header.Get("MS-CorrelationId")
	if _, err := uuid.Parse(id); err != nil {
		t.Fatalf("correlation id %q is not a UUID", id)
	}
	for i, r := range got {
		if r.header.Get("MS-CorrelationId") != id {
			t.Fatalf("attempt %d has correlation id %q, want %q", i+1, r.header.Get("MS-CorrelationId"), id)
		}
	}
	// a new call gets a new id
	if _, _, err := do(t, c, mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
		t.Fatal(err)
	}
	if next := rec.got()[3].header.Get("MS-CorrelationId"); next == id || next == "" {
		t.Fatalf("second call reused or lacked the id: %q", next)
	}
	// a caller's id is kept
	req := mustReq(t, context.Background(), "GET", srv.URL, "")
	req.Header.Set("MS-CorrelationId", "caller-id")
	if _, _, err := do(t, c, req); err != nil {
		t.Fatal(err)
	}
	if last := rec.got()[4].header.Get("MS-CorrelationId"); last != "caller-id" {
		t.Fatalf("caller's id replaced by %q", last)
	}
}

func TestDefaultCorrelationHeader(t *testing.T) {
	rec, srv := serve(t, ok)
	if _, _, err := do(t, newClient(srv, &fakeSleep{}), mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
		t.Fatal(err)
	}
	if rec.got()[0].header.Get(DefaultCorrelationHeader) == "" {
		t.Fatal("no correlation id")
	}
}

func TestTokenFetchedPerAttempt(t *testing.T) {
	rec, srv := serve(t, status(503), ok)
	var n int
	c := newClient(srv, &fakeSleep{}, func(o *Options) {
		o.Token = func(context.Context) (string, error) { n++; return fmt.Sprintf("tok-%d", n), nil }
		o.UserAgent = "terraform-provider-cosell/test"
	})
	if _, _, err := do(t, c, mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
		t.Fatal(err)
	}
	got := rec.got()
	if got[0].header.Get("Authorization") != "Bearer tok-1" || got[1].header.Get("Authorization") != "Bearer tok-2" {
		t.Fatalf("authorization headers: %q, %q", got[0].header.Get("Authorization"), got[1].header.Get("Authorization"))
	}
	if got[0].header.Get("User-Agent") != "terraform-provider-cosell/test" {
		t.Fatalf("user agent %q", got[0].header.Get("User-Agent"))
	}
}

func TestTokenErrorStopsTheCall(t *testing.T) {
	rec, srv := serve(t, ok)
	c := newClient(srv, &fakeSleep{}, func(o *Options) {
		o.Service = "referrals"
		o.Token = func(context.Context) (string, error) { return "", errors.New("no user credential configured") }
	})
	_, _, err := do(t, c, mustReq(t, context.Background(), "GET", srv.URL, ""))
	if err == nil || !strings.Contains(err.Error(), "referrals: GET") || !strings.Contains(err.Error(), "no user credential configured") {
		t.Fatalf("err = %v", err)
	}
	if len(rec.got()) != 0 {
		t.Fatal("request sent without a token")
	}
}

func TestNoTokenFuncSendsNoAuthorization(t *testing.T) {
	rec, srv := serve(t, ok)
	if _, _, err := do(t, newClient(srv, &fakeSleep{}), mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
		t.Fatal(err)
	}
	if h := rec.got()[0].header.Get("Authorization"); h != "" {
		t.Fatalf("Authorization %q", h)
	}
}

func TestRealSleeperWaitsAndStopsOnCancel(t *testing.T) {
	if err := sleepTimer(context.Background(), time.Millisecond); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := sleepTimer(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
}

func TestTLSCertificateErrorNotRetried(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(ok))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	defer srv.Close()
	fs := &fakeSleep{}
	c := New(Options{Service: "dataverse", Sleep: fs.sleep}) // default client does not trust the test CA
	_, err := c.Do(mustReq(t, context.Background(), "GET", srv.URL, ""))
	if err == nil || len(fs.all()) != 0 {
		t.Fatalf("err=%v waits=%v", err, fs.all())
	}
	if !strings.Contains(err.Error(), "not transient") {
		t.Fatalf("err = %v", err)
	}
}

func TestCorrelationHeaderByService(t *testing.T) {
	for service, want := range map[string]string{
		"referrals": "MS-CorrelationId", "webhooks": "MS-CorrelationId",
		"dataverse": "x-ms-client-request-id", "powerplatform": "x-ms-client-request-id", "other": "x-ms-correlation-id",
	} {
		rec, srv := serve(t, ok)
		c := newClient(srv, &fakeSleep{}, func(o *Options) { o.Service = service })
		if _, _, err := do(t, c, mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
			t.Fatal(err)
		}
		if rec.got()[0].header.Get(want) == "" {
			t.Errorf("%s: no %s header", service, want)
		}
	}
}

package dataverse

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// fakeVerifier accepts tokens "<audience>|<oid>" (app-only unless the oid
// starts with "user").
type fakeVerifier struct{}

func (fakeVerifier) Verify(raw string) (*core.Claims, error) {
	aud, oid, ok := strings.Cut(raw, "|")
	if !ok {
		return nil, errors.New("malformed test token")
	}
	c := &core.Claims{Audience: aud, ObjectID: oid, AppID: "11111111-1111-4111-8111-111111111111",
		AppOnly: !strings.HasPrefix(oid, "user"), Expires: time.Now().Add(time.Hour)}
	if !c.AppOnly {
		c.UPN = "admin@contoso.example"
	}
	return c, nil
}

// fakeClock is a settable clock for createdon and the throttling window.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type harness struct {
	t      *testing.T
	svc    *Service
	srv    *httptest.Server
	clock  *fakeClock
	oid    string
	connMu sync.Mutex
	conns  map[string]bool // connections that exist (ConnectionExists)
}

func (h *harness) addConn(name string) {
	h.connMu.Lock()
	h.conns[name] = true
	h.connMu.Unlock()
}

const testEnv = "00000000-0000-0000-0000-00000000e001"

func newHarness(t *testing.T, sc Scenario) *harness {
	t.Helper()
	h := &harness{t: t, clock: &fakeClock{t: time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)}, oid: "a0000000-0000-4000-8000-000000000001",
		conns: map[string]bool{}}
	var srv *httptest.Server
	svc, err := New(fakeVerifier{}, sc, Options{
		OrgURL:        func() string { return srv.URL },
		EnvironmentID: testEnv,
		ConnectionExists: func(env, name string) bool {
			h.connMu.Lock()
			defer h.connMu.Unlock()
			return env == testEnv && h.conns[name]
		},
		Now: h.clock.Now,
	})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	srv = httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	h.svc, h.srv = svc, srv
	return h
}

func newDefault(t *testing.T) *harness { return newHarness(t, DefaultScenario()) }

type resp struct {
	status int
	header http.Header
	raw    []byte
	body   map[string]any
}

// errCode returns error.code of an error body.
func (r *resp) errCode() string {
	e, _ := r.body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func (r *resp) errMsg() string {
	e, _ := r.body["error"].(map[string]any)
	m, _ := e["message"].(string)
	return m
}

func (r *resp) values() []map[string]any {
	raw, _ := r.body["value"].([]any)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i], _ = v.(map[string]any)
	}
	return out
}

// do sends a request; path is relative to /api/data/v9.2/ unless it starts
// with "/" or "http"; headers are "Name: value" strings.
func (h *harness) do(method, path string, body any, headers ...string) *resp {
	h.t.Helper()
	url := path
	switch {
	case strings.HasPrefix(path, "http"):
	case strings.HasPrefix(path, "/"):
		url = h.srv.URL + path
	default:
		url = h.srv.URL + "/api/data/v9.2/" + path
	}
	url = strings.ReplaceAll(url, " ", "%20")
	var rdr io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rdr = strings.NewReader(b)
	case []byte:
		rdr = bytes.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		rdr = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, url, rdr)
	if err != nil {
		h.t.Fatalf("request: %v", err)
	}
	req.Header.Set("Authorization", "Bearer "+h.srv.URL+"|"+h.oid)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-MaxVersion", "4.0")
	req.Header.Set("OData-Version", "4.0")
	if rdr != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for _, hd := range headers {
		k, v, _ := strings.Cut(hd, ":")
		req.Header.Set(strings.TrimSpace(k), strings.TrimSpace(v))
	}
	res, err := h.srv.Client().Do(req)
	if err != nil {
		h.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	r := &resp{status: res.StatusCode, header: res.Header, raw: raw}
	if strings.Contains(res.Header.Get("Content-Type"), "json") && len(raw) > 0 {
		d := json.NewDecoder(bytes.NewReader(raw))
		d.UseNumber()
		if err := d.Decode(&r.body); err != nil {
			h.t.Fatalf("%s %s: bad JSON %q: %v", method, path, raw, err)
		}
	}
	return r
}

// must asserts the status.
func (h *harness) must(r *resp, status int) *resp {
	h.t.Helper()
	if r.status != status {
		h.t.Fatalf("status %d, want %d; body %s", r.status, status, r.raw)
	}
	return r
}

// mustErr asserts an error status and code.
func (h *harness) mustErr(r *resp, status int, code string) *resp {
	h.t.Helper()
	h.must(r, status)
	if r.errCode() != code {
		h.t.Fatalf("error code %q, want %q; body %s", r.errCode(), code, r.raw)
	}
	return r
}

// idFromEntityID extracts the GUID from an OData-EntityId header.
func idFromEntityID(t *testing.T, r *resp) string {
	t.Helper()
	loc := r.header.Get("OData-EntityId")
	open, close := strings.LastIndex(loc, "("), strings.LastIndex(loc, ")")
	if open < 0 || close < open {
		t.Fatalf("no OData-EntityId in %v", r.header)
	}
	return loc[open+1 : close]
}

func num(v any) float64 {
	switch x := v.(type) {
	case json.Number:
		f, _ := x.Float64()
		return f
	case float64:
		return x
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return -1
}

func TestScenarioJSONRoundTrip(t *testing.T) {
	raw, err := json.Marshal(DefaultScenario())
	if err != nil {
		t.Fatal(err)
	}
	var sc Scenario
	if err := json.Unmarshal(raw, &sc); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, sc)
	for set, want := range map[string]int{"workflows": 11, "connectionreferences": 7, "environmentvariabledefinitions": 6,
		"transactioncurrencies": 10, "opportunities": 5, "accounts": 4, "contacts": 4} {
		if n := len(h.svc.Records(set)); n != want {
			t.Errorf("%s: %d rows, want %d", set, n, want)
		}
	}
	if _, ok := h.svc.Attribute("opportunity", "msft_microsoftpartnercenterhelp"); !ok {
		t.Error("connector columns missing")
	}
}

func TestDefaultScenarioBuilds(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("GET", "workflows?$select=name,statecode&$filter=category eq 5", nil), 200)
	if n := len(r.values()); n != 11 {
		t.Fatalf("%d flows, want 11", n)
	}
}

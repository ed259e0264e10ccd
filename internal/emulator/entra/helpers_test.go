package entra

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable time source for expiry tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

type fixture struct {
	svc    *Service
	srv    *httptest.Server
	client *http.Client
	clock  *clock
}

func newFixture(t *testing.T, edit func(*Scenario)) *fixture {
	t.Helper()
	sc := DefaultScenario()
	if edit != nil {
		edit(&sc)
	}
	f := &fixture{clock: &clock{t: time.Now()}}
	var base string
	svc, err := New(sc, Options{BaseURL: func() string { return base }, Now: f.clock.Now, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	f.srv = httptest.NewTLSServer(svc.Handler())
	t.Cleanup(f.srv.Close)
	base = f.srv.URL
	f.svc, f.client = svc, f.srv.Client()
	return f
}

// tokenResult is a decoded token endpoint answer (success or error).
type tokenResult struct {
	Status       int
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	IDToken      string `json:"id_token"`
	ClientInfo   string `json:"client_info"`
	Scope        string `json:"scope"`
	TokenType    string `json:"token_type"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	Error        string `json:"error"`
	Description  string `json:"error_description"`
	ErrorCodes   []int  `json:"error_codes"`
	TraceID      string `json:"trace_id"`
	Correlation  string `json:"correlation_id"`
	Timestamp    string `json:"timestamp"`
}

func (f *fixture) token(t *testing.T, tenant string, form url.Values) tokenResult {
	t.Helper()
	if tenant == "" {
		tenant = DefaultTenantID
	}
	resp, err := f.client.PostForm(f.srv.URL+"/"+tenant+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out tokenResult
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	out.Status = resp.StatusCode
	return out
}

func (f *fixture) getJSON(t *testing.T, path string) (int, map[string]any) {
	t.Helper()
	resp, err := f.client.Get(f.srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func wantError(t *testing.T, got tokenResult, status int, code string, aadsts int) {
	t.Helper()
	if got.Status != status || got.Error != code || len(got.ErrorCodes) != 1 || got.ErrorCodes[0] != aadsts {
		t.Fatalf("want %d %s AADSTS%d, got %d %s %v: %s", status, code, aadsts, got.Status, got.Error, got.ErrorCodes, got.Description)
	}
	if !strings.HasPrefix(got.Description, "AADSTS") || got.TraceID == "" || got.Correlation == "" || got.Timestamp == "" {
		t.Fatalf("error body incomplete: %+v", got)
	}
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

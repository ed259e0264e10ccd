package partnercenter

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
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

// fakeVerifier maps raw token strings to claims (core.TokenVerifier is an interface).
type fakeVerifier map[string]core.Claims

func (f fakeVerifier) Verify(raw string) (*core.Claims, error) {
	c, ok := f[raw]
	if !ok {
		return nil, errors.New("token signature is invalid")
	}
	return &c, nil
}

const (
	otherTenant = "11111111-2222-4333-8444-555555555555"
	tokUser     = "user"      // referrals audience, delegated user
	tokUser2    = "user2"     // another user in the same tenant
	tokApp      = "app"       // referrals audience, app-only (not allowed)
	tokWhApp    = "wh-app"    // webhooks audience, app-only
	tokWhUser   = "wh-user"   // webhooks audience, user
	tokWhOther  = "wh-other"  // webhooks audience, another tenant
	tokWrongAud = "wrong-aud" // Graph audience
	appID       = "11111111-1111-4111-8111-111111111111"
	userOID     = "aaaaaaaa-0000-4000-8000-000000000001"
	user2OID    = "aaaaaaaa-0000-4000-8000-000000000002"
)

var verifier = fakeVerifier{
	tokUser:     {Audience: core.AudienceReferrals, TenantID: DefaultTenantID, AppID: appID, ObjectID: userOID, UPN: "admin@contoso.example", Scopes: []string{"user_impersonation"}},
	tokUser2:    {Audience: core.AudienceReferrals, TenantID: DefaultTenantID, AppID: appID, ObjectID: user2OID, UPN: "seller@contoso.example", Scopes: []string{"user_impersonation"}},
	tokApp:      {Audience: core.AudienceReferrals, TenantID: DefaultTenantID, AppID: appID, ObjectID: "sp", AppOnly: true},
	tokWhApp:    {Audience: core.AudienceWebhooks, TenantID: DefaultTenantID, AppID: appID, ObjectID: "sp", AppOnly: true},
	tokWhUser:   {Audience: core.AudienceWebhooks, TenantID: DefaultTenantID, AppID: appID, ObjectID: userOID, UPN: "admin@contoso.example"},
	tokWhOther:  {Audience: core.AudienceWebhooks, TenantID: otherTenant, AppID: appID, ObjectID: "sp2", AppOnly: true},
	tokWrongAud: {Audience: "https://graph.microsoft.com", TenantID: DefaultTenantID, AppID: appID, ObjectID: userOID},
}

// testKey is shared so each test does not generate a 2048-bit key.
var testKey = sync.OnceValue(func() *rsa.PrivateKey {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		panic(err)
	}
	return k
})

// fakeClock is a settable clock: tests move time instead of sleeping.
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

type env struct {
	t     *testing.T
	svc   *Service
	clock *fakeClock
	ref   *httptest.Server // referrals listener
	wh    *httptest.Server // webhooks listener
}

// newEnv starts the two listeners over TLS, as the emulator does.
func newEnv(t *testing.T, sc Scenario, opts Options) *env {
	t.Helper()
	e := &env{t: t, clock: &fakeClock{t: time.Date(2026, 10, 10, 12, 0, 0, 0, time.UTC)}}
	var refH, whH http.Handler
	e.ref = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { refH.ServeHTTP(w, r) }))
	e.wh = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { whH.ServeHTTP(w, r) }))
	opts.Now = e.clock.Now
	opts.SigningKey = testKey()
	opts.WebhooksBaseURL = func() string { return e.wh.URL }
	if opts.DeliveryClient == nil {
		opts.DeliveryClient = e.wh.Client() // trusts every httptest TLS server
	}
	if opts.DeliveryBackoff == 0 {
		opts.DeliveryBackoff = time.Millisecond
	}
	svc, err := New(verifier, sc, opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	e.svc = svc
	refH, whH = svc.ReferralsHandler(), svc.WebhooksHandler()
	t.Cleanup(func() {
		svc.Close()
		e.ref.Close()
		e.wh.Close()
	})
	return e
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	if err := decodeJSON(r.body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.body)
	}
	return m
}

// do sends a request; body may be a string (sent as is) or a value (JSON-encoded).
func (e *env) do(method, url, token string, body any, hdr ...string) response {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(context.Background(), method, url, rd)
	if err != nil {
		e.t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := e.ref.Client().Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{status: resp.StatusCode, header: resp.Header, body: b}
}

func (e *env) referrals(pathAndQuery string) string {
	return e.ref.URL + referralsBasePath + pathAndQuery
}
func (e *env) webhooks(path string) string { return e.wh.URL + webhooksBasePath + path }

func (e *env) waitDeliveries() {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := e.svc.WaitDeliveries(ctx); err != nil {
		e.t.Fatalf("deliveries did not finish: %v", err)
	}
}

// expectStatus fails with the body when the status differs.
func expectStatus(t *testing.T, r response, want int) {
	t.Helper()
	if r.status != want {
		b := string(r.body)
		if len(b) > 600 {
			b = b[:600] + "…"
		}
		t.Fatalf("status = %d, want %d; body: %s", r.status, want, b)
	}
}

// expectPCError checks the Partner Center error body shape and a description fragment.
func expectPCError(t *testing.T, r response, status int, fragment string) map[string]any {
	t.Helper()
	expectStatus(t, r, status)
	m := r.json(t)
	for _, k := range []string{"code", "description", "data", "source"} {
		if _, ok := m[k]; !ok {
			t.Fatalf("error body lacks %q: %s", k, r.body)
		}
	}
	if d, _ := m["description"].(string); !strings.Contains(strings.ToLower(d), strings.ToLower(fragment)) {
		t.Fatalf("description %q does not mention %q", d, fragment)
	}
	return m
}

package powerplatform

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

type fixture struct {
	svc   *Service
	idp   *entra.Service
	srv   *httptest.Server
	token string
}

func newFixture(t *testing.T, opts Options) *fixture {
	t.Helper()
	idp, err := entra.New(entra.DefaultScenario(), entra.Options{BaseURL: func() string { return "https://login.test" }})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := New(idp, DefaultScenario(), opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(svc.Handler())
	t.Cleanup(srv.Close)
	tok, err := idp.IssueAppToken(entra.DefaultClientID, core.AudiencePowerPlatform)
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{svc: svc, idp: idp, srv: srv, token: tok}
}

func connURL(api, name, env string) string {
	q := url.Values{"api-version": {"1"}}
	if env != "" {
		q.Set("$filter", "environment eq '"+env+"'")
	}
	return "/connectivity/connectors/" + api + "/connections/" + name + "?" + q.Encode()
}

func (f *fixture) do(t *testing.T, method, path, body string) (int, map[string]any) {
	t.Helper()
	return f.doWith(t, f.token, method, path, body)
}

func (f *fixture) doWith(t *testing.T, token, method, path, body string) (int, map[string]any) {
	t.Helper()
	req, _ := http.NewRequest(method, f.srv.URL+path, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &out); err != nil {
			t.Fatalf("%s %s: not JSON: %s", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

func spBody(display, secret string) string {
	return `{"properties":{"displayName":"` + display + `","environment":{"id":"/providers/Microsoft.PowerApps/environments/` + DefaultEnvironmentID +
		`","name":"` + DefaultEnvironmentID + `"},"connectionParametersSet":{"name":"oauthSP","values":{"token:clientId":{"value":"` + entra.DefaultClientID +
		`"},"token:clientSecret":{"value":"` + secret + `"},"token:TenantId":{"value":"` + entra.DefaultTenantID + `"}}}}}`
}

func errCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(string)
	return c
}

func props(body map[string]any) map[string]any { p, _ := body["properties"].(map[string]any); return p }

func status(body map[string]any) (string, string) {
	st := props(body)["statuses"].([]any)[0].(map[string]any)
	code := ""
	if e, ok := st["error"].(map[string]any); ok {
		code, _ = e["code"].(string)
	}
	return st["status"].(string), code
}

func TestServicePrincipalConnectionLifecycle(t *testing.T) {
	f := newFixture(t, Options{})
	const name = "0a1b2c3d4e5f40718293a4b5c6d7e8f9"
	path := connURL(APIDataverse, name, DefaultEnvironmentID)

	code, body := f.do(t, http.MethodPut, path, spBody("Dataverse (SP)", "s3cret"))
	if code != http.StatusCreated {
		t.Fatalf("create: %d %v", code, body)
	}
	if body["name"] != name || body["id"] != "/providers/Microsoft.PowerApps/apis/"+APIDataverse+"/connections/"+name ||
		body["type"] != "Microsoft.PowerApps/apis/connections" {
		t.Errorf("identity: %v", body)
	}
	p := props(body)
	if p["apiId"] != "/providers/Microsoft.PowerApps/apis/"+APIDataverse || p["displayName"] != "Dataverse (SP)" {
		t.Errorf("properties: %v", p)
	}
	env := p["environment"].(map[string]any)
	if env["name"] != DefaultEnvironmentID || env["id"] != "/providers/Microsoft.PowerApps/environments/"+DefaultEnvironmentID {
		t.Errorf("environment: %v", env)
	}
	if st, _ := status(body); st != StatusConnected {
		t.Errorf("status %s", st)
	}
	values := p["connectionParametersSet"].(map[string]any)["values"].(map[string]any)
	if _, leaked := values["token:clientSecret"]; leaked || values["token:clientId"] == nil {
		t.Errorf("secret must be omitted, others echoed: %v", values)
	}
	if cb := p["createdBy"].(map[string]any); cb["type"] != "ServicePrincipal" || cb["tenantId"] != entra.DefaultTenantID {
		t.Errorf("createdBy: %v", cb)
	}
	stored, ok := f.svc.Connection(DefaultEnvironmentID, name)
	if !ok || stored.ParameterSet.Values["token:clientSecret"] != "s3cret" {
		t.Fatalf("stored: %+v", stored)
	}

	// Update: 200, display name changes, created time kept.
	code, upd := f.do(t, http.MethodPut, path, spBody("Renamed", "s3cret"))
	if code != http.StatusOK || props(upd)["displayName"] != "Renamed" || props(upd)["createdTime"] != p["createdTime"] {
		t.Fatalf("update: %d %v", code, upd)
	}

	code, got := f.do(t, http.MethodGet, path, "")
	if code != http.StatusOK || props(got)["displayName"] != "Renamed" {
		t.Fatalf("get: %d %v", code, got)
	}

	code, list := f.do(t, http.MethodGet, "/connectivity/connections?api-version=1&%24filter="+url.QueryEscape("environment eq '"+DefaultEnvironmentID+"'"), "")
	if code != http.StatusOK || len(list["value"].([]any)) != 1 {
		t.Fatalf("list: %d %v", code, list)
	}

	if !f.svc.ConnectionExists(DefaultEnvironmentID, name) {
		t.Fatal("ConnectionExists = false")
	}
	if code, _ := f.do(t, http.MethodDelete, path, ""); code != http.StatusOK {
		t.Fatalf("delete: %d", code)
	}
	if f.svc.ConnectionExists(DefaultEnvironmentID, name) {
		t.Fatal("still exists")
	}
	code, body = f.do(t, http.MethodGet, path, "")
	if code != http.StatusNotFound || errCode(body) != "ConnectionNotFound" {
		t.Fatalf("get after delete: %d %v", code, body)
	}
	if code, body = f.do(t, http.MethodDelete, path, ""); code != http.StatusNotFound || errCode(body) != "ConnectionNotFound" {
		t.Fatalf("delete missing: %d %v", code, body)
	}
}

func TestOAuthConnectorNeedsConsent(t *testing.T) {
	f := newFixture(t, Options{})
	const name = "pcref01"
	path := connURL(APIPartnerCenterRef, name, DefaultEnvironmentID)
	code, body := f.do(t, http.MethodPut, path, `{"properties":{"displayName":"Partner Center Referrals"}}`)
	if code != http.StatusCreated {
		t.Fatalf("%d %v", code, body)
	}
	if st, c := status(body); st != StatusError || c != "Unauthenticated" {
		t.Fatalf("status %s %s", st, c)
	}
	// A service principal parameter set is not available on this connector.
	code, body = f.do(t, http.MethodPut, connURL(APIPartnerCenterEvents, "pcev01", DefaultEnvironmentID), spBody("x", "y"))
	if code != http.StatusBadRequest || errCode(body) != "InvalidConnectionParameterSet" {
		t.Fatalf("%d %v", code, body)
	}

	if !f.svc.Consent(name) {
		t.Fatal("Consent found nothing")
	}
	_, body = f.do(t, http.MethodGet, path, "")
	if st, _ := status(body); st != StatusConnected {
		t.Fatalf("after consent: %s", st)
	}
	// Renaming keeps the consent.
	_, body = f.do(t, http.MethodPut, path, `{"properties":{"displayName":"Renamed"}}`)
	if st, _ := status(body); st != StatusConnected {
		t.Fatalf("after rename: %s", st)
	}
	// Test hook: break it again.
	f.svc.SetStatus(DefaultEnvironmentID, name, StatusError, &ConnectionError{Code: "Unauthenticated", Message: "expired"})
	_, body = f.do(t, http.MethodGet, path, "")
	if st, _ := status(body); st != StatusError {
		t.Fatalf("after SetStatus: %s", st)
	}
}

func TestCheckClientSecretHook(t *testing.T) {
	f := newFixture(t, Options{CheckClientSecret: func(tenant, client, secret string) bool {
		return tenant == entra.DefaultTenantID && client == entra.DefaultClientID && secret == entra.DefaultClientSecret
	}})
	_, body := f.do(t, http.MethodPut, connURL(APIDataverse, "good", DefaultEnvironmentID), spBody("ok", entra.DefaultClientSecret))
	if st, _ := status(body); st != StatusConnected {
		t.Fatalf("good: %s", st)
	}
	_, body = f.do(t, http.MethodPut, connURL(APIDataverse, "bad", DefaultEnvironmentID), spBody("bad", "wrong"))
	if st, c := status(body); st != StatusError || c != "Unauthorized" {
		t.Fatalf("bad: %s %s", st, c)
	}
}

func TestRequestValidation(t *testing.T) {
	f := newFixture(t, Options{})
	cases := []struct {
		name, method, path, body string
		status                   int
		code                     string
	}{
		{"no api-version", http.MethodGet, "/connectivity/connections", "", 400, "MissingApiVersionParameter"},
		{"no api-version on put", http.MethodPut, "/connectivity/connectors/" + APIDataverse + "/connections/x?$filter=" + url.QueryEscape("environment eq '"+DefaultEnvironmentID+"'"), spBody("x", "y"), 400, "MissingApiVersionParameter"},
		{"unknown env", http.MethodPut, connURL(APIDataverse, "x", "00000000-0000-0000-0000-0000000000ff"), `{"properties":{}}`, 404, "ServiceToServiceEnvironmentNotFound"},
		{"unknown env list", http.MethodGet, "/connectivity/connections?api-version=1&$filter=" + url.QueryEscape("environment eq 'nope'"), "", 404, "ServiceToServiceEnvironmentNotFound"},
		{"bad filter", http.MethodGet, "/connectivity/connections?api-version=1&$filter=" + url.QueryEscape("name eq 'x'"), "", 400, "InvalidFilter"},
		{"get without env", http.MethodGet, connURL(APIDataverse, "x", ""), "", 400, "MissingEnvironmentFilter"},
		{"unknown connector", http.MethodPut, connURL("shared_nope", "x", DefaultEnvironmentID), `{"properties":{}}`, 404, "ApiNotFound"},
		{"bad json", http.MethodPut, connURL(APIDataverse, "x", DefaultEnvironmentID), `{`, 400, "InvalidRequestContent"},
		{"sp missing secret", http.MethodPut, connURL(APIDataverse, "x", DefaultEnvironmentID),
			`{"properties":{"connectionParametersSet":{"name":"oauthSP","values":{"token:clientId":{"value":"a"},"token:TenantId":{"value":"b"}}}}}`, 400, "MissingConnectionParameters"},
	}
	for _, tc := range cases {
		code, body := f.do(t, tc.method, tc.path, tc.body)
		if code != tc.status || errCode(body) != tc.code {
			t.Errorf("%s: %d %v, want %d %s", tc.name, code, body, tc.status, tc.code)
		}
	}
}

func TestAuthentication(t *testing.T) {
	f := newFixture(t, Options{})
	path := "/connectivity/connections?api-version=1"
	if code, _ := f.doWith(t, "", http.MethodGet, path, ""); code != http.StatusUnauthorized {
		t.Errorf("no token: %d", code)
	}
	wrong, _ := f.idp.IssueAppToken(entra.DefaultClientID, core.AudienceWebhooks)
	code, body := f.doWith(t, wrong, http.MethodGet, path, "")
	if code != http.StatusUnauthorized || errCode(body) != "InvalidAudience" {
		t.Errorf("wrong audience: %d %v", code, body)
	}
	user, _ := f.idp.IssueUserToken(entra.DefaultClientID, entra.DefaultUsername, core.AudiencePowerPlatform)
	code, body = f.doWith(t, user, http.MethodPut, connURL(APIPartnerCenterRef, "u1", DefaultEnvironmentID), `{"properties":{"displayName":"x"}}`)
	if code != http.StatusCreated {
		t.Fatalf("user token: %d %v", code, body)
	}
	if cb := props(body)["createdBy"].(map[string]any); cb["type"] != "User" || cb["userPrincipalName"] != entra.DefaultUsername {
		t.Errorf("createdBy: %v", cb)
	}
}

func TestListAcrossEnvironmentsAndConnectors(t *testing.T) {
	f := newFixture(t, Options{})
	const env2 = "00000000-0000-0000-0000-00000000e002"
	f.svc.AddEnvironment(Environment{ID: env2})
	f.do(t, http.MethodPut, connURL(APIDataverse, "a", DefaultEnvironmentID), spBody("a", "s"))
	f.do(t, http.MethodPut, connURL(APIPartnerCenterRef, "b", DefaultEnvironmentID), `{"properties":{}}`)
	f.do(t, http.MethodPut, connURL(APIDataverse, "c", env2), `{"properties":{}}`)

	count := func(path string) int {
		code, body := f.do(t, http.MethodGet, path, "")
		if code != 200 {
			t.Fatalf("%s: %d %v", path, code, body)
		}
		return len(body["value"].([]any))
	}
	filter := "&$filter=" + url.QueryEscape("environment eq '"+DefaultEnvironmentID+"'")
	if n := count("/connectivity/connections?api-version=1"); n != 3 {
		t.Errorf("all: %d", n)
	}
	if n := count("/connectivity/connections?api-version=1" + filter); n != 2 {
		t.Errorf("env1: %d", n)
	}
	if n := count("/connectivity/connectors/" + APIDataverse + "/connections?api-version=1" + filter); n != 1 {
		t.Errorf("env1 dataverse: %d", n)
	}
	if f.svc.ConnectionExists(DefaultEnvironmentID, "c") || !f.svc.ConnectionExists(env2, "c") {
		t.Error("ConnectionExists ignores the environment")
	}
	// The same name under another connector conflicts.
	if code, body := f.do(t, http.MethodPut, connURL(APIPartnerCenterEvents, "a", DefaultEnvironmentID), `{"properties":{}}`); code != http.StatusConflict {
		t.Errorf("conflict: %d %v", code, body)
	}
	if !f.svc.DeleteConnection(DefaultEnvironmentID, "a") || f.svc.ConnectionExists(DefaultEnvironmentID, "a") {
		t.Error("DeleteConnection")
	}
}

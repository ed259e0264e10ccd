package emulator

import (
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

func start(t *testing.T) *Emulator {
	t.Helper()
	e, err := Start(Options{Dir: t.TempDir(), Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// tokenFor gets a token from the token endpoint with plain net/http.
func tokenFor(t *testing.T, e *Emulator, form url.Values) string {
	t.Helper()
	ep := e.Endpoints()
	resp, err := e.HTTPClient().PostForm(ep.AuthorityHost+"/"+ep.TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken string `json:"access_token"`
		Error       string `json:"error_description"`
	}
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusOK || body.AccessToken == "" {
		t.Fatalf("token: %d %s", resp.StatusCode, body.Error)
	}
	return body.AccessToken
}

func appToken(t *testing.T, e *Emulator, audience string) string {
	return tokenFor(t, e, url.Values{"grant_type": {"client_credentials"}, "client_id": {entra.DefaultClientID},
		"client_secret": {entra.DefaultClientSecret}, "scope": {audience + "/.default"}})
}

func userToken(t *testing.T, e *Emulator, audience string) string {
	return tokenFor(t, e, url.Values{"grant_type": {"password"}, "client_id": {entra.DefaultClientID},
		"client_secret": {entra.DefaultClientSecret}, "username": {entra.DefaultUsername}, "password": {entra.DefaultPassword},
		"scope": {audience + "/.default openid offline_access profile"}})
}

func call(t *testing.T, e *Emulator, method, u, token, body string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, u, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-MaxVersion", "4.0")
	req.Header.Set("OData-Version", "4.0")
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.HTTPClient().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

func TestEndToEnd(t *testing.T) {
	e := start(t)
	ep := e.Endpoints()

	// TLS material and environment.
	if pem, err := os.ReadFile(ep.CAFile); err != nil || !strings.Contains(string(pem), "BEGIN CERTIFICATE") {
		t.Fatalf("CA file: %v", err)
	}
	env := strings.Join(e.Env(), "\n")
	for _, want := range []string{
		"COSELL_TENANT_ID=" + entra.DefaultTenantID, "COSELL_CLIENT_ID=" + entra.DefaultClientID,
		"COSELL_CLIENT_SECRET=" + entra.DefaultClientSecret, "COSELL_REFRESH_TOKEN=" + entra.DefaultRefreshToken,
		"COSELL_AUTHORITY_HOST=" + ep.AuthorityHost, "COSELL_PARTNER_CENTER_URL=" + ep.ReferralsURL,
		"COSELL_WEBHOOKS_URL=" + ep.WebhooksURL, "COSELL_DATAVERSE_URL=" + ep.DataverseURL,
		"COSELL_POWER_PLATFORM_URL=" + ep.PowerPlatformURL, "COSELL_ENVIRONMENT_ID=" + powerplatform.DefaultEnvironmentID,
		"SSL_CERT_FILE=" + ep.CAFile,
	} {
		if !strings.Contains(env, want) {
			t.Errorf("Env() lacks %s", want)
		}
	}
	if ep.TenantID != entra.DefaultTenantID || ep.EnvironmentID != powerplatform.DefaultEnvironmentID {
		t.Errorf("endpoints: %+v", ep)
	}

	// OpenID discovery over TLS, trusted through the emulator CA.
	resp, raw := call(t, e, http.MethodGet, ep.AuthorityHost+"/"+ep.TenantID+"/v2.0/.well-known/openid-configuration", "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), ep.AuthorityHost+"/"+ep.TenantID+"/oauth2/v2.0/token") {
		t.Fatalf("discovery: %d %s", resp.StatusCode, raw)
	}

	referralsUser := userToken(t, e, core.AudienceReferrals)
	webhooksApp := appToken(t, e, core.AudienceWebhooks)
	dataverseApp := appToken(t, e, ep.DataverseURL)
	powerPlatformApp := appToken(t, e, core.AudiencePowerPlatform)

	// Each service answers its own audience.
	for _, c := range []struct{ name, url, token string }{
		{"referrals", ep.ReferralsURL + "/v1.0/engagements/referrals", referralsUser},
		{"webhooks", ep.WebhooksURL + "/webhooks/v1/registration/events", webhooksApp},
		{"dataverse", ep.DataverseURL + "/api/data/v9.2/", dataverseApp},
		{"powerplatform", ep.PowerPlatformURL + "/connectivity/connections?api-version=1", powerPlatformApp},
	} {
		if resp, raw := call(t, e, http.MethodGet, c.url, c.token, ""); resp.StatusCode != http.StatusOK {
			t.Errorf("%s: %d %s", c.name, resp.StatusCode, raw)
		}
	}

	// Wrong audience → 401 everywhere; app-only on referrals → 403.
	for _, c := range []struct{ name, url, token string }{
		{"referrals", ep.ReferralsURL + "/v1.0/engagements/referrals", userToken(t, e, core.AudienceWebhooks)},
		{"webhooks", ep.WebhooksURL + "/webhooks/v1/registration/events", referralsUser},
		{"dataverse", ep.DataverseURL + "/api/data/v9.2/", powerPlatformApp},
		{"powerplatform", ep.PowerPlatformURL + "/connectivity/connections?api-version=1", dataverseApp},
	} {
		if resp, raw := call(t, e, http.MethodGet, c.url, c.token, ""); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("%s with wrong audience: %d %s", c.name, resp.StatusCode, raw)
		}
	}
	if resp, _ := call(t, e, http.MethodGet, ep.ReferralsURL+"/v1.0/engagements/referrals", appToken(t, e, core.AudienceReferrals), ""); resp.StatusCode != http.StatusForbidden {
		t.Errorf("app-only referrals: %d", resp.StatusCode)
	}

	// Metrics: token requests and API calls were counted by route.
	if n := e.Metrics().Total(ServiceEntra, http.MethodPost); n != 6 {
		t.Errorf("entra POSTs counted: %d", n)
	}
	if e.Entra().Issued(entra.GrantClientCredentials) != 4 || e.Entra().Issued(entra.GrantPassword) != 2 {
		t.Errorf("issued: cc=%d pw=%d", e.Entra().Issued(entra.GrantClientCredentials), e.Entra().Issued(entra.GrantPassword))
	}
	found := false
	for _, c := range e.Metrics().Snapshot() {
		if c.Service == ServicePowerPlatform && c.Route == "GET /connectivity/connections" && c.Status == http.StatusOK && c.Count == 1 {
			found = true
		}
	}
	if !found {
		t.Errorf("power platform route not counted: %+v", e.Metrics().Snapshot())
	}
}

func TestAdminAPIAndFaults(t *testing.T) {
	e := start(t)
	ep := e.Endpoints()
	tok := appToken(t, e, core.AudiencePowerPlatform)
	list := ep.PowerPlatformURL + "/connectivity/connections?api-version=1"

	// Inject exactly one 429 with Retry-After through the admin API of any listener.
	resp, raw := call(t, e, http.MethodPut, ep.DataverseURL+"/_emulator/faults/powerplatform", "",
		`{"error_rates":{"429":1},"retry_after_seconds":7,"count":1}`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PUT faults: %d %s", resp.StatusCode, raw)
	}
	resp, raw = call(t, e, http.MethodGet, list, tok, "")
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") != "7" || !strings.Contains(string(raw), `"error"`) {
		t.Fatalf("injected fault: %d %q %s", resp.StatusCode, resp.Header.Get("Retry-After"), raw)
	}
	if resp, _ := call(t, e, http.MethodGet, list, tok, ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("after the counted fault: %d", resp.StatusCode)
	}
	resp, raw = call(t, e, http.MethodGet, ep.PowerPlatformURL+"/_emulator/faults/powerplatform", "", "")
	var f core.Faults
	if err := json.Unmarshal(raw, &f); err != nil || resp.StatusCode != 200 || f.ErrorRates[429] != 1 || f.RetryAfterSeconds != 7 {
		t.Fatalf("GET faults: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := call(t, e, http.MethodDelete, ep.PowerPlatformURL+"/_emulator/faults/powerplatform", "", ""); resp.StatusCode != http.StatusNoContent || e.Faults().Get(ServicePowerPlatform) != nil {
		t.Fatalf("DELETE faults: %d", resp.StatusCode)
	}
	if resp, _ := call(t, e, http.MethodPut, ep.PowerPlatformURL+"/_emulator/faults/nope", "", `{}`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("unknown service: %d", resp.StatusCode)
	}

	// Metrics over the admin API: the 429 and the 200 are there, admin calls are not.
	resp, raw = call(t, e, http.MethodGet, ep.AuthorityHost+"/_emulator/metrics", "", "")
	var counts []core.Count
	if err := json.Unmarshal(raw, &counts); err != nil || resp.StatusCode != 200 {
		t.Fatalf("metrics: %d %s", resp.StatusCode, raw)
	}
	byStatus := map[int]int{}
	for _, c := range counts {
		if strings.Contains(c.Route, "_emulator") {
			t.Errorf("admin route counted: %+v", c)
		}
		if c.Service == ServicePowerPlatform {
			byStatus[c.Status] += c.Count
		}
	}
	if byStatus[429] != 1 || byStatus[200] != 1 {
		t.Errorf("power platform counts by status: %v", byStatus)
	}
	if resp, _ := call(t, e, http.MethodPost, ep.ReferralsURL+"/_emulator/metrics/reset", "", ""); resp.StatusCode != http.StatusNoContent || e.Metrics().Total("", "") != 0 {
		t.Errorf("reset: %d, total %d", resp.StatusCode, e.Metrics().Total("", ""))
	}
}

func TestScenarioFileOverlaysDefaults(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "scenario.json")
	doc := `{"entra":{"rotate_refresh_tokens":false,"token_lifetime_seconds":120},
	  "faults":{"entra":{"error_rates":{"503":1},"count":1}},"seed":42}`
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	sc, err := LoadScenario(path)
	if err != nil {
		t.Fatal(err)
	}
	if sc.Entra.TenantID != entra.DefaultTenantID || len(sc.Entra.Apps) != 1 || sc.Entra.TokenLifetimeSeconds != 120 ||
		sc.Entra.RotateRefreshTokens == nil || *sc.Entra.RotateRefreshTokens || sc.Seed != 42 ||
		len(sc.PowerPlatform.Environments) != 1 {
		t.Fatalf("overlay: %+v", sc)
	}
	if _, err := ParseScenario([]byte(`{"entra":{"tenant":"typo"}}`)); err == nil {
		t.Error("unknown field accepted")
	}

	e, err := Start(Options{ScenarioFile: path})
	if err != nil {
		t.Fatal(err)
	}
	caFile := e.Endpoints().CAFile
	// The scenario's fault is live: the first token request gets a 503.
	ep := e.Endpoints()
	resp, err := e.HTTPClient().PostForm(ep.AuthorityHost+"/"+ep.TenantID+"/oauth2/v2.0/token", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable {
		t.Errorf("scenario fault: %d", resp.StatusCode)
	}
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(caFile); !os.IsNotExist(err) {
		t.Errorf("temporary CA dir not removed: %v", err)
	}
	if _, err := e.HTTPClient().Get(ep.AuthorityHost + "/_emulator/metrics"); err == nil {
		t.Error("listener still serving after Close")
	}
}

// The admin API edits Dataverse rows as a portal user would, so the next
// plan sees drift; the change bumps the row's ETag like any update.
func TestAdminAPIEditsDataverseRows(t *testing.T) {
	e := start(t)
	ep := e.Endpoints()
	defs := e.Dataverse().Records("environmentvariabledefinitions")
	if len(defs) == 0 {
		t.Fatal("the default scenario has no environment variable definitions")
	}
	id := defs[0]["environmentvariabledefinitionid"].(string)
	before := defs[0]["@odata.etag"]
	resp, raw := call(t, e, http.MethodPatch, ep.DataverseURL+"/_emulator/dataverse/environmentvariabledefinitions/"+id, "",
		`{"description":"edited in the portal"}`)
	if resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, raw)
	}
	row, _ := e.Dataverse().Record("environmentvariabledefinitions", id)
	if row["description"] != "edited in the portal" || row["@odata.etag"] == before {
		t.Errorf("row after admin PATCH: %v", row)
	}
	resp, raw = call(t, e, http.MethodGet, ep.DataverseURL+"/_emulator/dataverse/environmentvariabledefinitions", "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), "edited in the portal") {
		t.Errorf("GET rows: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := call(t, e, http.MethodDelete, ep.DataverseURL+"/_emulator/dataverse/environmentvariabledefinitions/"+id, "", ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE: %d", resp.StatusCode)
	}
	if _, ok := e.Dataverse().Record("environmentvariabledefinitions", id); ok {
		t.Error("row still there after admin DELETE")
	}
	if resp, _ := call(t, e, http.MethodDelete, ep.DataverseURL+"/_emulator/dataverse/environmentvariabledefinitions/"+id, "", ""); resp.StatusCode != http.StatusNotFound {
		t.Errorf("second DELETE: %d, want 404", resp.StatusCode)
	}
}

// With PortBase the services listen on fixed, consecutive ports.
func TestFixedPorts(t *testing.T) {
	for attempt := 0; attempt < 5; attempt++ {
		base := 20000 + rand.IntN(30000)
		e, err := Start(Options{PortBase: base})
		if err != nil {
			continue // a port of that range was taken; try another base
		}
		defer e.Close()
		ep := e.Endpoints()
		for i, u := range []string{ep.AuthorityHost, ep.ReferralsURL, ep.WebhooksURL, ep.DataverseURL, ep.PowerPlatformURL} {
			if want := fmt.Sprintf("https://127.0.0.1:%d", base+i); u != want {
				t.Errorf("service %d at %s, want %s", i, u, want)
			}
		}
		if _, err := Start(Options{PortBase: base}); err == nil {
			t.Error("a second emulator on the same fixed ports must fail to start")
		}
		return
	}
	t.Skip("no free range of five ports found")
}

// The scenario shipped in examples/emulator loads over the defaults.
func TestExampleThrottledScenario(t *testing.T) {
	sc, err := LoadScenario("../../examples/emulator/throttled.json")
	if err != nil {
		t.Fatal(err)
	}
	if sc.PartnerCenter.PageSize != 2 || sc.Dataverse.Limits.Requests != 300 || sc.Faults["dataverse"].ErrorRates[429] != 0.2 {
		t.Errorf("scenario not applied: page size %d, limits %+v, faults %+v", sc.PartnerCenter.PageSize, sc.Dataverse.Limits, sc.Faults["dataverse"])
	}
	if len(sc.PartnerCenter.Referrals) == 0 || len(sc.Dataverse.Records["workflows"]) == 0 {
		t.Error("the defaults the file does not mention must stay")
	}
	e, err := Start(Options{Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if f := e.Faults().Get(ServiceDataverse); f == nil || f.RetryAfterSeconds != 1 {
		t.Errorf("faults not live: %+v", f)
	}
}

// An app that is not an application user of the organisation gets
// Dataverse's 403; the example scenario creates one, and the admin API
// gives or takes the application user.
func TestDataverseAnswers403ToAppWithoutApplicationUser(t *testing.T) {
	sc, err := LoadScenario("../../examples/emulator/app-without-application-user.json")
	if err != nil {
		t.Fatal(err)
	}
	e, err := Start(Options{Dir: t.TempDir(), Scenario: &sc})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ep := e.Endpoints()
	const other = "55555555-5555-4555-8555-555555555555"
	otherToken := func() string {
		return tokenFor(t, e, url.Values{"grant_type": {"client_credentials"}, "client_id": {other},
			"client_secret": {"no-app-user-secret"}, "scope": {ep.DataverseURL + "/.default"}})
	}
	read := ep.DataverseURL + "/api/data/v9.2/environmentvariabledefinitions?$top=1"
	resp, body := call(t, e, "GET", read, otherToken(), "")
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(string(body), `"code":"0x80072560"`) || !strings.Contains(string(body), "not a member of the organization") {
		t.Fatalf("app without application user: %d %s", resp.StatusCode, body)
	}
	if resp, body := call(t, e, "GET", read, appToken(t, e, ep.DataverseURL), ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("default app: %d %s", resp.StatusCode, body)
	}
	if resp, body := call(t, e, "GET", read, userToken(t, e, ep.DataverseURL), ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("user token: %d %s", resp.StatusCode, body)
	}
	admin := ep.DataverseURL + "/_emulator/dataverse-application-users/" + other
	if resp, _ := call(t, e, "PUT", admin, "", ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("PUT application user: %d", resp.StatusCode)
	}
	if resp, body := call(t, e, "GET", read, otherToken(), ""); resp.StatusCode != http.StatusOK {
		t.Fatalf("after PUT: %d %s", resp.StatusCode, body)
	}
	if resp, _ := call(t, e, "DELETE", admin, "", ""); resp.StatusCode != http.StatusNoContent {
		t.Fatalf("DELETE application user: %d", resp.StatusCode)
	}
	if resp, _ := call(t, e, "GET", read, otherToken(), ""); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("after DELETE: %d", resp.StatusCode)
	}
}

// The admin API hands out a workload-identity token that the default app
// trusts, so OIDC can be tried outside the Go tests.
func TestAdminFederatedToken(t *testing.T) {
	e := start(t)
	ep := e.Endpoints()
	exchange := func(client, assertion string) (int, string) {
		resp, err := e.HTTPClient().PostForm(ep.AuthorityHost+"/"+ep.TenantID+"/oauth2/v2.0/token", url.Values{
			"grant_type": {"client_credentials"}, "client_id": {client}, "scope": {ep.DataverseURL + "/.default"},
			"client_assertion_type": {"urn:ietf:params:oauth:client-assertion-type:jwt-bearer"}, "client_assertion": {assertion}})
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	resp, tok := call(t, e, "POST", ep.AuthorityHost+"/_emulator/entra/federated-token", "", "")
	if resp.StatusCode != http.StatusOK || strings.Count(strings.TrimSpace(string(tok)), ".") != 2 {
		t.Fatalf("federated token: %d %q", resp.StatusCode, tok)
	}
	if code, body := exchange(entra.DefaultClientID, strings.TrimSpace(string(tok))); code != http.StatusOK {
		t.Fatalf("default app refused the federated token: %d %s", code, body)
	}
	// Another subject is refused until an app is told to trust it.
	sub := url.QueryEscape("repo:contoso/other:ref:refs/heads/main")
	_, tok = call(t, e, "POST", ep.AuthorityHost+"/_emulator/entra/federated-token?subject="+sub, "", "")
	if code, body := exchange(entra.DefaultClientID, strings.TrimSpace(string(tok))); code != http.StatusUnauthorized || !strings.Contains(body, "AADSTS70021") {
		t.Fatalf("untrusted subject: %d %s", code, body)
	}
	_, tok = call(t, e, "POST", ep.AuthorityHost+"/_emulator/entra/federated-token?subject="+sub+"&client_id="+entra.DefaultClientID, "", "")
	if code, body := exchange(entra.DefaultClientID, strings.TrimSpace(string(tok))); code != http.StatusOK {
		t.Fatalf("after client_id=: %d %s", code, body)
	}
	if resp, _ := call(t, e, "POST", ep.AuthorityHost+"/_emulator/entra/federated-token?client_id=99999999-0000-4000-8000-000000000000", "", ""); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown app: %d", resp.StatusCode)
	}
}

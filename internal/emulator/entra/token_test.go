package entra

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/golang-jwt/jwt/v5"
)

func TestClientCredentialsWithSecret(t *testing.T) {
	f := newFixture(t, nil)
	got := f.token(t, "", form("grant_type", "client_credentials", "client_id", DefaultClientID,
		"client_secret", DefaultClientSecret, "scope", core.AudienceWebhooks+"/.default openid offline_access profile"))
	if got.Status != http.StatusOK || got.TokenType != "Bearer" || got.ExpiresIn != 3600 || got.ExtExpiresIn != 3600 {
		t.Fatalf("%+v", got)
	}
	if got.RefreshToken != "" || got.IDToken != "" {
		t.Errorf("app-only grant must not return user tokens: %+v", got)
	}
	c, err := f.svc.Verify(got.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.Audience != core.AudienceWebhooks || !c.AppOnly || c.AppID != DefaultClientID || c.TenantID != DefaultTenantID ||
		c.UPN != "" || len(c.Scopes) != 0 || c.ObjectID == "" {
		t.Errorf("claims: %+v", c)
	}
	raw := decodeClaims(t, got.AccessToken)
	if raw["idtyp"] != "app" || raw["azp"] != DefaultClientID || raw["iss"] != f.svc.Issuer() {
		t.Errorf("raw claims: %v", raw)
	}
	if f.svc.Issued(GrantClientCredentials) != 1 {
		t.Errorf("issued = %d", f.svc.Issued(GrantClientCredentials))
	}
}

func TestClientCredentialsBasicAuthAndResourceParam(t *testing.T) {
	f := newFixture(t, nil)
	req, _ := http.NewRequest(http.MethodPost, f.svc.TokenEndpoint(),
		strings.NewReader(form("grant_type", "client_credentials", "resource", core.AudiencePowerPlatform).Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(DefaultClientID, DefaultClientSecret)
	resp, err := f.client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body tokenResult
	_ = json.NewDecoder(resp.Body).Decode(&body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%d %+v", resp.StatusCode, body)
	}
	c, err := f.svc.Verify(body.AccessToken)
	if err != nil || c.Audience != core.AudiencePowerPlatform {
		t.Fatalf("%v %+v", err, c)
	}
}

func TestClientCredentialsErrors(t *testing.T) {
	f := newFixture(t, nil)
	scope := core.AudienceWebhooks + "/.default"

	got := f.token(t, "", form("grant_type", "client_credentials", "client_id", DefaultClientID, "client_secret", "wrong", "scope", scope))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 7000215)
	if !strings.Contains(got.Description, "Invalid client secret provided") {
		t.Errorf("description: %s", got.Description)
	}

	got = f.token(t, "", form("grant_type", "client_credentials", "client_id", "99999999-9999-4999-8999-999999999999", "client_secret", "x", "scope", scope))
	wantError(t, got, http.StatusBadRequest, "unauthorized_client", 700016)

	got = f.token(t, "11111111-0000-0000-0000-000000000000", form("grant_type", "client_credentials", "client_id", DefaultClientID, "client_secret", DefaultClientSecret, "scope", scope))
	wantError(t, got, http.StatusBadRequest, "invalid_tenant", 90002)

	got = f.token(t, "", form("grant_type", "client_credentials", "client_id", DefaultClientID, "scope", scope))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 7000218)

	got = f.token(t, "", form("grant_type", "client_credentials", "client_id", DefaultClientID, "client_secret", DefaultClientSecret, "scope", core.AudienceWebhooks+"/user_impersonation"))
	wantError(t, got, http.StatusBadRequest, "invalid_scope", 1002012)

	got = f.token(t, "", form("grant_type", "client_credentials", "client_id", DefaultClientID, "client_secret", DefaultClientSecret))
	wantError(t, got, http.StatusBadRequest, "invalid_request", 900144)

	got = f.token(t, "", form("grant_type", "client_credentials", "client_id", DefaultClientID, "client_secret", DefaultClientSecret,
		"scope", core.AudienceWebhooks+"/.default "+core.AudienceReferrals+"/.default"))
	wantError(t, got, http.StatusBadRequest, "invalid_request", 28000)

	got = f.token(t, "", form("grant_type", "authorization_code", "client_id", DefaultClientID, "code", "x"))
	wantError(t, got, http.StatusBadRequest, "unsupported_grant_type", 70003)

	if f.svc.Issued(GrantClientCredentials) != 0 || f.svc.Rejected(GrantClientCredentials) != 7 {
		t.Errorf("issued %d rejected %d", f.svc.Issued(GrantClientCredentials), f.svc.Rejected(GrantClientCredentials))
	}
}

func TestPasswordGrant(t *testing.T) {
	f := newFixture(t, nil)
	got := f.token(t, "organizations", form("grant_type", "password", "client_id", DefaultClientID,
		"username", DefaultUsername, "password", DefaultPassword, "client_info", "1",
		"scope", core.AudienceReferrals+"/.default openid offline_access profile"))
	if got.Status != http.StatusOK {
		t.Fatalf("%+v", got)
	}
	assertUserResponse(t, f, got, core.AudienceReferrals)
	if f.svc.Issued(GrantPassword) != 1 {
		t.Errorf("issued = %d", f.svc.Issued(GrantPassword))
	}

	got = f.token(t, "", form("grant_type", "password", "client_id", DefaultClientID,
		"username", DefaultUsername, "password", "nope", "scope", core.AudienceReferrals+"/.default"))
	wantError(t, got, http.StatusBadRequest, "invalid_grant", 50126)
}

func TestPasswordGrantRefusedWithMFA(t *testing.T) {
	f := newFixture(t, func(sc *Scenario) { sc.Users[0].MFA = true })
	got := f.token(t, "", form("grant_type", "password", "client_id", DefaultClientID,
		"username", DefaultUsername, "password", DefaultPassword, "scope", core.AudienceReferrals+"/.default"))
	wantError(t, got, http.StatusBadRequest, "invalid_grant", 50076)
	if !strings.Contains(got.Description, "multi-factor authentication") {
		t.Errorf("description: %s", got.Description)
	}
	// A SAM refresh token (consent done with MFA out of band) still works.
	got = f.token(t, "", form("grant_type", "refresh_token", "client_id", DefaultClientID,
		"refresh_token", DefaultRefreshToken, "scope", core.AudienceReferrals+"/.default"))
	if got.Status != http.StatusOK {
		t.Fatalf("refresh for MFA user: %+v", got)
	}
}

func TestConfidentialAppNeedsCredentialForUserGrants(t *testing.T) {
	f := newFixture(t, func(sc *Scenario) { sc.Apps[0].PublicClient = false })
	got := f.token(t, "", form("grant_type", "refresh_token", "client_id", DefaultClientID,
		"refresh_token", DefaultRefreshToken, "scope", core.AudienceReferrals+"/.default"))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 7000218)
	got = f.token(t, "", form("grant_type", "refresh_token", "client_id", DefaultClientID, "client_secret", "bad",
		"refresh_token", DefaultRefreshToken, "scope", core.AudienceReferrals+"/.default"))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 7000215)
	got = f.token(t, "", form("grant_type", "refresh_token", "client_id", DefaultClientID, "client_secret", DefaultClientSecret,
		"refresh_token", DefaultRefreshToken, "scope", core.AudienceReferrals+"/.default"))
	if got.Status != http.StatusOK {
		t.Fatalf("%+v", got)
	}
}

func TestRefreshTokenRotation(t *testing.T) {
	f := newFixture(t, nil)
	f.svc.SetRotateRefreshTokens(true)
	redeem := func(rt, scope string) tokenResult {
		return f.token(t, "", form("grant_type", "refresh_token", "client_id", DefaultClientID, "client_info", "1",
			"refresh_token", rt, "scope", scope+" openid offline_access profile"))
	}
	first := redeem(DefaultRefreshToken, core.AudienceReferrals+"/.default")
	if first.Status != http.StatusOK {
		t.Fatalf("%+v", first)
	}
	assertUserResponse(t, f, first, core.AudienceReferrals)
	if first.RefreshToken == "" || first.RefreshToken == DefaultRefreshToken {
		t.Fatalf("no new refresh token: %q", first.RefreshToken)
	}
	wantError(t, redeem(DefaultRefreshToken, core.AudienceReferrals+"/.default"), http.StatusBadRequest, "invalid_grant", 50173)
	if f.svc.RefreshTokenValid(DefaultRefreshToken) || !f.svc.RefreshTokenValid(first.RefreshToken) {
		t.Fatal("rotation state wrong")
	}

	// The rotated token works for another audience (one refresh token, many resources).
	second := redeem(first.RefreshToken, core.AudienceWebhooks+"/.default")
	if second.Status != http.StatusOK {
		t.Fatalf("%+v", second)
	}
	if c, _ := f.svc.Verify(second.AccessToken); c == nil || c.Audience != core.AudienceWebhooks || c.AppOnly {
		t.Fatalf("claims %+v", c)
	}
	if f.svc.Issued(GrantRefreshToken) != 2 || f.svc.Rejected(GrantRefreshToken) != 1 {
		t.Errorf("issued %d rejected %d", f.svc.Issued(GrantRefreshToken), f.svc.Rejected(GrantRefreshToken))
	}

	wantError(t, redeem("not-a-token", core.AudienceReferrals+"/.default"), http.StatusBadRequest, "invalid_grant", 9002313)
}

func TestRefreshTokenWithoutRotation(t *testing.T) {
	off := false
	f := newFixture(t, func(sc *Scenario) { sc.RotateRefreshTokens = &off })
	for range 2 {
		got := f.token(t, "", form("grant_type", "refresh_token", "client_id", DefaultClientID,
			"refresh_token", DefaultRefreshToken, "scope", core.AudienceReferrals+"/.default"))
		if got.Status != http.StatusOK || got.RefreshToken == "" {
			t.Fatalf("%+v", got)
		}
	}
}

func TestRefreshTokenOfAnotherClient(t *testing.T) {
	f := newFixture(t, func(sc *Scenario) {
		sc.Apps = append(sc.Apps, App{ClientID: "33333333-3333-4333-8333-333333333333", ClientSecret: "other", PublicClient: true})
	})
	got := f.token(t, "", form("grant_type", "refresh_token", "client_id", "33333333-3333-4333-8333-333333333333",
		"refresh_token", DefaultRefreshToken, "scope", core.AudienceReferrals+"/.default"))
	wantError(t, got, http.StatusBadRequest, "invalid_grant", 70000)
}

func TestVerifyRejectsExpiredAndForeignTokens(t *testing.T) {
	f := newFixture(t, func(sc *Scenario) { sc.TokenLifetimeSeconds = 600 })
	tok, err := f.svc.IssueUserToken(DefaultClientID, DefaultUsername, core.AudienceReferrals)
	if err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.Verify(tok)
	if err != nil || c.UPN != DefaultUsername || c.AppOnly || !slices.Contains(c.Scopes, "user_impersonation") {
		t.Fatalf("%v %+v", err, c)
	}
	if d := c.Expires.Unix() - f.clock.Now().Unix(); d != 600 {
		t.Errorf("lifetime %ds", d)
	}
	f.clock.Advance(601 * time.Second)
	if _, err := f.svc.Verify(tok); err == nil || !strings.Contains(err.Error(), "expired") {
		t.Fatalf("expired token accepted: %v", err)
	}

	// A token signed by another emulator instance fails the signature check.
	other := newFixture(t, nil)
	foreign, _ := other.svc.IssueAppToken(DefaultClientID, core.AudienceWebhooks)
	if _, err := f.svc.Verify(foreign); err == nil {
		t.Fatal("foreign token accepted")
	}
	// So does a tampered one.
	parts := strings.Split(foreign, ".")
	if _, err := other.svc.Verify(parts[0] + "." + parts[1] + "." + parts[2][:len(parts[2])-4] + "AAAA"); err == nil {
		t.Fatal("tampered token accepted")
	}
	// A federated (workload identity) token is not an access token.
	if _, err := other.svc.Verify(other.svc.IssueFederatedToken("x")); err == nil {
		t.Fatal("federated token accepted as access token")
	}
}

// assertUserResponse checks the shape MSAL needs from a user grant.
func assertUserResponse(t *testing.T, f *fixture, got tokenResult, aud string) {
	t.Helper()
	c, err := f.svc.Verify(got.AccessToken)
	if err != nil {
		t.Fatal(err)
	}
	if c.Audience != aud || c.AppOnly || c.UPN != DefaultUsername || c.ObjectID != DefaultUserObjectID || c.AppID != DefaultClientID {
		t.Errorf("claims: %+v", c)
	}
	raw := decodeClaims(t, got.AccessToken)
	if raw["idtyp"] != "user" || raw["scp"] != "user_impersonation" {
		t.Errorf("raw claims: %v", raw)
	}
	if got.RefreshToken == "" || got.IDToken == "" || got.ExpiresIn <= 0 || got.ExtExpiresIn <= 0 {
		t.Errorf("response: %+v", got)
	}
	if !strings.Contains(got.Scope, aud+"/.default") {
		t.Errorf("scope %q does not echo the request", got.Scope)
	}
	ci, err := base64.RawURLEncoding.DecodeString(got.ClientInfo)
	if err != nil {
		t.Fatal(err)
	}
	var info map[string]string
	if err := json.Unmarshal(ci, &info); err != nil || info["uid"] != DefaultUserObjectID || info["utid"] != DefaultTenantID {
		t.Errorf("client_info %s: %v", ci, err)
	}
	id := decodeClaims(t, got.IDToken)
	if id["aud"] != DefaultClientID || id["preferred_username"] != DefaultUsername || id["tid"] != DefaultTenantID || id["oid"] != DefaultUserObjectID {
		t.Errorf("id_token: %v", id)
	}
}

func decodeClaims(t *testing.T, tok string) jwt.MapClaims {
	t.Helper()
	mc := jwt.MapClaims{}
	if _, _, err := jwt.NewParser().ParseUnverified(tok, mc); err != nil {
		t.Fatal(err)
	}
	return mc
}

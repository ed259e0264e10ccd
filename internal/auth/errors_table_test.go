package auth

import (
	"crypto/x509"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"

	pkcs12 "software.sslmate.com/src/go-pkcs12"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

// Every Entra error the emulator can produce, as the user sees it: labelled
// with the kind of credential used, with the AADSTS code, and with a hint
// that names the attribute actually used and the fix.
func TestEntraErrorsNameTheCredentialUsed(t *testing.T) {
	key, cert, certPEM := selfSigned(t) // registered on no app
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	bundle := append(append([]byte{}, certPEM...), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	pfx, _ := pkcs12.Modern.Encode(key, cert, nil, "pfx-password")
	dir := t.TempDir()
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	certFile, pfxFile := write("app.pem", bundle), write("app.pfx", pfx)
	malformedOIDC := write("oidc-malformed", []byte("{\"value\":\"not-a-jwt\"}"))

	e := newEmu(t, func(sc *entra.Scenario) {
		sc.Users = append(sc.Users, entra.User{Username: "mfa@contoso.example", Password: "pw", MFA: true})
	})
	otherSubject := write("oidc-other", []byte(e.svc.IssueFederatedToken("repo:contoso/other:ref:refs/heads/main")))
	e.svc.AddRefreshToken("rt-saved", entra.DefaultUsername, entra.DefaultClientID)
	e.svc.RevokeRefreshToken("rt-saved")
	savedFile := filepath.Join(dir, "cache.json")
	if err := writeTokenFile(savedFile, tokenFileItem{TenantID: entra.DefaultTenantID, ClientID: entra.DefaultClientID, RefreshToken: "rt-saved"}); err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name string
		edit func(*Config)
		api  API
		want []string
	}{
		{"wrong secret", func(c *Config) { c.ClientSecret = "nope" }, APIDataverse,
			[]string{"(client secret): AADSTS7000215", "Check client_secret (COSELL_CLIENT_SECRET or ARM_CLIENT_SECRET): use the secret's value"}},
		{"unregistered certificate from a file", func(c *Config) { c.ClientCertificate, c.ClientCertificatePath = bundle, certFile }, APIDataverse,
			[]string{"(certificate): AADSTS700027", "The certificate in client_certificate_path (COSELL_CLIENT_CERTIFICATE_PATH or ARM_CLIENT_CERTIFICATE_PATH) is not registered on app registration " + entra.DefaultClientID}},
		{"unregistered certificate inline", func(c *Config) { c.ClientCertificate = bundle }, APIPowerPlatform,
			[]string{"(certificate): AADSTS700027", "The certificate in client_certificate (COSELL_CLIENT_CERTIFICATE or ARM_CLIENT_CERTIFICATE) is not registered"}},
		{"wrong PFX password from a file", func(c *Config) {
			c.ClientCertificate, c.ClientCertificatePath, c.ClientCertificatePassword = pfx, pfxFile, "wrong"
		}, APIDataverse,
			[]string{"client_certificate_path (COSELL_CLIENT_CERTIFICATE_PATH or ARM_CLIENT_CERTIFICATE_PATH) " + pfxFile, "wrong or missing client_certificate_password (COSELL_CLIENT_CERTIFICATE_PASSWORD"}},
		{"malformed federated token file", func(c *Config) { c.OIDCTokenFilePath = malformedOIDC }, APIDataverse,
			[]string{"(federated token): AADSTS50027", "oidc_token_file_path (COSELL_OIDC_TOKEN_FILE_PATH or ARM_OIDC_TOKEN_FILE_PATH) does not hold a valid JWT"}},
		{"malformed federated token inline", func(c *Config) { c.OIDCToken = "not-a-jwt" }, APIWebhooks,
			[]string{"(federated token): AADSTS50027", "oidc_token (COSELL_OIDC_TOKEN or ARM_OIDC_TOKEN) does not hold a valid JWT"}},
		{"federated subject not trusted", func(c *Config) { c.OIDCTokenFilePath = otherSubject }, APIDataverse,
			[]string{"(federated token): AADSTS70021", "No federated identity credential of app registration " + entra.DefaultClientID, "oidc_token_file_path (COSELL_OIDC_TOKEN_FILE_PATH"}},
		{"unknown refresh token", func(c *Config) { c.ClientSecret, c.RefreshToken = entra.DefaultClientSecret, "unknown" }, APIReferrals,
			[]string{"(refresh token): AADSTS9002313", "The refresh token from refresh_token (COSELL_REFRESH_TOKEN) was refused", "Repeat the Secure Application Model consent"}},
		{"revoked token from the cache file", func(c *Config) { c.ClientSecret, c.TokenCacheFile = entra.DefaultClientSecret, savedFile }, APIReferrals,
			[]string{"(refresh token): AADSTS50173", "The refresh token from the token saved in token_cache_file (COSELL_TOKEN_CACHE_FILE) (" + savedFile + ") was refused"}},
		{"MFA user's password", func(c *Config) { c.Username, c.Password = "mfa@contoso.example", "pw" }, APIReferrals,
			[]string{"(password): AADSTS50076", "set refresh_token (COSELL_REFRESH_TOKEN) instead"}},
		{"wrong password", func(c *Config) { c.Username, c.Password = entra.DefaultUsername, "nope" }, APIReferrals,
			[]string{"(password): AADSTS50126", "Check username (COSELL_USERNAME) and password (COSELL_PASSWORD)"}},
		{"unknown user", func(c *Config) { c.Username, c.Password = "ghost@contoso.example", "pw" }, APIReferrals,
			[]string{"(password): AADSTS50034", "The user in username (COSELL_USERNAME) does not exist in tenant " + entra.DefaultTenantID, "tenant_id (COSELL_TENANT_ID"}},
		{"unknown tenant", func(c *Config) {
			c.TenantID, c.ClientSecret = "99999999-0000-4000-8000-000000000000", entra.DefaultClientSecret
		}, APIDataverse,
			[]string{"(client secret): AADSTS90002", "check tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID)"}},
		{"unknown client", func(c *Config) { c.ClientID, c.ClientSecret = "99999999-0000-4000-8000-00000000ffff", "s" }, APIDataverse,
			[]string{"AADSTS700016", "check client_id (COSELL_CLIENT_ID or ARM_CLIENT_ID) and tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID)"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := e.config()
			tc.edit(&cfg)
			aud := map[API]string{APIDataverse: e.srv.URL, APIPowerPlatform: AudiencePowerPlatform, APIWebhooks: AudienceWebhooks, APIReferrals: AudienceReferrals}[tc.api]
			_, err := mustNew(t, cfg).Token(ctx, tc.api, aud)
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error\n%s\nlacks %q", err, w)
				}
			}
			if strings.Contains(err.Error(), "(client credentials)") {
				t.Errorf("generic label: %s", err)
			}
		})
	}
}

// Codes the emulator does not produce: the same table, asked directly.
func TestEntraHintTable(t *testing.T) {
	cfg := Config{TenantID: entra.DefaultTenantID, ClientID: entra.DefaultClientID, OIDCTokenFilePath: "/ci/oidc"}
	dv := RuleFor(APIDataverse)
	for _, tc := range []struct {
		code, kind string
		rule       TokenRule
		want       []string
	}{
		{"AADSTS7000222", kindSecret, dv, []string{"The client secret has expired", "client_secret (COSELL_CLIENT_SECRET"}},
		{"AADSTS700024", kindFederated, dv, []string{"has expired", "oidc_token_file_path (COSELL_OIDC_TOKEN_FILE_PATH"}},
		{"AADSTS65001", kindRefresh, RuleFor(APIReferrals), []string{"has not consented", "user_impersonation", "refresh_token (COSELL_REFRESH_TOKEN)"}},
		{"AADSTS65001", kindSecret, dv, []string{"lacks consent", "Grant admin consent"}},
		{"AADSTS70011", kindRefresh, RuleFor(APIReferrals), []string{"is not valid", "referrals_audience (COSELL_REFERRALS_AUDIENCE)"}},
		{"AADSTS500011", kindSecret, dv, []string{"has no Dataverse organisation", "dataverse_url (COSELL_DATAVERSE_URL)", "tenant_id (COSELL_TENANT_ID"}},
		{"AADSTS500011", kindSecret, RuleFor(APIWebhooks), []string{"webhooks_audience (COSELL_WEBHOOKS_AUDIENCE)", "tenant_id"}},
		{"AADSTS50173", kindPassword, dv, nil}, // a refresh-token hint is not given to another kind
	} {
		got := hintFor(tc.code, tokenRequest{cfg: cfg, rule: tc.rule, audience: "https://contoso.crm.dynamics.com", kind: tc.kind})
		if tc.want == nil && got != "" {
			t.Errorf("%s/%s: unexpected hint %q", tc.code, tc.kind, got)
		}
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s/%s: hint %q lacks %q", tc.code, tc.kind, got, w)
			}
		}
	}
	// Every row names at least one attribute with its environment variable.
	for _, h := range entraHints {
		for _, kind := range append(h.kinds, kindSecret) {
			if got := h.hint(tokenRequest{cfg: cfg, rule: dv, kind: kind, attr: AttrClientSecret}); !strings.Contains(got, "(COSELL_") {
				t.Errorf("%v: hint %q names no setting", h.codes, got)
			}
		}
	}
}

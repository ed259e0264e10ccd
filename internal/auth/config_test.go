package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

func TestNewDemandsNoCredential(t *testing.T) {
	c, err := New(Config{})
	if err != nil {
		t.Fatalf("New(Config{}) = %v", err)
	}
	if c.HasAppCredential() || c.HasUserCredential() || len(c.Warnings()) != 0 {
		t.Fatal("empty config claims credentials or warns")
	}
}

func TestMissingCredentialMessages(t *testing.T) {
	c := mustNew(t, Config{})
	_, err := c.AppToken(ctx, AudienceWebhooks)
	if err == nil || err.Error() != "tenant_id is required (COSELL_TENANT_ID or ARM_TENANT_ID)" {
		t.Fatalf("got %v", err)
	}
	c = mustNew(t, Config{TenantID: entra.DefaultTenantID})
	if _, err := c.UserToken(ctx, AudienceReferrals); err == nil || err.Error() != "client_id is required (COSELL_CLIENT_ID or ARM_CLIENT_ID)" {
		t.Fatalf("got %v", err)
	}

	c = mustNew(t, Config{TenantID: entra.DefaultTenantID, ClientID: entra.DefaultClientID})
	_, err = c.AppToken(ctx, AudienceWebhooks)
	want := "no application credential configured: set client_secret (COSELL_CLIENT_SECRET or ARM_CLIENT_SECRET), " +
		"client_certificate (COSELL_CLIENT_CERTIFICATE or ARM_CLIENT_CERTIFICATE) / client_certificate_path (COSELL_CLIENT_CERTIFICATE_PATH or ARM_CLIENT_CERTIFICATE_PATH), or oidc_token (COSELL_OIDC_TOKEN or ARM_OIDC_TOKEN) / " +
		"oidc_token_file_path (COSELL_OIDC_TOKEN_FILE_PATH or ARM_OIDC_TOKEN_FILE_PATH)"
	if err == nil || err.Error() != want || !errors.Is(err, ErrNoAppCredential) {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	if _, err := c.Token(ctx, APIWebhooks, AudienceWebhooks); !errors.Is(err, ErrNoAppCredential) {
		t.Fatalf("Token without credentials: %v", err)
	}

	_, err = c.UserToken(ctx, AudienceReferrals)
	want = "the Partner Center Referrals API accepts only App+User tokens: set refresh_token (COSELL_REFRESH_TOKEN) to a Secure Application Model refresh token, or username (COSELL_USERNAME) and password (COSELL_PASSWORD) of an account without MFA"
	if err == nil || err.Error() != want {
		t.Fatalf("got  %v\nwant %s", err, want)
	}
	_, err = c.UserToken(ctx, AudienceWebhooks)
	if err == nil || !strings.HasPrefix(err.Error(), "no user credential configured for https://api.partnercenter.microsoft.com (App+User token required): set refresh_token") {
		t.Fatalf("got %v", err)
	}

	c = mustNew(t, Config{TenantID: entra.DefaultTenantID, ClientID: entra.DefaultClientID, Username: "u@contoso.example"})
	if _, err := c.UserToken(ctx, AudienceReferrals); err == nil || !strings.Contains(err.Error(), "needs both username (COSELL_USERNAME) and password (COSELL_PASSWORD)") {
		t.Fatalf("got %v", err)
	}
}

func TestAuthorityHost(t *testing.T) {
	for host, ok := range map[string]bool{
		"":                                   true,
		"https://login.microsoftonline.com/": true,
		"https://127.0.0.1:4431":             true,
		"http://127.0.0.1:4431":              false,
		"login.microsoftonline.com":          false,
	} {
		c, err := New(Config{TenantID: "t", AuthorityHost: host})
		if (err == nil) != ok {
			t.Errorf("%q: err = %v", host, err)
			continue
		}
		if err != nil && !strings.Contains(err.Error(), "authority_host (COSELL_AUTHORITY_HOST or ARM_AUTHORITY_HOST)") {
			t.Errorf("%q: message %v", host, err)
		}
		if host == "" && c.authority != DefaultAuthorityHost+"/t" {
			t.Errorf("default authority %q", c.authority)
		}
	}
}

func TestWarnings(t *testing.T) {
	w := strings.Join(mustNew(t, Config{ClientSecret: "s", ClientCertificate: []byte("x"), OIDCToken: "o", OIDCTokenFilePath: "/f"}).Warnings(), "\n")
	for _, want := range []string{
		"several application credentials are set (client_certificate, client_secret, oidc_token_file_path); client_certificate is used",
		"both oidc_token and oidc_token_file_path are set; the file is used",
	} {
		if !strings.Contains(w, want) {
			t.Errorf("warnings %q lack %q", w, want)
		}
	}
	w = strings.Join(mustNew(t, Config{ClientSecret: "s", ClientCertificate: []byte("x"), ClientCertificatePath: "/app.pfx"}).Warnings(), "\n")
	if want := "several application credentials are set (client_certificate_path, client_secret); client_certificate_path is used"; !strings.Contains(w, want) {
		t.Errorf("warnings %q lack %q", w, want)
	}
	w = strings.Join(mustNew(t, Config{Username: "u"}).Warnings(), "\n")
	if want := "only one of username (COSELL_USERNAME) and password (COSELL_PASSWORD) is set"; !strings.HasPrefix(w, want) {
		t.Errorf("warnings %q lack %q", w, want)
	}
	w = strings.Join(mustNew(t, Config{RefreshToken: "r", Username: "u", Password: "p"}).Warnings(), "\n")
	if w != "refresh_token is set, so username and password are ignored" {
		t.Errorf("warnings %q", w)
	}
}

func TestTokenCacheFilePermissionsWarned(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tok.json")
	if err := writeTokenFile(path, tokenFileItem{TenantID: "t", ClientID: "c", RefreshToken: "r"}); err != nil {
		t.Fatal(err)
	}
	cfg := Config{TenantID: "t", ClientID: "c", TokenCacheFile: path}
	if w := mustNew(t, cfg).Warnings(); len(w) != 0 {
		t.Fatalf("warnings %q", w)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	c := mustNew(t, cfg)
	if w := strings.Join(c.Warnings(), "\n"); !strings.Contains(w, "can be read by other users") {
		t.Fatalf("warnings %q", w)
	}
	if !c.HasUserCredential() {
		t.Fatal("saved token not seen")
	}
}

func TestTokenFileKeepsOtherEntriesAndRejectsGarbage(t *testing.T) {
	path := filepath.Join(t.TempDir(), "tok.json")
	for _, it := range []tokenFileItem{
		{TenantID: "t1", ClientID: "c", RefreshToken: "r1"},
		{TenantID: "t2", ClientID: "c", RefreshToken: "r2"},
		{TenantID: "t1", ClientID: "c", RefreshToken: "r1b"},
	} {
		if err := writeTokenFile(path, it); err != nil {
			t.Fatal(err)
		}
	}
	for tenant, want := range map[string]string{"t1": "r1b", "t2": "r2"} {
		it, ok, err := readTokenFile(path, tenant, "c")
		if err != nil || !ok || it.RefreshToken != want {
			t.Fatalf("%s: %+v %v %v", tenant, it, ok, err)
		}
	}
	if _, ok, err := readTokenFile(filepath.Join(t.TempDir(), "missing.json"), "t1", "c"); ok || err != nil {
		t.Fatal("a missing file should be no entry")
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Fatalf("temporary files left: %v", entries)
	}
	if err := os.WriteFile(path, []byte("not json"), 0o600); err != nil {
		t.Fatal(err)
	}
	// Garbage in the file concerns user tokens only: New accepts it and the
	// first user token request reports it.
	c := mustNew(t, Config{TenantID: "t1", ClientID: "c", TokenCacheFile: path})
	if _, err := c.UserToken(ctx, AudienceReferrals); err == nil || !strings.Contains(err.Error(), "token_cache_file") {
		t.Fatalf("err = %v", err)
	}
}

func TestAttributesTable(t *testing.T) {
	seen := map[string]bool{}
	for _, a := range Attributes {
		if seen[a.Name] || len(a.EnvVars) == 0 || a.Description == "" {
			t.Errorf("bad entry %+v", a)
		}
		seen[a.Name] = true
		for _, env := range a.EnvVars {
			if !strings.HasPrefix(env, "COSELL_") && !strings.HasPrefix(env, "ARM_") {
				t.Errorf("%s: env var %s", a.Name, env)
			}
		}
	}
	for _, n := range []string{AttrTenantID, AttrClientID, AttrClientSecret, AttrClientCertificate, AttrClientCertificatePath, AttrClientCertificatePassword,
		AttrOIDCToken, AttrOIDCTokenFilePath, AttrRefreshToken, AttrTokenCacheFile, AttrUsername, AttrPassword, AttrAuthorityHost} {
		if !seen[n] {
			t.Errorf("%s missing from Attributes", n)
		}
	}
	for _, secret := range []string{AttrClientSecret, AttrClientCertificate, AttrRefreshToken, AttrPassword, AttrOIDCToken} {
		if !AttributeByName(secret).Sensitive {
			t.Errorf("%s not marked sensitive", secret)
		}
	}
	t.Setenv("COSELL_TENANT_ID", "")
	t.Setenv("ARM_TENANT_ID", "from-arm")
	if v, ok := FromEnv(AttrTenantID); !ok || v != "from-arm" {
		t.Fatalf("FromEnv = %q %v", v, ok)
	}
	t.Setenv("COSELL_TENANT_ID", "from-cosell")
	if v, _ := FromEnv(AttrTenantID); v != "from-cosell" {
		t.Fatalf("precedence: %q", v)
	}
}

func TestScopeFor(t *testing.T) {
	for in, want := range map[string]string{
		"https://api.partner.microsoft.com":          "https://api.partner.microsoft.com/.default",
		"https://org.crm.dynamics.com/":              "https://org.crm.dynamics.com/.default",
		"https://api.powerplatform.com/.default":     "https://api.powerplatform.com/.default",
		"https://127.0.0.1:4433":                     "https://127.0.0.1:4433/.default",
		" https://api.partnercenter.microsoft.com  ": "https://api.partnercenter.microsoft.com/.default",
	} {
		if got := scopeFor(in); len(got) != 1 || got[0] != want {
			t.Errorf("scopeFor(%q) = %v", in, got)
		}
	}
}

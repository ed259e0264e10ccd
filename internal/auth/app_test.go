package auth

import (
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

var ctx = context.Background()

func TestClientSecret(t *testing.T) {
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.ClientSecret = entra.DefaultClientSecret
	c := mustNew(t, cfg)
	tok, err := c.AppToken(ctx, AudienceWebhooks)
	if err != nil {
		t.Fatal(err)
	}
	cl := e.verify(t, tok)
	if !cl.AppOnly || cl.Audience != AudienceWebhooks || cl.AppID != entra.DefaultClientID || cl.TenantID != entra.DefaultTenantID {
		t.Fatalf("claims %+v", cl)
	}
}

func TestAppTokensCachedPerAudience(t *testing.T) {
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.ClientSecret = entra.DefaultClientSecret
	c := mustNew(t, cfg)
	dataverse := e.srv.URL // Dataverse's audience is its org URL
	for i := 0; i < 3; i++ {
		for _, aud := range []string{AudienceWebhooks, AudiencePowerPlatform, dataverse} {
			tok, err := c.AppToken(ctx, aud)
			if err != nil {
				t.Fatal(err)
			}
			if got := e.verify(t, tok).Audience; got != aud {
				t.Fatalf("audience %q, want %q", got, aud)
			}
		}
	}
	if n := e.svc.Issued(entra.GrantClientCredentials); n != 3 {
		t.Fatalf("%d client credentials grants, want one per audience (3)", n)
	}
}

// MSAL treats a token as expired five minutes before its expiry, so a
// token with less life than that is fetched again, one with more is reused.
func TestAppTokenRenewedWithinFiveMinutesOfExpiry(t *testing.T) {
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.ClientSecret = entra.DefaultClientSecret
	c := mustNew(t, cfg)

	e.svc.SetTokenLifetime(4*time.Minute + 50*time.Second)
	for i := 0; i < 2; i++ {
		if _, err := c.AppToken(ctx, AudienceWebhooks); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.svc.Issued(entra.GrantClientCredentials); n != 2 {
		t.Fatalf("short-lived tokens: %d grants, want 2 (each call renews)", n)
	}
	e.svc.SetTokenLifetime(5*time.Minute + 30*time.Second)
	for i := 0; i < 3; i++ {
		if _, err := c.AppToken(ctx, AudiencePowerPlatform); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.svc.Issued(entra.GrantClientCredentials); n != 3 {
		t.Fatalf("tokens outside the margin: %d grants, want 3 (one more, then cached)", n)
	}
}

func TestClientCertificatePEM(t *testing.T) {
	key, _, certPEM := selfSigned(t)
	e := newEmu(t, func(sc *entra.Scenario) { sc.Apps[0].Certificates = []string{string(certPEM)} })
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	bundle := append(append([]byte{}, certPEM...), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)

	for name, data := range map[string][]byte{
		"raw":    bundle,
		"base64": []byte(base64.StdEncoding.EncodeToString(bundle)),
		"pkcs1": append(append([]byte{}, certPEM...),
			pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})...),
	} {
		t.Run(name, func(t *testing.T) {
			cfg := e.config()
			cfg.ClientCertificate = data
			tok, err := mustNew(t, cfg).AppToken(ctx, AudienceWebhooks)
			if err != nil {
				t.Fatal(err)
			}
			if cl := e.verify(t, tok); !cl.AppOnly || cl.AppID != entra.DefaultClientID {
				t.Fatalf("claims %+v", cl)
			}
		})
	}
}

func TestClientCertificatePKCS12(t *testing.T) {
	key, cert, certPEM := selfSigned(t)
	e := newEmu(t, func(sc *entra.Scenario) { sc.Apps[0].Certificates = []string{string(certPEM)} })
	for name, enc := range map[string]*pkcs12.Encoder{"modern (AES)": pkcs12.Modern, "legacy (3DES)": pkcs12.LegacyDES} {
		pfx, err := enc.Encode(key, cert, nil, "pfx-password")
		if err != nil {
			t.Fatal(err)
		}
		for form, data := range map[string][]byte{"raw": pfx, "base64": []byte(base64.StdEncoding.EncodeToString(pfx))} {
			t.Run(name+" "+form, func(t *testing.T) {
				cfg := e.config()
				cfg.ClientCertificate, cfg.ClientCertificatePassword = data, "pfx-password"
				tok, err := mustNew(t, cfg).AppToken(ctx, AudienceWebhooks)
				if err != nil {
					t.Fatal(err)
				}
				e.verify(t, tok)
			})
		}
	}
	pfx, _ := pkcs12.Modern.Encode(key, cert, nil, "pfx-password")
	cfg := e.config()
	cfg.ClientCertificate, cfg.ClientCertificatePassword = pfx, "wrong"
	_, err := mustNew(t, cfg).AppToken(ctx, AudienceWebhooks)
	if err == nil || !strings.Contains(err.Error(), "wrong or missing client_certificate_password (COSELL_CLIENT_CERTIFICATE_PASSWORD") {
		t.Fatalf("err = %v", err)
	}
}

func TestClientCertificateNotRegistered(t *testing.T) {
	e := newEmu(t, nil) // the app knows no certificate
	key, _, certPEM := selfSigned(t)
	der, _ := x509.MarshalPKCS8PrivateKey(key)
	cfg := e.config()
	cfg.ClientCertificate = append(certPEM, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	_, err := mustNew(t, cfg).AppToken(ctx, AudienceWebhooks)
	var ee *EntraError
	if !errors.As(err, &ee) || ee.AADSTS() == "" {
		t.Fatalf("err = %v", err)
	}
	if !strings.HasPrefix(err.Error(), "authenticating to Entra ID as client "+entra.DefaultClientID+" for "+AudienceWebhooks) {
		t.Fatalf("err = %v", err)
	}
}

func TestFederatedTokenFileReReadOnEveryAssertion(t *testing.T) {
	const subject = "repo:cosell-labs/terraform-provider-cosell:ref:refs/heads/main"
	e := newEmu(t, func(sc *entra.Scenario) { sc.Apps[0].FederatedSubjects = []string{subject} })
	path := filepath.Join(t.TempDir(), "oidc-token")
	write := func(s string) {
		if err := os.WriteFile(path, []byte(s+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := e.config()
	cfg.OIDCTokenFilePath = path
	c := mustNew(t, cfg)

	write(e.svc.IssueFederatedToken(subject))
	tok, err := c.AppToken(ctx, AudienceWebhooks)
	if err != nil {
		t.Fatal(err)
	}
	if cl := e.verify(t, tok); !cl.AppOnly {
		t.Fatalf("claims %+v", cl)
	}

	// CI rotated the file to a token the app does not trust: the next
	// assertion must carry it (and so fail).
	write(e.svc.IssueFederatedToken("repo:someone-else/fork:ref:refs/heads/main"))
	_, err = c.AppToken(ctx, AudiencePowerPlatform)
	var ee *EntraError
	if !errors.As(err, &ee) || !strings.Contains(err.Error(), "federated identity credential") {
		t.Fatalf("rotated untrusted token: err = %v", err)
	}

	// Rotated again to a good one.
	write(e.svc.IssueFederatedToken(subject))
	if _, err := c.AppToken(ctx, AudiencePowerPlatform); err != nil {
		t.Fatal(err)
	}

	// An emptied file is reported clearly.
	write("")
	_, err = c.AppToken(ctx, e.srv.URL)
	if err == nil || !strings.Contains(err.Error(), "oidc_token_file_path "+path+" is empty") {
		t.Fatalf("err = %v", err)
	}
}

func TestFederatedTokenStatic(t *testing.T) {
	const subject = "system:serviceaccount:cosell:provider"
	e := newEmu(t, func(sc *entra.Scenario) { sc.Apps[0].FederatedSubjects = []string{subject} })
	cfg := e.config()
	cfg.OIDCToken = e.svc.IssueFederatedToken(subject)
	if _, err := mustNew(t, cfg).AppToken(ctx, AudienceWebhooks); err != nil {
		t.Fatal(err)
	}
}

func TestWrongSecretIsClear(t *testing.T) {
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.ClientSecret = "not-the-secret"
	_, err := mustNew(t, cfg).AppToken(ctx, AudienceReferrals)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	want := "authenticating to Entra ID as client " + entra.DefaultClientID + " for " + AudienceReferrals + " (client secret): AADSTS7000215: Invalid client secret provided."
	if !strings.HasPrefix(msg, want) {
		t.Fatalf("message\n%s\ndoes not start with\n%s", msg, want)
	}
	for _, bad := range []string{"not-the-secret", "http call(", "Trace ID:", "\n"} {
		if strings.Contains(msg, bad) {
			t.Errorf("message contains %q: %s", bad, msg)
		}
	}
	for _, good := range []string{"invalid_client", "trace id ", "Check client_secret (COSELL_CLIENT_SECRET or ARM_CLIENT_SECRET)"} {
		if !strings.Contains(msg, good) {
			t.Errorf("message lacks %q: %s", good, msg)
		}
	}
	var ee *EntraError
	if !errors.As(err, &ee) || ee.AADSTS() != "AADSTS7000215" || ee.StatusCode != 401 {
		t.Fatalf("%#v", ee)
	}
}

func TestUnknownTenantIsClear(t *testing.T) {
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.TenantID = "99999999-0000-4000-8000-000000000000"
	cfg.ClientSecret = entra.DefaultClientSecret
	_, err := mustNew(t, cfg).AppToken(ctx, AudienceWebhooks)
	if err == nil || !strings.Contains(err.Error(), "AADSTS90002") || !strings.Contains(err.Error(), "check tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID)") {
		t.Fatalf("err = %v", err)
	}
}

func TestTransientTokenEndpointErrorsRetried(t *testing.T) {
	defer func(d time.Duration) { retryBaseDelay = d }(retryBaseDelay)
	retryBaseDelay = time.Millisecond
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.ClientSecret = entra.DefaultClientSecret
	c := mustNew(t, cfg)
	e.failNext.Store(2)
	if _, err := c.AppToken(ctx, AudienceWebhooks); err != nil {
		t.Fatal(err)
	}
	if n := e.tokenCalls.Load(); n != 3 {
		t.Fatalf("%d token requests, want 3", n)
	}
	e.failNext.Store(5)
	_, err := c.AppToken(ctx, AudiencePowerPlatform)
	if err == nil || !strings.Contains(err.Error(), "temporarily_unavailable") {
		t.Fatalf("err = %v", err)
	}
}

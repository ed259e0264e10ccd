package entra

import (
	"context"
	"crypto/x509"
	"testing"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// TestMSALGoCompatibility drives the real MSAL Go client (instance
// discovery off, authority https://127.0.0.1:P/{tenant}) through every flow
// the provider may use.
func TestMSALGoCompatibility(t *testing.T) {
	cert := newTestCert(t)
	f := newFixture(t, func(sc *Scenario) {
		sc.Apps = append(sc.Apps, App{ClientID: certAppID, Certificates: []string{cert.pem}, FederatedSubjects: []string{"workload"}})
	})
	ctx := context.Background()
	authority := f.svc.Authority()
	confOpts := []confidential.Option{confidential.WithHTTPClient(f.client), confidential.WithInstanceDiscovery(false)}

	secret, _ := confidential.NewCredFromSecret(DefaultClientSecret)
	cc, err := confidential.New(authority, DefaultClientID, secret, confOpts...)
	if err != nil {
		t.Fatal(err)
	}
	r, err := cc.AcquireTokenByCredential(ctx, []string{core.AudienceWebhooks + "/.default"})
	if err != nil {
		t.Fatal("client secret:", err)
	}
	if c, err := f.svc.Verify(r.AccessToken); err != nil || c.Audience != core.AudienceWebhooks || !c.AppOnly {
		t.Fatalf("%v %+v", err, c)
	}

	certCred, err := confidential.NewCredFromCert([]*x509.Certificate{cert.cert}, cert.key)
	if err != nil {
		t.Fatal(err)
	}
	for name, extra := range map[string][]confidential.Option{"x5t#S256": nil, "x5c": {confidential.WithX5C()}} {
		c, _ := confidential.New(authority, certAppID, certCred, append(confOpts, extra...)...)
		if _, err := c.AcquireTokenByCredential(ctx, []string{core.AudiencePowerPlatform + "/.default"}); err != nil {
			t.Fatalf("certificate %s: %v", name, err)
		}
	}

	fed := confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
		return f.svc.IssueFederatedToken("workload"), nil
	})
	fc, _ := confidential.New(authority, certAppID, fed, confOpts...)
	if _, err := fc.AcquireTokenByCredential(ctx, []string{core.AudiencePowerPlatform + "/.default"}); err != nil {
		t.Fatal("federated:", err)
	}

	bad, _ := confidential.NewCredFromSecret("wrong")
	bc, _ := confidential.New(authority, DefaultClientID, bad, confOpts...)
	if _, err := bc.AcquireTokenByCredential(ctx, []string{core.AudienceWebhooks + "/.default"}); err == nil {
		t.Fatal("wrong secret accepted")
	}

	pc, err := public.New(DefaultClientID, public.WithAuthority(authority), public.WithHTTPClient(f.client), public.WithInstanceDiscovery(false))
	if err != nil {
		t.Fatal(err)
	}
	ur, err := pc.AcquireTokenByUsernamePassword(ctx, []string{core.AudienceReferrals + "/.default"}, DefaultUsername, DefaultPassword)
	if err != nil {
		t.Fatal("username/password:", err)
	}
	if ur.Account.PreferredUsername != DefaultUsername || ur.Account.HomeAccountID != DefaultUserObjectID+"."+DefaultTenantID {
		t.Errorf("account: %+v", ur.Account)
	}
	// Silent for another audience redeems the cached refresh token.
	sr, err := pc.AcquireTokenSilent(ctx, []string{core.AudienceWebhooks + "/.default"}, public.WithSilentAccount(ur.Account))
	if err != nil {
		t.Fatal("silent:", err)
	}
	if c, _ := f.svc.Verify(sr.AccessToken); c == nil || c.Audience != core.AudienceWebhooks || c.UPN != DefaultUsername {
		t.Fatalf("silent token claims %+v", c)
	}
	if f.svc.Issued(GrantRefreshToken) != 1 || f.svc.Issued(GrantPassword) != 1 || f.svc.Issued(GrantClientCredentials) != 4 {
		t.Errorf("issued: cc=%d pw=%d rt=%d", f.svc.Issued(GrantClientCredentials), f.svc.Issued(GrantPassword), f.svc.Issued(GrantRefreshToken))
	}
}

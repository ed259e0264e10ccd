package conns

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/auth"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

func startEmulator(t *testing.T, sc *emulator.Scenario) *emulator.Emulator {
	t.Helper()
	e, err := emulator.Start(emulator.Options{Dir: t.TempDir(), Scenario: sc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	return e
}

// trusting is an HTTP client that trusts the CAs of all the emulators.
func trusting(t *testing.T, emus ...*emulator.Emulator) *http.Client {
	pool := x509.NewCertPool()
	for _, e := range emus {
		b, err := os.ReadFile(e.Endpoints().CAFile)
		if err != nil {
			t.Fatal(err)
		}
		pool.AppendCertsFromPEM(b)
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: tr}
}

func clientFor(t *testing.T, idp *emulator.Emulator, dataverseURL, clientID, secret string, hc *http.Client) *Client {
	t.Helper()
	ep := idp.Endpoints()
	c, err := New(Config{
		Auth:         auth.Config{TenantID: ep.TenantID, ClientID: clientID, ClientSecret: secret, AuthorityHost: ep.AuthorityHost, HTTPClient: hc},
		DataverseURL: dataverseURL, MaxRetries: 1,
		Hints: map[string]string{"dataverse_url": "dataverse_url (COSELL_DATAVERSE_URL)", "tenant_id": "tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID)",
			"client_id": "client_id (COSELL_CLIENT_ID or ARM_CLIENT_ID)"},
	})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func readDefinition(t *testing.T, c *Client) error {
	t.Helper()
	dv, err := c.Dataverse(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	_, err = dv.FindEnvironmentVariableDefinition(context.Background(), "msft_dealvaluefield")
	return err
}

// A Dataverse URL of another tenant: the token of the configured tenant is
// refused there, and the error names both settings.
func TestDataverseOfAnotherTenantNamesBothSettings(t *testing.T) {
	home, other := startEmulator(t, nil), startEmulator(t, nil)
	c := clientFor(t, home, other.Endpoints().DataverseURL, entra.DefaultClientID, entra.DefaultClientSecret, trusting(t, home, other))
	err := readDefinition(t, c)
	if err == nil {
		t.Fatal("another tenant's organisation accepted the token")
	}
	for _, want := range []string{"HTTP 401", "does not accept tokens of tenant " + home.Endpoints().TenantID,
		"dataverse_url (COSELL_DATAVERSE_URL) and tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID) must name the same tenant"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n%s\nlacks %q", err, want)
		}
	}
	if e, ok := dataverse.AsError(err); !ok || e.StatusCode != http.StatusUnauthorized {
		t.Errorf("the *dataverse.Error is not in the chain: %#v", err)
	}
	// The right pairing reads fine through the same code.
	if err := readDefinition(t, clientFor(t, home, home.Endpoints().DataverseURL, entra.DefaultClientID, entra.DefaultClientSecret, trusting(t, home))); err != nil {
		t.Fatal(err)
	}
}

// An app without an application user in the environment: Dataverse's 403
// comes with the fix.
func TestDataverseAppWithoutApplicationUser(t *testing.T) {
	sc, err := emulator.LoadScenario("../../examples/emulator/app-without-application-user.json")
	if err != nil {
		t.Fatal(err)
	}
	e := startEmulator(t, &sc)
	const app = "55555555-5555-4555-8555-555555555555"
	err = readDefinition(t, clientFor(t, e, e.Endpoints().DataverseURL, app, "no-app-user-secret", trusting(t, e)))
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"HTTP 403", "0x80072560", "App registration " + app + " (client_id (COSELL_CLIENT_ID or ARM_CLIENT_ID)) has no application user",
		"Application users → New app user"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error\n%s\nlacks %q", err, want)
		}
	}
}

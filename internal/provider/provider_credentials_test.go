package provider_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

// A Dataverse-only workspace: nothing in it needs a user token.
const readDataverse = `
data "cosell_environment_variable" "deal_value" {
  schema_name = "msft_dealvaluefield"
}
`

// Credentials are demanded only by the resources that need them: with no
// refresh token and no username, a Dataverse read still works.
func TestAccProvider_dataverseNeedsNoUserCredential(t *testing.T) {
	t.Setenv("COSELL_REFRESH_TOKEN", "")
	t.Setenv("COSELL_USERNAME", "")
	emu := acctest.Emulator(t)
	before := emu.Entra().Issued(entra.GrantRefreshToken) + emu.Entra().Issued(entra.GrantPassword)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: readDataverse,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.cosell_environment_variable.deal_value", "effective_value", "estimatedvalue"),
				func(*terraform.State) error {
					if after := emu.Entra().Issued(entra.GrantRefreshToken) + emu.Entra().Issued(entra.GrantPassword); after != before {
						return fmt.Errorf("a user grant was made for a Dataverse-only workspace (%d → %d)", before, after)
					}
					return nil
				},
			),
		}},
	})
}

// federatedApp registers an app trusting a CI subject and writes a token for
// that subject to a file, as a CI system would; it returns the file.
func federatedApp(t *testing.T, clientID, subject string) string {
	t.Helper()
	emu := acctest.Emulator(t)
	if err := emu.Entra().PutApp(entra.App{ClientID: clientID, DisplayName: "ci " + subject, FederatedSubjects: []string{subject}}); err != nil {
		t.Fatal(err)
	}
	emu.Dataverse().AddApplicationUser(clientID)
	tokenFile := filepath.Join(t.TempDir(), "oidc-token")
	if err := os.WriteFile(tokenFile, []byte(emu.Entra().IssueFederatedToken(subject)), 0o600); err != nil {
		t.Fatal(err)
	}
	return tokenFile
}

// readsDataverseWith applies readDataverse under the given provider block.
func readsDataverseWith(t *testing.T, providerBlock string) {
	t.Helper()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: providerBlock + readDataverse,
			Check:  resource.TestCheckResourceAttr("data.cosell_environment_variable.deal_value", "effective_value", "estimatedvalue"),
		}},
	})
}

// A CI workload identity: the federated token is read from a file and
// exchanged for an app token, with no client secret anywhere.
func TestAccProvider_federatedToken(t *testing.T) {
	const clientID = "22222222-2222-4222-8222-222222222222"
	tokenFile := federatedApp(t, clientID, "repo:cosell-labs/infra:environment:staging")
	t.Setenv("COSELL_CLIENT_SECRET", "")
	t.Setenv("COSELL_REFRESH_TOKEN", "")
	readsDataverseWith(t, fmt.Sprintf(`provider "cosell" {
  client_id            = %q
  oidc_token_file_path = %q
}
`, clientID, tokenFile))
}

// A certificate credential given as a PEM file (certificate and key).
func TestAccProvider_clientCertificate(t *testing.T) {
	emu := acctest.Emulator(t)
	const clientID = "33333333-3333-4333-8333-333333333333"
	certPEM, keyPEM := selfSigned(t)
	if err := emu.Entra().PutApp(entra.App{ClientID: clientID, DisplayName: "cert-app", Certificates: []string{string(certPEM)}}); err != nil {
		t.Fatal(err)
	}
	emu.Dataverse().AddApplicationUser(clientID)
	certFile := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(certFile, append(certPEM, keyPEM...), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COSELL_CLIENT_SECRET", "")
	t.Setenv("COSELL_REFRESH_TOKEN", "")
	readsDataverseWith(t, fmt.Sprintf(`provider "cosell" {
  client_id               = %q
  client_certificate_path = %q
}
`, clientID, certFile))
}

func selfSigned(t *testing.T) (certPEM, keyPEM []byte) {
	t.Helper()
	// Entra ID accepts RSA keys for client assertions.
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "cosell acctest"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER})
}

// The configuration wins over the environment: a federated token file in the
// provider block is used even though the environment carries a client
// secret (as when ARM_CLIENT_SECRET is exported for the Azure providers).
func TestAccProvider_configuredCredentialWinsOverEnvironmentSecret(t *testing.T) {
	const clientID = "44444444-4444-4444-8444-444444444444"
	tokenFile := federatedApp(t, clientID, "repo:cosell-labs/infra:environment:prod")
	t.Setenv("COSELL_REFRESH_TOKEN", "")
	// COSELL_CLIENT_SECRET stays set: the emulator's secret of another app.
	readsDataverseWith(t, fmt.Sprintf(`provider "cosell" {
  client_id            = %q
  oidc_token_file_path = %q
}
`, clientID, tokenFile))
}

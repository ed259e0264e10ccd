package provider_test

import (
	"os"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }

const readReferrals = `
data "cosell_referrals" "test" {
  max_results = 1
}
`

func TestAccProvider_wrongClientSecret(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "cosell" {
  client_secret = "not-the-secret"
}
` + readReferrals,
			ExpectError: regexp.MustCompile(`(?s)AADSTS7000215.*Invalid\s+client\s+secret.*client_secret`),
		}},
	})
}

func TestAccProvider_wrongAudience(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// A webhooks-API token presented to the Referrals API.
			Config: `provider "cosell" {
  referrals_audience = "https://api.partnercenter.microsoft.com"
}
` + readReferrals,
			ExpectError: regexp.MustCompile(`(?s)401.*audience\s+'https://api.partnercenter.microsoft.com'\s+is\s+invalid`),
		}},
	})
}

func TestAccProvider_referralsNeedAUser(t *testing.T) {
	t.Setenv("COSELL_REFRESH_TOKEN", "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      readReferrals,
			ExpectError: regexp.MustCompile(`(?s)App\+User.*refresh_token.*COSELL_REFRESH_TOKEN`),
		}},
	})
}

func TestAccProvider_usernamePassword(t *testing.T) {
	t.Setenv("COSELL_REFRESH_TOKEN", "")
	t.Setenv("COSELL_USERNAME", "admin@contoso.example")
	t.Setenv("COSELL_PASSWORD", "emulator-password")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: readReferrals,
			Check:  resource.TestCheckResourceAttr("data.cosell_referrals.test", "referrals.#", "1"),
		}},
	})
}

func TestAccProvider_invalidEndpoint(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `provider "cosell" {
  dataverse_url = "http://contoso.crm.dynamics.com"
}
` + readReferrals,
			ExpectError: regexp.MustCompile(`(?s)dataverse_url.*https`),
		}},
	})
}

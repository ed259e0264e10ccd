package provider_test

import (
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/testdirs"
)

// Configurations that call no Referrals API: one manages a Dataverse
// environment variable, the other a Power Platform connection.
var appOnlyConfigs = map[string]string{
	"dataverse only": `
resource "cosell_environment_variable" "deal_value" {
  schema_name = "msft_dealvaluefield"
  value       = "estimatedvalue"
}
`,
	"power platform only": `
resource "cosell_connection" "dataverse" {
  connector    = "dataverse"
  display_name = "Dataverse (token rule test)"
  service_principal = {
    tenant_id     = "` + entra.DefaultTenantID + `"
    client_id     = "` + entra.DefaultClientID + `"
    client_secret = "` + entra.DefaultClientSecret + `"
  }
}
`,
}

// userGrants counts the user token requests made or refused.
func userGrants(emu *emulator.Emulator) int {
	en := emu.Entra()
	return en.Issued(entra.GrantRefreshToken) + en.Rejected(entra.GrantRefreshToken) + en.Issued(entra.GrantPassword) + en.Rejected(entra.GrantPassword)
}

// The token rule (auth.TokenRules): a broken user credential in the
// environment never stops a workspace that does not call Referrals, which
// applies and re-plans with no user token request at all.
func TestAccProvider_brokenUserCredentialDoesNotStopAppAPIs(t *testing.T) {
	emu := acctest.Emulator(t)
	revoked := "revoked-" + sdkacctest.RandString(8)
	emu.Entra().AddRefreshToken(revoked, entra.DefaultUsername, entra.DefaultClientID)
	emu.Entra().RevokeRefreshToken(revoked)
	emu.Entra().PutUser(entra.User{Username: "mfa@contoso.example", Password: "mfa-password", MFA: true})
	broken := map[string]map[string]string{
		"revoked refresh token":  {"COSELL_REFRESH_TOKEN": revoked},
		"lone username":          {"COSELL_REFRESH_TOKEN": "", "COSELL_USERNAME": entra.DefaultUsername, "COSELL_PASSWORD": ""},
		"MFA user's password":    {"COSELL_REFRESH_TOKEN": "", "COSELL_USERNAME": "mfa@contoso.example", "COSELL_PASSWORD": "mfa-password"},
		"unwritable token cache": {"COSELL_TOKEN_CACHE_FILE": filepath.Join(testdirs.Unwritable(t), "cache.json")},
	}
	for cred, env := range broken {
		for name, config := range appOnlyConfigs {
			t.Run(cred+"/"+name, func(t *testing.T) {
				for k, v := range env {
					t.Setenv(k, v)
				}
				before := userGrants(emu)
				noUserGrant := func(*terraform.State) error {
					if after := userGrants(emu); after != before {
						return fmt.Errorf("%d user token request(s) for a workspace that does not call Referrals", after-before)
					}
					return nil
				}
				resource.Test(t, resource.TestCase{
					PreCheck:                 func() { acctest.PreCheck(t) },
					ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
					Steps: []resource.TestStep{
						{Config: config, Check: noUserGrant},
						{Config: config, PlanOnly: true}, // re-plan: no change, no error
					},
					CheckDestroy: noUserGrant,
				})
			})
		}
	}
}

// words matches a message however the CLI wraps it.
func words(s string) *regexp.Regexp {
	parts := strings.Fields(s)
	for i, p := range parts {
		parts[i] = regexp.QuoteMeta(p)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, `\s+`))
}

// Endpoints and provider-level ids are parsed at plan time, from the
// environment or the provider block: the error names the attribute and its
// environment variable, and no request reaches any emulated service.
func TestAccProvider_badSettingsRejectedBeforeAnyRequest(t *testing.T) {
	emu := acctest.Emulator(t)
	ep := emu.Endpoints()
	connection := appOnlyConfigs["power platform only"]
	for _, tc := range []struct {
		name   string
		env    map[string]string
		config string
		want   string
	}{
		{"dataverse url with a space", map[string]string{"COSELL_DATAVERSE_URL": "https://contoso crm.dynamics.com"}, readDataverse,
			`dataverse_url (COSELL_DATAVERSE_URL), set by the environment variable COSELL_DATAVERSE_URL, "https://contoso crm.dynamics.com" contains whitespace`},
		{"dataverse url without host", map[string]string{"COSELL_DATAVERSE_URL": "https://"}, readDataverse,
			`dataverse_url (COSELL_DATAVERSE_URL), set by the environment variable COSELL_DATAVERSE_URL, "https://" has no host`},
		{"referrals url with another path", map[string]string{"COSELL_PARTNER_CENTER_URL": ep.ReferralsURL + "/v2/referrals"}, readReferrals,
			`partner_center_url (COSELL_PARTNER_CENTER_URL), set by the environment variable COSELL_PARTNER_CENTER_URL`},
		{"authority host with the tenant", map[string]string{"COSELL_AUTHORITY_HOST": ep.AuthorityHost + "/" + ep.TenantID}, readDataverse,
			`authority_host (COSELL_AUTHORITY_HOST or ARM_AUTHORITY_HOST), set by the environment variable COSELL_AUTHORITY_HOST`},
		{"mistyped environment id in the environment", map[string]string{"COSELL_ENVIRONMENT_ID": "production"}, connection,
			`environment_id (COSELL_ENVIRONMENT_ID), set by the environment variable COSELL_ENVIRONMENT_ID, "production" is not a Power Platform environment id`},
		{"mistyped environment id in the provider block", nil, "provider \"cosell\" {\n  environment_id = \"production\"\n}\n" + connection,
			`environment_id (COSELL_ENVIRONMENT_ID), set in the provider block, "production" is not a Power Platform environment id`},
		{"tenant id not a GUID", map[string]string{"COSELL_TENANT_ID": "contoso"}, readDataverse,
			`tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID), set by the environment variable COSELL_TENANT_ID, "contoso" is not a GUID`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			before := emu.Metrics().Total("", "")
			resource.Test(t, resource.TestCase{
				PreCheck:                 func() { acctest.PreCheck(t) },
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				Steps:                    []resource.TestStep{{Config: tc.config, PlanOnly: true, ExpectError: words(tc.want)}},
			})
			if after := emu.Metrics().Total("", ""); after != before {
				t.Errorf("%d request(s) reached the emulator; the rejection must come before any call", after-before)
			}
		})
	}
}

// The Web API address copied from "Developer resources" (…/api/data/v9.2/)
// is accepted: the documented suffix is removed, so requests and the token
// audience use the organisation URL.
func TestAccProvider_dataverseURLWithWebAPISuffix(t *testing.T) {
	emu := acctest.Emulator(t)
	t.Setenv("COSELL_DATAVERSE_URL", emu.Endpoints().DataverseURL+"/api/data/v9.2/")
	readsDataverseWith(t, "")
}

// An app without an application user in the Dataverse environment: the
// documented 403, with the fix.
func TestAccProvider_appWithoutApplicationUser(t *testing.T) {
	emu := acctest.Emulator(t)
	const clientID = "66666666-6666-4666-8666-666666666666"
	if err := emu.Entra().PutApp(entra.App{ClientID: clientID, DisplayName: "no app user", ClientSecret: "no-app-user"}); err != nil {
		t.Fatal(err)
	}
	t.Setenv("COSELL_REFRESH_TOKEN", "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      "provider \"cosell\" {\n  client_id     = \"" + clientID + "\"\n  client_secret = \"no-app-user\"\n}\n" + readDataverse,
			ExpectError: words("App registration " + clientID + " (client_id (COSELL_CLIENT_ID or ARM_CLIENT_ID)) has no application user"),
		}},
	})
}

package connection_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	emupp "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

// planFails runs one plan of config and expects an error matching re, with
// no write reaching the emulator.
func planFails(t *testing.T, config string, phrases ...string) {
	t.Helper()
	expectNoWrites(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config,
			PlanOnly:    true,
			ExpectError: inOrder(phrases...),
		}},
	})
}

func TestAccConnection_badInput_servicePrincipalForPartnerCenter(t *testing.T) {
	planFails(t, `
resource "cosell_connection" "test" {
  connector    = "partner_center_referrals"
  display_name = "Partner Center Referrals"`+spBlock+`
}`, "Partner Center Referrals connector does not support a service principal", "service_principal = {", "not shareable",
		"Remove service_principal", `choose "Fix connection" and sign in as the Referrals admin user`)
}

func TestAccConnection_badInput_servicePrincipalForEvents(t *testing.T) {
	planFails(t, `
resource "cosell_connection" "test" {
  connector    = "partner_center_events"
  display_name = "Partner Center Events"`+spBlock+`
}`, "Partner Center Events connector does not support a service principal", "service_principal = {", "Remove service_principal")
}

func TestAccConnection_badInput_parametersAndServicePrincipal(t *testing.T) {
	planFails(t, `
resource "cosell_connection" "test" {
  connector             = "dataverse"
  display_name          = "Dataverse"
  connection_parameters = { server = "x" }`+spBlock+`
}`, "Conflicting connection credentials", "service_principal = {", "Set either connection_parameters or service_principal, not both", "Remove one of them")
}

func TestAccConnection_badInput_name(t *testing.T) {
	planFails(t, `
resource "cosell_connection" "test" {
  connector    = "dataverse"
  name         = "co-sell/dataverse"
  display_name = "Dataverse"
}`, "Invalid name", `"co-sell/dataverse" is not a valid connection name`, "leave name unset")
}

func TestAccConnection_badInput_emptyDisplayName(t *testing.T) {
	planFails(t, `
resource "cosell_connection" "test" {
  connector    = "dataverse"
  display_name = " "
}`, "Invalid display_name", "display_name must not be empty")
}

func TestAccConnection_badInput_servicePrincipalClientID(t *testing.T) {
	planFails(t, fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector    = "dataverse"
  display_name = "Dataverse"
  service_principal = {
    tenant_id     = %q
    client_id     = "my-app"
    client_secret = "x"
  }
}`, entra.DefaultTenantID), "service_principal.client_id", `"my-app" is not a GUID`, "Application (client) ID")
}

func TestAccConnection_badInput_emptyParameters(t *testing.T) {
	planFails(t, `
resource "cosell_connection" "test" {
  connector             = "partner_center_events"
  display_name          = "Events"
  connection_parameters = {}
}`, "Empty connection_parameters", "connection_parameters is an empty map", "remove the attribute")
}

func TestAccConnection_badInput_referenceLogicalName(t *testing.T) {
	planFails(t, `
resource "cosell_connection" "test" {
  connector                          = "partner_center_events"
  display_name                       = "Events"
  connection_reference_logical_names = ["webhooks"]
}`, "connection_reference_logical_names", `"webhooks" has no publisher prefix`, "Connection references")
}

// inOrder matches the phrases in order, whatever the CLI's line wrapping.
func inOrder(phrases ...string) *regexp.Regexp {
	parts := make([]string, len(phrases))
	for i, p := range phrases {
		parts[i] = strings.Join(strings.Fields(regexp.QuoteMeta(p)), `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

// applyFails expects the apply of config to fail with re before anything
// is written (the references are checked first).
func applyFails(t *testing.T, config string, phrases ...string) {
	t.Helper()
	expectNoWrites(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, ExpectError: inOrder(phrases...)}},
	})
}

func TestAccConnection_badInput_referenceNotFound(t *testing.T) {
	name := "missing" + suffix()
	applyFails(t, fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector                          = "partner_center_referrals"
  name                               = %q
  display_name                       = "Referrals"
  connection_reference_logical_names = ["msft_sharedpartnercenterref_referrals", "cosell_doesnotexist"]
}`, name), "Cannot bind connection references", "connection_reference_logical_names", `"cosell_doesnotexist" does not exist`,
		"msft_sharedpartnercenterref_cosellupdates, msft_sharedpartnercenterref_referrals", "Nothing was created")
	if _, ok := acctest.Emulator(t).PowerPlatform().Connection(acctest.Emulator(t).Endpoints().EnvironmentID, name); ok {
		t.Errorf("connection %s was created although a reference does not exist", name)
	}
}

func TestAccConnection_badInput_referenceOfOtherConnector(t *testing.T) {
	ref, _ := newReference(t, emupp.APIDataverse, "other")
	applyFails(t, fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector                          = "partner_center_events"
  display_name                       = "Events"
  connection_reference_logical_names = [%q]
}`, ref), `"`+ref+`" is for connector shared_commondataserviceforapps, not shared_partnercenterevents`, "msft_sharedpartnercenterevents_webhooks")
}

// Without the provider's dataverse_url there is nowhere to bind references:
// the plan says which setting to add. (The provider runs in this process and
// reads its settings from the environment.)
func TestAccConnection_badInput_referencesWithoutDataverseURL(t *testing.T) {
	t.Setenv("COSELL_DATAVERSE_URL", "")
	planFails(t, `
resource "cosell_connection" "test" {
  connector                          = "partner_center_events"
  display_name                       = "Events"
  connection_reference_logical_names = ["msft_sharedpartnercenterevents_webhooks"]
}`, "No Dataverse organisation to bind connection references in", "connection_reference_logical_names",
		"the provider needs dataverse_url (COSELL_DATAVERSE_URL)", "or remove connection_reference_logical_names")
}

// Neither the resource nor the provider names an environment.
func TestAccConnection_badInput_noEnvironment(t *testing.T) {
	t.Setenv("COSELL_ENVIRONMENT_ID", "")
	planFails(t, `
resource "cosell_connection" "test" {
  connector    = "partner_center_events"
  display_name = "Events"
}`, "No Power Platform environment for this connection", "Set environment_id on this resource, or environment_id (COSELL_ENVIRONMENT_ID)")
}

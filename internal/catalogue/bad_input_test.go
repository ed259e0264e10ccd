package catalogue_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	pcemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

// The bad-input catalogue: every mistake below is refused with a diagnostic
// that names the attribute and says the fix. Plan-time rows run one plan
// and must leave every write counter of Partner Center, Dataverse and Power
// Platform untouched (token requests to Entra are not writes). Sync data
// rows are invalid records met by an apply of cosell_sync: the record is
// reported (failures, audit column, warning) and nothing is written for it.
//
// A row here is the one test of its mistake: the per-package bad-input
// tests keep only what no row checks (another input, more of the
// diagnostic's text, or a check after the plan).

type stage string

const (
	planTime  stage = "plan-time"
	applyTime stage = "apply-time"
)

// badInput is one row of the catalogue.
type badInput struct {
	name      string
	attribute string            // the attribute the mistake is about
	config    string            // HCL
	env       map[string]string // environment the provider reads (provider rows)
	want      []string          // fragments of the diagnostic, in order (the attribute, what is wrong, the fix)
}

// readFlows makes the provider configure itself and read (never write).
const readFlows = `
data "cosell_flows" "all" {
  name_contains = "Partner Center"
}
`

const sp = `
  service_principal = {
    tenant_id     = "72f988bf-86f1-41af-91ab-2d7cd011db47"
    client_id     = "11111111-2222-4333-8444-555555555555"
    client_secret = "not-shown"
  }`

var providerRows = []badInput{
	{name: "tenant id is not a GUID", attribute: "tenant_id",
		config: "provider \"cosell\" {\n  tenant_id = \"contoso.onmicrosoft.com\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting tenant_id", `"contoso.onmicrosoft.com" is not a GUID; give the Microsoft Entra tenant id (Directory ID)`}},
	{name: "client id is not a GUID", attribute: "client_id",
		config: "provider \"cosell\" {\n  client_id = \"cosell-app\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting client_id", `"cosell-app" is not a GUID; give the app registration's Application (client) ID`}},
	{name: "tenant id from the environment is not a GUID", attribute: "tenant_id",
		env:    map[string]string{"COSELL_TENANT_ID": "contoso"},
		config: readFlows,
		want:   []string{"tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID), set by the environment variable COSELL_TENANT_ID", `"contoso" is not a GUID; give the Microsoft Entra tenant id`}},
	{name: "partner center url uses http", attribute: "partner_center_url",
		config: "provider \"cosell\" {\n  partner_center_url = \"http://api.partner.microsoft.com\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting partner_center_url", "uses http://; only https:// is accepted, e.g. https://api.partner.microsoft.com"}},
	{name: "dataverse url is the app link, not the organisation", attribute: "dataverse_url",
		config: "provider \"cosell\" {\n  dataverse_url = \"https://contoso.crm.dynamics.com/main.aspx\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting dataverse_url", `has a path (/main.aspx); give only the scheme and host, e.g. https://contoso.crm.dynamics.com`}},
	{name: "dataverse url with a query", attribute: "dataverse_url",
		config: "provider \"cosell\" {\n  dataverse_url = \"https://contoso.crm.dynamics.com/?appid=1\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting dataverse_url", "has a query or fragment; give only the scheme and host"}},
	{name: "authority host carries the tenant", attribute: "authority_host",
		config: "provider \"cosell\" {\n  authority_host = \"https://login.microsoftonline.com/72f988bf-86f1-41af-91ab-2d7cd011db47\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting authority_host", "has a path", "give only the scheme and host", "the tenant goes in tenant_id"}},
	{name: "webhooks url is not a URL", attribute: "webhooks_url",
		config: "provider \"cosell\" {\n  webhooks_url = \"api.partnercenter.microsoft.com\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting webhooks_url", "is not an absolute URL; give the full address with https://"}},
	{name: "environment id is a name, not a GUID", attribute: "environment_id",
		config: "provider \"cosell\" {\n  environment_id = \"production\"\n}\n" + readFlows,
		want:   []string{"Invalid provider setting environment_id", `"production" is not a Power Platform environment id; give the environment's GUID`}},
	{name: "client secret and client certificate both set", attribute: "client_secret",
		config: "provider \"cosell\" {\n  client_secret           = \"s\"\n  client_certificate_path = \"/nonexistent/app.pfx\"\n}\n" + readFlows,
		want:   []string{"Conflicting application credential", "client_secret and client_certificate_path are both set in the provider block", "Keep one of them and remove the other"}},
	{name: "username without password", attribute: "password",
		config: "provider \"cosell\" {\n  username = \"admin@contoso.onmicrosoft.com\"\n}\n" + readFlows,
		want:   []string{`Attribute "password" must be specified when "username" is specified`}},
	{name: "no app credential at all", attribute: "client_secret",
		env:    map[string]string{"COSELL_CLIENT_SECRET": "", "COSELL_REFRESH_TOKEN": ""},
		config: readFlows,
		want:   []string{"no application credential configured: set client_secret (COSELL_CLIENT_SECRET or ARM_CLIENT_SECRET)", "or oidc_token"}},
	{name: "max_retries is negative", attribute: "max_retries",
		config: "provider \"cosell\" {\n  max_retries = -1\n}\n" + readFlows,
		want:   []string{"Attribute max_retries value must be between 0 and 20, got: -1"}},
}

var resourceRows = []badInput{
	// cosell_webhook_registration
	{name: "webhook url uses http", attribute: "url",
		config: `resource "cosell_webhook_registration" "bad" {
  url = "http://prod-01.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=NotShown"
}`,
		want: []string{"Invalid url", "uses http://; only https:// URLs are accepted", "Change the scheme to https"}},
	{name: "webhook event that does not exist", attribute: "events",
		config: `resource "cosell_webhook_registration" "bad" {
  url    = "https://prod-01.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=NotShown"
  events = ["referral-created", "referral-deleted"]
}`,
		want: []string{"Invalid events", `"referral-deleted" is not a documented Partner Center webhook event. Valid names: ` + "`referral-created`"}},
	{name: "webhook validate without the test-created event", attribute: "validate",
		config: `resource "cosell_webhook_registration" "bad" {
  url      = "https://prod-01.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=NotShown"
  events   = ["referral-created"]
  validate = true
}`,
		want: []string{"validate needs the test-created event", `Add "test-created" to events`, "or set validate = false"}},
	{name: "two webhook registrations for the one registration of a tenant", attribute: "url",
		config: `resource "cosell_webhook_registration" "a" {
  url = "https://prod-01.westeurope.logic.azure.com/workflows/a/triggers/manual/paths/invoke?sig=NotShownA"
}
resource "cosell_webhook_registration" "b" {
  url = "https://prod-02.westeurope.logic.azure.com/workflows/b/triggers/manual/paths/invoke?sig=NotShownB"
}`,
		want: []string{"Two resources manage webhook registration of tenant", "one configuration needs one cosell_webhook_registration: remove the other"}},

	// cosell_connection
	{name: "connection for an unknown connector", attribute: "connector",
		config: `resource "cosell_connection" "bad" {
  connector    = "salesforce"
  display_name = "Salesforce"
}`,
		want: []string{"connector", `"salesforce" is not a connector`, `use one of "partner_center_referrals", "partner_center_events", "dataverse"`}},
	{name: "service principal on the Partner Center Referrals connector", attribute: "service_principal",
		config: `resource "cosell_connection" "bad" {
  connector    = "partner_center_referrals"
  display_name = "Partner Center Referrals"` + sp + `
}`,
		want: []string{"The Partner Center Referrals connector does not support a service principal", "Remove service_principal from this resource"}},
	{name: "connection parameters and service principal together", attribute: "service_principal",
		config: `resource "cosell_connection" "bad" {
  connector             = "dataverse"
  display_name          = "Dataverse"
  connection_parameters = { server = "x" }` + sp + `
}`,
		want: []string{"Conflicting connection credentials", "Set either connection_parameters or service_principal, not both", "Remove one of them"}},
	{name: "connection environment id is not a GUID", attribute: "environment_id",
		config: `resource "cosell_connection" "bad" {
  connector      = "dataverse"
  environment_id = "contoso-prod"
  display_name   = "Dataverse"
}`,
		want: []string{"environment_id", `"contoso-prod" is not a Power Platform environment id`, "give the environment's GUID"}},
	{name: "connection create timeout of zero", attribute: "timeouts.create",
		config: `resource "cosell_connection" "bad" {
  connector    = "dataverse"
  display_name = "Dataverse"
  timeouts     = { create = "0s" }
}`,
		want: []string{"Invalid timeouts.create", `"0s" is not a usable timeout: it must be greater than zero`, "Remove the attribute to use the default"}},

	// cosell_environment_variable
	{name: "Yes/No variable set to maybe", attribute: "value",
		config: `resource "cosell_environment_variable" "bad" {
  schema_name = "msft_displaycheckmarkinname"
  value       = "maybe"
}`,
		want: []string{"Invalid value", `"maybe" is not a Yes/No value`, "write yes or no"}},
	{name: "number variable with a thousands separator", attribute: "value",
		config: `resource "cosell_environment_variable" "bad" {
  schema_name = "contoso_seatcount"
  value       = "1,000"
  definition = {
    display_name = "Seat count"
    type         = "number"
  }
}`,
		want: []string{"Invalid value", `"1,000" is not a number`, "thousands separators"}},
	{name: "JSON variable that is not JSON", attribute: "value",
		config: `resource "cosell_environment_variable" "bad" {
  schema_name = "contoso_mapping"
  value       = "{not json"
  definition = {
    display_name = "Mapping"
    type         = "json"
  }
}`,
		want: []string{"Invalid value", "not valid JSON", "jsonencode"}},
	{name: "secret variable definition", attribute: "definition.type",
		config: `resource "cosell_environment_variable" "bad" {
  schema_name = "contoso_apikey"
  value       = "x"
  definition = {
    display_name = "API key"
    type         = "secret"
  }
}`,
		want: []string{"Invalid definition.type", "Secret environment variable", "store the secret in Azure Key Vault"}},
	{name: "two resources for one variable", attribute: "schema_name",
		config: `resource "cosell_environment_variable" "a" {
  schema_name = "msft_displaycheckmarkinname"
  value       = "yes"
}
resource "cosell_environment_variable" "b" {
  schema_name = "MSFT_DisplayCheckmarkInName"
  value       = "no"
}`,
		want: []string{"Two resources manage environment variable", "compared without letter case", "Keep one cosell_environment_variable per schema name and remove the other"}},

	// cosell_crm_field
	{name: "column schema name without a publisher prefix", attribute: "schema_name",
		config: `resource "cosell_crm_field" "bad" {
  display_name = "Referral id"
  schema_name  = "ReferralId"
  type         = "string"
}`,
		want: []string{"schema_name", `"ReferralId" has no publisher prefix`, `"contoso_ReferralId"`}},
	{name: "text column longer than Dataverse allows", attribute: "max_length",
		config: `resource "cosell_crm_field" "bad" {
  display_name = "Notes"
  schema_name  = "contoso_Notes"
  type         = "string"
  max_length   = 4001
}`,
		want: []string{"max_length", "between 1 and 4000 for a string column (got 4001)", "leave max_length out"}},
	{name: "choice column without options", attribute: "options",
		config: `resource "cosell_crm_field" "bad" {
  display_name = "Stage"
  schema_name  = "contoso_Stage"
  type         = "choice"
}`,
		want: []string{"Missing options", `type = "choice" needs options: list at least one`}},
	{name: "attribute of another column type", attribute: "max_length",
		config: `resource "cosell_crm_field" "bad" {
  display_name = "Flag"
  schema_name  = "contoso_Flag"
  type         = "boolean"
  max_length   = 100
}`,
		want: []string{"max_length", `applies only to columns of type "string" or "memo"`, "Remove max_length, or change type"}},
	{name: "negative column create timeout", attribute: "timeouts.create",
		config: `resource "cosell_crm_field" "bad" {
  display_name = "Referral id"
  schema_name  = "contoso_ReferralId"
  type         = "string"
  timeouts     = { create = "-5m" }
}`,
		want: []string{"Invalid timeouts.create", `"-5m" is not a usable timeout`, "Remove the attribute to use the default"}},
	{name: "two resources for one column", attribute: "schema_name",
		config: `resource "cosell_crm_field" "a" {
  display_name = "Referral id"
  schema_name  = "contoso_ReferralId"
  type         = "string"
}
resource "cosell_crm_field" "b" {
  display_name = "Referral id (again)"
  schema_name  = "contoso_referralid"
  type         = "string"
}`,
		want: []string{"Two resources manage the CRM field opportunity/contoso_referralid", "Keep one cosell_crm_field for this column and remove the other"}},

	{name: "lookup column without its target table", attribute: "target_table",
		config: `resource "cosell_crm_field" "bad" {
  display_name = "Partner account"
  schema_name  = "contoso_PartnerAccount"
  type         = "lookup"
}`,
		want: []string{"target_table", `type = "lookup" needs target_table`, `target_table = "account"`}},

	// cosell_crm_table
	{name: "table schema name without a publisher prefix", attribute: "schema_name",
		config: `resource "cosell_crm_table" "bad" {
  schema_name             = "SolutionDetail"
  display_name            = "Solution Detail"
  display_collection_name = "Solution Details"
  primary_name_column = {
    schema_name  = "contoso_Name"
    display_name = "Name"
  }
}`,
		want: []string{"Invalid schema_name", `"SolutionDetail" has no publisher prefix`, `"contoso_SolutionDetail"`}},
	{name: "primary name column with another prefix than the table", attribute: "primary_name_column.schema_name",
		config: `resource "cosell_crm_table" "bad" {
  schema_name             = "contoso_SolutionDetail"
  display_name            = "Solution Detail"
  display_collection_name = "Solution Details"
  primary_name_column = {
    schema_name  = "fabrikam_Name"
    display_name = "Name"
  }
}`,
		want: []string{"Invalid primary_name_column.schema_name", `uses the prefix "fabrikam"`, `name the column "contoso_Name"`}},
	{name: "table ownership that does not exist", attribute: "ownership",
		config: `resource "cosell_crm_table" "bad" {
  schema_name             = "contoso_SolutionDetail"
  display_name            = "Solution Detail"
  display_collection_name = "Solution Details"
  ownership               = "team"
  primary_name_column = {
    schema_name  = "contoso_Name"
    display_name = "Name"
  }
}`,
		want: []string{`Attribute ownership value must be one of: ["user" "organization"], got: "team"`}},

	// cosell_solution_detail
	{name: "solution id not in Partner Center's form", attribute: "solution_id",
		config: `resource "cosell_solution_detail" "bad" {
  name           = "Northwind Sales Accelerator"
  solution_id    = "SOL-1"
  publisher_name = "Northwind"
  type           = "3P"
}`,
		want: []string{"Invalid solution_id", `"SOL-1" is not a solution id. Accepted forms:`, "SOL-<digits>-<three upper-case letters or digits>"}},

	// cosell_flow_activation
	{name: "flow that does not exist", attribute: "flows",
		config: `resource "cosell_flow_activation" "bad" {
  flows = ["Partner Center Webhook Registrations"]
}`,
		want: []string{"Cloud flows not found", `"Partner Center Webhook Registrations"`, "Nothing was switched on or off"}},
	{name: "child flow listed after the flow that calls it", attribute: "flows",
		config: `resource "cosell_flow_activation" "bad" {
  flows = ["Partner Center to Dynamics 365", "Partner Center to Dynamics 365 - Helper"]
}`,
		want: []string{"Invalid flows: a child flow is listed after the flow that calls it", `move "Partner Center to Dynamics 365 - Helper" before "Partner Center to Dynamics 365"`, "Nothing was switched on"}},
	{name: "no flows", attribute: "flows",
		config: `resource "cosell_flow_activation" "bad" {
  flows = []
}`,
		want: []string{"Invalid flows", "flows is empty. List at least one cloud flow to switch on, or omit flows"}},
}

var dataSourceRows = []badInput{
	{name: "referral id is not a GUID", attribute: "id",
		config: `data "cosell_referral" "bad" { id = "REF-1234" }`,
		want:   []string{"Invalid id", `"REF-1234" is not a GUID; give the referral's id`}},
	{name: "referrals max_results of zero", attribute: "max_results",
		config: `data "cosell_referrals" "bad" { max_results = 0 }`,
		want:   []string{"Attribute max_results value must be at least 1, got: 0"}},
	{name: "referrals status that does not exist", attribute: "status",
		config: `data "cosell_referrals" "bad" { status = "Open" }`,
		want:   []string{`Attribute status value must be one of: ["New" "Active" "Closed"], got: "Open"`}},
	{name: "referrals updated_since that is not RFC 3339", attribute: "updated_since",
		config: `data "cosell_referrals" "bad" { updated_since = "yesterday" }`,
		want:   []string{"Invalid updated_since", `"yesterday" is not an RFC 3339 timestamp; write it like 2026-10-01T00:00:00Z`}},
	{name: "environment variable that does not exist", attribute: "schema_name",
		config: `data "cosell_environment_variable" "bad" { schema_name = "msft_dealvaluefeild" }`,
		want:   []string{"Environment variable definition msft_dealvaluefeild not found", "Closest existing schema names: msft_dealvaluefield", "Fix schema_name"}},
	{name: "data source read timeout of zero", attribute: "timeouts.read",
		config: `data "cosell_environment_variable" "bad" {
  schema_name = "msft_dealvaluefield"
  timeouts    = { read = "0s" }
}`,
		want: []string{"Invalid timeouts.read", `"0s" is not a usable timeout: it must be greater than zero`, "Remove the attribute to use the default"}},
	{name: "sync preview with an unknown conflict policy", attribute: "conflict_policy",
		config: `data "cosell_sync_preview" "bad" { conflict_policy = "crm_wins" }`,
		want:   []string{"Invalid conflict_policy", `"crm_wins" is not a conflict policy; use one of partner_center_wins, dynamics_wins, newest_wins`}},
}

var syncOptionRows = []badInput{
	{name: "sync direction that does not exist", attribute: "direction",
		config: `resource "cosell_sync" "bad" { direction = "sideways" }`,
		want:   []string{"Invalid direction", `"sideways" is not a direction; use one of both, to_dynamics, to_partner_center`}},
	{name: "sync conflict policy that does not exist", attribute: "conflict_policy",
		config: `resource "cosell_sync" "bad" { conflict_policy = "crm_wins" }`,
		want:   []string{"Invalid conflict_policy", `"crm_wins" is not a conflict policy; use one of partner_center_wins, dynamics_wins, newest_wins`}},
	{name: "sync status filter that is an opportunity status", attribute: "filters.statuses",
		config: `resource "cosell_sync" "bad" {
  filters = { statuses = ["Open"] }
}`,
		want: []string{"Invalid statuses", `"Open" is not a referral status; use any of New, Active, Closed`}},
	{name: "sync status filter that is empty", attribute: "filters.statuses",
		config: `resource "cosell_sync" "bad" {
  filters = { statuses = [] }
}`,
		want: []string{"Invalid statuses", "statuses is empty, so no referral would take part; list any of New, Active, Closed, or remove statuses"}},
	{name: "sync updated_since that is not a time", attribute: "filters.updated_since",
		config: `resource "cosell_sync" "bad" {
  filters = { updated_since = "yesterday" }
}`,
		want: []string{"Invalid filters.updated_since", `"yesterday" is not an RFC 3339 timestamp; write it like 2026-10-01T00:00:00Z`}},
	{name: "sync parallelism beyond Dataverse's limit", attribute: "max_parallelism",
		config: `resource "cosell_sync" "bad" { max_parallelism = 100 }`,
		want:   []string{"Invalid max_parallelism", "100 is out of range; use 1 to 32"}},
	{name: "sync parallelism of zero", attribute: "max_parallelism",
		config: `resource "cosell_sync" "bad" { max_parallelism = 0 }`,
		want:   []string{"Invalid max_parallelism", "0 is out of range; use 1 to 32, or leave max_parallelism unset"}},
	{name: "sync snapshot column given as a schema name", attribute: "snapshot_column",
		config: `resource "cosell_sync" "bad" { snapshot_column = "Cosell_SyncSnapshot" }`,
		want:   []string{"Invalid snapshot_column", "use the lower-case logical name, e.g. cosell_syncsnapshot"}},
}

// TestAccCatalogue_planTime runs every plan-time row: one plan that fails
// with the row's diagnostic, and no write on any service.
func TestAccCatalogue_planTime(t *testing.T) {
	emu := acctest.Emulator(t)
	for _, group := range []struct {
		area string
		rows []badInput
	}{{"provider", providerRows}, {"resource", resourceRows}, {"data source", dataSourceRows}, {"sync options", syncOptionRows}} {
		for _, row := range group.rows {
			t.Run(group.area+"/"+row.name, func(t *testing.T) {
				for k, v := range row.env {
					t.Setenv(k, v)
				}
				before := writes(emu)
				resource.Test(t, resource.TestCase{
					ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
					Steps: []resource.TestStep{{
						Config:      row.config,
						PlanOnly:    true,
						ExpectError: diagnostic(row.want...),
					}},
				})
				if n := writes(emu) - before; n != 0 {
					t.Errorf("%s (%s): %d write request(s) reached the emulator; bad input must be refused before any write", row.name, row.attribute, n)
				}
			})
		}
	}
}

// writes counts the requests that could change data: every non-GET on
// Partner Center (referrals, webhooks), Dataverse and Power Platform.
// Entra is left out: its token endpoint is a POST that changes nothing.
func writes(emu *emulator.Emulator) int {
	n := 0
	for _, c := range emu.Metrics().Snapshot() {
		if c.Service == emulator.ServiceEntra {
			continue
		}
		if c.Method != http.MethodGet && c.Method != http.MethodHead {
			n += c.Count
		}
	}
	return n
}

// diagnostic matches the fragments in order, whatever line wrapping the CLI
// applied (fragments are literal text).
func diagnostic(fragments ...string) *regexp.Regexp {
	return acctest.DiagnosticLike(fragments...)
}

// syncDataRow is an invalid record met by cosell_sync: seed puts it in the
// emulator, check proves it was reported with reason and left unwritten.
type syncDataRow struct {
	name      string
	attribute string // the CRM column or referral field at fault
	reason    string // the failure reason (also the warning and the audit line)
	seed      func(t *testing.T, emu *emulator.Emulator)
	untouched func(emu *emulator.Emulator, reason string) error
}

// Ids of the catalogue's own records (outside the default scenario's).
const (
	accountNoCountry  = "ca7a1000-0000-4000-8000-000000000001"
	accountBadCountry = "ca7a1000-0000-4000-8000-000000000002"
	oppNoCountry      = "ca7a2000-0000-4000-8000-000000000001"
	oppBadCountry     = "ca7a2000-0000-4000-8000-000000000002"
	oppNoValue        = "ca7a2000-0000-4000-8000-000000000003"
	referralNZD       = "ca7a3000-0000-4000-8000-000000000001"
	referralXX        = "ca7a3000-0000-4000-8000-000000000002"
)

var syncDataRows = []syncDataRow{
	{name: "flagged opportunity whose account has no country", attribute: "account.address1_country",
		reason: "the customer account has no country: put the ISO 3166 alpha-2 code (e.g. US) in the account's address1_country column",
		seed: func(t *testing.T, emu *emulator.Emulator) {
			account(t, emu, accountNoCountry, "Litware Inc", "")
			opportunity(t, emu, oppNoCountry, "Litware - Teams Phone", 25000, accountNoCountry)
		},
		untouched: noReferralFor(oppNoCountry)},
	{name: "flagged opportunity whose account country is a name", attribute: "account.address1_country",
		reason: `country "Germany" is not an ISO 3166 alpha-2 code: put a 2-letter code (e.g. US) in the account's address1_country column`,
		seed: func(t *testing.T, emu *emulator.Emulator) {
			account(t, emu, accountBadCountry, "Adventure Works GmbH", "Germany")
			opportunity(t, emu, oppBadCountry, "Adventure Works - Copilot Studio", 40000, accountBadCountry)
		},
		untouched: noReferralFor(oppBadCountry)},
	{name: "flagged opportunity without a deal value", attribute: "opportunity.estimatedvalue",
		reason: "deal value is 0 or empty: set the opportunity's deal value",
		seed: func(t *testing.T, emu *emulator.Emulator) {
			opportunity(t, emu, oppNoValue, "Tailspin Toys - Power BI Premium", 0, dvemu.AccountTailspin)
		},
		untouched: noReferralFor(oppNoValue)},
	{name: "incoming referral in a currency Dynamics 365 does not have", attribute: "details.currency",
		reason: `currency "NZD" has no transactioncurrency row in Dynamics 365: add the currency (ISO code NZD) to the environment`,
		seed: func(t *testing.T, emu *emulator.Emulator) {
			referral(t, emu, referralNZD, "Kiwi Traders - Dynamics 365 Sales", "NZ", "NZD")
		},
		untouched: noOpportunityFor(referralNZD)},
	{name: "incoming referral with a customer country that is not ISO 3166", attribute: "customerProfile.address.country",
		reason: `country "XX" is not an ISO 3166 alpha-2 code: put a 2-letter code (e.g. US) in the account's address1_country column`,
		seed: func(t *testing.T, emu *emulator.Emulator) {
			referral(t, emu, referralXX, "Nowhere Ltd - Azure migration", "XX", "USD")
		},
		untouched: noOpportunityFor(referralXX)},
}

// TestAccCatalogue_syncData seeds every invalid record, applies cosell_sync
// once, and checks each row: the record is in failures with its reason, its
// audit column (for opportunities) says why, and nothing was written for it.
func TestAccCatalogue_syncData(t *testing.T) {
	emu := acctest.Emulator(t)
	const addr = "cosell_sync.catalogue"
	var checks []resource.TestCheckFunc
	for _, row := range syncDataRows {
		checks = append(checks, resource.TestCheckTypeSetElemNestedAttrs(addr, "failures.*", map[string]string{"reason": row.reason}))
		checks = append(checks, func(*terraform.State) error {
			if err := row.untouched(emu, row.reason); err != nil {
				return fmt.Errorf("%s (%s): %w", row.name, row.attribute, err)
			}
			return nil
		})
	}
	resource.Test(t, resource.TestCase{
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				for _, row := range syncDataRows {
					row.seed(t, emu)
				}
			},
			Config: `resource "cosell_sync" "catalogue" {}`,
			Check:  resource.ComposeAggregateTestCheckFunc(checks...),
		}, {
			// A failed record does not keep the plan showing an update: it
			// waits in failures until the data is fixed.
			Config:   `resource "cosell_sync" "catalogue" {}`,
			PlanOnly: true,
		}},
	})
}

func account(t *testing.T, emu *emulator.Emulator, id, name, country string) {
	t.Helper()
	row := map[string]any{"accountid": id, "name": name, "address1_postalcode": "10001"}
	if country != "" {
		row["address1_country"] = country
	}
	if _, err := emu.Dataverse().CreateRecord("accounts", row); err != nil {
		t.Fatal(err)
	}
}

// opportunity is flagged "Sync with Partner Center", not shared with
// Microsoft: the sync would create a referral for it.
func opportunity(t *testing.T, emu *emulator.Emulator, id, name string, value float64, accountID string) {
	t.Helper()
	row := map[string]any{"opportunityid": id, "name": name, "estimatedclosedate": "2027-04-30",
		"transactioncurrencyid@odata.bind":        "/transactioncurrencies(" + dvemu.CurrencyUSD + ")",
		"parentaccountid@odata.bind":              "/accounts(" + accountID + ")",
		"customerid_account@odata.bind":           "/accounts(" + accountID + ")",
		"msft_microsoftpartnercenterreferralsync": true}
	if value != 0 {
		row["estimatedvalue"] = value
	}
	if _, err := emu.Dataverse().CreateRecord("opportunities", row); err != nil {
		t.Fatal(err)
	}
}

// referral is a new incoming referral from a Microsoft seller.
func referral(t *testing.T, emu *emulator.Emulator, id, name, country, currency string) {
	t.Helper()
	ref := pcemu.MustParseReferral(fmt.Sprintf(`{"id":%q,"name":%q,"status":"Active","substatus":"Accepted",
"type":"Independent","qualification":"SalesQualified","direction":"Incoming","customerProfile":{"name":%q,"address":{"postalCode":"1010","country":%q},
"team":[{"lastName":"Buyer","email":"buyer@customer.example"}]},"consent":{"consentToContact":true},
"details":{"dealValue":9000,"currency":%q,"closingDateTime":"2027-05-01T00:00:00Z"}}`, id, name, strings.SplitN(name, " - ", 2)[0], country, currency))
	if _, err := emu.PartnerCenter().PutReferral(ref); err != nil {
		t.Fatal(err)
	}
}

// noReferralFor: no referral carries the opportunity, and the opportunity
// was not linked to one; its audit column gives the reason (the Audit line is
// the report the connector's users read, the one write the record gets).
func noReferralFor(oppID string) func(*emulator.Emulator, string) error {
	return func(emu *emulator.Emulator, reason string) error {
		for _, r := range emu.PartnerCenter().Referrals() {
			if v, _ := r.Get("/externalReferenceId"); strings.EqualFold(fmt.Sprint(v), oppID) {
				return fmt.Errorf("referral %s was created for the invalid opportunity", r.ID())
			}
		}
		row, ok := emu.Dataverse().Record("opportunities", oppID)
		if !ok {
			return fmt.Errorf("opportunity %s is gone", oppID)
		}
		if id := row["msft_microsoftpartnercenterreferralidentifier"]; id != nil && id != "" {
			return fmt.Errorf("the invalid opportunity was linked to referral %v", id)
		}
		if audit := fmt.Sprint(row["msft_microsoftpartnercenterreferralsyncaudit"]); !strings.Contains(audit, "Partner Center sync failure: "+reason) {
			return fmt.Errorf("the opportunity's audit column does not give the reason: %q", audit)
		}
		return nil
	}
}

// noOpportunityFor: no opportunity or lead was made from the referral, and
// the referral itself was not changed (no externalReferenceId written back).
func noOpportunityFor(refID string) func(*emulator.Emulator, string) error {
	return func(emu *emulator.Emulator, _ string) error {
		for _, set := range []string{"opportunities", "leads"} {
			for _, r := range emu.Dataverse().Records(set) {
				if strings.EqualFold(fmt.Sprint(r["msft_microsoftpartnercenterreferralidentifier"]), refID) {
					return fmt.Errorf("%s row was created for the invalid referral", set)
				}
			}
		}
		r, ok := emu.PartnerCenter().Referral(refID)
		if !ok {
			return fmt.Errorf("referral %s is gone", refID)
		}
		if v, ok := r.Get("/externalReferenceId"); ok && v != nil && v != "" {
			return fmt.Errorf("the invalid referral was written back with externalReferenceId %v", v)
		}
		return nil
	}
}

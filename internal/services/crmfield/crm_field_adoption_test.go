package crmfield_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
)

// A column on a table that does not exist fails before any write, saying
// what it means and the fix (like target_table).
func TestAccCRMField_missingTable(t *testing.T) {
	name, _ := names("NoTable")
	noWrites(t, testCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
resource "cosell_crm_field" "test" {
  table        = "nosuchtable"
  schema_name  = %q
  display_name = "No table"
  type         = "string"
}`, name),
		ExpectError: errorLike("Error creating CRM field nosuchtable/", `The table "nosuchtable" does not exist`,
			"the column cannot be added to it", "Nothing was created", "Set table to the logical name of an existing table"),
	}))
}

// Creating a column that exists (the connector's, installed in the
// emulator; the name in another case) stops before any write with the
// ready import block, never Dataverse's raw "is not unique".
func TestAccCRMField_alreadyExists(t *testing.T) {
	noWrites(t, testCase(t, resource.TestStep{
		Config: `
resource "cosell_crm_field" "sync" {
  schema_name  = "msft_microsoftpartnercenterreferralsync"
  display_name = "Sync with Partner Center"
  type         = "boolean"
}`,
		ExpectError: errorLike("Error creating CRM field opportunity/msft_microsoftpartnercenterreferralsync",
			"(schema name msft_MicrosoftPartnerCenterReferralSync)", "already exists", "Nothing was written", "import {",
			"to = cosell_crm_field.<name>", `id = "opportunity/msft_microsoftpartnercenterreferralsync"`),
	}))
}

// A timeout that is not positive is refused at plan time, naming it.
func TestAccCRMField_badInput_negativeTimeout(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type     = "string"
  timeouts = { create = "-5m", update = "0s" }`), errorLike("timeouts.create", `"-5m" is not a usable timeout: it must be greater than zero`))
}

// Another letter case of schema_name, or a solution_unique_name added
// later (it is never read back), is an in-place update that writes
// nothing: no replacement, no publish; the configured spelling is kept.
func TestAccCRMField_caseOnlyChangeWritesNothing(t *testing.T) {
	name, logical := names("Case")
	cfg := func(schemaName, extra string) string {
		return fmt.Sprintf(`
resource "cosell_crm_field" "test" {
  schema_name  = %q
  display_name = "Case"
  type         = "string"
  %s
}`, schemaName, extra)
	}
	var before int
	mark := func() { before = dataverseWrites(t) }
	unchanged := func(*terraform.State) error {
		if n := dataverseWrites(t) - before; n != 0 {
			return fmt.Errorf("%d Dataverse writes for a change of letter case", n)
		}
		return nil
	}
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("cosell_crm_field.test", plancheck.ResourceActionUpdate)}}
	resource.Test(t, testCase(t,
		resource.TestStep{Config: cfg(name, "")},
		resource.TestStep{
			PreConfig: mark, Config: cfg(logical, ""), ConfigPlanChecks: update,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownValue("cosell_crm_field.test",
				tfjsonpath.New("schema_name"), knownvalue.StringExact(logical))},
			Check: unchanged,
		},
		resource.TestStep{
			PreConfig: mark, Config: cfg(prefix+"_"+strings.ToUpper(logical[len(prefix)+1:]), `solution_unique_name = "CosellConfiguration"`),
			ConfigPlanChecks: update,
			Check:            unchanged,
		},
	))
}

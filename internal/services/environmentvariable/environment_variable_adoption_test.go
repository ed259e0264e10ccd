package environmentvariable_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// A schema name written in another letter case than Dataverse holds
// (msft_dealcurrencycodefield) names the same variable: the apply succeeds
// (no "unexpected new value"), the configured spelling stays in state,
// and another spelling later neither replaces nor writes anything.
func TestAccEnvironmentVariable_mixedCaseSchemaName(t *testing.T) {
	v := connectorVar(t, "msft_dealcurrencycodefield")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNoValueRecord(t, v.ID),
		Steps: []resource.TestStep{
			{
				Config: valueConfig("MSFT_DealCurrencyCodeField", "transactioncurrencyid"),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("schema_name"), knownvalue.StringExact("MSFT_DealCurrencyCodeField")),
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("id"), knownvalue.StringExact("MSFT_DealCurrencyCodeField")),
				},
				Check: checkValueRecord(t, v.ID, "transactioncurrencyid"),
			},
			{
				Config:           valueConfig("msft_DealCurrencyCodeField", "transactioncurrencyid"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				ConfigStateChecks: []statecheck.StateCheck{
					statecheck.ExpectKnownValue(addr, tfjsonpath.New("schema_name"), knownvalue.StringExact("msft_DealCurrencyCodeField")),
				},
				Check: checkValueRecord(t, v.ID, "transactioncurrencyid"),
			},
		},
	})
}

// Two resources for one variable (names differing only in case) are
// refused at plan time, naming the variable; nothing is written.
func TestAccEnvironmentVariable_twoResourcesOneVariable(t *testing.T) {
	testNoWrites(t, planError(`
resource "cosell_environment_variable" "a" {
  schema_name = "msft_dealvaluefield"
  value       = "estimatedvalue"
}
resource "cosell_environment_variable" "b" {
  schema_name = "MSFT_DealValueField"
  value       = "budgetamount"
}`, `(?s)Two resources manage environment variable (msft_dealvaluefield|MSFT_DealValueField).*Keep one cosell_environment_variable per schema name`))
}

// A timeout that is not positive is refused at plan time, naming it.
func TestAccEnvironmentVariable_badInput_negativeTimeout(t *testing.T) {
	testNoWrites(t, planError(`
resource "cosell_environment_variable" "test" {
  schema_name = "msft_dealvaluefield"
  value       = "estimatedvalue"
  timeouts    = { create = "-5m" }
}`, `(?s)timeouts.create.*"-5m" is not a usable timeout: it must be greater than zero`))
}

// Importing a variable that has only its default value says why there is
// nothing to import and how to adopt it.
func TestAccEnvironmentVariable_importDefaultOnly(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: `data "cosell_environment_variable" "v" { schema_name = "msft_dealvaluefield" }`},
			{
				Config:        requiredProviders + valueConfig("msft_dealvaluefield", "estimatedvalue"),
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "msft_dealvaluefield",
				ExpectError: expectError(`(?s)Cannot import environment variable msft_dealvaluefield: it has no current value.*` +
					`only the default value "estimatedvalue".*remove the import block.*apply the resource with the value`),
			},
		},
	})
}

// A 412 on the value update (the record changed between the read and the
// write) is re-read and written again: the apply converges. When it keeps
// happening, the error says so and what to do.
func TestAccEnvironmentVariable_updateRetriesAfter412(t *testing.T) {
	v := connectorVar(t, "msft_autohealrunscheduler")
	seedValue(t, v.ID, v.SchemaName, "0 * * * *")
	emu := acctest.Emulator(t)
	race := func(n int) func() {
		return func() {
			emu.Faults().Set("dataverse", &core.Faults{Methods: []string{"PATCH"},
				RoutePrefixes: []string{"/api/data/v9.2/environmentvariablevalues("}, PreconditionRaceRate: 1, Count: n})
		}
	}
	t.Cleanup(func() { emu.Faults().Set("dataverse", nil) })
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkValueRecord(t, v.ID, "0 * * * *"),
		Steps: []resource.TestStep{
			{
				PreConfig: race(1),
				Config:    valueConfig(v.SchemaName, "30 * * * *"),
				Check:     checkValueRecord(t, v.ID, "30 * * * *"),
			},
			{
				PreConfig:   race(10),
				Config:      valueConfig(v.SchemaName, "45 * * * *"),
				ExpectError: expectError(`(?s)Error setting the current value of environment variable msft_autohealrunscheduler.*kept changing while it was being written \(HTTP 412 3 times.*Find the other writer, then run apply again`),
			},
			{
				PreConfig: func() { emu.Faults().Set("dataverse", nil) },
				Config:    valueConfig(v.SchemaName, "45 * * * *"),
				Check:     checkValueRecord(t, v.ID, "45 * * * *"),
			},
		},
	})
}

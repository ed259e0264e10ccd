package environmentvariable_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

const addr = "cosell_environment_variable.test"

func valueConfig(schemaName, value string) string {
	return fmt.Sprintf(`resource "cosell_environment_variable" "test" {
  schema_name = %q
  value       = %q
}
`, schemaName, value)
}

// expectError compiles a pattern whose spaces match any white space (the
// CLIs wrap long diagnostics).
func expectError(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

func expectAction(a plancheck.ResourceActionType) resource.ConfigPlanChecks {
	return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, a)}}
}

// A connector variable with no current value: the resource creates the
// value record, never touches the default, and destroy deletes the record.
func TestAccEnvironmentVariable_basic(t *testing.T) {
	v := connectorVar(t, "msft_dealvaluefield")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkNoValueRecord(t, v.ID),
			checkDefinition(t, v.SchemaName, "defaultvalue", "estimatedvalue"),
		),
		Steps: []resource.TestStep{{
			Config: `resource "cosell_environment_variable" "test" {
  schema_name = "msft_dealvaluefield"
  value       = "actualvalue"
  timeouts = {
    create = "3m"
    read   = "1m"
  }
}`,
			ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "id", "msft_dealvaluefield"),
				resource.TestCheckResourceAttr(addr, "value", "actualvalue"),
				resource.TestCheckResourceAttr(addr, "type", "string"),
				resource.TestCheckResourceAttr(addr, "default_value", "estimatedvalue"),
				resource.TestCheckResourceAttr(addr, "definition_id", v.ID),
				resource.TestCheckNoResourceAttr(addr, "definition"),
				resource.TestMatchResourceAttr(addr, "value_id", regexp.MustCompile(`^[0-9a-f-]{36}$`)),
				checkValueRecord(t, v.ID, "actualvalue"),
				checkDefinition(t, v.SchemaName, "defaultvalue", "estimatedvalue"),
				func(s *terraform.State) error {
					rec := valueRecords(t, v.ID)[0]
					if got := s.RootModule().Resources[addr].Primary.Attributes["value_id"]; got != rec["environmentvariablevalueid"] {
						return fmt.Errorf("value_id %s is not the emulator's record %v", got, rec["environmentvariablevalueid"])
					}
					if rec["schemaname"] != "msft_dealvaluefield" {
						return fmt.Errorf("value record schemaname = %v", rec["schemaname"])
					}
					return nil
				},
			),
		}},
	})
}

// In-place update of a Yes/No connector variable.
func TestAccEnvironmentVariable_update(t *testing.T) {
	v := connectorVar(t, "msft_displaycheckmarkinname")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNoValueRecord(t, v.ID),
		Steps: []resource.TestStep{
			{
				Config: valueConfig(v.SchemaName, "no"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "type", "boolean"),
					resource.TestCheckResourceAttr(addr, "default_value", "yes"),
					checkValueRecord(t, v.ID, "no"),
				),
			},
			{
				Config:           valueConfig(v.SchemaName, "yes"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "value", "yes"),
					checkValueRecord(t, v.ID, "yes"),
				),
			},
		},
	})
}

// Import by schema name; the imported state matches the created one.
func TestAccEnvironmentVariable_import(t *testing.T) {
	v := connectorVar(t, "msft_customeraccountcountrycode")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNoValueRecord(t, v.ID),
		Steps: []resource.TestStep{
			{Config: valueConfig(v.SchemaName, "contoso_countryisocode")},
			{
				ResourceName:      addr,
				ImportState:       true,
				ImportStateId:     v.SchemaName, // the documented format: the schema name
				ImportStateVerify: true,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "msft_customer accountcountrycode",
				ExpectError:   expectError(`(?s)Invalid import id.*schema name`),
			},
		},
	})
}

const requiredProviders = `terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}
`

// Importing a variable whose value record existed adopts it at its value at
// import time: destroy writes that value back.
func TestAccEnvironmentVariable_importAdopted(t *testing.T) {
	name, defID := seedDefinition(t, codeString, "")
	seeded := seedValue(t, defID, name, "before")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkValueRecord(t, defID, "before"),
		Steps: []resource.TestStep{
			{
				// An import cannot be the first step (the working directory
				// is initialised by a config step); read the variable first.
				Config: fmt.Sprintf(`data "cosell_environment_variable" "before" { schema_name = %q }`, name),
				Check:  resource.TestCheckResourceAttr("data.cosell_environment_variable.before", "current_value", "before"),
			},
			{
				// A persisted import runs without the harness's provider
				// address, so the configuration names the provider itself.
				Config:             requiredProviders + valueConfig(name, "after"),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      name,
				ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 || s[0].Attributes["value"] != "before" || s[0].Attributes["value_id"] != seeded {
						return fmt.Errorf("imported state: %v", s)
					}
					return nil
				},
			},
			{
				Config:           valueConfig(name, "after"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            checkValueRecord(t, defID, "after"),
			},
		},
	})
}

// A value record that existed before is adopted: destroy puts its previous
// value back instead of deleting it.
func TestAccEnvironmentVariable_adoptedValueRestored(t *testing.T) {
	v := connectorVar(t, "msft_dealcurrencycodefield")
	seeded := seedValue(t, v.ID, v.SchemaName, "transactioncurrencyid")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkValueRecord(t, v.ID, "transactioncurrencyid"),
		Steps: []resource.TestStep{{
			Config: valueConfig(v.SchemaName, "contoso_currencycode"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "value_id", seeded),
				checkValueRecord(t, v.ID, "contoso_currencycode"),
			),
		}},
	})
}

// A definition the resource creates and manages: update in place, a value
// record deleted outside Terraform is written back (update), a deleted
// definition is re-created, a type change replaces, destroy deletes it.
func TestAccEnvironmentVariable_managedDefinition(t *testing.T) {
	name := randomName()
	cfg := func(display, typ, value, extra string) string {
		return fmt.Sprintf(`resource "cosell_environment_variable" "test" {
  schema_name = %q
  value       = %s
  definition = {
    display_name  = %q
    type          = %q
    %s
  }
}
`, name, value, display, typ, extra)
	}
	step1 := cfg("Retry policy", "json", `jsonencode({ retries = 5 })`, `default_value = jsonencode({ retries = 3 })
    description   = "Retry policy of the sync flows"`)
	var defID string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if d, ok := definitionByName(t, name); ok {
				return fmt.Errorf("destroy left the definition it created: %v", d)
			}
			if n := len(valueRecords(t, defID)); n != 0 {
				return fmt.Errorf("destroy left %d value records", n)
			}
			return nil
		},
		Steps: []resource.TestStep{
			{
				Config: step1,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "type", "json"),
					resource.TestCheckResourceAttr(addr, "value", `{"retries":5}`),
					resource.TestCheckResourceAttr(addr, "default_value", `{"retries":3}`),
					resource.TestCheckResourceAttr(addr, "definition.is_required", "false"),
					checkDefinition(t, name, "type", codeJSON),
					checkDefinition(t, name, "displayname", "Retry policy"),
					checkDefinition(t, name, "description", "Retry policy of the sync flows"),
					checkDefinition(t, name, "defaultvalue", `{"retries":3}`),
					func(s *terraform.State) error {
						defID = s.RootModule().Resources[addr].Primary.Attributes["definition_id"]
						return checkValueRecord(t, defID, `{"retries":5}`)(s)
					},
				),
			},
			{
				Config:           cfg("Retry policy (sync)", "json", `jsonencode({ retries = 7 })`, `is_required = true`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttrPtr(addr, "definition_id", &defID),
					resource.TestCheckNoResourceAttr(addr, "default_value"),
					checkDefinition(t, name, "displayname", "Retry policy (sync)"),
					checkDefinition(t, name, "isrequired", true),
					checkDefinition(t, name, "defaultvalue", "<nil>"),
					checkDefinition(t, name, "description", "<nil>"),
					func(s *terraform.State) error { return checkValueRecord(t, defID, `{"retries":7}`)(s) },
				),
			},
			{
				// The definition's display name is changed outside Terraform:
				// the plan shows an update that puts it back.
				PreConfig: func() {
					if err := acctest.Emulator(t).Dataverse().PatchRecord(setDefinitions, defID, map[string]any{"displayname": "Renamed in the portal"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg("Retry policy (sync)", "json", `jsonencode({ retries = 7 })`, `is_required = true`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            checkDefinition(t, name, "displayname", "Retry policy (sync)"),
			},
			{
				// The value record is deleted outside Terraform: the resource
				// stays (it owns the definition) and plans an update.
				PreConfig: func() {
					for _, r := range valueRecords(t, defID) {
						if err := acctest.Emulator(t).Dataverse().DeleteRecord(setValues, fmt.Sprint(r["environmentvariablevalueid"])); err != nil {
							t.Fatal(err)
						}
					}
				},
				Config:           cfg("Retry policy (sync)", "json", `jsonencode({ retries = 7 })`, `is_required = true`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            func(s *terraform.State) error { return checkValueRecord(t, defID, `{"retries":7}`)(s) },
			},
			{
				// The definition is deleted outside Terraform: the resource
				// disappears and is created again.
				PreConfig: func() {
					if err := acctest.Emulator(t).Dataverse().DeleteRecord(setDefinitions, defID); err != nil {
						t.Fatal(err)
					}
				},
				Config:           cfg("Retry policy (sync)", "json", `jsonencode({ retries = 7 })`, `is_required = true`),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					checkDefinition(t, name, "isrequired", true),
					func(s *terraform.State) error {
						defID = s.RootModule().Resources[addr].Primary.Attributes["definition_id"]
						return checkValueRecord(t, defID, `{"retries":7}`)(s)
					},
				),
			},
			{
				// Dataverse cannot change a type: the definition is replaced.
				Config:           cfg("Retry count", "number", `"4"`, ""),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionDestroyBeforeCreate),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "type", "number"),
					checkDefinition(t, name, "type", codeNumber),
					func(s *terraform.State) error {
						defID = s.RootModule().Resources[addr].Primary.Attributes["definition_id"]
						return checkValueRecord(t, defID, "4")(s)
					},
				),
			},
		},
	})
}

// A definition block on an existing definition adopts it: its fields are
// set, and destroy restores them and removes only the value record it made.
func TestAccEnvironmentVariable_adoptedDefinitionRestored(t *testing.T) {
	name, defID := seedDefinition(t, codeString, "alpha")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			checkDefinition(t, name, "displayname", "Test "+name),
			checkDefinition(t, name, "defaultvalue", "alpha"),
			checkNoValueRecord(t, defID),
		),
		Steps: []resource.TestStep{
			{
				Config: fmt.Sprintf(`resource "cosell_environment_variable" "test" {
  schema_name = %q
  value       = "gamma"
  definition = {
    display_name  = "Adopted"
    type          = "string"
    default_value = "beta"
  }
}`, name),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "definition_id", defID),
					checkDefinition(t, name, "displayname", "Adopted"),
					checkDefinition(t, name, "defaultvalue", "beta"),
					checkValueRecord(t, defID, "gamma"),
				),
			},
			{
				// Adopting with another type is refused before any write.
				Config: fmt.Sprintf(`resource "cosell_environment_variable" "test" {
  schema_name = %q
  value       = "1"
  definition = {
    display_name = "Adopted"
    type         = "number"
  }
}`, name),
				PlanOnly:    true,
				ExpectError: expectError(`(?s)type cannot change.*definition.type = "string"`),
			},
		},
	})
}

// Drift: a value changed outside Terraform shows as an update and is put
// back; a second value record is a clear error until it is removed.
func TestAccEnvironmentVariable_drift(t *testing.T) {
	v := connectorVar(t, "msft_synccosellopportunitiesonly")
	emu := acctest.Emulator(t)
	var extra string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNoValueRecord(t, v.ID),
		Steps: []resource.TestStep{
			{Config: valueConfig(v.SchemaName, "yes"), Check: checkValueRecord(t, v.ID, "yes")},
			{
				PreConfig: func() {
					recs := valueRecords(t, v.ID)
					if len(recs) != 1 {
						t.Fatalf("want one value record, got %d", len(recs))
					}
					if err := emu.Dataverse().PatchRecord(setValues, fmt.Sprint(recs[0]["environmentvariablevalueid"]), map[string]any{"value": "no"}); err != nil {
						t.Fatal(err)
					}
				},
				// The change shows as an update, and apply puts the value back.
				Config:           valueConfig(v.SchemaName, "yes"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionUpdate),
				Check:            checkValueRecord(t, v.ID, "yes"),
			},
			{
				PreConfig:   func() { extra = seedValue(t, v.ID, v.SchemaName, "no") },
				Config:      valueConfig(v.SchemaName, "yes"),
				PlanOnly:    true,
				ExpectError: expectError(`(?s)msft_synccosellopportunitiesonly has 2 value records.*one value record per definition`),
			},
			{
				PreConfig: func() {
					if err := emu.Dataverse().DeleteRecord(setValues, extra); err != nil {
						t.Fatal(err)
					}
				},
				Config:   valueConfig(v.SchemaName, "yes"),
				PlanOnly: true,
			},
		},
	})
}

// Disappears: the value record is deleted outside Terraform; the plan
// re-creates the resource without error.
func TestAccEnvironmentVariable_disappears(t *testing.T) {
	name, defID := seedDefinition(t, codeNumber, "10")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkNoValueRecord(t, defID),
		Steps: []resource.TestStep{
			{
				Config: valueConfig(name, "25"),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "type", "number"),
					checkValueRecord(t, defID, "25"),
					func(*terraform.State) error {
						for _, r := range valueRecords(t, defID) {
							if err := acctest.Emulator(t).Dataverse().DeleteRecord(setValues, fmt.Sprint(r["environmentvariablevalueid"])); err != nil {
								return err
							}
						}
						return nil
					},
				),
				ExpectNonEmptyPlan: true,
			},
			{
				Config:           valueConfig(name, "25"),
				ConfigPlanChecks: expectAction(plancheck.ResourceActionCreate),
				Check:            checkValueRecord(t, defID, "25"),
			},
		},
	})
}

// A create whose read-back fails writes nothing to state, so it must undo
// what it wrote: otherwise the next create adopts its own leftovers as
// pre-existing and destroy keeps them.
func TestAccEnvironmentVariable_createRollsBackWhenReadBackFails(t *testing.T) {
	emu := acctest.Emulator(t)
	name := randomName()
	emu.Faults().Set("dataverse", &core.Faults{
		Methods:       []string{"GET"},
		RoutePrefixes: []string{"/api/data/v9.2/environmentvariabledefinitions("},
		ErrorRates:    map[int]float64{400: 1},
		Count:         1,
	})
	t.Cleanup(func() { emu.Faults().Set("dataverse", nil) })
	postsBefore := emu.Metrics().Total("dataverse", "POST")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      definitionConfig(name, `"alpha"`, "string", ""),
			ExpectError: regexp.MustCompile(`(?s)Error reading environment variable`),
		}},
	})
	// Checked after the run: a failed create leaves no state, so the test
	// framework has nothing to destroy and skips CheckDestroy.
	if posts := emu.Metrics().Total("dataverse", "POST") - postsBefore; posts < 2 {
		t.Fatalf("the create should have written the definition and its value before failing; %d POSTs", posts)
	}
	for _, d := range emu.Dataverse().Records("environmentvariabledefinitions") {
		if strings.EqualFold(fmt.Sprint(d["schemaname"]), name) {
			t.Errorf("definition %s left behind by a failed create", name)
		}
	}
	for _, v := range emu.Dataverse().Records("environmentvariablevalues") {
		if strings.EqualFold(fmt.Sprint(v["schemaname"]), name) {
			t.Errorf("value of %s left behind by a failed create", name)
		}
	}
}

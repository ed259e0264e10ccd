package crmfield_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// Import by <table>/<logical_name> gives the same state as the apply did.
func TestAccCRMField_import(t *testing.T) {
	choice, choiceL := names("Help")
	flag, flagL := names("Sync")
	money, moneyL := names("Deal")
	date, dateL := names("Close")
	config := fmt.Sprintf(`
resource "cosell_crm_field" "choice" {
  schema_name    = %q
  display_name   = "How can Microsoft help?"
  description    = "Empty for a non-co-sell referral."
  type           = "choice"
  default_option = 2
  options = [
    { value = 1, label = "Proof of concept" },
    { value = 2, label = "General or other" },
  ]
}
resource "cosell_crm_field" "flag" {
  schema_name          = %q
  display_name         = "Referral Visibility"
  type                 = "boolean"
  true_label           = "Visible to Microsoft sellers"
  false_label          = "Not visible to Microsoft sellers"
  default_value        = true
  solution_unique_name = "CosellTest"
}
resource "cosell_crm_field" "money" {
  schema_name  = %q
  display_name = "Deal"
  type         = "money"
  precision    = 2
  max_value    = 1000000000000
  min_value    = 0
}
resource "cosell_crm_field" "date" {
  schema_name  = %q
  display_name = "Close"
  type         = "date"
}
`, choice, flag, money, date)
	step := func(addr, id string, ignore ...string) resource.TestStep {
		return resource.TestStep{
			ResourceName: addr, ImportState: true, ImportStateVerify: true,
			ImportStateId:           id,
			ImportStateVerifyIgnore: append([]string{"timeouts"}, ignore...),
		}
	}
	resource.Test(t, testCase(t,
		resource.TestStep{Config: config},
		step("cosell_crm_field.choice", "opportunity/"+choiceL),
		// solution_unique_name is not read back (documented).
		step("cosell_crm_field.flag", "opportunity/"+flagL, "solution_unique_name"),
		step("cosell_crm_field.money", "opportunity/"+moneyL),
		step("cosell_crm_field.date", "opportunity/"+dateL),
		resource.TestStep{
			ResourceName: "cosell_crm_field.date", ImportState: true, ImportStateId: dateL,
			ExpectError: errorLike("Invalid import id", "<table>/<logical_name>"),
		},
	))
}

// Changes made in the emulator behind Terraform's back show up as updates,
// and applying puts the configuration back.
func TestAccCRMField_drift(t *testing.T) {
	str, strL := names("Ident")
	choice, choiceL := names("Help")
	config := fmt.Sprintf(`
resource "cosell_crm_field" "str" {
  schema_name  = %q
  display_name = "Referral Identifier"
  description  = "Partner Center referral id."
  type         = "string"
}
resource "cosell_crm_field" "choice" {
  schema_name  = %q
  display_name = "How can Microsoft help?"
  type         = "choice"
  options = [
    { value = 100000000, label = "Proof of concept" },
    { value = 100000001, label = "Licensing" },
  ]
}
`, str, choice)
	dv := func() interface {
		UpdateAttribute(string, string, map[string]any) error
		InsertOption(string, string, int, string) (int, error)
	} {
		return acctest.Emulator(t).Dataverse()
	}
	englishLabel := func(s string) map[string]any {
		return map[string]any{"LocalizedLabels": []any{map[string]any{"Label": s, "LanguageCode": 1033}}}
	}
	update := func(addr string) resource.ConfigPlanChecks {
		return resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate)}}
	}
	resource.Test(t, testCase(t,
		resource.TestStep{Config: config},
		// Label and description changed in the maker portal.
		resource.TestStep{
			PreConfig: func() {
				if err := dv().UpdateAttribute("opportunity", strL, map[string]any{
					"DisplayName": englishLabel("Renamed by hand"), "Description": englishLabel("Changed by hand")}); err != nil {
					t.Fatal(err)
				}
			},
			Config:             config,
			PlanOnly:           true,
			ExpectNonEmptyPlan: true,
		},
		resource.TestStep{
			Config:           config,
			ConfigPlanChecks: update("cosell_crm_field.str"),
			Check: checkColumn(t, "opportunity", strL, map[string]string{
				"DisplayName": "Referral Identifier", "Description": "Partner Center referral id."}),
		},
		// Length changed by hand.
		resource.TestStep{
			PreConfig: func() {
				if err := dv().UpdateAttribute("opportunity", strL, map[string]any{"MaxLength": 50}); err != nil {
					t.Fatal(err)
				}
			},
			Config:           config,
			ConfigPlanChecks: update("cosell_crm_field.str"),
			Check:            checkColumn(t, "opportunity", strL, map[string]string{"MaxLength": "100"}),
		},
		// An option added by hand is planned away (and removed on apply).
		resource.TestStep{
			PreConfig: func() {
				if _, err := dv().InsertOption("opportunity", choiceL, 100000009, "Added by hand"); err != nil {
					t.Fatal(err)
				}
			},
			Config:           config,
			ConfigPlanChecks: update("cosell_crm_field.choice"),
			Check:            checkOptions(t, "opportunity", choiceL, "100000000=Proof of concept", "100000001=Licensing"),
		},
	))
}

// A column deleted outside Terraform is planned for re-creation, without an
// error, and the next apply re-creates it.
func TestAccCRMField_disappears(t *testing.T) {
	str, strL := names("Ident")
	config := fmt.Sprintf(`
resource "cosell_crm_field" "str" {
  schema_name  = %q
  display_name = "Referral Identifier"
  type         = "string"
}
`, str)
	resource.Test(t, testCase(t,
		resource.TestStep{
			Config: config,
			Check: func(*terraform.State) error {
				return acctest.Emulator(t).Dataverse().DeleteAttribute("opportunity", strL)
			},
			ExpectNonEmptyPlan: true,
		},
		resource.TestStep{
			Config:           config,
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{plancheck.ExpectResourceAction("cosell_crm_field.str", plancheck.ResourceActionCreate)}},
			Check:            checkColumn(t, "opportunity", strL, map[string]string{"SchemaName": str}),
		},
	))
}

// A lookup from opportunity to account: created through RelationshipDefinitions,
// importable, relabelled in place, and destroyed with its relationship.
func TestAccCRMField_lookup(t *testing.T) {
	name, logical := names("PartnerAccountId")
	rel := "cstf_account_opportunity_" + name[len(prefix)+1:]
	config := func(display string) string {
		return fmt.Sprintf(`
resource "cosell_crm_field" "lookup" {
  schema_name  = %q
  display_name = %q
  type         = "lookup"
  target_table = "account"
}
`, name, display)
	}
	resource.Test(t, testCase(t,
		resource.TestStep{
			Config: config("Partner account"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("cosell_crm_field.lookup", "relationship_schema_name", rel),
				resource.TestCheckResourceAttr("cosell_crm_field.lookup", "target_table", "account"),
				resource.TestCheckResourceAttr("cosell_crm_field.lookup", "id", "opportunity/"+logical),
				checkColumn(t, "opportunity", logical, map[string]string{"AttributeType": "Lookup", "Targets": "[account]", "DisplayName": "Partner account"}),
				func(*terraform.State) error {
					r, ok := acctest.Emulator(t).Dataverse().Relationship(rel)
					if !ok {
						return fmt.Errorf("relationship %s not created", rel)
					}
					if r["ReferencedEntity"] != "account" || r["ReferencingEntity"] != "opportunity" || r["ReferencingAttribute"] != logical {
						return fmt.Errorf("relationship %v", r)
					}
					return nil
				},
				checkPublished(t, "account", "opportunity"),
			),
		},
		resource.TestStep{
			ResourceName: "cosell_crm_field.lookup", ImportState: true, ImportStateVerify: true,
			ImportStateId: "opportunity/" + logical, ImportStateVerifyIgnore: []string{"timeouts"},
		},
		resource.TestStep{
			Config: config("Partner (account)"),
			ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
				plancheck.ExpectResourceAction("cosell_crm_field.lookup", plancheck.ResourceActionUpdate)}},
			Check: checkColumn(t, "opportunity", logical, map[string]string{"DisplayName": "Partner (account)"}),
		},
	))
}

// A lookup to a table that does not exist fails at apply, before any write.
func TestAccCRMField_lookupMissingTable(t *testing.T) {
	name, _ := names("Missing")
	noWrites(t, testCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
resource "cosell_crm_field" "lookup" {
  schema_name  = %q
  display_name = "Missing"
  type         = "lookup"
  target_table = "cstf_nosuchtable"
}
`, name),
		ExpectError: errorLike("Error creating CRM field", `table "cstf_nosuchtable" does not exist`, "the lookup cannot point to it", "Nothing was created"),
	}))
}

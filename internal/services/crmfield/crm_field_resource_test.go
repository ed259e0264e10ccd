package crmfield_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// One column of every non-lookup type in one configuration (one apply).
func TestAccCRMField_basic(t *testing.T) {
	sync, syncL := names("Sync")
	ident, identL := names("ReferralId")
	link, linkL := names("ReferralLink")
	audit, auditL := names("Audit")
	help, helpL := names("Help")
	deal, dealL := names("Deal")
	closeDate, closeL := names("Close")
	synced, syncedL := names("SyncedOn")
	seats, seatsL := names("Seats")
	share, shareL := names("Share")
	config := fmt.Sprintf(`
resource "cosell_crm_field" "sync" {
  schema_name          = %[1]q
  display_name         = "Sync with Partner Center"
  description          = "Share this opportunity with Microsoft through Partner Center."
  type                 = "boolean"
  solution_unique_name = "CosellTest"
}
resource "cosell_crm_field" "ident" {
  schema_name    = %[2]q
  display_name   = "Referral Identifier"
  type           = "string"
  required_level = "recommended"
}
resource "cosell_crm_field" "link" {
  schema_name  = %[3]q
  display_name = "Referral Link"
  type         = "string"
  format       = "url"
  max_length   = 4000
}
resource "cosell_crm_field" "audit" {
  schema_name  = %[4]q
  display_name = "Audit"
  type         = "memo"
  max_length   = 100000
}
resource "cosell_crm_field" "help" {
  schema_name    = %[5]q
  display_name   = "How can Microsoft help?"
  type           = "choice"
  default_option = 100000005
  options = [
    { value = 100000000, label = "Workload Specific Value Proposition" },
    { value = 100000001, label = "Customer Technical Architecture" },
    { value = 100000002, label = "Proof Of Concept or Demo" },
    { value = 100000003, label = "Quotes or Licensing" },
    { value = 100000004, label = "Post Sales Customer Success" },
    { value = 100000005, label = "General or Other" },
  ]
}
resource "cosell_crm_field" "deal" {
  schema_name  = %[6]q
  display_name = "Partner deal value"
  type         = "money"
  min_value    = 0
}
resource "cosell_crm_field" "close" {
  schema_name  = %[7]q
  display_name = "Partner close date"
  type         = "date"
}
resource "cosell_crm_field" "synced" {
  schema_name  = %[8]q
  display_name = "Last synced"
  type         = "datetime"
}
resource "cosell_crm_field" "seats" {
  schema_name  = %[9]q
  display_name = "Seats"
  type         = "integer"
  min_value    = 1
  max_value    = 100000
}
resource "cosell_crm_field" "share" {
  schema_name  = %[10]q
  display_name = "Partner share"
  type         = "decimal"
  precision    = 4
  min_value    = 0
  max_value    = 0.5
}
`, sync, ident, link, audit, help, deal, closeDate, synced, seats, share)
	resource.Test(t, testCase(t, resource.TestStep{
		Config: config,
		Check: resource.ComposeAggregateTestCheckFunc(
			// boolean, in a solution
			resource.TestCheckResourceAttr("cosell_crm_field.sync", "id", "opportunity/"+syncL),
			resource.TestCheckResourceAttr("cosell_crm_field.sync", "table", "opportunity"),
			resource.TestCheckResourceAttr("cosell_crm_field.sync", "logical_name", syncL),
			resource.TestCheckResourceAttrSet("cosell_crm_field.sync", "metadata_id"),
			resource.TestCheckResourceAttr("cosell_crm_field.sync", "true_label", "Yes"),
			resource.TestCheckResourceAttr("cosell_crm_field.sync", "false_label", "No"),
			resource.TestCheckResourceAttr("cosell_crm_field.sync", "default_value", "false"),
			resource.TestCheckResourceAttr("cosell_crm_field.sync", "required_level", "none"),
			resource.TestCheckNoResourceAttr("cosell_crm_field.sync", "max_length"),
			checkColumn(t, "opportunity", syncL, map[string]string{"AttributeType": "Boolean", "SchemaName": sync,
				"DisplayName": "Sync with Partner Center", "Description": "Share this opportunity with Microsoft through Partner Center.",
				"DefaultValue": "false", "RequiredLevel": "None"}),
			checkInSolution(t, "CosellTest", syncL),
			// string
			resource.TestCheckResourceAttr("cosell_crm_field.ident", "max_length", "100"),
			resource.TestCheckResourceAttr("cosell_crm_field.ident", "format", "text"),
			resource.TestCheckNoResourceAttr("cosell_crm_field.ident", "description"),
			checkColumn(t, "opportunity", identL, map[string]string{"AttributeType": "String", "MaxLength": "100",
				"FormatName": "Text", "RequiredLevel": "Recommended"}),
			checkColumn(t, "opportunity", linkL, map[string]string{"MaxLength": "4000", "FormatName": "Url"}),
			// memo
			resource.TestCheckResourceAttr("cosell_crm_field.audit", "max_length", "100000"),
			checkColumn(t, "opportunity", auditL, map[string]string{"AttributeType": "Memo", "MaxLength": "100000", "Format": "TextArea"}),
			// choice
			resource.TestCheckResourceAttr("cosell_crm_field.help", "options.#", "6"),
			resource.TestCheckResourceAttr("cosell_crm_field.help", "options.2.label", "Proof Of Concept or Demo"),
			resource.TestCheckResourceAttr("cosell_crm_field.help", "default_option", "100000005"),
			checkColumn(t, "opportunity", helpL, map[string]string{"AttributeType": "Picklist", "DefaultFormValue": "100000005"}),
			checkOptions(t, "opportunity", helpL, "100000000=Workload Specific Value Proposition", "100000001=Customer Technical Architecture",
				"100000002=Proof Of Concept or Demo", "100000003=Quotes or Licensing", "100000004=Post Sales Customer Success", "100000005=General or Other"),
			// money: currency precision
			resource.TestCheckNoResourceAttr("cosell_crm_field.deal", "precision"),
			resource.TestCheckResourceAttr("cosell_crm_field.deal", "min_value", "0"),
			resource.TestCheckResourceAttr("cosell_crm_field.deal", "max_value", "922337203685477"),
			checkColumn(t, "opportunity", dealL, map[string]string{"AttributeType": "Money", "PrecisionSource": "2",
				"MinValue": "0", "MaxValue": "922337203685477"}),
			// date / datetime
			checkColumn(t, "opportunity", closeL, map[string]string{"AttributeType": "DateTime", "Format": "DateOnly", "DateTimeBehavior": "DateOnly"}),
			checkColumn(t, "opportunity", syncedL, map[string]string{"AttributeType": "DateTime", "Format": "DateAndTime", "DateTimeBehavior": "UserLocal"}),
			resource.TestCheckResourceAttr("cosell_crm_field.close", "type", "date"),
			resource.TestCheckResourceAttr("cosell_crm_field.synced", "type", "datetime"),
			// integer
			checkColumn(t, "opportunity", seatsL, map[string]string{"AttributeType": "Integer", "MinValue": "1", "MaxValue": "100000"}),
			// decimal
			resource.TestCheckResourceAttr("cosell_crm_field.share", "max_value", "0.5"),
			checkColumn(t, "opportunity", shareL, map[string]string{"AttributeType": "Decimal", "Precision": "4", "MinValue": "0", "MaxValue": "0.5"}),
			checkPublished(t, "opportunity"),
		),
	}))
}

func checkInSolution(t *testing.T, solution, logical string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, c := range acctest.Emulator(t).Dataverse().SolutionComponents(solution) {
			if c.LogicalName == logical {
				return nil
			}
		}
		return fmt.Errorf("column %s is not in solution %s", logical, solution)
	}
}

// In-place changes: labels, required level, lengths, boolean labels, choice
// options (add, relabel, remove), ranges. No step replaces a column.
func TestAccCRMField_update(t *testing.T) {
	str, strL := names("Ident")
	choice, choiceL := names("Help")
	flag, flagL := names("Sync")
	num, numL := names("Seats")
	dec, decL := names("Share")
	config := func(v int) string {
		display := []string{"Referral Identifier", "Partner Center referral id"}[v]
		desc := []string{"", `description = "The referral's id in Partner Center."`}[v]
		level := []string{"none", "application_required"}[v]
		length := []int{100, 250}[v]
		opts := []string{`
    { value = 100000000, label = "Proof of concept" },
    { value = 100000001, label = "Licensing" },
    { value = 100000002, label = "Other" },`, `
    { value = 100000000, label = "Proof of concept or demo" },
    { value = 100000002, label = "Other" },
    { value = 100000003, label = "Post-sales success" },`}[v]
		trueLabel := []string{"Yes", "Shared"}[v]
		return fmt.Sprintf(`
resource "cosell_crm_field" "str" {
  schema_name    = %[1]q
  display_name   = %[6]q
  %[7]s
  required_level = %[8]q
  type           = "string"
  max_length     = %[9]d
}
resource "cosell_crm_field" "choice" {
  schema_name  = %[2]q
  display_name = "How can Microsoft help?"
  type         = "choice"
  options      = [%[10]s
  ]
}
resource "cosell_crm_field" "flag" {
  schema_name  = %[3]q
  display_name = "Sync with Partner Center"
  type         = "boolean"
  true_label   = %[11]q
}
resource "cosell_crm_field" "num" {
  schema_name  = %[4]q
  display_name = "Seats"
  type         = "integer"
  min_value    = %[12]d
  max_value    = %[13]d
}
resource "cosell_crm_field" "dec" {
  schema_name  = %[5]q
  display_name = "Share"
  type         = "decimal"
  min_value    = %[14]s
  max_value    = %[15]s
}
`, str, choice, flag, num, dec, display, desc, level, length, opts, trueLabel,
			[]int{0, 5}[v], []int{1000, 500}[v], []string{"0", "-0.25"}[v], []string{"1", "0.75"}[v])
	}
	inPlace := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("cosell_crm_field.str", plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction("cosell_crm_field.choice", plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction("cosell_crm_field.flag", plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction("cosell_crm_field.num", plancheck.ResourceActionUpdate),
		plancheck.ExpectResourceAction("cosell_crm_field.dec", plancheck.ResourceActionUpdate),
	}}
	resource.Test(t, testCase(t,
		resource.TestStep{
			Config: config(0),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkOptions(t, "opportunity", choiceL, "100000000=Proof of concept", "100000001=Licensing", "100000002=Other"),
				checkColumn(t, "opportunity", strL, map[string]string{"MaxLength": "100", "RequiredLevel": "None", "Description": ""}),
			),
		},
		resource.TestStep{
			Config:           config(1),
			ConfigPlanChecks: inPlace,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkColumn(t, "opportunity", strL, map[string]string{"DisplayName": "Partner Center referral id",
					"Description": "The referral's id in Partner Center.", "RequiredLevel": "ApplicationRequired", "MaxLength": "250"}),
				resource.TestCheckResourceAttr("cosell_crm_field.str", "description", "The referral's id in Partner Center."),
				checkOptions(t, "opportunity", choiceL, "100000000=Proof of concept or demo", "100000002=Other", "100000003=Post-sales success"),
				resource.TestCheckResourceAttr("cosell_crm_field.choice", "options.#", "3"),
				resource.TestCheckResourceAttr("cosell_crm_field.choice", "options.2.value", "100000003"),
				checkBooleanLabels(t, flagL, "Shared", "No"),
				checkColumn(t, "opportunity", numL, map[string]string{"MinValue": "5", "MaxValue": "500"}),
				checkColumn(t, "opportunity", decL, map[string]string{"MinValue": "-0.25", "MaxValue": "0.75"}),
				checkPublished(t, "opportunity"),
			),
		},
		// And back: the description is cleared, the removed option returns.
		resource.TestStep{
			Config:           config(0),
			ConfigPlanChecks: inPlace,
			Check: resource.ComposeAggregateTestCheckFunc(
				checkColumn(t, "opportunity", strL, map[string]string{"DisplayName": "Referral Identifier", "Description": "", "MaxLength": "100"}),
				resource.TestCheckNoResourceAttr("cosell_crm_field.str", "description"),
				checkOptions(t, "opportunity", choiceL, "100000000=Proof of concept", "100000002=Other", "100000001=Licensing"),
				resource.TestCheckResourceAttr("cosell_crm_field.choice", "options.1.label", "Licensing"),
				checkBooleanLabels(t, flagL, "Yes", "No"),
			),
		},
	))
}

func checkBooleanLabels(t *testing.T, logical, yes, no string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		col, ok := column(t, "opportunity", logical)
		if !ok {
			return fmt.Errorf("column %s does not exist", logical)
		}
		os, _ := col["OptionSet"].(map[string]any)
		if got := [2]string{text(os["TrueOption"].(map[string]any)["Label"]), text(os["FalseOption"].(map[string]any)["Label"])}; got != [2]string{yes, no} {
			return fmt.Errorf("boolean labels %v, want [%s %s]", got, yes, no)
		}
		return nil
	}
}

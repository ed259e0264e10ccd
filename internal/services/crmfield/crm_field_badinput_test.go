package crmfield_test

import (
	"fmt"
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Every case is refused at plan time (PlanOnly) with a diagnostic naming
// the attribute and the fix, and no Dataverse write is made.
func badInput(t *testing.T, body string, want *regexp.Regexp) {
	t.Helper()
	noWrites(t, testCase(t, resource.TestStep{
		Config: fmt.Sprintf(`
resource "cosell_crm_field" "bad" {
  display_name = "Bad input"
%s
}`, body),
		PlanOnly:    true,
		ExpectError: want,
	}))
}

func schemaNameAnd(t *testing.T, rest string) string {
	name, _ := names("Bad")
	return fmt.Sprintf("  schema_name = %q\n%s", name, rest)
}

func TestAccCRMField_badInput_reservedPrefix(t *testing.T) {
	badInput(t, `  schema_name = "mscrm_ReferralId"
  type        = "string"`, errorLike("schema_name", `reserved prefix "mscrm"`, "publisher's customization prefix"))
}

func TestAccCRMField_badInput_upperCasePrefix(t *testing.T) {
	badInput(t, `  schema_name = "Contoso_ReferralId"
  type        = "string"`, errorLike("schema_name", "lower case", `"contoso_ReferralId"`))
}

func TestAccCRMField_badInput_maxLengthZero(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type = "string"
  max_length = 0`), errorLike("max_length", "between 1 and 4000 for a string column (got 0)"))
}

func TestAccCRMField_badInput_memoMaxLengthTooLong(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type = "memo"
  max_length = 1048577`), errorLike("max_length", "between 1 and 1048576 for a memo column"))
}

func TestAccCRMField_badInput_duplicateOptionValues(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type = "choice"
  options = [
    { value = 100000000, label = "Proof of concept" },
    { value = 100000000, label = "Licensing" },
  ]`), errorLike("Duplicate option value", "options[1].value", "100000000 appears more than once", "own value"))
}

func TestAccCRMField_badInput_duplicateOptionLabels(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type = "choice"
  options = [
    { value = 100000000, label = "Licensing" },
    { value = 100000001, label = "licensing" },
  ]`), errorLike("Duplicate option label", "options[1].label", `"licensing" appears more than once`, "Rename one"))
}

func TestAccCRMField_badInput_emptyOptions(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type    = "choice"
  options = []`), errorLike("options", "at least one option"))
}

func TestAccCRMField_badInput_defaultOptionNotAnOption(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type           = "choice"
  default_option = 7
  options        = [{ value = 1, label = "One" }]`), errorLike("default_option", "default_option = 7 is not the value of any entry in options"))
}

func TestAccCRMField_badInput_attributeOfAnotherType(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type       = "boolean"
  max_length = 100`), errorLike("max_length", `applies only to columns of type "string" or "memo"`, `type = "boolean"`, "Remove max_length, or change type"))
}

func TestAccCRMField_badInput_optionsOnString(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type    = "string"
  options = [{ value = 1, label = "One" }]`), errorLike("options", `applies only to columns of type "choice"`, `type = "string"`))
}

func TestAccCRMField_badInput_requiredLevel(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type           = "string"
  required_level = "mandatory"`), errorLike("required_level", "must be one of", `"application_required"`, `got: "mandatory"`))
}

func TestAccCRMField_badInput_unknownType(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type = "text"`), errorLike("type", "must be one of", `"string"`, `got: "text"`))
}

func TestAccCRMField_badInput_decimalPrecision(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type      = "decimal"
  precision = 11`), errorLike("precision", "between 0 and 10 for a decimal column (got 11)"))
}

func TestAccCRMField_badInput_moneyPrecision(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type      = "money"
  precision = 5`), errorLike("precision", "between 0 and 4 for a money column (got 5)"))
}

func TestAccCRMField_badInput_integerRange(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type      = "integer"
  max_value = 2147483648`), errorLike("max_value", "whole number between -2147483648 and 2147483647", `type "integer" (got 2147483648)`))
}

func TestAccCRMField_badInput_minGreaterThanMax(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type      = "decimal"
  min_value = 10
  max_value = 1`), errorLike("min_value", "must not be greater than max_value"))
}

func TestAccCRMField_badInput_tableName(t *testing.T) {
	badInput(t, schemaNameAnd(t, `  type  = "string"
  table = "Opportunities"`), errorLike("table", "logical name", `"opportunity"`))
}

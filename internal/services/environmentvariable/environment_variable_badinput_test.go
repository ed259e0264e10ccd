package environmentvariable_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
)

// Every case below is rejected with a diagnostic that names the attribute
// and the fix, and testNoWrites proves no POST/PUT/PATCH/DELETE reached the
// emulator.

func definitionConfig(schemaName, value, typ, extra string) string {
	return fmt.Sprintf(`resource "cosell_environment_variable" "test" {
  schema_name = %q
  value       = %s
  definition = {
    display_name = "Test variable"
    type         = %q
    %s
  }
}
`, schemaName, value, typ, extra)
}

func planError(config, pattern string) resource.TestStep {
	return resource.TestStep{Config: config, PlanOnly: true, ExpectError: expectError(pattern)}
}

// Yes/No takes exactly yes or no: checked against the type read from
// Dataverse (connector variable) and against a definition block.
func TestAccEnvironmentVariable_badInput_yesNoMaybe(t *testing.T) {
	testNoWrites(t,
		planError(valueConfig("msft_synccosellopportunitiesonly", "true"), `(?s)Invalid value.*"true" is not a Yes/No value.*write yes or no`),
		planError(definitionConfig(randomName(), `"Yes"`, "boolean", ""), `(?s)Invalid value.*"Yes" is not a Yes/No value.*lower case`),
		planError(definitionConfig(randomName(), `"yes"`, "boolean", `default_value = "on"`),
			`(?s)definition.default_value.*"on" is not a Yes/No value.*write yes or no`),
	)
}

func TestAccEnvironmentVariable_badInput_invalidJSON(t *testing.T) {
	name, _ := seedDefinition(t, codeJSON, "")
	testNoWrites(t,
		planError(valueConfig(name, `{"a":1,}`), `(?s)Invalid value.*not valid JSON`),
	)
}

func TestAccEnvironmentVariable_badInput_notANumber(t *testing.T) {
	name, _ := seedDefinition(t, codeNumber, "")
	testNoWrites(t,
		planError(definitionConfig(randomName(), `"12abc"`, "number", ""), `(?s)Invalid value.*"12abc" is not a number.*decimal number`),
		planError(valueConfig(name, "1,000"), `(?s)Invalid value.*"1,000" is not a number.*thousands separators`),
	)
}

// Secret variables are refused with Key Vault guidance, both existing ones
// and a definition block asking for one.
func TestAccEnvironmentVariable_badInput_secretRefused(t *testing.T) {
	name, _ := seedDefinition(t, codeSecret, "")
	testNoWrites(t,
		planError(valueConfig(name, "/subscriptions/x/secrets/y"),
			`(?s)Secret environment variables are not supported.*schema_name.*not put secrets in Terraform state.*Azure Key Vault`),
	)
}

func TestAccEnvironmentVariable_badInput_definitionTypeUnknown(t *testing.T) {
	testNoWrites(t,
		planError(definitionConfig(randomName(), `"x"`, "text", ""), `(?s)definition.type.*"text" is not an environment variable type.*write string \(Text\), number, boolean \(Yes/No\) or json`),
		planError(definitionConfig(randomName(), `"x"`, "data_source", ""), `(?s)definition.type.*data_source definitions.*leave out the definition block`),
	)
}

func TestAccEnvironmentVariable_badInput_schemaNameWithoutPrefix(t *testing.T) {
	testNoWrites(t,
		planError(definitionConfig("DealValueField", `"x"`, "string", ""), `(?s)schema_name.*"DealValueField" has no publisher prefix.*contoso_DealValueField`),
		planError(definitionConfig("mscrm_Thing", `"x"`, "string", ""), `(?s)schema_name.*reserved prefix`),
	)
}

func TestAccEnvironmentVariable_badInput_valueLength(t *testing.T) {
	testNoWrites(t,
		planError(valueConfig("msft_dealvaluefield", strings.Repeat("a", 2001)), `(?s)value.*2001 characters long.*at most 2000`),
		planError(valueConfig("msft_dealvaluefield", ""), `(?s)value.*empty value is not allowed.*remove the resource`),
	)
}

// A definition that does not exist, without a definition block: apply fails
// before any write and lists the closest schema names.
func TestAccEnvironmentVariable_badInput_missingDefinition(t *testing.T) {
	testNoWrites(t, resource.TestStep{
		Config: valueConfig("msft_dealvaluefeild", "actualvalue"),
		ExpectError: expectError(`(?s)Environment variable definition msft_dealvaluefeild not found.*` +
			`Closest existing schema names: msft_dealvaluefield, .*add a definition block.*Nothing was changed`),
	})
}

package environmentvariable_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

const dsAddr = "data.cosell_environment_variable.test"

func TestAccEnvironmentVariableDataSource_basic(t *testing.T) {
	v := connectorVar(t, "msft_dealvaluefield")
	var valueID string
	config := `data "cosell_environment_variable" "test" { schema_name = "msft_dealvaluefield" }`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				// No value record: the default is the effective value.
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(dsAddr, "id", "msft_dealvaluefield"),
					resource.TestCheckResourceAttr(dsAddr, "type", "string"),
					resource.TestCheckResourceAttr(dsAddr, "display_name", v.DisplayName),
					resource.TestCheckResourceAttr(dsAddr, "description", v.Description),
					resource.TestCheckResourceAttr(dsAddr, "default_value", "estimatedvalue"),
					resource.TestCheckResourceAttr(dsAddr, "is_required", "false"),
					resource.TestCheckResourceAttr(dsAddr, "definition_id", v.ID),
					resource.TestCheckNoResourceAttr(dsAddr, "current_value"),
					resource.TestCheckNoResourceAttr(dsAddr, "value_id"),
					resource.TestCheckResourceAttr(dsAddr, "effective_value", "estimatedvalue"),
				),
			},
			{
				// A current value (set in the portal) wins over the default.
				PreConfig: func() { valueID = seedValue(t, v.ID, v.SchemaName, "actualvalue") },
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(dsAddr, "current_value", "actualvalue"),
					resource.TestCheckResourceAttr(dsAddr, "effective_value", "actualvalue"),
					resource.TestCheckResourceAttrPtr(dsAddr, "value_id", &valueID),
					resource.TestCheckResourceAttr(dsAddr, "default_value", "estimatedvalue"),
				),
			},
		},
	})
}

// A Yes/No variable, and a Secret whose values stay out of state.
func TestAccEnvironmentVariableDataSource_types(t *testing.T) {
	secret, secretID := seedDefinition(t, codeSecret, "")
	seedValue(t, secretID, secret, "/subscriptions/0000/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv/secrets/s")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "cosell_environment_variable" "test" { schema_name = "msft_displaycheckmarkinname" }
data "cosell_environment_variable" "secret" { schema_name = "` + secret + `" }`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(dsAddr, "type", "boolean"),
				resource.TestCheckResourceAttr(dsAddr, "effective_value", "yes"),
				resource.TestCheckResourceAttr("data.cosell_environment_variable.secret", "type", "secret"),
				resource.TestCheckResourceAttrSet("data.cosell_environment_variable.secret", "value_id"),
				resource.TestCheckNoResourceAttr("data.cosell_environment_variable.secret", "current_value"),
				resource.TestCheckNoResourceAttr("data.cosell_environment_variable.secret", "effective_value"),
			),
		}},
	})
}

func TestAccEnvironmentVariableDataSource_notFound(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "cosell_environment_variable" "test" { schema_name = "msft_displaycheckmark" }`,
			ExpectError: expectError(`(?s)msft_displaycheckmark not found.*Closest existing schema names: msft_displaycheckmarkinname`),
		}},
	})
}

package environmentvariable_test

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// The documentation examples apply as written against the default scenario,
// and destroy leaves the connector's variables as they were.
func TestAccEnvironmentVariable_examples(t *testing.T) {
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var destroyChecks []resource.TestCheckFunc
	for _, v := range []string{"msft_dealvaluefield", "msft_customeraccountcountrycode", "msft_dealcurrencycodefield",
		"msft_displaycheckmarkinname", "msft_synccosellopportunitiesonly"} {
		destroyChecks = append(destroyChecks, checkNoValueRecord(t, connectorVar(t, v).ID))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(append(destroyChecks, func(*terraform.State) error {
			if _, ok := definitionByName(t, "contoso_CosellSyncPolicy"); ok {
				return fmt.Errorf("destroy left contoso_CosellSyncPolicy")
			}
			return nil
		})...),
		Steps: []resource.TestStep{{
			Config: read("examples/data-sources/cosell_environment_variable/data-source.tf"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckOutput("deal_value_field", "estimatedvalue"),
				resource.TestCheckOutput("deal_value_field_overridden", "false"),
			),
		}, {
			Config: read("examples/resources/cosell_environment_variable/resource.tf"),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkValueRecord(t, connectorVar(t, "msft_dealvaluefield").ID, "actualvalue"),
				checkValueRecord(t, connectorVar(t, "msft_customeraccountcountrycode").ID, "contoso_countryisocode"),
				checkValueRecord(t, connectorVar(t, "msft_dealcurrencycodefield").ID, "contoso_currencyisocode"),
				checkValueRecord(t, connectorVar(t, "msft_displaycheckmarkinname").ID, "no"),
				checkValueRecord(t, connectorVar(t, "msft_synccosellopportunitiesonly").ID, "yes"),
				checkDefinition(t, "contoso_CosellSyncPolicy", "type", codeJSON),
				resource.TestCheckResourceAttr("cosell_environment_variable.sync_policy", "value", `{"notify":"sales-ops@contoso.example","retries":5}`),
			),
		}},
	})
}

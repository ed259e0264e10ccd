package crmtable_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// The example module declares the connector's whole schema in one call.
// Applied with a prefix of its own (the emulator already has the msft_
// names installed), every column, table and relationship must exist, a
// catalogue row must land in the module's table through the prefix-derived
// column names, and destroy must remove it all.
func TestAccCRMTable_connectorSchemaModule(t *testing.T) {
	moduleDir, err := filepath.Abs(filepath.Join("..", "..", "..", "examples", "modules", "cosell-connector-schema"))
	if err != nil {
		t.Fatal(err)
	}
	p := "m" + sdkacctest.RandStringFromCharSet(5, "abcdefghijklmnopqrstuvwxyz")
	root := fmt.Sprintf(`
terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}

module "schema" {
  source               = %q
  prefix               = %q
  solution_unique_name = "CosellConfig"
}

resource "cosell_solution_detail" "row" {
  table          = module.schema.solution_details_table
  solution_id    = "SOL-15974-MQF"
  name           = "Northwind Field Service Accelerator"
  type           = "3P"
  publisher_name = "Northwind Consulting"
}

output "columns" { value = module.schema.opportunity_columns }
`, moduleDir, p)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(root), 0o600); err != nil {
		t.Fatal(err)
	}

	details, solutions := p+"_solutiondetail", p+"_partnercentersolution"
	opportunityColumns := map[string]string{
		p + "_microsoftpartnercenterreferralsync":       "Boolean",
		p + "_microsoftpartnercenterreferralvisible":    "Boolean",
		p + "_microsoftpartnercenterhelp":               "Picklist",
		p + "_microsoftpartnercenterreferralidentifier": "String",
		p + "_microsoftpartnercenterreferrallink":       "String",
		p + "_microsoftpartnercenterreferralprogram":    "String",
		p + "_microsoftpartnercenterreferralsyncaudit":  "Memo",
		p + "_microsoftcrmidentifier":                   "String",
		p + "_microsoftpartnercentersolutions":          "String",
	}
	tableColumns := map[string]map[string]string{
		details:   {p + "_name": "String", p + "_solutionidentifier": "String", p + "_solutiontype": "String", p + "_publishername": "String"},
		solutions: {p + "_name": "String", p + "_opportunityid": "Lookup", p + "_solutiondetailid": "Lookup"},
	}
	relationships := []string{p + "_opportunity_" + p + "_partnercentersolution", p + "_" + p + "_solutiondetail_" + p + "_partnercentersolution"}

	schemaExists := func() error {
		dv := acctest.Emulator(t).Dataverse()
		tableColumns["opportunity"] = opportunityColumns
		for table, cols := range tableColumns {
			for col, typ := range cols {
				a, ok := dv.Attribute(table, col)
				if !ok {
					return fmt.Errorf("column %s.%s was not created", table, col)
				}
				if a["AttributeType"] != typ {
					return fmt.Errorf("column %s.%s has type %v, want %s", table, col, a["AttributeType"], typ)
				}
			}
		}
		if opts := fmt.Sprint(must(dv.Attribute("opportunity", p+"_microsoftpartnercenterhelp"))["OptionSet"]); !contains(opts, "Proof Of Concept or Demo") {
			return fmt.Errorf("the help choice lacks its options: %s", opts)
		}
		for _, rel := range relationships {
			if _, ok := dv.Relationship(rel); !ok {
				return fmt.Errorf("relationship %s was not created", rel)
			}
		}
		rows := dv.Records(details + "s")
		if len(rows) != 1 || rows[0][p+"_solutionidentifier"] != "SOL-15974-MQF" || rows[0][p+"_name"] != "Northwind Field Service Accelerator" ||
			rows[0][p+"_solutiontype"] != "3P" {
			return fmt.Errorf("catalogue rows in %s: %v", details, rows)
		}
		return nil
	}
	schemaGone := func() error {
		dv := acctest.Emulator(t).Dataverse()
		for _, table := range []string{details, solutions} {
			if _, ok := dv.Table(table); ok {
				return fmt.Errorf("table %s still exists after destroy", table)
			}
		}
		for col := range opportunityColumns {
			if _, ok := dv.Attribute("opportunity", col); ok {
				return fmt.Errorf("column opportunity.%s still exists after destroy", col)
			}
		}
		return nil
	}
	// A last step without the module destroys it all; it must leave an
	// empty state, because the harness's state shim cannot read modules.
	emptyDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(emptyDir, "main.tf"), []byte(`terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}
`), 0o600); err != nil {
		t.Fatal(err)
	}
	row := "cosell_solution_detail.row"
	resource.Test(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{
			{
				// The harness installs modules only when it runs init on a step's
				// configuration: with providers on the step and the configuration
				// in a directory (Config strings are written after init).
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigStateChecks: []statecheck.StateCheck{
					emulatorCheck(schemaExists),
					statecheck.ExpectKnownValue(row, tfjsonpath.New("columns").AtMapKey("solution_id"), knownvalue.StringExact(p+"_solutionidentifier")),
					statecheck.ExpectKnownValue(row, tfjsonpath.New("columns").AtMapKey("publisher_name"), knownvalue.StringExact(p+"_publishername")),
					statecheck.ExpectKnownOutputValue("columns", knownvalue.MapPartial(map[string]knownvalue.Check{
						"referral_sync": knownvalue.StringExact(p + "_microsoftpartnercenterreferralsync"),
						"help":          knownvalue.StringExact(p + "_microsoftpartnercenterhelp"),
					})),
				},
			},
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				ConfigDirectory:          config.StaticDirectory(emptyDir),
				Check:                    func(*terraform.State) error { return schemaGone() },
			},
		},
	})
}

// emulatorCheck runs a check of the emulator's data as a state check.
type emulatorCheck func() error

func (f emulatorCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

func must(m map[string]any, _ bool) map[string]any { return m }

func contains(s, sub string) bool { return strings.Contains(s, sub) }

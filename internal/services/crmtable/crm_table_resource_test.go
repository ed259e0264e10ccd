package crmtable_test

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

const addr = "cosell_crm_table.test"

// randomSchemaName returns a unique table schema name for one test.
func randomSchemaName(base string) string {
	return "acc_" + base + sdkacctest.RandStringFromCharSet(6, sdkacctest.CharSetAlpha)
}

func tableConfig(schemaName, display, plural, description, primaryDisplay string, maxLength int, extra string) string {
	desc := ""
	if description != "" {
		desc = fmt.Sprintf("description = %q", description)
	}
	return fmt.Sprintf(`
resource "cosell_crm_table" "test" {
  schema_name             = %q
  display_name            = %q
  display_collection_name = %q
  %s
  primary_name_column = {
    schema_name  = "acc_Name"
    display_name = %q
    max_length   = %d
  }
  %s
}
`, schemaName, display, plural, desc, primaryDisplay, maxLength, extra)
}

// label returns a metadata label's text in LCID 1033 from the emulator's JSON.
func label(v any) string {
	m, _ := v.(map[string]any)
	list, _ := m["LocalizedLabels"].([]any)
	for _, l := range list {
		if lm, ok := l.(map[string]any); ok && fmt.Sprint(lm["LanguageCode"]) == "1033" {
			s, _ := lm["Label"].(string)
			return s
		}
	}
	return ""
}

// checkEmulatorTable compares the table in the emulator with expectations.
func checkEmulatorTable(t *testing.T, logical string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		dv := acctest.Emulator(t).Dataverse()
		tbl, ok := dv.Table(logical)
		if !ok {
			return fmt.Errorf("table %s does not exist in the emulator", logical)
		}
		got := map[string]string{
			"display_name":            label(tbl["DisplayName"]),
			"display_collection_name": label(tbl["DisplayCollectionName"]),
			"description":             label(tbl["Description"]),
			"ownership":               fmt.Sprint(tbl["OwnershipType"]),
		}
		if col, ok := dv.Attribute(logical, "acc_name"); ok {
			got["primary_display_name"] = label(col["DisplayName"])
			got["primary_max_length"] = fmt.Sprint(col["MaxLength"])
			got["primary_is_primary_name"] = fmt.Sprint(col["IsPrimaryName"])
		}
		for k, v := range want {
			if got[k] != v {
				return fmt.Errorf("emulator table %s: %s = %q, want %q", logical, k, got[k], v)
			}
		}
		return nil
	}
}

// checkTableGone is a CheckDestroy: destroy deletes the table.
func checkTableGone(t *testing.T, logical string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if _, ok := acctest.Emulator(t).Dataverse().Table(logical); ok {
			return fmt.Errorf("table %s still exists after destroy", logical)
		}
		return nil
	}
}

func TestAccCRMTable_basic(t *testing.T) {
	schemaName := randomSchemaName("Catalogue")
	logical := strings.ToLower(schemaName)
	dv := acctest.Emulator(t).Dataverse()
	publishes := dv.PublishCount()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkTableGone(t, logical),
		Steps: []resource.TestStep{{
			Config: tableConfig(schemaName, "Microsoft Solution Detail", "Microsoft Solution Details", "Solutions sellers can attach",
				"Solution Name", 200, `solution_unique_name = "CosellConfig"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "id", logical),
				resource.TestCheckResourceAttr(addr, "logical_name", logical),
				resource.TestCheckResourceAttrWith(addr, "entity_set_name", func(v string) error {
					tbl, _ := dv.Table(logical)
					if want := fmt.Sprint(tbl["EntitySetName"]); v != want || v == "" {
						return fmt.Errorf("entity_set_name = %q, the emulator says %q", v, want)
					}
					return nil
				}),
				resource.TestMatchResourceAttr(addr, "metadata_id", regexp.MustCompile(`^[0-9a-f-]{36}$`)),
				resource.TestCheckResourceAttr(addr, "ownership", "user"),
				resource.TestCheckResourceAttr(addr, "primary_name_column.logical_name", "acc_name"),
				resource.TestCheckResourceAttr(addr, "primary_name_column.max_length", "200"),
				checkEmulatorTable(t, logical, map[string]string{
					"display_name": "Microsoft Solution Detail", "display_collection_name": "Microsoft Solution Details",
					"description": "Solutions sellers can attach", "ownership": "UserOwned",
					"primary_display_name": "Solution Name", "primary_max_length": "200", "primary_is_primary_name": "true",
				}),
				func(*terraform.State) error {
					found := false
					for _, c := range dv.SolutionComponents("CosellConfig") {
						found = found || (c.Kind == "Entity" && c.LogicalName == logical)
					}
					if !found {
						return fmt.Errorf("table %s was not created in solution CosellConfig", logical)
					}
					if dv.PublishCount() <= publishes {
						return fmt.Errorf("the table was not published after create")
					}
					return nil
				},
			),
		}},
	})
}

func TestAccCRMTable_update(t *testing.T) {
	schemaName := randomSchemaName("Catalogue")
	logical := strings.ToLower(schemaName)
	dv := acctest.Emulator(t).Dataverse()
	var publishes int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkTableGone(t, logical),
		Steps: []resource.TestStep{
			{
				Config: tableConfig(schemaName, "Solution", "Solutions", "First text", "Name", 100, ""),
				Check:  func(*terraform.State) error { publishes = dv.PublishCount(); return nil },
			},
			{
				// Labels, description (removed) and the primary column change in place.
				Config: tableConfig(schemaName, "Solution Detail", "Solution Details", "", "Solution Name", 400, ""),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "display_name", "Solution Detail"),
					resource.TestCheckNoResourceAttr(addr, "description"),
					resource.TestCheckResourceAttr(addr, "primary_name_column.max_length", "400"),
					checkEmulatorTable(t, logical, map[string]string{
						"display_name": "Solution Detail", "display_collection_name": "Solution Details", "description": "",
						"primary_display_name": "Solution Name", "primary_max_length": "400",
					}),
					func(*terraform.State) error {
						if dv.PublishCount() <= publishes {
							return fmt.Errorf("the table was not published after the update")
						}
						return nil
					},
				),
			},
		},
	})
}

func TestAccCRMTable_import(t *testing.T) {
	schemaName := randomSchemaName("Catalogue")
	logical := strings.ToLower(schemaName)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkTableGone(t, logical),
		Steps: []resource.TestStep{
			{
				Config: tableConfig(schemaName, "Solution", "Solutions", "Imported", "Name", 120,
					`ownership = "organization"
  solution_unique_name = "CosellConfig"`),
				Check: checkEmulatorTable(t, logical, map[string]string{"ownership": "OrganizationOwned"}),
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           logical, // documented format: the logical name
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"solution_unique_name"}, // not reported by Dataverse
			},
			{
				// The schema name (mixed case) is accepted too.
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           schemaName,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"solution_unique_name"},
			},
		},
	})
}

func TestAccCRMTable_drift(t *testing.T) {
	schemaName := randomSchemaName("Catalogue")
	logical := strings.ToLower(schemaName)
	config := tableConfig(schemaName, "Solution", "Solutions", "", "Name", 100, "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkTableGone(t, logical),
		Steps: []resource.TestStep{
			{Config: config},
			{
				// Someone renames the table and its primary column in the maker portal.
				PreConfig: func() {
					dv := acctest.Emulator(t).Dataverse()
					en := func(s string) map[string]any {
						return map[string]any{"LocalizedLabels": []any{map[string]any{"Label": s, "LanguageCode": 1033}}}
					}
					if err := dv.UpdateTable(logical, map[string]any{"DisplayName": en("Renamed in the portal")}); err != nil {
						t.Fatal(err)
					}
					if err := dv.UpdateAttribute(logical, "acc_name", map[string]any{"DisplayName": en("Title"), "MaxLength": 50}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: checkEmulatorTable(t, logical, map[string]string{
					"display_name": "Solution", "primary_display_name": "Name", "primary_max_length": "100",
				}),
			},
		},
	})
}

func TestAccCRMTable_disappears(t *testing.T) {
	schemaName := randomSchemaName("Catalogue")
	logical := strings.ToLower(schemaName)
	config := tableConfig(schemaName, "Solution", "Solutions", "", "Name", 100, "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkTableGone(t, logical),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(*terraform.State) error {
					return acctest.Emulator(t).Dataverse().DeleteTable(logical)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: checkEmulatorTable(t, logical, map[string]string{"display_name": "Solution"}),
			},
		},
	})
}

// dataverseWrites counts the write requests the emulated Dataverse received.
func dataverseWrites(t *testing.T) int {
	m := acctest.Emulator(t).Metrics()
	n := 0
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		n += m.Total("dataverse", method)
	}
	return n
}

func TestAccCRMTable_badInput(t *testing.T) {
	before := dataverseWrites(t)
	bad := func(config, want string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	table := func(schemaName, primary string, maxLength int, extra string) string {
		return fmt.Sprintf(`
resource "cosell_crm_table" "test" {
  schema_name             = %q
  display_name            = "Solution"
  display_collection_name = "Solutions"
  primary_name_column = {
    schema_name  = %q
    display_name = "Name"
    max_length   = %d
  }
  %s
}`, schemaName, primary, maxLength, extra)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Publisher prefix with capitals.
			bad(table("Acc_SolutionDetail", "acc_Name", 100, ""), `(?s)schema_name.*lower case.*acc_SolutionDetail`),
			// Primary name column without prefix.
			bad(table("acc_SolutionDetail", "Name", 100, ""), `(?s)primary_name_column.schema_name.*no publisher prefix`),
			// max_length out of range, both ends.
			bad(table("acc_SolutionDetail", "acc_Name", 0, ""), `(?s)primary_name_column.max_length.*between 1 and 4000`),
			bad(table("acc_SolutionDetail", "acc_Name", 4001, ""), `(?s)primary_name_column.max_length.*between 1 and 4000`),
		},
	})
	if after := dataverseWrites(t); after != before {
		t.Fatalf("rejected configurations wrote to Dataverse: %d write requests", after-before)
	}
}

// Creating a table whose schema name is taken (here the connector's own
// catalogue, installed in the emulator) fails before any write with the
// import block.
func TestAccCRMTable_alreadyExists(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "cosell_crm_table" "test" {
  schema_name             = "msft_SolutionDetail"
  display_name            = "Microsoft Solution Details"
  display_collection_name = "Microsoft Solution Details"
  primary_name_column = {
    schema_name  = "msft_Name"
    display_name = "Solution Name"
  }
}`,
			ExpectError: regexp.MustCompile(`(?s)Error creating CRM table msft_solutiondetail.*already\s+exists.*Nothing\s+was\s+written.*import \{\s+to = cosell_crm_table\.<name>.*id = "msft_solutiondetail"`),
		}},
	})
	if _, ok := acctest.Emulator(t).Dataverse().Table("msft_solutiondetail"); !ok {
		t.Fatal("the existing table is gone")
	}
}

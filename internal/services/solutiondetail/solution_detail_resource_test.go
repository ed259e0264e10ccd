package solutiondetail_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	emudv "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
)

const (
	addr      = "cosell_solution_detail.test"
	entitySet = "msft_solutiondetails" // of the default table msft_solutiondetail
)

// randomSolutionID returns a unique co-sell id, e.g. SOL-48213-QX7.
func randomSolutionID() string {
	return fmt.Sprintf("SOL-%d-%s", sdkacctest.RandIntRange(10000, 99999),
		sdkacctest.RandStringFromCharSet(3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
}

func detailConfig(solutionID, name, optional string) string {
	return fmt.Sprintf(`
resource "cosell_solution_detail" "test" {
  solution_id = %q
  name        = %q
  %s
}
`, solutionID, name, optional)
}

// recordID reads the record id of a resource from state.
func recordID(s *terraform.State, address string) (string, error) {
	rs, ok := s.RootModule().Resources[address]
	if !ok {
		return "", fmt.Errorf("%s not in state", address)
	}
	return rs.Primary.Attributes["record_id"], nil
}

// checkRow compares the emulator's row of a resource with want (column →
// value; "" means null/absent).
func checkRow(t *testing.T, address string, want map[string]string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		id, err := recordID(s, address)
		if err != nil {
			return err
		}
		row, ok := acctest.Emulator(t).Dataverse().Record(entitySet, id)
		if !ok {
			return fmt.Errorf("row %s of %s is not in the emulator", id, address)
		}
		for col, v := range want {
			got := ""
			if row[col] != nil {
				got = fmt.Sprint(row[col])
			}
			if got != v {
				return fmt.Errorf("row %s: %s = %q, want %q", id, col, got, v)
			}
		}
		return nil
	}
}

// checkID checks the documented id format <table>/<record id>.
func checkID(address string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		rs := s.RootModule().Resources[address]
		a := rs.Primary.Attributes
		if want := a["table"] + "/" + a["record_id"]; a["id"] != want {
			return fmt.Errorf("id = %q, want %q", a["id"], want)
		}
		return nil
	}
}

// checkRowsGone is a CheckDestroy: no row holds any of the solution ids.
func checkRowsGone(t *testing.T, solutionIDs ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		for _, row := range acctest.Emulator(t).Dataverse().Records(entitySet) {
			for _, id := range solutionIDs {
				if row["msft_solutionidentifier"] == id {
					return fmt.Errorf("the row for %s still exists after destroy", id)
				}
			}
		}
		return nil
	}
}

func TestAccSolutionDetail_basic(t *testing.T) {
	sid := randomSolutionID()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRowsGone(t, sid),
		Steps: []resource.TestStep{{
			Config: detailConfig(sid, "Northwind Sales Accelerator", `type = "3P"
  publisher_name = "Northwind Consulting"`),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "table", "msft_solutiondetail"),
				resource.TestCheckResourceAttr(addr, "columns.solution_id", "msft_solutionidentifier"),
				resource.TestCheckResourceAttr(addr, "columns.name", "msft_name"),
				resource.TestMatchResourceAttr(addr, "record_id", regexp.MustCompile(`^[0-9a-f-]{36}$`)),
				checkID(addr),
				checkRow(t, addr, map[string]string{
					"msft_solutionidentifier": sid, "msft_name": "Northwind Sales Accelerator",
					"msft_solutiontype": "3P", "msft_publishername": "Northwind Consulting",
				}),
			),
		}},
	})
}

func TestAccSolutionDetail_update(t *testing.T) {
	sid := randomSolutionID()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRowsGone(t, sid),
		Steps: []resource.TestStep{
			{Config: detailConfig(sid, "Northwind Secure Cloud", `type = "3P"`)},
			{
				// Rename, clear the type, add the publisher: one PATCH, same row.
				Config: detailConfig(sid, "Northwind Secure Cloud Plus", `publisher_name = "Northwind Consulting"`),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckNoResourceAttr(addr, "type"),
					checkRow(t, addr, map[string]string{
						"msft_solutionidentifier": sid, "msft_name": "Northwind Secure Cloud Plus",
						"msft_solutiontype": "", "msft_publishername": "Northwind Consulting",
					}),
				),
			},
		},
	})
}

func TestAccSolutionDetail_import(t *testing.T) {
	sid := randomSolutionID()
	msSolution := "6b1c2d3e-4f5a-4b6c-8d7e-" + sdkacctest.RandStringFromCharSet(12, "0123456789abcdef")
	config := detailConfig(sid, "Northwind Sales Accelerator", `type = "3P"`) + `
resource "cosell_solution_detail" "microsoft" {
  solution_id    = "` + msSolution + `"
  name           = "M365 E5 Compliance | Non-specific"
  type           = "1P"
  publisher_name = "Microsoft"
}
`
	byRecordID := func(address string) resource.ImportStateIdFunc {
		return func(s *terraform.State) (string, error) {
			id, err := recordID(s, address)
			return "msft_solutiondetail/" + id, err
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRowsGone(t, sid, msSolution),
		Steps: []resource.TestStep{
			{Config: config},
			// <table>/<record id>
			{ResourceName: addr, ImportState: true, ImportStateIdFunc: byRecordID(addr), ImportStateVerify: true},
			// <table>/<solution id>, co-sell id
			{ResourceName: addr, ImportState: true, ImportStateId: "msft_solutiondetail/" + sid, ImportStateVerify: true},
			// <table>/<solution id>, Microsoft GUID id (not a record id: found through the solution id column)
			{ResourceName: "cosell_solution_detail.microsoft", ImportState: true, ImportStateId: "msft_solutiondetail/" + msSolution, ImportStateVerify: true},
			{ResourceName: "cosell_solution_detail.microsoft", ImportState: true, ImportStateIdFunc: byRecordID("cosell_solution_detail.microsoft"), ImportStateVerify: true},
			// An id that matches nothing.
			{ResourceName: addr, ImportState: true, ImportStateId: "msft_solutiondetail/SOL-1-NOP",
				ExpectError: regexp.MustCompile(`no\s+row\s+with\s+record\s+id\s+or\s+msft_solutionidentifier\s+"SOL-1-NOP"`)},
		},
	})
}

func TestAccSolutionDetail_drift(t *testing.T) {
	sid := randomSolutionID()
	config := detailConfig(sid, "Northwind Sales Accelerator", `type = "3P"`)
	var id string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRowsGone(t, sid),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check:  func(s *terraform.State) (err error) { id, err = recordID(s, addr); return err },
			},
			{
				// An admin renames the row in the app (or an Excel upload overwrites it).
				PreConfig: func() {
					err := acctest.Emulator(t).Dataverse().PatchRecord(entitySet, id, map[string]any{"msft_name": "Renamed by hand", "msft_solutiontype": "1P"})
					if err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: checkRow(t, addr, map[string]string{"msft_name": "Northwind Sales Accelerator", "msft_solutiontype": "3P"}),
			},
		},
	})
}

func TestAccSolutionDetail_disappears(t *testing.T) {
	sid := randomSolutionID()
	config := detailConfig(sid, "Northwind Sales Accelerator", "")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRowsGone(t, sid),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					id, err := recordID(s, addr)
					if err != nil {
						return err
					}
					return acctest.Emulator(t).Dataverse().DeleteRecord(entitySet, id)
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: checkRow(t, addr, map[string]string{"msft_solutionidentifier": sid, "msft_name": "Northwind Sales Accelerator"}),
			},
		},
	})
}

// A second row for a solution id already in the catalogue is refused before
// anything is written, naming the existing row and how to import it.
func TestAccSolutionDetail_duplicate(t *testing.T) {
	before := rowWrites(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			// SOL-22010-XYZ is seeded in the emulator's catalogue.
			Config: detailConfig("SOL-22010-XYZ", "Northwind Sales Accelerator", ""),
			ExpectError: regexp.MustCompile(`(?s)already\s+has\s+a\s+row\s+for\s+SOL-22010-XYZ:\s+record\s+` + emudv.SolutionDetailSales +
				`.*Nothing\s+was\s+written.*import\s+\{\s+to\s+=\s+cosell_solution_detail\.<name>.*id\s+=\s+"msft_solutiondetail/SOL-22010-XYZ".*msft_solutiondetail/` +
				emudv.SolutionDetailSales),
		}},
	})
	if after := rowWrites(t); after != before {
		t.Fatalf("the refused create wrote %d rows", after-before)
	}
}

// The catalogue from a CSV file with for_each, as in the documentation.
func TestAccSolutionDetail_csvForEach(t *testing.T) {
	csvPath, err := filepath.Abs(filepath.Join("testdata", "solutions.csv"))
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(f).ReadAll()
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	rows = rows[1:] // header
	var ids []string
	var checks []statecheck.StateCheck
	for _, r := range rows {
		a := fmt.Sprintf("cosell_solution_detail.catalogue[%q]", r[0])
		ids = append(ids, r[0])
		var publisher knownvalue.Check = knownvalue.StringExact(r[3])
		if r[3] == "" {
			publisher = knownvalue.Null()
		}
		checks = append(checks,
			statecheck.ExpectKnownValue(a, tfjsonpath.New("name"), knownvalue.StringExact(r[1])),
			statecheck.ExpectKnownValue(a, tfjsonpath.New("publisher_name"), publisher),
			rowCheck{t, a, map[string]string{"msft_solutionidentifier": r[0], "msft_name": r[1], "msft_solutiontype": r[2], "msft_publishername": r[3]}})
	}
	config := fmt.Sprintf(`
locals {
  solutions = {
    for row in csvdecode(file(%q)) : row.solution_id => row
  }
}

resource "cosell_solution_detail" "catalogue" {
  for_each = local.solutions

  solution_id    = each.value.solution_id
  name           = each.value.name
  type           = each.value.type != "" ? each.value.type : null
  publisher_name = each.value.publisher_name != "" ? each.value.publisher_name : null
}
`, csvPath)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRowsGone(t, ids...),
		Steps: []resource.TestStep{
			{Config: config, ConfigStateChecks: checks},
			// The harness's own destroy reads state through a shim that cannot
			// address for_each instances, so the rows are removed by a last
			// step without them, which checks they are gone.
			{Config: `locals {}`, Check: checkRowsGone(t, ids...)},
		},
	})
}

// rowCheck is checkRow for resources with for_each keys, which the legacy
// state shim of TestCheckFunc cannot address.
type rowCheck struct {
	t       *testing.T
	address string
	want    map[string]string
}

func (c rowCheck) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil || req.State.Values.RootModule == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, r := range req.State.Values.RootModule.Resources {
		if r.Address != c.address {
			continue
		}
		id, _ := r.AttributeValues["record_id"].(string)
		row, ok := acctest.Emulator(c.t).Dataverse().Record(entitySet, id)
		if !ok {
			resp.Error = fmt.Errorf("row %s of %s is not in the emulator", id, c.address)
			return
		}
		for col, v := range c.want {
			got := ""
			if row[col] != nil {
				got = fmt.Sprint(row[col])
			}
			if got != v {
				resp.Error = fmt.Errorf("%s row %s: %s = %q, want %q", c.address, id, col, got, v)
				return
			}
		}
		return
	}
	resp.Error = fmt.Errorf("%s not in state", c.address)
}

// rowWrites counts write requests the emulated Dataverse received.
func rowWrites(t *testing.T) int {
	m := acctest.Emulator(t).Metrics()
	n := 0
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		n += m.Total("dataverse", method)
	}
	return n
}

func TestAccSolutionDetail_badInput(t *testing.T) {
	before := rowWrites(t)
	bad := func(config, want string) resource.TestStep {
		return resource.TestStep{Config: config, PlanOnly: true, ExpectError: regexp.MustCompile(want)}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			// Malformed co-sell id: the diagnostic shows both accepted forms.
			bad(detailConfig("SOL-15974", "Northwind", ""), `(?s)solution_id.*"SOL-15974" is not a solution id.*SOL-<digits>-<three.*upper-case letters or digits>.*SOL-15974-MQF.*Microsoft.*solution's GUID`),
			// Lower-case co-sell id: the fix is spelled out.
			bad(detailConfig("sol-15974-mqf", "Northwind", ""), `(?s)solution_id.*Co-sell ids are upper case: write\s+"SOL-15974-MQF"`),
			// Empty name.
			bad(detailConfig(randomSolutionID(), "", ""), `(?s)name.*name must not be empty.*Solution Name is required`),
			// Type with surrounding spaces, empty publisher.
			bad(detailConfig(randomSolutionID(), "Northwind", `type = " 3P"`), `(?s)type.*leading or trailing spaces; write "3P"`),
			bad(detailConfig(randomSolutionID(), "Northwind", `publisher_name = ""`), `(?s)publisher_name.*must not be empty`),
			// A table name that is not a logical name.
			bad(detailConfig(randomSolutionID(), "Northwind", `table = "MSFT_SolutionDetail"`), `(?s)table.*not the logical name of a custom table.*msft_solutiondetail`),
			// Two fields mapped onto one column.
			bad(detailConfig(randomSolutionID(), "Northwind", `columns = { name = "msft_name", type = "msft_name" }`), `(?s)columns.type.*both name "msft_name"`),
		},
	})
	if after := rowWrites(t); after != before {
		t.Fatalf("rejected configurations wrote to Dataverse: %d write requests", after-before)
	}
}

// A catalogue table that does not exist is reported on `table`, before any write.
func TestAccSolutionDetail_missingTable(t *testing.T) {
	before := rowWrites(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      detailConfig(randomSolutionID(), "Northwind", `table = "nope_solutiondetail"`),
			ExpectError: regexp.MustCompile(`(?s)Dataverse has no table nope_solutiondetail.*cosell_crm_table.*set\s+table`),
		}},
	})
	if after := rowWrites(t); after != before {
		t.Fatalf("a create against a missing table wrote %d requests", after-before)
	}
}

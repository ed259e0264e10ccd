package environmentvariable_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
)

const (
	setDefinitions = "environmentvariabledefinitions"
	setValues      = "environmentvariablevalues"
	lookupDef      = "_environmentvariabledefinitionid_value"
)

// Dataverse type codes (dataverse-api.md §4).
const (
	codeString  = 100000000
	codeNumber  = 100000001
	codeBoolean = 100000002
	codeJSON    = 100000003
	codeSecret  = 100000005
)

// connectorVar returns a variable the default scenario's connector solution installs.
func connectorVar(t *testing.T, schemaName string) dvemu.EnvVar {
	t.Helper()
	for _, v := range dvemu.ConnectorEnvVars {
		if v.SchemaName == schemaName {
			return v
		}
	}
	t.Fatalf("the default scenario has no environment variable %s", schemaName)
	return dvemu.EnvVar{}
}

// randomName is a unique schema name with the test publisher prefix.
func randomName() string {
	return "cstest_Var" + sdkacctest.RandStringFromCharSet(8, sdkacctest.CharSetAlpha)
}

// seedDefinition creates a definition directly in the emulator (as a
// solution import would) and deletes it when the test ends.
func seedDefinition(t *testing.T, typ int, defaultValue string) (name, id string) {
	t.Helper()
	name = randomName()
	row := map[string]any{"schemaname": name, "displayname": "Test " + name, "type": typ, "isrequired": false}
	if defaultValue != "" {
		row["defaultvalue"] = defaultValue
	}
	id, err := acctest.Emulator(t).Dataverse().CreateRecord(setDefinitions, row)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = acctest.Emulator(t).Dataverse().DeleteRecord(setDefinitions, id) })
	return name, id
}

// seedValue creates a value record for a definition in the emulator and
// deletes it when the test ends (if it is still there).
func seedValue(t *testing.T, defID, schemaName, value string) string {
	t.Helper()
	id, err := acctest.Emulator(t).Dataverse().CreateRecord(setValues, map[string]any{"schemaname": schemaName, "value": value,
		"EnvironmentVariableDefinitionId@odata.bind": "/environmentvariabledefinitions(" + defID + ")"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = acctest.Emulator(t).Dataverse().DeleteRecord(setValues, id) })
	return id
}

// valueRecords returns the emulator's value records of a definition.
func valueRecords(t *testing.T, defID string) []map[string]any {
	var out []map[string]any
	for _, r := range acctest.Emulator(t).Dataverse().Records(setValues) {
		if strings.EqualFold(fmt.Sprint(r[lookupDef]), defID) {
			out = append(out, r)
		}
	}
	return out
}

// definitionByName returns the emulator's definition with a schema name.
func definitionByName(t *testing.T, name string) (map[string]any, bool) {
	for _, r := range acctest.Emulator(t).Dataverse().Records(setDefinitions) {
		if strings.EqualFold(fmt.Sprint(r["schemaname"]), name) {
			return r, true
		}
	}
	return nil, false
}

// checkValueRecord asserts the definition has exactly one value record with want.
func checkValueRecord(t *testing.T, defID, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		recs := valueRecords(t, defID)
		if len(recs) != 1 {
			return fmt.Errorf("definition %s has %d value records, want 1", defID, len(recs))
		}
		if got := fmt.Sprint(recs[0]["value"]); got != want {
			return fmt.Errorf("value record holds %q, want %q", got, want)
		}
		return nil
	}
}

// checkNoValueRecord asserts the definition has no value record (the default applies).
func checkNoValueRecord(t *testing.T, defID string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		if recs := valueRecords(t, defID); len(recs) != 0 {
			return fmt.Errorf("definition %s still has %d value records: %v", defID, len(recs), recs)
		}
		return nil
	}
}

// checkDefinition asserts a definition column in the emulator.
func checkDefinition(t *testing.T, name, column string, want any) resource.TestCheckFunc {
	return func(*terraform.State) error {
		d, ok := definitionByName(t, name)
		if !ok {
			return fmt.Errorf("definition %s does not exist", name)
		}
		if fmt.Sprint(d[column]) != fmt.Sprint(want) {
			return fmt.Errorf("definition %s: %s = %v, want %v", name, column, d[column], want)
		}
		return nil
	}
}

// writes snapshots the API writes (POST/PUT/PATCH/DELETE outside the token
// endpoint) the emulator has counted.
func writes(t *testing.T) map[core.Key]int {
	out := map[core.Key]int{}
	for _, c := range acctest.Emulator(t).Metrics().Snapshot() {
		if c.Service != "entra" && c.Method != "GET" && c.Method != "HEAD" {
			out[c.Key] += c.Count
		}
	}
	return out
}

// testNoWrites runs a test case and fails if it made any API write. The
// package's tests run one at a time, so the counters belong to this test.
func testNoWrites(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	before := writes(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
	var made []string
	for k, n := range writes(t) {
		if d := n - before[k]; d > 0 {
			made = append(made, fmt.Sprintf("%d× %s %s %s → %d", d, k.Service, k.Method, k.Route, k.Status))
		}
	}
	sort.Strings(made)
	if len(made) > 0 {
		t.Errorf("bad input reached the API as writes:\n%s", strings.Join(made, "\n"))
	}
}

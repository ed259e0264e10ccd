package flow_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	ppemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }

const resourceAddr = "cosell_flow_activation.test"

// documented is the seeded flows of the documented turn-on order
// (the emulator's ConnectorFlows minus Leads and Auto-heal).
func documented() []dvemu.Flow {
	var out []dvemu.Flow
	for _, f := range dvemu.ConnectorFlows {
		if f.ID != dvemu.FlowD365LeadsToPC && f.ID != dvemu.FlowAutoHeal {
			out = append(out, f)
		}
	}
	return out
}

func seededFlow(id string) dvemu.Flow {
	for _, f := range dvemu.ConnectorFlows {
		if f.ID == id {
			return f
		}
	}
	panic("no seeded flow " + id)
}

func num(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case int:
		return int64(x)
	case float64:
		return int64(x)
	case json.Number:
		n, _ := x.Int64()
		return n
	}
	return -1
}

// flowRow reads a workflow row from the emulator.
func flowRow(t *testing.T, emu *emulator.Emulator, id string) (map[string]any, bool) {
	t.Helper()
	return emu.Dataverse().Record("workflows", id)
}

func stateOf(t *testing.T, emu *emulator.Emulator, id string) int64 {
	t.Helper()
	rec, ok := flowRow(t, emu, id)
	if !ok {
		return -1
	}
	return num(rec["statecode"])
}

func versionOf(t *testing.T, emu *emulator.Emulator, id string) int64 {
	t.Helper()
	rec, ok := flowRow(t, emu, id)
	if !ok {
		t.Fatalf("workflow %s is gone", id)
	}
	return num(rec["versionnumber"])
}

// checkOnInOrder: every flow is on and was last written in the given order
// (the row version is a global counter, so it orders the writes).
func checkOnInOrder(t *testing.T, emu *emulator.Emulator, flows []dvemu.Flow) error {
	prev := int64(-1)
	for _, f := range flows {
		if s := stateOf(t, emu, f.ID); s != 1 {
			return fmt.Errorf("flow %q has statecode %d, want 1 (on)", f.Name, s)
		}
		v := versionOf(t, emu, f.ID)
		if v <= prev {
			return fmt.Errorf("flow %q was switched on out of order (row version %d after %d)", f.Name, v, prev)
		}
		prev = v
	}
	return nil
}

// checkOff: every flow is off; with reverse, they were switched off last-first.
func checkOff(t *testing.T, emu *emulator.Emulator, flows []dvemu.Flow, reverse bool) error {
	prev := int64(1 << 62)
	for _, f := range flows {
		if s := stateOf(t, emu, f.ID); s != 0 {
			return fmt.Errorf("flow %q has statecode %d, want 0 (off)", f.Name, s)
		}
		if reverse {
			v := versionOf(t, emu, f.ID)
			if v >= prev {
				return fmt.Errorf("flow %q was not switched off in reverse order (row version %d before %d)", f.Name, v, prev)
			}
			prev = v
		}
	}
	return nil
}

// writeCounter counts the emulator's write requests since it was made.
type writeCounter struct {
	emu  *emulator.Emulator
	base map[string]int
}

func newWriteCounter(emu *emulator.Emulator) *writeCounter {
	return &writeCounter{emu: emu, base: writeCounts(emu)}
}

func writeCounts(emu *emulator.Emulator) map[string]int {
	out := map[string]int{}
	for _, c := range emu.Metrics().Snapshot() {
		if c.Service == "entra" {
			continue // token requests are not API writes
		}
		switch c.Method {
		case "POST", "PUT", "PATCH", "DELETE":
			out[c.Service+" "+c.Route] += c.Count
		}
	}
	return out
}

// since returns the writes per route made since the counter was made (or reset).
func (w *writeCounter) since() map[string]int {
	out := map[string]int{}
	for k, v := range writeCounts(w.emu) {
		if d := v - w.base[k]; d != 0 {
			out[k] = d
		}
	}
	return out
}

func (w *writeCounter) reset() { w.base = writeCounts(w.emu) }

const workflowPatch = "dataverse PATCH /api/data/v9.2/workflows({id})"

// expectWrites checks the workflow PATCHes since the last reset, and that
// nothing else was written, then resets.
func (w *writeCounter) expectWorkflowPatches(n int) func(*terraform.State) error {
	return func(*terraform.State) error {
		got := w.since()
		w.reset()
		if got[workflowPatch] != n {
			return fmt.Errorf("want %d workflow PATCHes, got writes %v", n, got)
		}
		return nil
	}
}

// noWrites fails the test if anything was written since the counter was made.
func (w *writeCounter) noWrites(t *testing.T) {
	t.Helper()
	if got := w.since(); len(got) > 0 {
		t.Errorf("no API write expected, got %v", got)
	}
}

// resetConnector turns every seeded flow off and unbinds every seeded
// connection reference (Go access, not counted as API writes). Tests of the
// package share one emulator, so each test starts and ends with it.
func resetConnector(t *testing.T, emu *emulator.Emulator) {
	t.Helper()
	for _, f := range dvemu.ConnectorFlows {
		if _, ok := flowRow(t, emu, f.ID); ok {
			if err := emu.Dataverse().PatchRecord("workflows", f.ID, map[string]any{"statecode": 0, "statuscode": 1}); err != nil {
				t.Errorf("turning %q off: %v", f.Name, err)
			}
		}
	}
	for _, r := range dvemu.ConnectorConnectionRefs {
		if err := emu.Dataverse().PatchRecord("connectionreferences", r.ID, map[string]any{"connectionid": nil}); err != nil {
			t.Errorf("unbinding %s: %v", r.LogicalName, err)
		}
	}
}

// prepare resets the connector now and after the test.
func prepare(t *testing.T) *emulator.Emulator {
	t.Helper()
	emu := acctest.Emulator(t)
	resetConnector(t, emu)
	t.Cleanup(func() { resetConnector(t, emu) })
	return emu
}

// bindAll creates one connection per connector in the emulator's Power
// Platform environment and binds every seeded connection reference to the
// connection of its connector, as cosell_connection would. It returns the
// connection names by api; t.Cleanup deletes them.
func bindAll(t *testing.T, emu *emulator.Emulator) map[string]string {
	t.Helper()
	env := emu.Endpoints().EnvironmentID
	names := map[string]string{}
	for _, api := range []string{dvemu.APIReferrals, dvemu.APIEvents, dvemu.APIDataverse} {
		name := strings.ReplaceAll(fmt.Sprintf("flowtest%s%s", strings.TrimPrefix(api, "shared_"), t.Name()), "_", "")
		if len(name) > 100 {
			name = name[:100]
		}
		if err := emu.PowerPlatform().PutConnection(ppemu.Connection{EnvironmentID: env, API: api, Name: name, DisplayName: "flow test " + api}); err != nil {
			t.Fatal(err)
		}
		names[api] = name
		t.Cleanup(func() { emu.PowerPlatform().DeleteConnection(env, name) })
	}
	for _, r := range dvemu.ConnectorConnectionRefs {
		if err := emu.Dataverse().PatchRecord("connectionreferences", r.ID, map[string]any{"connectionid": names[r.API]}); err != nil {
			t.Fatal(err)
		}
	}
	return names
}

// host is the resource id the provider derives from the emulator's org URL.
func host(emu *emulator.Emulator) string {
	u, _ := url.Parse(emu.Endpoints().DataverseURL)
	return strings.ToLower(u.Host)
}

// saveFlow copies a workflow row in create shape, to re-create it later.
func saveFlow(t *testing.T, emu *emulator.Emulator, id string) map[string]any {
	t.Helper()
	rec, ok := flowRow(t, emu, id)
	if !ok {
		t.Fatalf("workflow %s not found", id)
	}
	out := map[string]any{}
	for _, k := range []string{"workflowid", "name", "uniquename", "category", "type", "primaryentity", "clientdata", "workflowidunique", "description"} {
		if v, ok := rec[k]; ok && v != nil {
			out[k] = v
		}
	}
	out["statecode"], out["statuscode"] = 0, 1
	return out
}

func recreate(t *testing.T, emu *emulator.Emulator, row map[string]any, newID string) {
	t.Helper()
	r := map[string]any{}
	for k, v := range row {
		r[k] = v
	}
	if newID != "" {
		r["workflowid"] = newID
		r["workflowidunique"] = newID
	}
	if _, err := emu.Dataverse().CreateRecord("workflows", r); err != nil {
		t.Fatalf("re-creating workflow %v: %v", r["name"], err)
	}
}

// errorLike builds a (?s) regexp from phrases that must appear in order.
// The CLI wraps diagnostics at word boundaries, so every space in a phrase
// matches any run of white space.
func errorLike(phrases ...string) *regexp.Regexp {
	return acctest.DiagnosticLike(phrases...)
}

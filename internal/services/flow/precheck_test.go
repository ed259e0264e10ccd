package flow

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// fakeAPI serves fixed rows; the prechecks only read.
type fakeAPI struct {
	flows    []dataverse.Workflow
	refs     []dataverse.ConnectionReference
	refLists int
	// writes records "on <id>" / "off <id>"; fail answers a write with an error.
	writes []string
	fail   map[string]error
}

func (f *fakeAPI) ListFlows(context.Context, string) ([]dataverse.Workflow, error) {
	return f.flows, nil
}
func (f *fakeAPI) ListFlowsWithClientData(context.Context, string) ([]dataverse.Workflow, error) {
	return f.flows, nil
}
func (f *fakeAPI) ListConnectionReferences(context.Context, string) ([]dataverse.ConnectionReference, error) {
	f.refLists++
	return f.refs, nil
}
func (f *fakeAPI) SetWorkflowState(_ context.Context, id string, on bool) error {
	w := "off " + id
	if on {
		w = "on " + id
	}
	f.writes = append(f.writes, w)
	if f.fail == nil {
		return fmt.Errorf("unexpected write %s", w)
	}
	return f.fail[w]
}

// fakeConnections knows some connection names.
type fakeConnections map[string]bool

func (f fakeConnections) Get(_ context.Context, api, name string) (*powerplatform.Connection, error) {
	if f[api+"/"+name] {
		return &powerplatform.Connection{Name: name}, nil
	}
	return nil, &powerplatform.Error{StatusCode: 404, Code: "ConnectionNotFound"}
}

func clientData(t *testing.T, refs map[string]string, children ...string) string {
	t.Helper()
	cr := map[string]any{}
	for ref, api := range refs {
		cr[api+"_"+ref] = map[string]any{"connection": map[string]any{"connectionReferenceLogicalName": ref}, "api": map[string]any{"name": api}}
	}
	actions := map[string]any{}
	for i, c := range children {
		actions[fmt.Sprintf("Child_%d", i)] = map[string]any{"type": "Workflow", "inputs": map[string]any{"host": map[string]any{"workflowReferenceName": c}}}
	}
	b, err := json.Marshal(map[string]any{"properties": map[string]any{"connectionReferences": cr, "definition": map[string]any{"actions": actions}}})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const (
	idParent = "00000000-0000-4000-8000-0000000000a1"
	idChild  = "00000000-0000-4000-8000-0000000000a2"
	idOnKid  = "00000000-0000-4000-8000-0000000000a3"
	idGone   = "00000000-0000-4000-8000-0000000000ff"
)

func TestPrecheck(t *testing.T) {
	api := &fakeAPI{
		flows: []dataverse.Workflow{
			{ID: idParent, Name: "Parent", ClientData: clientData(t, map[string]string{"pfx_pc": powerplatform.APIPartnerCenterReferrals, "pfx_dv": powerplatform.APIDataverse}, idChild, idOnKid, idGone)},
			{ID: idChild, Name: "Child", ClientData: clientData(t, map[string]string{"pfx_dv": powerplatform.APIDataverse, "pfx_missing": powerplatform.APIDataverse})},
			{ID: idOnKid, Name: "Already on", StateCode: 1, ClientData: clientData(t, map[string]string{"pfx_unbound_but_on": powerplatform.APIDataverse})},
		},
		refs: []dataverse.ConnectionReference{
			{LogicalName: "pfx_pc", ConnectorID: powerplatform.ConnectorID(powerplatform.APIPartnerCenterReferrals)},
			{LogicalName: "PFX_DV", ConnectorID: powerplatform.ConnectorID(powerplatform.APIDataverse), ConnectionID: "deleted"},
		},
	}
	res := resolve([]string{"Parent", "Child", "Already on"}, api.flows)
	p := newPlan(res, api.flows)
	if fmt.Sprint(p.toActivate) != "[0 1]" {
		t.Fatalf("toActivate = %v (the flow already on is not written again)", p.toActivate)
	}
	if err := p.parseDeps(); err != nil {
		t.Fatal(err)
	}
	refs, err := p.referenceProblems(context.Background(), api, fakeConnections{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range refs {
		got[r.Flow+"/"+r.Ref] = r.Kind + " " + r.API
	}
	want := map[string]string{
		"Parent/pfx_pc":     refUnbound + " " + powerplatform.APIPartnerCenterReferrals,
		"Parent/pfx_dv":     refConnectionGone + " " + powerplatform.APIDataverse,
		"Child/pfx_dv":      refConnectionGone + " " + powerplatform.APIDataverse,
		"Child/pfx_missing": refMissing + " " + powerplatform.APIDataverse,
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("reference problems = %v, want %v", got, want)
	}
	if api.refLists != 1 {
		t.Errorf("connection references listed %d times, want once", api.refLists)
	}

	// With the connection known and no Power Platform check, only the unbound and missing ones remain.
	refs, _ = p.referenceProblems(context.Background(), api, fakeConnections{powerplatform.APIDataverse + "/deleted": true})
	if len(refs) != 2 {
		t.Errorf("with the connection present: %+v", refs)
	}
	refs, _ = p.referenceProblems(context.Background(), api, nil)
	if len(refs) != 2 {
		t.Errorf("without a Power Platform client: %+v", refs)
	}

	children := p.childProblems(nil)
	if len(children) != 2 || children[0].Kind != childLater || children[0].Child != "Child" || children[0].ChildPos != 1 ||
		children[1].Kind != childMissing || children[1].Child != idGone {
		t.Errorf("child problems = %+v", children)
	}
	// A child that is on but switched off by this apply counts as off.
	res2 := resolve([]string{"Child", "Parent"}, api.flows)
	p2 := newPlan(res2, api.flows)
	_ = p2.parseDeps()
	children = p2.childProblems(map[string]bool{idOnKid: true})
	if len(children) != 2 || children[0].Kind != childUnlisted || children[0].Child != "Already on" {
		t.Errorf("child problems with the child switched off = %+v", children)
	}
	text := childrenDetail(children)
	for _, s := range []string{`add "Already on" to flows before "Parent"`, "ChildFlowNeverPublished", "1. Partner Center Webhook Registration"} {
		if !strings.Contains(text, s) {
			t.Errorf("children detail lacks %q:\n%s", s, text)
		}
	}
}

func TestReferencesDetail(t *testing.T) {
	text := referencesDetail([]refProblem{
		{Flow: "Partner Center to Dynamics 365", Ref: "msft_pc", API: powerplatform.APIPartnerCenterReferrals, Kind: refUnbound},
		{Flow: "Partner Center to Dynamics 365", Ref: "msft_dv", API: powerplatform.APIDataverse, Kind: refConnectionGone, Connection: "abc"},
		{Flow: "Helper", Ref: "msft_pc", API: powerplatform.APIPartnerCenterReferrals, Kind: refUnbound},
		{Flow: "Helper", Ref: "msft_gone", API: powerplatform.APIDataverse, Kind: refMissing},
		{Flow: "Helper", Ref: "sf_ref", API: "shared_salesforce", Kind: refUnbound},
	}, "env-1", true)
	for _, s := range []string{
		`"Partner Center to Dynamics 365": connection reference msft_pc has no connection`,
		`connection reference msft_dv is bound to connection "abc", which does not exist in environment env-1`,
		`connection reference msft_gone does not exist in Dataverse`,
		"Nothing was switched on.",
		`resource "cosell_connection" "partner_center_referrals" {`,
		`connector    = "partner_center_referrals"`,
		"connection_reference_logical_names = [\n    \"msft_pc\",\n  ]",
		`resource "cosell_connection" "dataverse" {`,
		`depends_on = [cosell_connection.dataverse, cosell_connection.partner_center_referrals]`,
		"sf_ref (shared_salesforce)",
	} {
		if !strings.Contains(text, s) {
			t.Errorf("detail lacks %q:\n%s", s, text)
		}
	}
	if strings.Count(text, `"msft_pc",`) != 1 {
		t.Errorf("a reference used by two flows is bound once:\n%s", text)
	}
}

func TestReferenceInMessage(t *testing.T) {
	for msg, want := range map[string]string{
		"Connection Id missing for connection reference logical name 'msft_a'.":                        "msft_a",
		"Could not find connection 'c1' for API '/providers/x' used by connection reference 'msft_b'.": "msft_b",
		"no quotes": "",
	} {
		if got := referenceInMessage(msg); got != want {
			t.Errorf("referenceInMessage(%q) = %q, want %q", msg, got, want)
		}
	}
}

// The configured order is checked against the connector's known graph
// without any request: a child after its parent is refused, a child
// before it (or not listed) is not this check's business.
func TestOrderProblems(t *testing.T) {
	if p := orderProblems(documentedOrder); len(p) != 0 {
		t.Fatalf("the documented order has problems: %+v", p)
	}
	got := orderProblems([]string{"partner center to dynamics 365", "Partner Center to Dynamics 365 - Helper", "Dynamics 365 to Partner Center"})
	if len(got) != 1 || got[0].Kind != childOrder || got[0].FlowPos != 0 || got[0].ChildPos != 1 ||
		got[0].Child != "Partner Center to Dynamics 365 - Helper" {
		t.Fatalf("problems %+v", got)
	}
	if d := childrenDetail(got); !strings.Contains(d, "which is listed after it (flows[1])") || !strings.Contains(d, "documented turn-on order") {
		t.Errorf("detail:\n%s", d)
	}
}

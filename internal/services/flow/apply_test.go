package flow

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// wrapped is Dataverse's answer to an activation the flow service refuses.
func wrapped(code, message string) error {
	return &dataverse.Error{StatusCode: 400, Code: "0x80060467", Message: fmt.Sprintf(
		`Failed to activate component(s). Flow client error returned with status code "BadRequest" and details "{"error":{"code":"%s","message":"%s"}}".`, code, message)}
}

func threeFlows(t *testing.T) *fakeAPI {
	return &fakeAPI{flows: []dataverse.Workflow{
		{ID: "id-a", Name: "A"},
		{ID: "id-b", Name: "B", StateCode: 1},
		{ID: "id-c", Name: "C", ClientData: clientData(t, map[string]string{"pfx_pc": powerplatform.APIPartnerCenterReferrals})},
		{ID: "id-d", Name: "D"},
	}}
}

func prepared(t *testing.T, api *fakeAPI, names ...string) (*session, *plan) {
	t.Helper()
	s := &session{api: api, host: "contoso.crm.dynamics.com"}
	p := newPlan(resolve(names, api.flows), api.flows)
	if err := p.parseDeps(); err != nil {
		t.Fatal(err)
	}
	return s, p
}

// A create that fails half-way switches back off, in reverse, only what it
// switched on (B was on before and stays on), and explains the refusal.
func TestActivateOrUndo(t *testing.T) {
	api := threeFlows(t)
	api.fail = map[string]error{"on id-c": wrapped(dataverse.FlowCodeMissingConnection,
		"Connection Id missing for connection reference logical name 'pfx_pc'.")}
	s, p := prepared(t, api, "A", "B", "C", "D")
	var diags diag.Diagnostics
	if s.activateOrUndo(context.Background(), p, &diags) {
		t.Fatal("activation should fail")
	}
	if got, want := strings.Join(api.writes, ", "), "on id-a, on id-c, off id-a"; got != want {
		t.Errorf("writes = %s, want %s", got, want)
	}
	if len(diags) != 1 {
		t.Fatalf("diags = %v", diags)
	}
	d := diags[0]
	for _, s := range []string{"XrmConnectionReferenceMissingConnection", `"C": connection reference pfx_pc has no connection`,
		`resource "cosell_connection" "partner_center_referrals"`, `"pfx_pc",`} {
		if !strings.Contains(d.Detail(), s) {
			t.Errorf("detail lacks %q:\n%s", s, d.Detail())
		}
	}
	if strings.Contains(d.Detail(), "Nothing was switched on") {
		t.Errorf("A had been switched on (then off): the detail must not say nothing was switched on:\n%s", d.Detail())
	}
	if !strings.Contains(d.Summary(), `Error switching on cloud flow "C" in contoso.crm.dynamics.com`) {
		t.Errorf("summary = %s", d.Summary())
	}
}

func TestActivationErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		err  error
		want []string
	}{
		"child flow": {wrapped(dataverse.FlowCodeChildFlowNeverPublished, "The child flow 'X' has never been published."),
			[]string{"ChildFlowNeverPublished", "list the child flow before its caller", "9. Dynamics 365 Microsoft Solution(s) to Partner Center"}},
		"connection gone": {wrapped(dataverse.FlowCodeConnectionNotFound, "Could not find connection 'n1' for API 'x' used by connection reference 'pfx_pc'."),
			[]string{"connection reference pfx_pc is bound to connection", "Nothing was switched on", "cosell_connection"}},
		"authorization": {wrapped(dataverse.FlowCodeConnectionAuthorization, "The caller object id is 'oid'."),
			[]string{"ConnectionAuthorizationFailed", "Share the connection"}},
		"other": {&dataverse.Error{StatusCode: 500, Message: "boom"}, []string{"boom"}},
		"gone":  {&dataverse.Error{StatusCode: 404, Message: "workflow With Id = id-c Does Not Exist"}, []string{"was deleted while it was being switched on"}},
	} {
		t.Run(name, func(t *testing.T) {
			api := threeFlows(t)
			api.fail = map[string]error{"on id-c": tc.err}
			s, p := prepared(t, api, "C")
			var diags diag.Diagnostics
			if _, ok := s.activate(context.Background(), p, &diags); ok || len(diags) != 1 {
				t.Fatalf("ok = %v, diags = %v", ok, diags)
			}
			text := diags[0].Summary() + "\n" + diags[0].Detail()
			for _, w := range tc.want {
				if !strings.Contains(text, w) {
					t.Errorf("diagnostic lacks %q:\n%s", w, text)
				}
			}
		})
	}
}

// Destroy: reverse order, flows already off or gone are skipped, a failure
// does not stop the others.
func TestDeactivate(t *testing.T) {
	api := threeFlows(t)
	api.flows[0].StateCode, api.flows[2].StateCode = 1, 2 // A on, C suspended, D off
	api.fail = map[string]error{"off id-b": &dataverse.Error{StatusCode: 500, Message: "boom"}}
	s, _ := prepared(t, api)
	res := resolve([]string{"A", "B", "Gone", "C", "D"}, api.flows)
	var diags diag.Diagnostics
	s.deactivate(context.Background(), reversed(res.flows), &diags)
	if got, want := strings.Join(api.writes, ", "), "off id-c, off id-b, off id-a"; got != want {
		t.Errorf("writes = %s, want %s", got, want)
	}
	if len(diags) != 1 || !strings.Contains(diags[0].Summary(), `switching off cloud flow "B"`) {
		t.Errorf("diags = %v", diags)
	}
}

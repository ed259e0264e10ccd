package connection_test

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// protocolClient drives the provider over the plugin protocol, as a CLI
// does, for what terraform-plugin-testing cannot observe: warnings.
type protocolClient struct {
	t       *testing.T
	srv     tfprotov6.ProviderServer
	resType tftypes.Object
}

func newProtocolClient(t *testing.T) *protocolClient {
	t.Helper()
	ctx := context.Background()
	srv, err := acctest.ProtoV6ProviderFactories[acctest.ProviderName]()
	if err != nil {
		t.Fatal(err)
	}
	sch, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil {
		t.Fatal(err)
	}
	p := &protocolClient{t: t, srv: srv, resType: sch.ResourceSchemas["cosell_connection"].ValueType().(tftypes.Object)}
	provType := sch.Provider.ValueType().(tftypes.Object)
	// An empty provider block: the settings come from the environment.
	resp, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{TerraformVersion: "1.5.7", Config: p.dynamic(provType, objectWith(provType, nil))})
	if err != nil || hasError(resp.Diagnostics) {
		t.Fatalf("configure: %v %s", err, diagText(resp.Diagnostics))
	}
	return p
}

func objectWith(typ tftypes.Object, set map[string]tftypes.Value) tftypes.Value {
	vals := map[string]tftypes.Value{}
	for k, at := range typ.AttributeTypes {
		if v, ok := set[k]; ok {
			vals[k] = v
		} else {
			vals[k] = tftypes.NewValue(at, nil)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func (p *protocolClient) dynamic(typ tftypes.Type, v tftypes.Value) *tfprotov6.DynamicValue {
	d, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		p.t.Fatal(err)
	}
	return &d
}

// create plans and applies a new cosell_connection with the given
// attributes; it returns the new state and the apply's diagnostics.
func (p *protocolClient) create(attrs map[string]tftypes.Value) (*tfprotov6.DynamicValue, []*tfprotov6.Diagnostic) {
	ctx := context.Background()
	config := p.dynamic(p.resType, objectWith(p.resType, attrs))
	null := p.dynamic(p.resType, tftypes.NewValue(p.resType, nil))
	plan, err := p.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{TypeName: "cosell_connection",
		PriorState: null, ProposedNewState: config, Config: config})
	if err != nil || hasError(plan.Diagnostics) {
		p.t.Fatalf("plan: %v %s", err, diagText(plan.Diagnostics))
	}
	apply, err := p.srv.ApplyResourceChange(ctx, &tfprotov6.ApplyResourceChangeRequest{TypeName: "cosell_connection",
		PriorState: null, PlannedState: plan.PlannedState, Config: config, PlannedPrivate: plan.PlannedPrivate})
	if err != nil || hasError(apply.Diagnostics) {
		p.t.Fatalf("apply: %v %s", err, diagText(apply.Diagnostics))
	}
	p.t.Cleanup(func() { p.destroy(apply.NewState) })
	return apply.NewState, apply.Diagnostics
}

func (p *protocolClient) read(state *tfprotov6.DynamicValue) (*tfprotov6.DynamicValue, []*tfprotov6.Diagnostic) {
	resp, err := p.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: "cosell_connection", CurrentState: state})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Fatalf("read: %v %s", err, diagText(resp.Diagnostics))
	}
	return resp.NewState, resp.Diagnostics
}

func (p *protocolClient) destroy(state *tfprotov6.DynamicValue) {
	null := p.dynamic(p.resType, tftypes.NewValue(p.resType, nil))
	resp, err := p.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{TypeName: "cosell_connection",
		PriorState: state, PlannedState: null, Config: null})
	if err != nil || hasError(resp.Diagnostics) {
		p.t.Errorf("destroy: %v %s", err, diagText(resp.Diagnostics))
	}
}

func (p *protocolClient) attr(state *tfprotov6.DynamicValue, name string) string {
	v, err := state.Unmarshal(p.resType)
	if err != nil {
		p.t.Fatal(err)
	}
	var m map[string]tftypes.Value
	if err := v.As(&m); err != nil {
		p.t.Fatal(err)
	}
	var s *string
	if err := m[name].As(&s); err != nil {
		p.t.Fatal(err)
	}
	if s == nil {
		return ""
	}
	return *s
}

func hasError(ds []*tfprotov6.Diagnostic) bool {
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func diagText(ds []*tfprotov6.Diagnostic) string {
	var b strings.Builder
	for _, d := range ds {
		b.WriteString(d.Severity.String() + ": " + d.Summary + ": " + d.Detail + "\n")
	}
	return b.String()
}

func warnings(ds []*tfprotov6.Diagnostic) []*tfprotov6.Diagnostic {
	var out []*tfprotov6.Diagnostic
	for _, d := range ds {
		if d.Severity == tfprotov6.DiagnosticSeverityWarning {
			out = append(out, d)
		}
	}
	return out
}

// A Partner Center connection created headlessly warns, saying exactly how
// to give consent; after consent in the portal a read shows Connected and
// the warning is gone. A Dataverse service principal connection never warns.
func TestAccConnection_consentWarning(t *testing.T) {
	emu := acctest.Emulator(t)
	p := newProtocolClient(t)
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }

	state, diags := p.create(map[string]tftypes.Value{
		"connector": str("partner_center_referrals"), "display_name": str("Partner Center Referrals (warning test)")})
	if got := p.attr(state, "status"); got != "Error" {
		t.Errorf("status %q, want Error", got)
	}
	w := warnings(diags)
	if len(w) != 1 {
		t.Fatalf("want one warning, got:\n%s", diagText(diags))
	}
	for _, want := range []string{
		"Open the connection in Power Automate (make.powerautomate.com → your environment → Data → Connections)",
		`choose "Fix connection" and sign in as the Referrals admin user`,
		"then run terraform apply again to refresh the status",
		"status Error (Unauthenticated: ",
	} {
		if !strings.Contains(w[0].Detail, want) {
			t.Errorf("warning lacks %q:\n%s", want, w[0].Detail)
		}
	}
	if !strings.Contains(w[0].Summary, `"Partner Center Referrals (warning test)" (Partner Center Referrals) is not connected`) {
		t.Errorf("summary %q", w[0].Summary)
	}

	// Still not consented: the refresh repeats the warning.
	state, diags = p.read(state)
	if len(warnings(diags)) != 1 {
		t.Errorf("read before consent: %s", diagText(diags))
	}
	if !emu.PowerPlatform().Consent(p.attr(state, "name")) {
		t.Fatal("consent found no connection")
	}
	state, diags = p.read(state)
	if got := p.attr(state, "status"); got != "Connected" || len(warnings(diags)) != 0 || p.attr(state, "status_message") != "" {
		t.Errorf("after consent: status %q, message %q, diagnostics %s", got, p.attr(state, "status_message"), diagText(diags))
	}

	sp := p.resType.AttributeTypes["service_principal"].(tftypes.Object) // the other attributes null
	spState, diags := p.create(map[string]tftypes.Value{
		"connector": str("dataverse"), "display_name": str("Dataverse (warning test)"),
		"service_principal": objectWith(sp, map[string]tftypes.Value{
			"tenant_id": str(tenantID), "client_id": str(clientID), "client_secret": str(clientSecret)}),
	})
	if got := p.attr(spState, "status"); got != "Connected" || len(warnings(diags)) != 0 {
		t.Errorf("service principal connection: status %q, diagnostics %s", got, diagText(diags))
	}
}

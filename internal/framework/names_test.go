package framework

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-go/tftypes"
)

func TestNameSemanticEqualityIgnoresCase(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"msft_MicrosoftPartnerCenterReferralSync", "msft_microsoftpartnercenterreferralsync", true},
		{"MSFT_DealValueField", "msft_dealvaluefield", true},
		{"msft_dealvaluefield", "msft_dealvaluefields", false},
	} {
		got, diags := NameValue(tc.a).StringSemanticEquals(ctx, NameValue(tc.b))
		if diags.HasError() || got != tc.want {
			t.Errorf("%q ≈ %q = %v (%v), want %v", tc.a, tc.b, got, diags, tc.want)
		}
	}
	if NameValue("A").Equal(NameValue("a")) {
		t.Error("Equal must stay exact (semantic equality is the framework's separate check)")
	}
}

func TestKeepSpelling(t *testing.T) {
	if got := KeepSpelling(NameValue("MSFT_X"), "msft_x"); got.ValueString() != "MSFT_X" {
		t.Errorf("kept %q, want the prior spelling", got.ValueString())
	}
	if got := KeepSpelling(NameValue("msft_y"), "msft_x"); got.ValueString() != "msft_x" {
		t.Errorf("kept %q, want the value read", got.ValueString())
	}
	if got := KeepSpelling(NameNull(), "msft_x"); got.ValueString() != "msft_x" {
		t.Errorf("from null: %q", got.ValueString())
	}
}

// RequiresReplaceIfRenamed replaces only a known, non-null prior value
// changed other than in case: never over case, never after an import
// (null prior, as solution_unique_name is never read back).
func TestRequiresReplaceIfRenamed(t *testing.T) {
	ctx := context.Background()
	m := RequiresReplaceIfRenamed("the column")
	schemaType := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"n": tftypes.String}}
	obj := func(v tftypes.Value) tftypes.Value {
		return tftypes.NewValue(schemaType, map[string]tftypes.Value{"n": v})
	}
	str := func(s string) tftypes.Value { return tftypes.NewValue(tftypes.String, s) }
	null := tftypes.NewValue(tftypes.String, nil)
	for _, tc := range []struct {
		name         string
		prior, plan  tftypes.Value
		priorV, plnV types.String
		want         bool
	}{
		{"case only", str("msft_A"), str("msft_a"), types.StringValue("msft_A"), types.StringValue("msft_a"), false},
		{"renamed", str("msft_A"), str("msft_B"), types.StringValue("msft_A"), types.StringValue("msft_B"), true},
		{"after import (null prior)", null, str("CosellConfiguration"), types.StringNull(), types.StringValue("CosellConfiguration"), false},
		{"removed", str("CosellConfiguration"), null, types.StringValue("CosellConfiguration"), types.StringNull(), true},
	} {
		req := planmodifier.StringRequest{
			Path:       path.Root("n"),
			StateValue: tc.priorV, PlanValue: tc.plnV, ConfigValue: tc.plnV,
			State: tfsdk.State{Raw: obj(tc.prior)}, Plan: tfsdk.Plan{Raw: obj(tc.plan)},
		}
		resp := &planmodifier.StringResponse{PlanValue: tc.plnV}
		m.PlanModifyString(ctx, req, resp)
		if resp.RequiresReplace != tc.want {
			t.Errorf("%s: RequiresReplace = %v, want %v", tc.name, resp.RequiresReplace, tc.want)
		}
	}
}

func TestCheckTimeout(t *testing.T) {
	for s, bad := range map[string]bool{"-5m": true, "0s": true, "0": true, "30s": false, "20m": false, "soon": false} {
		msg := CheckTimeout(s)
		if (msg != "") != bad {
			t.Errorf("CheckTimeout(%q) = %q, want rejected=%v", s, msg, bad)
		}
		if bad && !strings.Contains(msg, "greater than zero") {
			t.Errorf("CheckTimeout(%q) = %q, want the fix", s, msg)
		}
	}
}

func TestClaims(t *testing.T) {
	scope, other := new(int), new(int)
	if !Claim(scope, PhasePlan, "environment_variable:MSFT_X", "cfg-a") {
		t.Fatal("first claim refused")
	}
	if !Claim(scope, PhasePlan, "environment_variable:msft_x", "cfg-a") {
		t.Error("the same resource planned again (same configuration) must not count as a second resource")
	}
	if Claim(scope, PhasePlan, "environment_variable:msft_x", "cfg-b") {
		t.Error("a second resource (other configuration) for the same name in another case was not caught")
	}
	if !Claim(other, PhasePlan, "environment_variable:msft_x", "cfg-b") {
		t.Error("another run (provider instance) must not see this run's claims")
	}
	if !Claim(scope, PhaseWrite, "environment_variable:msft_x", "") || Claim(scope, PhaseWrite, "environment_variable:MSFT_x", "") {
		t.Error("write claims: the first must pass, any second must be refused")
	}
	if !Claim(nil, PhaseWrite, "k", "") || !Claim(nil, PhaseWrite, "k", "") {
		t.Error("an unconfigured provider claims nothing")
	}
}

func TestWarnIfReplacing(t *testing.T) {
	ctx := context.Background()
	sch := schema.Schema{Attributes: map[string]schema.Attribute{
		"n": schema.StringAttribute{Required: true, CustomType: NameType{}},
		"t": schema.StringAttribute{Required: true},
	}}
	typ := tftypes.Object{AttributeTypes: map[string]tftypes.Type{"n": tftypes.String, "t": tftypes.String}}
	val := func(n, tt string) tftypes.Value {
		return tftypes.NewValue(typ, map[string]tftypes.Value{"n": tftypes.NewValue(tftypes.String, n), "t": tftypes.NewValue(tftypes.String, tt)})
	}
	warn := func(prior, planned tftypes.Value) *resource.ModifyPlanResponse {
		req := resource.ModifyPlanRequest{State: tfsdk.State{Schema: sch, Raw: prior}, Plan: tfsdk.Plan{Schema: sch, Raw: planned}}
		resp := &resource.ModifyPlanResponse{}
		WarnIfReplacing(ctx, req, resp, "the CRM field opportunity/x", "the values every row holds in it", path.Root("n"), path.Root("t"))
		return resp
	}
	if r := warn(val("msft_A", "string"), val("msft_a", "string")); len(r.Diagnostics) != 0 {
		t.Errorf("a change of case must not warn: %v", r.Diagnostics)
	}
	r := warn(val("msft_A", "string"), val("msft_A", "memo"))
	if len(r.Diagnostics) != 1 || r.Diagnostics.HasError() ||
		!strings.Contains(r.Diagnostics[0].Summary(), "replaces the CRM field opportunity/x and deletes the values") ||
		!strings.Contains(r.Diagnostics[0].Detail(), "A change of t cannot be made in place") {
		t.Errorf("warning: %v", r.Diagnostics)
	}
	if r := warn(val("msft_A", "string"), val("msft_B", "string")); len(r.Diagnostics) != 1 {
		t.Errorf("a rename must warn: %v", r.Diagnostics)
	}
}

func TestAlreadyExistsPrintsImportBlock(t *testing.T) {
	got := AlreadyExists("cosell_crm_table", "The table msft_solutiondetail", "msft_solutiondetail")
	for _, want := range []string{"Nothing was written", "import {\n  to = cosell_crm_table.<name>", "id = \"msft_solutiondetail\"\n}"} {
		if !strings.Contains(got, want) {
			t.Errorf("missing %q in:\n%s", want, got)
		}
	}
}

package crmfield

import (
	"context"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// typeDefault plans a type-specific attribute the configuration leaves out:
// the type's default (facts.go §3), or null when the attribute does not apply
// to the column's type. A computed attribute is otherwise planned as
// "(known after apply)" or kept from state, which would hide drift.
type typeDefault struct {
	attribute string
	null      attr.Value
	unknown   attr.Value
	// value returns the default for a column type (nil = null); plan is the
	// whole plan, for defaults derived from other attributes.
	value func(ctx context.Context, typ string, plan tfsdk.Plan) (attr.Value, bool)
}

func (m typeDefault) Description(context.Context) string {
	return "defaults " + m.attribute + " by column type"
}

func (m typeDefault) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

// planned returns the planned value, or ok=false to leave the plan alone.
func (m typeDefault) planned(ctx context.Context, configNull bool, plan tfsdk.Plan, diags *diag.Diagnostics) (attr.Value, bool) {
	if !configNull {
		return nil, false
	}
	var typ types.String
	diags.Append(plan.GetAttribute(ctx, path.Root("type"), &typ)...)
	if typ.IsUnknown() {
		return m.unknown, true
	}
	if typ.IsNull() || !appliesTo(m.attribute, typ.ValueString()) {
		return m.null, true
	}
	if m.value == nil {
		return m.null, true
	}
	v, known := m.value(ctx, typ.ValueString(), plan)
	switch {
	case !known:
		return m.unknown, true
	case v == nil:
		return m.null, true
	}
	return v, true
}

func (m typeDefault) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if v, ok := m.planned(ctx, req.ConfigValue.IsNull(), req.Plan, &resp.Diagnostics); ok {
		resp.PlanValue = v.(types.String)
	}
}

func (m typeDefault) PlanModifyInt64(ctx context.Context, req planmodifier.Int64Request, resp *planmodifier.Int64Response) {
	if v, ok := m.planned(ctx, req.ConfigValue.IsNull(), req.Plan, &resp.Diagnostics); ok {
		resp.PlanValue = v.(types.Int64)
	}
}

func (m typeDefault) PlanModifyBool(ctx context.Context, req planmodifier.BoolRequest, resp *planmodifier.BoolResponse) {
	if v, ok := m.planned(ctx, req.ConfigValue.IsNull(), req.Plan, &resp.Diagnostics); ok {
		resp.PlanValue = v.(types.Bool)
	}
}

func (m typeDefault) PlanModifyNumber(ctx context.Context, req planmodifier.NumberRequest, resp *planmodifier.NumberResponse) {
	if v, ok := m.planned(ctx, req.ConfigValue.IsNull(), req.Plan, &resp.Diagnostics); ok {
		resp.PlanValue = v.(types.Number)
	}
}

func constant(byType map[string]attr.Value) func(context.Context, string, tfsdk.Plan) (attr.Value, bool) {
	return func(_ context.Context, typ string, _ tfsdk.Plan) (attr.Value, bool) { return byType[typ], true }
}

func stringDefault(attribute string, byType map[string]string) typeDefault {
	vals := map[string]attr.Value{}
	for k, v := range byType {
		vals[k] = types.StringValue(v)
	}
	return typeDefault{attribute: attribute, null: types.StringNull(), unknown: types.StringUnknown(), value: constant(vals)}
}

func int64Default(attribute string, byType map[string]int64) typeDefault {
	vals := map[string]attr.Value{}
	for k, v := range byType {
		vals[k] = types.Int64Value(v)
	}
	return typeDefault{attribute: attribute, null: types.Int64Null(), unknown: types.Int64Unknown(), value: constant(vals)}
}

func boolDefault(attribute string, byType map[string]bool) typeDefault {
	vals := map[string]attr.Value{}
	for k, v := range byType {
		vals[k] = types.BoolValue(v)
	}
	return typeDefault{attribute: attribute, null: types.BoolNull(), unknown: types.BoolUnknown(), value: constant(vals)}
}

// rangeDefault plans min_value (low) or max_value (high end) of valueRange.
func rangeDefault(attribute string, high bool) typeDefault {
	vals := map[string]attr.Value{}
	for typ, r := range valueRange {
		v := r.lo
		if high {
			v = r.hi
		}
		vals[typ] = types.NumberValue(big.NewFloat(v))
	}
	return typeDefault{attribute: attribute, null: types.NumberNull(), unknown: types.NumberUnknown(), value: constant(vals)}
}

// relationshipNameDefault plans <prefix>_<target_table>_<table>_<Name>.
func relationshipNameDefault() typeDefault {
	return typeDefault{attribute: "relationship_schema_name", null: types.StringNull(), unknown: types.StringUnknown(),
		value: func(ctx context.Context, _ string, plan tfsdk.Plan) (attr.Value, bool) {
			var schemaName framework.Name
			var target, table types.String
			plan.GetAttribute(ctx, path.Root("schema_name"), &schemaName)
			plan.GetAttribute(ctx, path.Root("target_table"), &target)
			plan.GetAttribute(ctx, path.Root("table"), &table)
			if schemaName.IsUnknown() || target.IsUnknown() || table.IsUnknown() {
				return nil, false
			}
			if target.IsNull() || table.IsNull() {
				return nil, true
			}
			name := defaultRelationshipName(schemaName.ValueString(), target.ValueString(), table.ValueString())
			if name == "" {
				return nil, true
			}
			return types.StringValue(name), true
		}}
}

// derivedString plans a computed string from schema_name and table (the
// logical name and the id are known before apply).
type derivedString struct {
	desc string
	f    func(schemaName, table string) string
}

func (d derivedString) Description(context.Context) string         { return d.desc }
func (d derivedString) MarkdownDescription(context.Context) string { return d.desc }

func (d derivedString) PlanModifyString(ctx context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	var schemaName framework.Name
	var table types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("schema_name"), &schemaName)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("table"), &table)...)
	if schemaName.IsUnknown() || table.IsUnknown() || schemaName.IsNull() || table.IsNull() {
		return
	}
	resp.PlanValue = types.StringValue(d.f(schemaName.ValueString(), table.ValueString()))
}

var (
	planLogicalName = derivedString{"the lower-case schema_name", func(s, _ string) string { return strings.ToLower(s) }}
	planID          = derivedString{"<table>/<logical_name>", func(s, t string) string { return fieldID(t, strings.ToLower(s)) }}
)

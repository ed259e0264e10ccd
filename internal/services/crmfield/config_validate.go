package crmfield

import (
	"context"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// validateConfig holds the cross-attribute rules of a column: which
// attributes belong to which type, the ranges that depend on the type, and
// the choice options. Each diagnostic is on the attribute it is about.
func validateConfig(ctx context.Context, m fieldModel) diag.Diagnostics {
	var diags diag.Diagnostics
	typ := ""
	if !m.Type.IsNull() && !m.Type.IsUnknown() {
		typ = m.Type.ValueString()
	}
	values := map[string]attr.Value{
		"true_label": m.TrueLabel, "false_label": m.FalseLabel, "default_value": m.DefaultValue,
		"max_length": m.MaxLength, "format": m.Format, "options": m.Options, "default_option": m.DefaultOption,
		"precision": m.Precision, "min_value": m.MinValue, "max_value": m.MaxValue,
		"target_table": m.TargetTable, "relationship_schema_name": m.RelationshipSchemaName,
	}
	if typ != "" {
		for _, ta := range typedAttributes {
			if !values[ta.name].IsNull() && !appliesTo(ta.name, typ) {
				diags.AddAttributeError(path.Root(ta.name), "Attribute not valid for this column type",
					fmt.Sprintf("%s applies only to columns of type %s; this column has type = %q. Remove %s, or change type.",
						ta.name, quotedList(ta.types), typ, ta.name))
			}
		}
		if typ == typeLookup && m.TargetTable.IsNull() {
			diags.AddAttributeError(path.Root("target_table"), "Missing target_table",
				`A column of type = "lookup" needs target_table: the logical name of the table it points to, e.g. target_table = "account".`)
		}
		if typ == typeChoice && m.Options.IsNull() {
			diags.AddAttributeError(path.Root("options"), "Missing options",
				`A column of type = "choice" needs options: list at least one { value = 100000000, label = "…" }.`)
		}
	}
	diags.Append(validateRanges(m, typ)...)
	diags.Append(validateOptions(ctx, m)...)
	return diags
}

func validateRanges(m fieldModel, typ string) diag.Diagnostics {
	var diags diag.Diagnostics
	if r, ok := maxLengthRange[typ]; ok && known(m.MaxLength) {
		if v := m.MaxLength.ValueInt64(); v < r.lo || v > r.hi {
			diags.AddAttributeError(path.Root("max_length"), "max_length out of range",
				fmt.Sprintf("max_length must be between %d and %d for a %s column (got %d). Set a length in that range, or leave max_length out for the default (%d).",
					r.lo, r.hi, typ, v, defaultLength(typ)))
		}
	}
	if r, ok := precisionRange[typ]; ok && known(m.Precision) {
		if v := m.Precision.ValueInt64(); v < r.lo || v > r.hi {
			diags.AddAttributeError(path.Root("precision"), "precision out of range",
				fmt.Sprintf("precision (decimal places) must be between %d and %d for a %s column (got %d).", r.lo, r.hi, typ, v))
		}
	}
	r, ok := valueRange[typ]
	if !ok {
		return diags
	}
	kind := "a number"
	if r.integral {
		kind = "a whole number"
	}
	for _, a := range []struct {
		name string
		v    types.Number
	}{{"min_value", m.MinValue}, {"max_value", m.MaxValue}} {
		if known(a.v) && !r.contains(a.v.ValueBigFloat()) {
			diags.AddAttributeError(path.Root(a.name), a.name+" out of range",
				fmt.Sprintf("%s must be %s between %s and %s for a column of type %q (got %s). Change the value, or leave %s out for the type's limit.",
					a.name, kind, plain(r.lo), plain(r.hi), typ, a.v.ValueBigFloat().Text('f', -1), a.name))
		}
	}
	if known(m.MinValue) && known(m.MaxValue) && m.MinValue.ValueBigFloat().Cmp(m.MaxValue.ValueBigFloat()) > 0 {
		diags.AddAttributeError(path.Root("min_value"), "min_value greater than max_value",
			"min_value must not be greater than max_value; swap them or widen the range.")
	}
	return diags
}

func defaultLength(typ string) int {
	if typ == typeMemo {
		return defaultMemoMaxLength
	}
	return defaultStringMaxLength
}

func plain(f float64) string { return new(big.Float).SetFloat64(f).Text('f', -1) }

type knowable interface {
	IsNull() bool
	IsUnknown() bool
}

func known(v knowable) bool { return !v.IsNull() && !v.IsUnknown() }

// validateOptions rejects an empty list, duplicate values and duplicate
// labels (case-insensitive), and a default_option that is not an option.
func validateOptions(ctx context.Context, m fieldModel) diag.Diagnostics {
	var diags diag.Diagnostics
	if !known(m.Options) {
		return diags
	}
	elems := m.Options.Elements()
	if len(elems) == 0 {
		diags.AddAttributeError(path.Root("options"), "Empty options",
			`options must list at least one option, e.g. options = [{ value = 100000000, label = "Yes" }].`)
		return diags
	}
	var raw []optionModel
	if d := m.Options.ElementsAs(ctx, &raw, false); d.HasError() {
		return diags // unknown elements: checked once known
	}
	values := map[int64]int{}
	labels := map[string]int{}
	allKnown := true
	for i, o := range raw {
		p := path.Root("options").AtListIndex(i)
		if known(o.Value) {
			v := o.Value.ValueInt64()
			if first, dup := values[v]; dup {
				diags.AddAttributeError(p.AtName("value"), "Duplicate option value",
					fmt.Sprintf("options[%d].value: the option value %d appears more than once in options (options[%d] and options[%d]). Give each option its own value; keep existing values unchanged so stored data keeps its meaning.", i, v, first, i))
			} else {
				values[v] = i
			}
		} else {
			allKnown = false
		}
		if known(o.Label) {
			l := strings.ToLower(strings.TrimSpace(o.Label.ValueString()))
			if first, dup := labels[l]; dup {
				diags.AddAttributeError(p.AtName("label"), "Duplicate option label",
					fmt.Sprintf("options[%d].label: the option label %q appears more than once in options (options[%d] and options[%d]); labels must be unique (case-insensitive). Rename one of them.", i, o.Label.ValueString(), first, i))
			} else {
				labels[l] = i
			}
		}
	}
	if allKnown && known(m.DefaultOption) {
		if _, ok := values[m.DefaultOption.ValueInt64()]; !ok {
			diags.AddAttributeError(path.Root("default_option"), "default_option is not an option",
				fmt.Sprintf("default_option = %d is not the value of any entry in options. Use one of the option values, or leave default_option out.", m.DefaultOption.ValueInt64()))
		}
	}
	return diags
}

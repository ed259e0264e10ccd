package crmfield

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestValidateConfig(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		edit func(*fieldModel)
		typ  string
		opts []option
		want string // "" = valid; else attribute path + message fragment
	}{
		{"string ok", func(m *fieldModel) { m.MaxLength = types.Int64Value(4000) }, typeString, nil, ""},
		{"memo long ok", func(m *fieldModel) { m.MaxLength = types.Int64Value(1048576) }, typeMemo, nil, ""},
		{"string too long", func(m *fieldModel) { m.MaxLength = types.Int64Value(4001) }, typeString, nil, "max_length: max_length must be between 1 and 4000"},
		{"boolean max_length", func(m *fieldModel) { m.MaxLength = types.Int64Value(5) }, typeBoolean, nil, `max_length: max_length applies only to columns of type "string" or "memo"`},
		{"format on memo", func(m *fieldModel) { m.Format = types.StringValue("url") }, typeMemo, nil, `format: format applies only to columns of type "string"`},
		{"unknown value counts as set", func(m *fieldModel) { m.TargetTable = types.StringUnknown() }, typeString, nil, "target_table: target_table applies only"},
		{"lookup no target", func(*fieldModel) {}, typeLookup, nil, "target_table: A column of type"},
		{"choice no options", func(*fieldModel) {}, typeChoice, nil, "options: A column of type"},
		{"choice ok", func(m *fieldModel) { m.DefaultOption = types.Int64Value(2) }, typeChoice, []option{{1, "A"}, {2, "B"}}, ""},
		{"dup value", func(*fieldModel) {}, typeChoice, []option{{1, "A"}, {1, "B"}}, "options[1].value: options[1].value: the option value 1"},
		{"dup label", func(*fieldModel) {}, typeChoice, []option{{1, "A "}, {2, "a"}}, `options[1].label: options[1].label: the option label "a"`},
		{"default not an option", func(m *fieldModel) { m.DefaultOption = types.Int64Value(3) }, typeChoice, []option{{1, "A"}}, "default_option: default_option = 3"},
		{"decimal precision", func(m *fieldModel) { m.Precision = types.Int64Value(11) }, typeDecimal, nil, "precision: precision (decimal places) must be between 0 and 10"},
		{"money precision ok", func(m *fieldModel) { m.Precision = types.Int64Value(4) }, typeMoney, nil, ""},
		{"integer fraction", func(m *fieldModel) { m.MinValue = num("1.5") }, typeInteger, nil, "min_value: min_value must be a whole number"},
		{"decimal range", func(m *fieldModel) { m.MaxValue = num("100000000000.5") }, typeDecimal, nil, "max_value: max_value must be a number between -100000000000 and 100000000000"},
		{"min > max", func(m *fieldModel) { m.MinValue, m.MaxValue = num("2"), num("1") }, typeInteger, nil, "min_value: min_value must not be greater"},
		{"unknown type skips type rules", func(m *fieldModel) { m.Type = types.StringUnknown(); m.MaxLength = types.Int64Value(0) }, typeString, nil, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := model(t, tc.typ, tc.opts...)
			if tc.typ == typeChoice && tc.opts == nil {
				m.Options = types.ListNull(optionObjectType)
			}
			tc.edit(&m)
			diags := validateConfig(ctx, m)
			var got []string
			for _, d := range diags {
				p := ""
				if wp, ok := d.(diag.DiagnosticWithPath); ok {
					p = wp.Path().String()
				}
				got = append(got, p+": "+d.Detail())
			}
			joined := strings.Join(got, " | ")
			if tc.want == "" && len(diags) > 0 || tc.want != "" && !strings.Contains(joined, tc.want) {
				t.Errorf("diagnostics %q, want %q", joined, tc.want)
			}
		})
	}
}

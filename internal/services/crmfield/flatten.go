package crmfield

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// flatten maps a column definition read from Dataverse onto the model.
// prior (plan or state) supplies what Dataverse does not return
// (solution_unique_name, timeouts), the order of the options, and the exact
// spelling of numbers. The lookup relationship name is set by the caller.
func flatten(ctx context.Context, a *dataverse.AttributeMetadata, table string, prior fieldModel) (fieldModel, diag.Diagnostics) {
	var diags diag.Diagnostics
	typ, ok := typeOf(a)
	if !ok {
		diags.AddError("Unsupported column type",
			fmt.Sprintf("The column %s is a %s column (%s); cosell_crm_field manages %s columns only. Remove it from the configuration or import a column of a supported type.",
				fieldID(table, a.LogicalName), a.AttributeType, a.ODataType, quotedList(columnTypes)))
		return prior, diags
	}
	m := fieldModel{
		ID:                     types.StringValue(fieldID(table, a.LogicalName)),
		Table:                  types.StringValue(table),
		SchemaName:             framework.NameValue(a.SchemaName),
		LogicalName:            types.StringValue(a.LogicalName),
		MetadataID:             types.StringValue(a.MetadataID),
		DisplayName:            types.StringValue(labelText(a.DisplayName)),
		Description:            strOrNull(labelText(a.Description)),
		RequiredLevel:          types.StringValue("none"),
		SolutionUniqueName:     prior.SolutionUniqueName,
		Type:                   types.StringValue(typ),
		TrueLabel:              types.StringNull(),
		FalseLabel:             types.StringNull(),
		DefaultValue:           types.BoolNull(),
		MaxLength:              types.Int64Null(),
		Format:                 types.StringNull(),
		Options:                types.ListNull(optionObjectType),
		DefaultOption:          types.Int64Null(),
		Precision:              types.Int64Null(),
		MinValue:               types.NumberNull(),
		MaxValue:               types.NumberNull(),
		TargetTable:            types.StringNull(),
		RelationshipSchemaName: framework.NameNull(),
		Timeouts:               prior.Timeouts,
	}
	if a.RequiredLevel != nil {
		m.RequiredLevel = types.StringValue(requiredLevelFromWire(a.RequiredLevel.Value))
	}
	maxLength := func() types.Int64 {
		if a.MaxLength == nil {
			return types.Int64Null()
		}
		return types.Int64Value(int64(*a.MaxLength))
	}
	switch typ {
	case typeString:
		m.MaxLength = maxLength()
		m.Format = types.StringValue(defaultFormat)
		if a.FormatName != nil && a.FormatName.Value != "" {
			m.Format = types.StringValue(formatFromWire(a.FormatName.Value))
		}
	case typeMemo:
		m.MaxLength = maxLength()
	case typeBoolean:
		m.DefaultValue = types.BoolValue(a.DefaultValue != nil && *a.DefaultValue)
		m.TrueLabel, m.FalseLabel = prior.TrueLabel, prior.FalseLabel
		if os := a.OptionSet; os != nil {
			if os.TrueOption != nil {
				m.TrueLabel = types.StringValue(labelText(os.TrueOption.Label))
			}
			if os.FalseOption != nil {
				m.FalseLabel = types.StringValue(labelText(os.FalseOption.Label))
			}
		}
	case typeChoice:
		var remote []option
		if a.OptionSet != nil {
			for _, o := range a.OptionSet.Options {
				remote = append(remote, option{Value: o.Value, Label: labelText(o.Label)})
			}
		}
		before, d := prior.options(ctx)
		diags.Append(d...)
		l, d := optionsList(orderLike(remote, before))
		diags.Append(d...)
		m.Options = l
		if a.DefaultFormValue != nil && *a.DefaultFormValue != -1 {
			m.DefaultOption = types.Int64Value(int64(*a.DefaultFormValue))
		}
	case typeMoney:
		if a.PrecisionSource != nil && *a.PrecisionSource == moneyFixed && a.Precision != nil {
			m.Precision = types.Int64Value(int64(*a.Precision))
		}
		m.MinValue, m.MaxValue = parseNumber(a.MinValue, prior.MinValue), parseNumber(a.MaxValue, prior.MaxValue)
	case typeInteger:
		m.MinValue, m.MaxValue = parseNumber(a.MinValue, prior.MinValue), parseNumber(a.MaxValue, prior.MaxValue)
	case typeDecimal:
		if a.Precision != nil {
			m.Precision = types.Int64Value(int64(*a.Precision))
		}
		m.MinValue, m.MaxValue = parseNumber(a.MinValue, prior.MinValue), parseNumber(a.MaxValue, prior.MaxValue)
	case typeLookup:
		if len(a.Targets) == 1 {
			m.TargetTable = types.StringValue(a.Targets[0])
		}
	}
	return m, diags
}

// orderLike returns remote with the options also in before first, in
// before's order, then the others in remote order: reordering options in the
// configuration is then a no-op update instead of a permanent diff.
func orderLike(remote, before []option) []option {
	byValue := make(map[int]option, len(remote))
	for _, o := range remote {
		byValue[o.Value] = o
	}
	out := make([]option, 0, len(remote))
	used := map[int]bool{}
	for _, b := range before {
		if o, ok := byValue[b.Value]; ok && !used[b.Value] {
			out = append(out, o)
			used[b.Value] = true
		}
	}
	for _, o := range remote {
		if !used[o.Value] {
			out = append(out, o)
			used[o.Value] = true
		}
	}
	return out
}

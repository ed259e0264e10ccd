package crmfield

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

// newDefinition is the POST body of a non-lookup column.
func newDefinition(ctx context.Context, m fieldModel) (dataverse.AttributeMetadata, diag.Diagnostics) {
	typ := m.Type.ValueString()
	kind, _ := kindOf(typ)
	def := dataverse.NewAttribute(kind, m.SchemaName.ValueString(), m.DisplayName.ValueString())
	switch typ {
	case typeBoolean:
		def.OptionSet = dataverse.NewBooleanOptionSet(m.TrueLabel.ValueString(), m.FalseLabel.ValueString())
	case typeChoice:
		opts, diags := m.options(ctx)
		if diags.HasError() {
			return def, diags
		}
		wire := make([]dataverse.OptionMetadata, len(opts))
		for i, o := range opts {
			wire[i] = dataverse.OptionMetadata{Value: o.Value, Label: label(o.Label)}
		}
		def.OptionSet = dataverse.NewPicklistOptionSet(wire...)
	case typeDate:
		def.Format, def.DateTimeBehavior = dateOnly, &dataverse.ValueName{Value: dateOnly}
	case typeDateTime:
		def.Format, def.DateTimeBehavior = dateAndTime, &dataverse.ValueName{Value: userLocal}
	}
	applyEdits(&def, m, true)
	return def, nil
}

// applyEdits writes the changeable properties of m onto def: on create into
// a fresh definition, on update into the full definition just read (the
// properties m does not manage are left as Dataverse returned them).
func applyEdits(def *dataverse.AttributeMetadata, m fieldModel, create bool) {
	def.ODataType = strings.TrimPrefix(def.ODataType, "#")
	def.DisplayName = label(m.DisplayName.ValueString())
	switch {
	case !m.Description.IsNull():
		def.Description = label(m.Description.ValueString())
	case !create:
		def.Description = label("") // clears the English description
	}
	level := requiredLevels[m.RequiredLevel.ValueString()]
	if level == "" {
		level = dataverse.RequiredNone
	}
	if def.RequiredLevel == nil {
		def.RequiredLevel = dataverse.Required(level)
	} else {
		rl := *def.RequiredLevel
		rl.Value = level
		def.RequiredLevel = &rl
	}
	switch m.Type.ValueString() {
	case typeString:
		def.MaxLength = intPtr(m.MaxLength.ValueInt64())
		def.FormatName = &dataverse.ValueName{Value: formatName(m.Format.ValueString())}
	case typeMemo:
		def.MaxLength = intPtr(m.MaxLength.ValueInt64())
		def.Format = "TextArea"
	case typeBoolean:
		v := m.DefaultValue.ValueBool()
		def.DefaultValue = &v
	case typeChoice:
		def.DefaultFormValue = intPtr(-1) // -1: no default
		if !m.DefaultOption.IsNull() {
			def.DefaultFormValue = intPtr(m.DefaultOption.ValueInt64())
		}
	case typeMoney:
		if m.Precision.IsNull() {
			def.PrecisionSource = intPtr(moneyCurrency)
		} else {
			def.PrecisionSource, def.Precision = intPtr(moneyFixed), intPtr(m.Precision.ValueInt64())
		}
		def.MinValue, def.MaxValue = numberJSON(m.MinValue), numberJSON(m.MaxValue)
	case typeInteger:
		def.Format = "None"
		def.MinValue, def.MaxValue = numberJSON(m.MinValue), numberJSON(m.MaxValue)
	case typeDecimal:
		def.Precision = intPtr(m.Precision.ValueInt64())
		def.MinValue, def.MaxValue = numberJSON(m.MinValue), numberJSON(m.MaxValue)
	}
}

// newRelationship is the POST /RelationshipDefinitions body of a lookup:
// target_table (referenced, primary key referencedPK) 1:N table (referencing).
func newRelationship(m fieldModel, referencedPK string) dataverse.OneToManyRelationship {
	lookup := dataverse.NewAttribute(dataverse.KindLookup, m.SchemaName.ValueString(), m.DisplayName.ValueString())
	applyEdits(&lookup, m, true)
	order := 10000
	return dataverse.OneToManyRelationship{
		ODataType:           dataverse.ODataTypeOneToManyRelationship,
		SchemaName:          m.RelationshipSchemaName.ValueString(),
		ReferencedEntity:    m.TargetTable.ValueString(),
		ReferencedAttribute: referencedPK,
		ReferencingEntity:   m.Table.ValueString(),
		CascadeConfiguration: &dataverse.CascadeConfiguration{
			Assign: dataverse.CascadeNoCascade, Delete: dataverse.CascadeRemoveLink, Merge: dataverse.CascadeNoCascade,
			Reparent: dataverse.CascadeNoCascade, Share: dataverse.CascadeNoCascade, Unshare: dataverse.CascadeNoCascade,
		},
		AssociatedMenuConfiguration: &dataverse.AssociatedMenuConfiguration{
			Behavior: "UseCollectionName", Group: "Details", Label: label(m.DisplayName.ValueString()), Order: &order,
		},
		Lookup: &lookup,
	}
}

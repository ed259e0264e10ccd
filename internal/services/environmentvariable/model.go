package environmentvariable

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// Type names as the schema writes them (dataverse-api.md §4 "type").
const (
	typeString     = "string"
	typeNumber     = "number"
	typeBoolean    = "boolean"
	typeJSON       = "json"
	typeDataSource = "data_source"
	typeSecret     = "secret"
)

var typeCodes = map[string]int{
	typeString: dataverse.EnvVarTypeString, typeNumber: dataverse.EnvVarTypeNumber, typeBoolean: dataverse.EnvVarTypeBoolean,
	typeJSON: dataverse.EnvVarTypeJSON, typeDataSource: dataverse.EnvVarTypeDataSource, typeSecret: dataverse.EnvVarTypeSecret,
}

// typeName maps a Dataverse type code to its schema name; an unknown code
// (a type added after this provider was written) reads as "string", which
// only loosens validation.
func typeName(code int) string {
	for n, c := range typeCodes {
		if c == code {
			return n
		}
	}
	return typeString
}

// resourceModel is cosell_environment_variable.
type resourceModel struct {
	ID           framework.Name `tfsdk:"id"`
	SchemaName   framework.Name `tfsdk:"schema_name"`
	Value        types.String   `tfsdk:"value"`
	Type         types.String   `tfsdk:"type"`
	DefinitionID types.String   `tfsdk:"definition_id"`
	ValueID      types.String   `tfsdk:"value_id"`
	DefaultValue types.String   `tfsdk:"default_value"`
	Definition   types.Object   `tfsdk:"definition"`
	Timeouts     timeouts.Value `tfsdk:"timeouts"`
}

// definitionModel is the optional definition block.
type definitionModel struct {
	DisplayName  types.String `tfsdk:"display_name"`
	Description  types.String `tfsdk:"description"`
	Type         types.String `tfsdk:"type"`
	DefaultValue types.String `tfsdk:"default_value"`
	IsRequired   types.Bool   `tfsdk:"is_required"`
}

var definitionAttrTypes = map[string]attr.Type{
	"display_name": types.StringType, "description": types.StringType, "type": types.StringType,
	"default_value": types.StringType, "is_required": types.BoolType,
}

// definitionBlock returns the block, or nil when it is null or unknown.
func (m resourceModel) definitionBlock(ctx context.Context, diags *diag.Diagnostics) *definitionModel {
	if m.Definition.IsNull() || m.Definition.IsUnknown() {
		return nil
	}
	var d definitionModel
	diags.Append(m.Definition.As(ctx, &d, basetypes.ObjectAsOptions{})...)
	if diags.HasError() {
		return nil
	}
	return &d
}

// expand applies the block to a definition read from (or about to be
// written to) Dataverse; schema name and type are set by the caller.
func (d definitionModel) expand(into *dataverse.EnvironmentVariableDefinition) {
	into.DisplayName = d.DisplayName.ValueString()
	into.Description = d.Description.ValueString()
	into.DefaultValue = d.DefaultValue.ValueString()
	into.IsRequired = d.IsRequired.ValueBool()
}

// sameAs reports whether the definition already holds what the block says.
func (d definitionModel) sameAs(def *dataverse.EnvironmentVariableDefinition) bool {
	return def.DisplayName == d.DisplayName.ValueString() && def.Description == d.Description.ValueString() &&
		def.DefaultValue == d.DefaultValue.ValueString() && def.IsRequired == d.IsRequired.ValueBool()
}

func flattenDefinition(def *dataverse.EnvironmentVariableDefinition) types.Object {
	return types.ObjectValueMust(definitionAttrTypes, map[string]attr.Value{
		"display_name": types.StringValue(def.DisplayName), "description": strOrNull(def.Description),
		"type": types.StringValue(typeName(def.Type)), "default_value": strOrNull(def.DefaultValue),
		"is_required": types.BoolValue(def.IsRequired),
	})
}

// flatten writes what Dataverse holds into the model. The definition block
// is refreshed only when the configuration manages it (state has it).
func (m *resourceModel) flatten(def *dataverse.EnvironmentVariableDefinition, val *dataverse.EnvironmentVariableValue) {
	// Dataverse may spell the name otherwise than the configuration;
	// semantic equality (framework.Name) keeps the configured spelling.
	m.ID = framework.NameValue(def.SchemaName)
	m.SchemaName = framework.NameValue(def.SchemaName)
	m.Type = types.StringValue(typeName(def.Type))
	m.DefinitionID = types.StringValue(def.ID)
	m.DefaultValue = strOrNull(def.DefaultValue)
	if val != nil {
		m.Value = types.StringValue(val.Value)
		m.ValueID = types.StringValue(val.ID)
	} else {
		m.Value = types.StringNull()
		m.ValueID = types.StringNull()
	}
	if !m.Definition.IsNull() {
		m.Definition = flattenDefinition(def)
	}
}

// dataSourceModel is the cosell_environment_variable data source.
type dataSourceModel struct {
	SchemaName     types.String `tfsdk:"schema_name"`
	ID             types.String `tfsdk:"id"`
	Type           types.String `tfsdk:"type"`
	DisplayName    types.String `tfsdk:"display_name"`
	Description    types.String `tfsdk:"description"`
	DefaultValue   types.String `tfsdk:"default_value"`
	IsRequired     types.Bool   `tfsdk:"is_required"`
	CurrentValue   types.String `tfsdk:"current_value"`
	EffectiveValue types.String `tfsdk:"effective_value"`
	DefinitionID   types.String `tfsdk:"definition_id"`
	ValueID        types.String `tfsdk:"value_id"`
}

// flattenDataSource fills the data source model; secrets keep their
// values out of state (facts.go §3).
func flattenDataSource(def *dataverse.EnvironmentVariableDefinition, val *dataverse.EnvironmentVariableValue) dataSourceModel {
	m := dataSourceModel{
		SchemaName: types.StringValue(def.SchemaName), ID: types.StringValue(def.SchemaName),
		Type: types.StringValue(typeName(def.Type)), DisplayName: types.StringValue(def.DisplayName),
		Description: strOrNull(def.Description), DefaultValue: strOrNull(def.DefaultValue),
		IsRequired: types.BoolValue(def.IsRequired), CurrentValue: types.StringNull(),
		DefinitionID: types.StringValue(def.ID), ValueID: types.StringNull(),
	}
	if val != nil {
		m.ValueID = types.StringValue(val.ID)
		m.CurrentValue = types.StringValue(val.Value)
	}
	m.EffectiveValue = m.CurrentValue
	if m.EffectiveValue.IsNull() {
		m.EffectiveValue = m.DefaultValue
	}
	if def.Type == dataverse.EnvVarTypeSecret {
		m.CurrentValue, m.EffectiveValue = types.StringNull(), types.StringNull()
	}
	return m
}

func strOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// Package crmtable holds cosell_crm_table: a custom Dataverse table with its
// primary name column, as the co-sell connector's solution tables need.
package crmtable

import (
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// tableModel is cosell_crm_table's Terraform state.
type tableModel struct {
	ID                    types.String      `tfsdk:"id"`
	SchemaName            framework.Name    `tfsdk:"schema_name"`
	LogicalName           types.String      `tfsdk:"logical_name"`
	EntitySetName         types.String      `tfsdk:"entity_set_name"`
	MetadataID            types.String      `tfsdk:"metadata_id"`
	DisplayName           types.String      `tfsdk:"display_name"`
	DisplayCollectionName types.String      `tfsdk:"display_collection_name"`
	Description           types.String      `tfsdk:"description"`
	Ownership             types.String      `tfsdk:"ownership"`
	PrimaryNameColumn     *primaryNameModel `tfsdk:"primary_name_column"`
	SolutionUniqueName    framework.Name    `tfsdk:"solution_unique_name"`
	Timeouts              timeouts.Value    `tfsdk:"timeouts"`
}

// primaryNameModel is the table's primary name column.
type primaryNameModel struct {
	SchemaName  framework.Name `tfsdk:"schema_name"`
	LogicalName types.String   `tfsdk:"logical_name"`
	DisplayName types.String   `tfsdk:"display_name"`
	MaxLength   types.Int64    `tfsdk:"max_length"`
}

// expandTable builds the POST /EntityDefinitions body from the plan.
func expandTable(m tableModel) dataverse.EntityMetadata {
	p := m.PrimaryNameColumn
	primary := dataverse.NewAttribute(dataverse.KindString, p.SchemaName.ValueString(), p.DisplayName.ValueString())
	maxLen := int(p.MaxLength.ValueInt64())
	primary.MaxLength = &maxLen
	def := dataverse.NewTable(m.SchemaName.ValueString(), m.DisplayName.ValueString(), m.DisplayCollectionName.ValueString(), primary)
	def.OwnershipType = ownershipToWire[m.Ownership.ValueString()]
	if d := m.Description.ValueString(); d != "" {
		def.Description = dataverse.NewLabel(d, dataverse.LanguageEnglish)
	}
	return def
}

// applyLabels writes the plan's table labels onto a definition read from
// Dataverse, for the GET → edit → PUT update (facts.go §1, §5).
func applyLabels(def *dataverse.EntityMetadata, m tableModel) {
	def.DisplayName = dataverse.NewLabel(m.DisplayName.ValueString(), dataverse.LanguageEnglish)
	def.DisplayCollectionName = dataverse.NewLabel(m.DisplayCollectionName.ValueString(), dataverse.LanguageEnglish)
	def.Description = dataverse.NewLabel(m.Description.ValueString(), dataverse.LanguageEnglish)
}

// applyPrimary writes the plan's primary column label and length onto its
// definition read from Dataverse.
func applyPrimary(def *dataverse.AttributeMetadata, p *primaryNameModel) {
	def.DisplayName = dataverse.NewLabel(p.DisplayName.ValueString(), dataverse.LanguageEnglish)
	n := int(p.MaxLength.ValueInt64())
	def.MaxLength = &n
}

// labelsChanged reports whether the table's labels differ between a and b.
func labelsChanged(a, b tableModel) bool {
	return !a.DisplayName.Equal(b.DisplayName) || !a.DisplayCollectionName.Equal(b.DisplayCollectionName) ||
		!a.Description.Equal(b.Description)
}

// primaryChanged reports whether the primary column's label or length differ.
func primaryChanged(a, b *primaryNameModel) bool {
	if a == nil || b == nil {
		return a != b
	}
	return !a.DisplayName.Equal(b.DisplayName) || !a.MaxLength.Equal(b.MaxLength)
}

// flattenTable sets the computed and read-back attributes of m from the
// table definition and its primary name column. solution_unique_name and
// timeouts are left as they are (facts.go §6).
func flattenTable(m *tableModel, e *dataverse.EntityMetadata, primary *dataverse.AttributeMetadata) {
	m.ID = types.StringValue(e.LogicalName)
	m.SchemaName = framework.NameValue(e.SchemaName)
	m.LogicalName = types.StringValue(e.LogicalName)
	m.EntitySetName = types.StringValue(e.EntitySetName)
	m.MetadataID = types.StringValue(e.MetadataID)
	m.DisplayName = types.StringValue(e.DisplayName.Text(dataverse.LanguageEnglish))
	m.DisplayCollectionName = types.StringValue(e.DisplayCollectionName.Text(dataverse.LanguageEnglish))
	m.Description = stringOrNull(e.Description.Text(dataverse.LanguageEnglish))
	m.Ownership = types.StringValue(ownershipFromWire(e.OwnershipType))
	p := &primaryNameModel{
		SchemaName:  framework.NameValue(primary.SchemaName),
		LogicalName: types.StringValue(primary.LogicalName),
		DisplayName: types.StringValue(primary.DisplayName.Text(dataverse.LanguageEnglish)),
		MaxLength:   types.Int64Null(),
	}
	if primary.MaxLength != nil {
		p.MaxLength = types.Int64Value(int64(*primary.MaxLength))
	}
	m.PrimaryNameColumn = p
}

// ownershipFromWire maps OwnershipType back to the schema's values; other
// types are shown raw (facts.go §4).
func ownershipFromWire(wire string) string {
	for k, v := range ownershipToWire {
		if strings.EqualFold(v, wire) {
			return k
		}
	}
	return wire
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

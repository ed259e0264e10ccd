// Package crmfield holds cosell_crm_field: a custom column on a Dataverse
// table, created and changed through the metadata Web API.
package crmfield

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

// fieldModel is the Terraform state of cosell_crm_field.
type fieldModel struct {
	ID                     types.String   `tfsdk:"id"`
	Table                  types.String   `tfsdk:"table"`
	SchemaName             framework.Name `tfsdk:"schema_name"`
	LogicalName            types.String   `tfsdk:"logical_name"`
	MetadataID             types.String   `tfsdk:"metadata_id"`
	DisplayName            types.String   `tfsdk:"display_name"`
	Description            types.String   `tfsdk:"description"`
	RequiredLevel          types.String   `tfsdk:"required_level"`
	SolutionUniqueName     framework.Name `tfsdk:"solution_unique_name"`
	Type                   types.String   `tfsdk:"type"`
	TrueLabel              types.String   `tfsdk:"true_label"`
	FalseLabel             types.String   `tfsdk:"false_label"`
	DefaultValue           types.Bool     `tfsdk:"default_value"`
	MaxLength              types.Int64    `tfsdk:"max_length"`
	Format                 types.String   `tfsdk:"format"`
	Options                types.List     `tfsdk:"options"`
	DefaultOption          types.Int64    `tfsdk:"default_option"`
	Precision              types.Int64    `tfsdk:"precision"`
	MinValue               types.Number   `tfsdk:"min_value"`
	MaxValue               types.Number   `tfsdk:"max_value"`
	TargetTable            types.String   `tfsdk:"target_table"`
	RelationshipSchemaName framework.Name `tfsdk:"relationship_schema_name"`
	Timeouts               timeouts.Value `tfsdk:"timeouts"`
}

// optionModel is one choice option.
type optionModel struct {
	Value types.Int64  `tfsdk:"value"`
	Label types.String `tfsdk:"label"`
}

var optionAttrTypes = map[string]attr.Type{"value": types.Int64Type, "label": types.StringType}

var optionObjectType = types.ObjectType{AttrTypes: optionAttrTypes}

// option is a known choice option.
type option struct {
	Value int
	Label string
}

// fieldID is the resource id and import id: <table>/<logical_name>.
func fieldID(table, logicalName string) string { return table + "/" + logicalName }

// parseFieldID splits an import id.
func parseFieldID(id string) (table, logicalName string, err error) {
	t, l, ok := strings.Cut(id, "/")
	if !ok || t == "" || l == "" || strings.Contains(l, "/") {
		return "", "", fmt.Errorf("%q is not a CRM field id: write <table>/<logical_name>, e.g. opportunity/contoso_referralid", id)
	}
	return strings.ToLower(t), strings.ToLower(l), nil
}

// defaultRelationshipName is <prefix>_<target>_<table>_<Name> for schema
// name <prefix>_<Name> (facts.go §6).
func defaultRelationshipName(schemaName, target, table string) string {
	prefix := validate.SchemaPrefix(schemaName)
	if prefix == "" {
		return ""
	}
	return prefix + "_" + target + "_" + table + "_" + strings.TrimPrefix(schemaName, prefix+"_")
}

// options returns the known options of m (nil when null or unknown).
func (m fieldModel) options(ctx context.Context) ([]option, diag.Diagnostics) {
	if m.Options.IsNull() || m.Options.IsUnknown() {
		return nil, nil
	}
	var raw []optionModel
	diags := m.Options.ElementsAs(ctx, &raw, false)
	out := make([]option, 0, len(raw))
	for _, o := range raw {
		out = append(out, option{Value: int(o.Value.ValueInt64()), Label: o.Label.ValueString()})
	}
	return out, diags
}

func optionsList(opts []option) (types.List, diag.Diagnostics) {
	elems := make([]attr.Value, len(opts))
	var diags diag.Diagnostics
	for i, o := range opts {
		v, d := types.ObjectValue(optionAttrTypes, map[string]attr.Value{
			"value": types.Int64Value(int64(o.Value)), "label": types.StringValue(o.Label)})
		diags.Append(d...)
		elems[i] = v
	}
	l, d := types.ListValue(optionObjectType, elems)
	diags.Append(d...)
	return l, diags
}

// label wraps a text as an English label.
func label(text string) *dataverse.Label { return dataverse.NewLabel(text, dataverse.LanguageEnglish) }

func labelText(l *dataverse.Label) string { return l.Text(dataverse.LanguageEnglish) }

func strOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func intPtr(v int64) *int { i := int(v); return &i }

// parseNumber reads a metadata number the way Terraform parses numbers
// (512-bit binary floats), keeping prior when it is the same number so a
// configured 0.1 stays byte-identical in state.
func parseNumber(n json.Number, prior types.Number) types.Number {
	if n == "" {
		return types.NumberNull()
	}
	f, _, err := big.ParseFloat(n.String(), 10, 512, big.ToNearestEven)
	if err != nil {
		return types.NumberNull()
	}
	if !prior.IsNull() && !prior.IsUnknown() {
		pf, _ := prior.ValueBigFloat().Float64()
		rf, _ := f.Float64()
		if pf == rf {
			return prior
		}
	}
	return types.NumberValue(f)
}

// numberJSON writes a Terraform number as a JSON number.
func numberJSON(v types.Number) json.Number {
	if v.IsNull() || v.IsUnknown() {
		return ""
	}
	return json.Number(v.ValueBigFloat().Text('f', -1))
}

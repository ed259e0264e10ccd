// Package solutiondetail holds cosell_solution_detail: one row of the
// co-sell connector's "Microsoft Solution Details" catalogue.
package solutiondetail

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

// detailModel is cosell_solution_detail's Terraform state.
type detailModel struct {
	ID            types.String   `tfsdk:"id"`
	Table         types.String   `tfsdk:"table"`
	Columns       types.Object   `tfsdk:"columns"`
	SolutionID    types.String   `tfsdk:"solution_id"`
	Name          types.String   `tfsdk:"name"`
	Type          types.String   `tfsdk:"type"`
	PublisherName types.String   `tfsdk:"publisher_name"`
	RecordID      types.String   `tfsdk:"record_id"`
	Timeouts      timeouts.Value `tfsdk:"timeouts"`
}

// columns are the logical names of the catalogue's four columns.
type columns struct {
	SolutionID, Name, Type, PublisherName string
}

var columnAttrTypes = map[string]attr.Type{
	"solution_id":    types.StringType,
	"name":           types.StringType,
	"type":           types.StringType,
	"publisher_name": types.StringType,
}

// columnNames lists the schema's column keys in a fixed order.
var columnNames = []string{"solution_id", "name", "type", "publisher_name"}

// defaultColumns derives the column names from the table's publisher
// prefix (facts.go). ok is false when table has no prefix.
func defaultColumns(table string) (columns, bool) {
	prefix, _, found := strings.Cut(table, "_")
	if !found || prefix == "" {
		return columns{}, false
	}
	return columns{
		SolutionID:    prefix + suffixSolutionID,
		Name:          prefix + suffixName,
		Type:          prefix + suffixType,
		PublisherName: prefix + suffixPublisherName,
	}, true
}

func (c columns) get(key string) string {
	switch key {
	case "solution_id":
		return c.SolutionID
	case "name":
		return c.Name
	case "type":
		return c.Type
	}
	return c.PublisherName
}

func (c *columns) set(key, v string) {
	switch key {
	case "solution_id":
		c.SolutionID = v
	case "name":
		c.Name = v
	case "type":
		c.Type = v
	default:
		c.PublisherName = v
	}
}

// list returns the column logical names, e.g. for $select.
func (c columns) list() []string { return []string{c.SolutionID, c.Name, c.Type, c.PublisherName} }

// object returns the columns as the schema's object value.
func (c columns) object() types.Object {
	vals := map[string]attr.Value{}
	for _, k := range columnNames {
		vals[k] = types.StringValue(c.get(k))
	}
	return types.ObjectValueMust(columnAttrTypes, vals)
}

// columnsFrom reads a known columns object; every value must be known.
func columnsFrom(o types.Object) (columns, error) {
	var c columns
	if o.IsNull() || o.IsUnknown() {
		return c, fmt.Errorf("the column names are not known")
	}
	for _, k := range columnNames {
		v, ok := o.Attributes()[k].(types.String)
		if !ok || v.IsNull() || v.IsUnknown() {
			return c, fmt.Errorf("the column name %s is not known", k)
		}
		c.set(k, v.ValueString())
	}
	return c, nil
}

// planColumns merges the configured column names with the defaults of
// table: a configured name wins, a missing one follows the table's prefix.
// The result is unknown where a missing name depends on an unknown table.
func planColumns(config types.Object, table types.String) types.Object {
	if config.IsUnknown() {
		return types.ObjectUnknown(columnAttrTypes)
	}
	var defaults columns
	haveDefaults := false
	if !table.IsNull() && !table.IsUnknown() {
		defaults, haveDefaults = defaultColumns(table.ValueString())
	}
	vals := map[string]attr.Value{}
	for _, k := range columnNames {
		var v types.String
		if !config.IsNull() {
			v, _ = config.Attributes()[k].(types.String)
		}
		switch {
		case !v.IsNull() && !v.IsUnknown() && v.ValueString() != "":
			vals[k] = v
		case v.IsUnknown() || !haveDefaults:
			vals[k] = types.StringUnknown()
		default:
			vals[k] = types.StringValue(defaults.get(k))
		}
	}
	return types.ObjectValueMust(columnAttrTypes, vals)
}

// expandRecord builds the row to create from the plan.
func expandRecord(m detailModel, c columns) dataverse.Record {
	rec := dataverse.Record{
		c.SolutionID: m.SolutionID.ValueString(),
		c.Name:       m.Name.ValueString(),
	}
	if !m.Type.IsNull() {
		rec[c.Type] = m.Type.ValueString()
	}
	if !m.PublisherName.IsNull() {
		rec[c.PublisherName] = m.PublisherName.ValueString()
	}
	return rec
}

// fullRecord is every value of the plan, nulls included, for writing the
// row through a new column mapping.
func fullRecord(m detailModel, c columns) dataverse.Record {
	rec := expandRecord(m, c)
	for col, v := range map[string]types.String{c.Type: m.Type, c.PublisherName: m.PublisherName} {
		if v.IsNull() {
			rec[col] = nil
		}
	}
	return rec
}

// changedColumns returns the PATCH body for the differences between plan
// and state; a removed optional value is cleared (null).
func changedColumns(plan, state detailModel, c columns) dataverse.Record {
	rec := dataverse.Record{}
	if !plan.Name.Equal(state.Name) {
		rec[c.Name] = plan.Name.ValueString()
	}
	for _, f := range []struct {
		col         string
		plan, state types.String
	}{{c.Type, plan.Type, state.Type}, {c.PublisherName, plan.PublisherName, state.PublisherName}} {
		if f.plan.Equal(f.state) {
			continue
		}
		if f.plan.IsNull() {
			rec[f.col] = nil
		} else {
			rec[f.col] = f.plan.ValueString()
		}
	}
	return rec
}

// flattenRecord copies the row's values into m.
func flattenRecord(m *detailModel, rec dataverse.Record, c columns) {
	m.SolutionID = types.StringValue(rec.String(c.SolutionID))
	m.Name = types.StringValue(rec.String(c.Name))
	m.Type = stringOrNull(rec.String(c.Type))
	m.PublisherName = stringOrNull(rec.String(c.PublisherName))
}

func stringOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// resourceID is the Terraform id: "<table>/<record id>".
func resourceID(table, recordID string) string { return table + "/" + recordID }

// parseImportID splits "<table>/<record id or solution id>".
func parseImportID(id string) (table, key string, err error) {
	table, key, ok := strings.Cut(strings.TrimSpace(id), "/")
	switch {
	case !ok || table == "" || key == "":
		err = fmt.Errorf("%q is not <table>/<record id> or <table>/<solution id>", id)
	case !logicalNameRE.MatchString(table):
		err = fmt.Errorf("%q does not start with a custom table's logical name (lower case, with its publisher prefix, e.g. %s)", id, defaultTable)
	case !validate.IsGUID(key) && !cosellIDRE.MatchString(key):
		err = fmt.Errorf("%q: after the slash give the row's record id (a GUID) or its solution id (e.g. %s)", id, exampleCosellID)
	}
	return table, key, err
}

// checkSolutionID returns "" for an accepted solution id, else the fix.
func checkSolutionID(s string) string {
	if cosellIDRE.MatchString(s) || validate.IsGUID(s) {
		return ""
	}
	hint := ""
	switch t := strings.TrimSpace(s); {
	case t != s && (cosellIDRE.MatchString(t) || validate.IsGUID(t)):
		hint = fmt.Sprintf(" Remove the surrounding spaces: %q.", t)
	case cosellIDRE.MatchString(strings.ToUpper(t)):
		hint = fmt.Sprintf(" Co-sell ids are upper case: write %q.", strings.ToUpper(t))
	}
	return fmt.Sprintf("%q is not a solution id. Accepted forms: a co-sell solution id as Partner Center shows it, "+
		"SOL-<digits>-<three upper-case letters or digits> (e.g. %s), or a Microsoft solution's GUID (e.g. %s).%s",
		s, exampleCosellID, exampleMicrosoftSolnID, hint)
}

// checkType returns "" for an accepted type, else the fix.
func checkType(s string) string {
	switch {
	case strings.TrimSpace(s) == "":
		return "type must not be empty: omit it, or give the solution type, e.g. \"3P\" for a partner (co-sell) solution or \"1P\" for a Microsoft solution."
	case strings.TrimSpace(s) != s:
		return fmt.Sprintf("%q has leading or trailing spaces; write %q.", s, strings.TrimSpace(s))
	case len([]rune(s)) > maxTypeLength:
		return fmt.Sprintf("type is %d characters long; at most %d are allowed (e.g. \"3P\").", len([]rune(s)), maxTypeLength)
	}
	return ""
}

// checkLogicalName returns "" for a custom table or column logical name.
func checkLogicalName(what string) func(string) string {
	return func(s string) string {
		if logicalNameRE.MatchString(s) {
			return ""
		}
		return fmt.Sprintf("%q is not the logical name of a custom %s: use the lower-case name with its publisher prefix, e.g. %q.",
			s, what, map[string]string{"table": defaultTable, "column": "msft_solutionidentifier"}[what])
	}
}

// duplicateColumn returns the first pair of column keys naming the same
// column in a known columns object.
func duplicateColumn(o types.Object) (first, second, name string) {
	if o.IsNull() || o.IsUnknown() {
		return "", "", ""
	}
	seen := map[string]string{}
	for _, k := range columnNames {
		v, ok := o.Attributes()[k].(types.String)
		if !ok || v.IsNull() || v.IsUnknown() {
			continue
		}
		if other, dup := seen[v.ValueString()]; dup {
			return other, k, v.ValueString()
		}
		seen[v.ValueString()] = k
	}
	return "", "", ""
}

// describe names the columns key that holds logical, e.g. "columns.solution_id".
func (c columns) describe(logical string) string {
	for i, v := range []string{c.SolutionID, c.Name, c.Type, c.PublisherName} {
		if strings.EqualFold(v, logical) {
			return "columns." + columnNames[i]
		}
	}
	return "a column of the row"
}

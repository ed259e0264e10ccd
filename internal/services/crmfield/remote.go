package crmfield

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// metadataAPI is the part of *dataverse.Client this resource uses.
type metadataAPI interface {
	GetAttribute(ctx context.Context, table, logicalName, castType string) (*dataverse.AttributeMetadata, error)
	CreateAttribute(ctx context.Context, table string, def dataverse.AttributeMetadata, solution string) (string, error)
	UpdateAttribute(ctx context.Context, table string, def dataverse.AttributeMetadata, mergeLabels bool) error
	DeleteAttribute(ctx context.Context, table, logicalName string) error
	GetTable(ctx context.Context, logicalName string) (*dataverse.EntityMetadata, error)
	CreateOneToMany(ctx context.Context, rel dataverse.OneToManyRelationship, solution string) (string, error)
	LookupRelationship(ctx context.Context, table, attribute string) (*dataverse.OneToManyRelationship, error)
	DeleteRelationship(ctx context.Context, idOrSchemaName string) error
	InsertOptionValue(ctx context.Context, ref dataverse.OptionSetRef, value *int, label dataverse.Label, solution string) (int, error)
	UpdateOptionValue(ctx context.Context, ref dataverse.OptionSetRef, value int, label dataverse.Label, mergeLabels bool, solution string) error
	DeleteOptionValue(ctx context.Context, ref dataverse.OptionSetRef, value int, solution string) error
	PublishXml(ctx context.Context, tables ...string) error
	// Publish is PublishXml shared with concurrent callers (group commit).
	Publish(ctx context.Context, tables ...string) error
}

var _ metadataAPI = (*dataverse.Client)(nil)

// tablesOf lists the tables a change to m touches (and publishes).
func tablesOf(m fieldModel) []string {
	if m.Type.ValueString() == typeLookup && !m.TargetTable.IsNull() {
		return framework.UniqueSorted([]string{m.Table.ValueString(), m.TargetTable.ValueString()})
	}
	return []string{m.Table.ValueString()}
}

// readRemote reads the column table/logicalName. found is false when the
// column (or its table) no longer exists. The cast GET of prior's type is
// tried first; a miss falls back to an uncast GET, which tells a deleted
// column from one whose type changed (or an import, where the type is not
// known yet).
func readRemote(ctx context.Context, api metadataAPI, table, logicalName string, prior fieldModel) (fieldModel, bool, diag.Diagnostics) {
	var diags diag.Diagnostics
	var a *dataverse.AttributeMetadata
	if kind, ok := kindOf(prior.Type.ValueString()); ok {
		got, err := api.GetAttribute(ctx, table, logicalName, kind.CastName())
		switch {
		case err == nil:
			a = got
		case !dataverse.IsNotFound(err):
			diags.AddError("Error reading CRM field "+fieldID(table, logicalName), err.Error())
			return prior, false, diags
		}
	}
	if a == nil {
		base, err := api.GetAttribute(ctx, table, logicalName, "")
		switch {
		case dataverse.IsNotFound(err):
			return prior, false, diags
		case err != nil:
			diags.AddError("Error reading CRM field "+fieldID(table, logicalName), err.Error())
			return prior, false, diags
		}
		a = base
		if kind, ok := base.Kind(); ok {
			if a, err = api.GetAttribute(ctx, table, logicalName, kind.CastName()); err != nil {
				diags.AddError("Error reading CRM field "+fieldID(table, logicalName), err.Error())
				return prior, false, diags
			}
		}
	}
	m, d := flatten(ctx, a, table, prior)
	diags.Append(d...)
	if diags.HasError() {
		return prior, false, diags
	}
	if m.Type.ValueString() == typeLookup {
		rel, err := api.LookupRelationship(ctx, table, logicalName)
		switch {
		case err == nil:
			m.RelationshipSchemaName = framework.NameValue(rel.SchemaName)
			if m.TargetTable.IsNull() {
				m.TargetTable = types.StringValue(rel.ReferencedEntity)
			}
		case !dataverse.IsNotFound(err):
			diags.AddError("Error reading the relationship of CRM field "+fieldID(table, logicalName), err.Error())
			return prior, false, diags
		}
	}
	return m, true, diags
}

// create writes the column under the table lock, then publishes. Before
// any write it checks that the table (and a lookup's target table) exists
// and that the column does not: an existing column is never written over,
// the error carries the import block instead. written reports whether the
// column was created, so the caller can keep it in state when a later step
// fails.
func create(ctx context.Context, api metadataAPI, m fieldModel) (written bool, diags diag.Diagnostics) {
	unlock := writeLock(m)
	defer unlock()
	table := m.Table.ValueString()
	id := fieldID(table, m.LogicalName.ValueString())
	summary := "Error creating CRM field " + id
	sol := m.SolutionUniqueName.ValueString()
	if _, ok := existingTable(ctx, api, path.Root("table"), table, summary, "the column cannot be added to it",
		"Set table to the logical name of an existing table (e.g. \"opportunity\"), or create the table first and reference it "+
			"(e.g. table = cosell_crm_table.example.logical_name).", &diags); !ok {
		return false, diags
	}
	switch existing, err := api.GetAttribute(ctx, table, m.LogicalName.ValueString(), ""); {
	case err == nil:
		diags.AddAttributeError(path.Root("schema_name"), summary, framework.AlreadyExists("cosell_crm_field",
			fmt.Sprintf("The column %s (schema name %s) of table %s", existing.LogicalName, existing.SchemaName, table), id))
		return false, diags
	case !dataverse.IsNotFound(err):
		diags.AddError(summary, "Checking whether the column already exists: "+err.Error())
		return false, diags
	}
	if m.Type.ValueString() == typeLookup {
		t, ok := existingTable(ctx, api, path.Root("target_table"), m.TargetTable.ValueString(), summary, "the lookup cannot point to it",
			"Set target_table to the logical name of an existing table (e.g. \"account\"), or create the table first and reference it "+
				"(e.g. target_table = cosell_crm_table.example.logical_name).", &diags)
		if !ok {
			return false, diags
		}
		if _, err := api.CreateOneToMany(ctx, newRelationship(m, t.PrimaryIDAttribute), sol); err != nil {
			createError(&diags, summary, m, err)
			return false, diags
		}
	} else {
		def, d := newDefinition(ctx, m)
		if diags.Append(d...); diags.HasError() {
			return false, diags
		}
		if _, err := api.CreateAttribute(ctx, table, def, sol); err != nil {
			createError(&diags, summary, m, err)
			return false, diags
		}
	}
	unlock()
	if err := api.Publish(ctx, tablesOf(m)...); err != nil {
		diags.AddError("Error publishing CRM field "+id,
			"The column was created, but publishing the table failed: "+err.Error()+". The column is saved in state as tainted, so "+
				"the next apply deletes it and creates it again (it holds no data yet). To keep it instead, run "+
				"`terraform untaint <address>` (or `tofu untaint`): the next change to the column publishes the table.")
	}
	return true, diags
}

// existingTable reads, before any write, a table the column needs; a
// missing one is reported on attribute with what it means (why) and the fix.
func existingTable(ctx context.Context, api metadataAPI, attribute path.Path, table, summary, why, fix string,
	diags *diag.Diagnostics) (*dataverse.EntityMetadata, bool) {
	t, err := api.GetTable(ctx, table)
	switch {
	case err == nil:
		return t, true
	case dataverse.IsNotFound(err):
		diags.AddAttributeError(attribute, summary,
			fmt.Sprintf("The table %q does not exist in this Dataverse environment, so %s. Nothing was created. %s", table, why, fix))
	default:
		diags.AddError(summary, "Reading the table "+table+": "+err.Error())
	}
	return nil, false
}

// createError explains a refused create. 0x80044363 ("… is not unique")
// means a column or relationship of that name exists although the check
// before the write did not see it: created meanwhile, or a relationship
// name in use.
func createError(diags *diag.Diagnostics, summary string, m fieldModel, err error) {
	if !dataverse.IsNameNotUnique(err) {
		diags.AddError(summary, err.Error())
		return
	}
	id := fieldID(m.Table.ValueString(), m.LogicalName.ValueString())
	if m.Type.ValueString() == typeLookup {
		diags.AddAttributeError(path.Root("relationship_schema_name"), summary, fmt.Sprintf(
			"Dataverse refused the name because a column %s or a relationship %s already exists (%s). Nothing was created. "+
				"If the relationship belongs to another lookup, set relationship_schema_name to a free name; if the column is yours, "+
				"import it:\n\n%s", id, m.RelationshipSchemaName.ValueString(), dataverse.ErrorCode(err), framework.ImportBlock("cosell_crm_field", id)))
		return
	}
	diags.AddAttributeError(path.Root("schema_name"), summary, framework.AlreadyExists("cosell_crm_field",
		fmt.Sprintf("The column %s (it appeared while this apply was running; Dataverse answered %s)", id, dataverse.ErrorCode(err)), id))
}

// update applies the in-place changes from state to plan (facts.go §4–§5)
// under the table lock, then publishes.
func update(ctx context.Context, api metadataAPI, state, plan fieldModel) diag.Diagnostics {
	unlock := writeLock(plan)
	defer unlock()
	var diags diag.Diagnostics
	table, logical := state.Table.ValueString(), state.LogicalName.ValueString()
	summary := "Error updating CRM field " + fieldID(table, logical)
	ref := dataverse.OptionSetRef{Table: table, Attribute: logical}
	sol := plan.SolutionUniqueName.ValueString()
	fail := func(what string, err error) diag.Diagnostics {
		diags.AddError(summary, what+": "+err.Error())
		return diags
	}
	typ := plan.Type.ValueString()
	wrote := false

	var removed []option
	if typ == typeChoice {
		before, d := state.options(ctx)
		diags.Append(d...)
		after, d := plan.options(ctx)
		diags.Append(d...)
		if diags.HasError() {
			return diags
		}
		var added, relabelled []option
		added, relabelled, removed = diffOptions(before, after)
		for _, o := range added {
			v := o.Value
			if _, err := api.InsertOptionValue(ctx, ref, &v, *label(o.Label), sol); err != nil {
				return fail(fmt.Sprintf("adding option %d (%s)", o.Value, o.Label), err)
			}
			wrote = true
		}
		for _, o := range relabelled {
			if err := api.UpdateOptionValue(ctx, ref, o.Value, *label(o.Label), true, sol); err != nil {
				return fail(fmt.Sprintf("relabelling option %d", o.Value), err)
			}
			wrote = true
		}
	}
	if typ == typeBoolean {
		for _, b := range []struct {
			value       int
			old, wanted types.String
		}{{1, state.TrueLabel, plan.TrueLabel}, {0, state.FalseLabel, plan.FalseLabel}} {
			if !b.wanted.IsNull() && !b.old.Equal(b.wanted) {
				if err := api.UpdateOptionValue(ctx, ref, b.value, *label(b.wanted.ValueString()), true, sol); err != nil {
					return fail(fmt.Sprintf("relabelling the %s option", map[int]string{1: "true", 0: "false"}[b.value]), err)
				}
				wrote = true
			}
		}
	}
	if definitionChanged(state, plan) {
		kind, _ := kindOf(typ)
		def, err := api.GetAttribute(ctx, table, logical, kind.CastName())
		if err != nil {
			return fail("reading the current definition", err)
		}
		applyEdits(def, plan, false)
		if err := api.UpdateAttribute(ctx, table, *def, true); err != nil {
			return fail("writing the definition", err)
		}
		wrote = true
	}
	for _, o := range removed {
		if err := api.DeleteOptionValue(ctx, ref, o.Value, sol); err != nil {
			return fail(fmt.Sprintf("removing option %d (%s)", o.Value, o.Label), err)
		}
		wrote = true
	}
	unlock()
	if !wrote {
		// Only a name's letter case or an unread solution_unique_name
		// changed: nothing to write or publish.
		return diags
	}
	if err := api.Publish(ctx, tablesOf(plan)...); err != nil {
		return fail("publishing", err)
	}
	return diags
}

// definitionChanged reports whether a property changed that only the
// definition PUT can change.
func definitionChanged(state, plan fieldModel) bool {
	return !state.DisplayName.Equal(plan.DisplayName) || !state.Description.Equal(plan.Description) ||
		!state.RequiredLevel.Equal(plan.RequiredLevel) || !state.MaxLength.Equal(plan.MaxLength) ||
		!state.Format.Equal(plan.Format) || !state.DefaultValue.Equal(plan.DefaultValue) ||
		!state.DefaultOption.Equal(plan.DefaultOption) || !state.Precision.Equal(plan.Precision) ||
		!sameNumber(state.MinValue, plan.MinValue) || !sameNumber(state.MaxValue, plan.MaxValue)
}

func sameNumber(a, b types.Number) bool {
	if !known(a) || !known(b) {
		return a.IsNull() == b.IsNull() && a.IsUnknown() == b.IsUnknown()
	}
	return a.ValueBigFloat().Cmp(b.ValueBigFloat()) == 0
}

// diffOptions compares options by value.
func diffOptions(before, after []option) (added, relabelled, removed []option) {
	old := map[int]string{}
	for _, o := range before {
		old[o.Value] = o.Label
	}
	kept := map[int]bool{}
	for _, o := range after {
		kept[o.Value] = true
		l, ok := old[o.Value]
		switch {
		case !ok:
			added = append(added, o)
		case l != o.Label:
			relabelled = append(relabelled, o)
		}
	}
	for _, o := range before {
		if !kept[o.Value] {
			removed = append(removed, o)
		}
	}
	return added, relabelled, removed
}

// remove deletes the column (a lookup through its relationship) under the
// table lock, then publishes. A column already gone is not an error.
func remove(ctx context.Context, api metadataAPI, m fieldModel) diag.Diagnostics {
	unlock := writeLock(m)
	defer unlock()
	var diags diag.Diagnostics
	table, logical := m.Table.ValueString(), m.LogicalName.ValueString()
	summary := "Error deleting CRM field " + fieldID(table, logical)
	deleteColumn := func() error {
		if err := api.DeleteAttribute(ctx, table, logical); err != nil && !dataverse.IsNotFound(err) {
			return err
		}
		return nil
	}
	if m.Type.ValueString() == typeLookup {
		rel, err := api.LookupRelationship(ctx, table, logical)
		switch {
		case err == nil:
			if err := api.DeleteRelationship(ctx, rel.MetadataID); err != nil && !dataverse.IsNotFound(err) {
				diags.AddError(summary, "Deleting relationship "+rel.SchemaName+": "+err.Error())
				return diags
			}
		case dataverse.IsNotFound(err):
			if err := deleteColumn(); err != nil {
				diags.AddError(summary, err.Error())
				return diags
			}
		default:
			diags.AddError(summary, "Finding the relationship of the lookup: "+err.Error())
			return diags
		}
	} else if err := deleteColumn(); err != nil {
		diags.AddError(summary, err.Error())
		return diags
	}
	unlock()
	err := api.Publish(ctx, tablesOf(m)...)
	if dataverse.IsNotFound(err) {
		// A table that is gone is not an error, but a shared round may
		// have failed on another caller's table: publish ours alone.
		err = api.PublishXml(ctx, tablesOf(m)...)
	}
	if err != nil && !dataverse.IsNotFound(err) {
		diags.AddError("Error publishing after deleting CRM field "+fieldID(table, logical), err.Error())
	}
	return diags
}

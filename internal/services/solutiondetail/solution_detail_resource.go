package solutiondetail

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*solutionDetailResource)(nil)
	_ resource.ResourceWithImportState    = (*solutionDetailResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*solutionDetailResource)(nil)
	_ resource.ResourceWithValidateConfig = (*solutionDetailResource)(nil)
)

// NewSolutionDetailResource is cosell_solution_detail.
func NewSolutionDetailResource() resource.Resource { return &solutionDetailResource{} }

type solutionDetailResource struct{ client *conns.Client }

func (r *solutionDetailResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_solution_detail"
}

func (r *solutionDetailResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	column := func(what, def string) schema.StringAttribute {
		return schema.StringAttribute{
			Optional: true, Computed: true,
			MarkdownDescription: fmt.Sprintf("Logical name of the %s column. Default: the table's prefix followed by `%s` (`msft%s` for the default table).", what, def, def),
			Validators:          []validator.String{validate.String("must be a custom column's logical name", checkLogicalName("column"))},
		}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "One row of the co-sell connector's **Microsoft Solution Details** catalogue: a co-sell-ready " +
			"partner solution or a Microsoft solution that sellers can link to an opportunity before sharing it with " +
			"Microsoft. Works with `for_each` over `csvdecode(file(\"solutions.csv\"))` to keep the catalogue in a spreadsheet.\n\n" +
			"Microsoft does not publish the catalogue's logical names. The defaults — table `msft_solutiondetail` with " +
			"the columns `msft_solutionidentifier`, `msft_name`, `msft_solutiontype` and `msft_publishername` — are the " +
			"provider's best inference (unconfirmed) and the names the `cosell-connector-schema` example module creates. " +
			"Point `table` (and if needed `columns`) at the real names of your organisation.\n\n" +
			"Creating a row whose `solution_id` is already in the catalogue fails and names the existing row, so a " +
			"catalogue filled by hand or by Excel upload is imported rather than duplicated. Import ids: " +
			"`<table>/<record id>` (e.g. `msft_solutiondetail/5f0c…`) or `<table>/<solution id>` " +
			"(e.g. `msft_solutiondetail/SOL-15974-MQF`); a GUID after the slash is tried as the record id first, then as a " +
			"Microsoft solution id. Import uses the default column names of the table.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "`<table>/<record id>`."},
			"table": schema.StringAttribute{
				Optional: true, Computed: true,
				Default: stringdefault.StaticString(defaultTable),
				MarkdownDescription: "Logical name of the catalogue table. Default `" + defaultTable + "` (unconfirmed; " +
					"see above). Changing it moves the row: a new row is created in the new table.",
				Validators:    []validator.String{validate.String("must be a custom table's logical name", checkLogicalName("table"))},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"columns": schema.SingleNestedAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "Logical names of the catalogue's columns, when they differ from the defaults. " +
					"Each one left out follows the table's publisher prefix: for `table = \"contoso_solutiondetail\"` the " +
					"defaults are `contoso_solutionidentifier`, `contoso_name`, `contoso_solutiontype` and `contoso_publishername`.",
				Attributes: map[string]schema.Attribute{
					"solution_id":    column("Solution Identifier", suffixSolutionID),
					"name":           column("Solution Name", suffixName),
					"type":           column("Type", suffixType),
					"publisher_name": column("Publisher Name", suffixPublisherName),
				},
			},
			"solution_id": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "The solution's id (*Solution Identifier*): a co-sell solution id as Partner Center " +
					"shows it, `SOL-<digits>-<three upper-case letters or digits>` (e.g. `" + exampleCosellID + "`), or " +
					"a Microsoft solution's GUID. Changing it creates a new row.",
				Validators:    []validator.String{validate.String("must be SOL-<digits>-<XXX> or a GUID", checkSolutionID)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The solution's name (*Solution Name*), as sellers see it. Updated in place.",
				Validators: []validator.String{validate.String("must not be empty", func(s string) string {
					if strings.TrimSpace(s) == "" {
						return "name must not be empty: give the solution's name as Partner Center shows it (Solution Name is required in the catalogue)."
					}
					return ""
				})},
			},
			"type": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "The solution type (*Type*): `3P` for a partner (co-sell-ready) solution, as the " +
					"connector's form shows, or `1P` for a Microsoft solution. The column is free text, so any other " +
					"code of 1 to 100 characters without surrounding spaces is accepted as well. Updated in place.",
				Validators: []validator.String{validate.String("must be a solution type such as 3P or 1P", checkType)},
			},
			"publisher_name": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "The publisher's name (*Publisher Name*). Updated in place.",
				Validators: []validator.String{validate.String("must not be empty", func(s string) string {
					if strings.TrimSpace(s) == "" {
						return "publisher_name must not be empty: omit it, or give the publisher's name."
					}
					return ""
				})},
			},
			"record_id": schema.StringAttribute{Computed: true, PlanModifiers: keep,
				MarkdownDescription: "The row's primary key in Dataverse (a GUID)."},
			"timeouts": framework.Timeouts(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// ValidateConfig rejects two catalogue fields mapped onto one column.
func (r *solutionDetailResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cols types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("columns"), &cols)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if first, second, name := duplicateColumn(cols); name != "" {
		resp.Diagnostics.AddAttributeError(path.Root("columns").AtName(second), "Invalid columns."+second,
			fmt.Sprintf("columns.%s and columns.%s both name %q; each field of the catalogue needs its own column.", first, second, name))
	}
}

// ModifyPlan fills in the column names the configuration leaves out, from
// the (planned) table's prefix. It makes no API call.
func (r *solutionDetailResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var table types.String
	var cfgColumns types.Object
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("columns"), &cfgColumns)...)
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("table"), &table)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("columns"), planColumns(cfgColumns, table))...)
	var sid types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("solution_id"), &sid)...)
	framework.WarnIfReplacing(ctx, req, resp, "the catalogue row "+table.ValueString()+"/"+sid.ValueString(),
		"the links that opportunities' Microsoft Solutions rows hold to it", path.Root("table"), path.Root("solution_id"))
}

// recordError reports a failed read or write of a catalogue row. A
// property the table does not have (Dataverse: "Could not find a property
// named …") means columns does not match the table: said on columns, with
// the fix.
func recordError(diags *diag.Diagnostics, action, object, table string, cols columns, err error) {
	if missing := missingProperty(err); missing != "" {
		diags.AddAttributeError(path.Root("columns"), "Error "+action+" "+object, fmt.Sprintf(
			"The table %s has no column %q, which columns names (%s). Nothing was written. Set columns to the table's real "+
				"column names, e.g.\n\n  columns = {\n    solution_id    = %q\n    name           = %q\n    type           = %q\n    publisher_name = %q\n  }\n\n"+
				"with the names your table has (the cosell-connector-schema module's output solution_detail_columns gives them), or point "+
				"table at the solution details catalogue. Dataverse said: %v",
			table, missing, cols.describe(missing), cols.SolutionID, cols.Name, cols.Type, cols.PublisherName, err))
		return
	}
	framework.AddAPIError(diags, action, object, err)
}

var missingPropertyRE = regexp.MustCompile(`(?i)could not find a property named '([^']+)'`)

// missingProperty returns the column a Dataverse 400 says does not exist.
func missingProperty(err error) string {
	if err == nil || !dataverse.IsBadRequest(err) {
		return ""
	}
	if m := missingPropertyRE.FindStringSubmatch(err.Error()); m != nil {
		return m[1]
	}
	return ""
}

func (r *solutionDetailResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

// tableDiag reports a failed table lookup, naming the attribute when the
// table does not exist.
func tableDiag(diags *diag.Diagnostics, action, object, table string, err error) {
	if errors.Is(err, errTableMissing) {
		diags.AddAttributeError(path.Root("table"), "Error "+action+" "+object,
			fmt.Sprintf("%v. Create the catalogue table first (cosell_crm_table, or the cosell-connector-schema module), "+
				"install the co-sell connector solution, or set table to the logical name of the solution details table in this organisation.", err))
		return
	}
	framework.AddAPIError(diags, action, object, err)
}

func (r *solutionDetailResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan detailModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := framework.WithTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	table, sid := plan.Table.ValueString(), plan.SolutionID.ValueString()
	obj := "solution detail " + table + "/" + sid
	if plan.Columns.IsUnknown() || hasUnknown(plan.Columns) {
		plan.Columns = planColumns(plan.Columns, plan.Table) // the table became known during apply
	}
	cols, err := columnsFrom(plan.Columns)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("columns"), "Error creating "+obj, err.Error()+"; set columns explicitly.")
		return
	}
	dv := framework.Dataverse(ctx, r.client, obj, &resp.Diagnostics)
	if dv == nil {
		return
	}
	info, err := lookupTable(ctx, dv, table)
	if err != nil {
		tableDiag(&resp.Diagnostics, "creating", obj, table, err)
		return
	}
	// One row per solution id: look before writing (facts.go, Uniqueness).
	// The lock keeps two rows of one apply (a CSV listing an id twice) from
	// both passing the look.
	defer framework.Lock("solution-detail:" + table + "/" + strings.ToUpper(sid))()
	existing, err := findBySolutionID(ctx, dv, info, cols, sid)
	if err != nil {
		recordError(&resp.Diagnostics, "checking for an existing", obj, table, cols, err)
		return
	}
	if len(existing) > 0 {
		rec := existing[0]
		id := rec.String(info.PrimaryKey)
		resp.Diagnostics.AddAttributeError(path.Root("solution_id"), "Error creating "+obj,
			fmt.Sprintf("The catalogue already has a row for %s: record %s (name %q). Dataverse would accept a second row, but the "+
				"connector expects one per solution. Nothing was written. Bring the existing row under Terraform instead with this "+
				"import block:\n\n%s\n\n(the id %q works too), or delete the existing row first.",
				sid, id, rec.String(cols.Name), framework.ImportBlock("cosell_solution_detail", resourceID(table, sid)), resourceID(table, id)))
		return
	}
	recordID, err := dv.Create(ctx, info.EntitySet, expandRecord(plan, cols))
	if err != nil {
		recordError(&resp.Diagnostics, "creating", obj, table, cols, err)
		return
	}
	plan.RecordID = types.StringValue(recordID)
	plan.ID = types.StringValue(resourceID(table, recordID))
	plan.Columns = cols.object()
	if found, err := readRecord(ctx, dv, info, cols, recordID, &plan); err != nil || !found {
		// The row exists: keep it in state (tainted) with the planned values.
		if err == nil {
			err = errors.New("the row was created but cannot be read back")
		}
		framework.AddAPIError(&resp.Diagnostics, "reading the created", obj, err)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *solutionDetailResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state detailModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := framework.WithTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	table := state.Table.ValueString()
	obj := "solution detail " + state.ID.ValueString()
	cols, err := columnsFrom(state.Columns)
	if err != nil {
		resp.Diagnostics.AddError("Error reading "+obj, err.Error())
		return
	}
	dv := framework.Dataverse(ctx, r.client, obj, &resp.Diagnostics)
	if dv == nil {
		return
	}
	info, err := lookupTable(ctx, dv, table)
	if errors.Is(err, errTableMissing) {
		resp.State.RemoveResource(ctx) // the whole catalogue is gone: so is the row
		return
	}
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", obj, err)
		return
	}
	found, err := readRecord(ctx, dv, info, cols, state.RecordID.ValueString(), &state)
	if err != nil {
		recordError(&resp.Diagnostics, "reading", obj, state.Table.ValueString(), cols, err)
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *solutionDetailResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state detailModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := framework.WithTimeout(ctx, plan.Timeouts.Update, defaultUpdateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	obj := "solution detail " + state.ID.ValueString()
	if hasUnknown(plan.Columns) {
		plan.Columns = planColumns(plan.Columns, plan.Table)
	}
	cols, err := columnsFrom(plan.Columns)
	if err != nil {
		resp.Diagnostics.AddAttributeError(path.Root("columns"), "Error updating "+obj, err.Error()+"; set columns explicitly.")
		return
	}
	dv := framework.Dataverse(ctx, r.client, obj, &resp.Diagnostics)
	if dv == nil {
		return
	}
	info, err := lookupTable(ctx, dv, plan.Table.ValueString())
	if err != nil {
		tableDiag(&resp.Diagnostics, "updating", obj, plan.Table.ValueString(), err)
		return
	}
	recordID := state.RecordID.ValueString()
	// With a new column mapping every value is written to the new columns.
	patch := changedColumns(plan, state, cols)
	if !plan.Columns.Equal(state.Columns) {
		patch = fullRecord(plan, cols)
	}
	if len(patch) > 0 {
		if err := dv.Update(ctx, info.EntitySet, recordID, patch, ""); err != nil {
			if dataverse.IsNotFound(err) {
				resp.Diagnostics.AddError("Error updating "+obj, "The row was deleted while it was being updated; apply again to re-create it.")
				return
			}
			recordError(&resp.Diagnostics, "updating", obj, plan.Table.ValueString(), cols, err)
			return
		}
	}
	plan.RecordID, plan.ID = state.RecordID, state.ID
	found, err := readRecord(ctx, dv, info, cols, recordID, &plan)
	if err != nil || !found {
		if err == nil {
			err = errors.New("the row disappeared during the update")
		}
		framework.AddAPIError(&resp.Diagnostics, "reading the updated", obj, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *solutionDetailResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state detailModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := framework.WithTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	obj := "solution detail " + state.ID.ValueString()
	dv := framework.Dataverse(ctx, r.client, obj, &resp.Diagnostics)
	if dv == nil {
		return
	}
	info, err := lookupTable(ctx, dv, state.Table.ValueString())
	if errors.Is(err, errTableMissing) {
		return
	}
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "deleting", obj, err)
		return
	}
	if err := dv.Delete(ctx, info.EntitySet, state.RecordID.ValueString(), ""); err != nil && !dataverse.IsNotFound(err) {
		framework.AddAPIError(&resp.Diagnostics, "deleting", obj, err)
	}
}

// ImportState accepts <table>/<record id> and <table>/<solution id>.
func (r *solutionDetailResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	table, key, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id for cosell_solution_detail", err.Error()+
			". Use <table>/<record id> (e.g. "+defaultTable+"/5f0c2a8e-…) or <table>/<solution id> (e.g. "+defaultTable+"/"+exampleCosellID+").")
		return
	}
	obj := "solution detail " + req.ID
	cols, _ := defaultColumns(table)
	dv := framework.Dataverse(ctx, r.client, obj, &resp.Diagnostics)
	if dv == nil {
		return
	}
	info, err := lookupTable(ctx, dv, table)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "importing", obj, err)
		return
	}
	recordID := ""
	if validate.IsGUID(key) {
		if _, err := dv.Get(ctx, info.EntitySet, key, []string{info.PrimaryKey}); err == nil {
			recordID = strings.ToLower(key)
		} else if !dataverse.IsNotFound(err) {
			framework.AddAPIError(&resp.Diagnostics, "importing", obj, err)
			return
		}
	}
	if recordID == "" {
		rows, err := findBySolutionID(ctx, dv, info, cols, key)
		if err != nil {
			recordError(&resp.Diagnostics, "importing", obj, table, cols, err)
			return
		}
		switch len(rows) {
		case 0:
			resp.Diagnostics.AddError("Cannot import "+obj, fmt.Sprintf("The table %s has no row with record id or %s %q.", table, cols.SolutionID, key))
			return
		case 1:
			recordID = rows[0].String(info.PrimaryKey)
		default:
			var ids []string
			for _, row := range rows {
				ids = append(ids, resourceID(table, row.String(info.PrimaryKey)))
			}
			resp.Diagnostics.AddError("Cannot import "+obj, fmt.Sprintf("%d rows have the solution id %s; import one by record id (%s) and delete the others.",
				len(rows), key, strings.Join(ids, ", ")))
			return
		}
	}
	for _, a := range []struct {
		p path.Path
		v any
	}{
		{path.Root("id"), resourceID(table, recordID)},
		{path.Root("table"), table},
		{path.Root("record_id"), recordID},
		{path.Root("columns"), cols.object()},
	} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, a.p, a.v)...)
	}
}

// readRecord reads the row into m; found is false when it does not exist.
func readRecord(ctx context.Context, dv *dataverse.Client, t tableInfo, c columns, recordID string, m *detailModel) (bool, error) {
	rec, err := dv.Get(ctx, t.EntitySet, recordID, c.list())
	if err != nil {
		if dataverse.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	flattenRecord(m, rec, c)
	return true, nil
}

// hasUnknown reports whether a known object has an unknown attribute.
func hasUnknown(o types.Object) bool {
	if o.IsUnknown() {
		return true
	}
	for _, v := range o.Attributes() {
		if v.IsUnknown() {
			return true
		}
	}
	return false
}

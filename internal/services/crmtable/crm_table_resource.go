package crmtable

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
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
	_ resource.ResourceWithConfigure      = (*crmTableResource)(nil)
	_ resource.ResourceWithImportState    = (*crmTableResource)(nil)
	_ resource.ResourceWithValidateConfig = (*crmTableResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*crmTableResource)(nil)
)

// NewCRMTableResource is cosell_crm_table.
func NewCRMTableResource() resource.Resource { return &crmTableResource{} }

type crmTableResource struct{ client *conns.Client }

func (r *crmTableResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_crm_table"
}

func (r *crmTableResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	keep := []planmodifier.String{stringplanmodifier.UseStateForUnknown()}
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: keep}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "A custom Dataverse table (entity) with its primary name column, created through the Web API metadata " +
			"endpoints (`POST /EntityDefinitions`). The co-sell connector's *Microsoft Partner Center Solutions* and " +
			"*Microsoft Solution Details* tables are such tables. Labels and the description are updated in place " +
			"(`PUT` with `MSCRM.MergeLabels: true`, so labels in other languages are kept); the schema name, ownership, " +
			"the primary column's schema name and a recorded solution force a new table (never a change of letter case alone; the plan " +
			"warns that the rows are deleted). Customisations are published after " +
			"every create and update. **Destroying the resource deletes the table and all of its rows.**\n\n" +
			"Creating a table that already exists stops before any write with the ready `import` block for it.\n\n" +
			"Import with the table's logical name, e.g. `terraform import cosell_crm_table.example contoso_solutiondetail`.",
		Attributes: map[string]schema.Attribute{
			"id": computed("The table's logical name (the lower-cased schema name); also the import id."),
			"schema_name": schema.StringAttribute{
				Required: true, CustomType: framework.NameType{},
				MarkdownDescription: "Schema name of the table, with your solution publisher's customization prefix, e.g. " +
					"`contoso_SolutionDetail` (at most 50 characters). Names are case-insensitive: another letter case names the same " +
					"table, is kept as written and never replaces it. Changing the name otherwise creates a new table (the plan warns: " +
					"the old table and its rows are deleted).",
				Validators:    []validator.String{validate.SchemaName(maxSchemaNameLength)},
				PlanModifiers: []planmodifier.String{framework.RequiresReplaceIfRenamed("the table and all of its rows")},
			},
			"logical_name":    computed("Logical name: the schema name in lower case, e.g. `contoso_solutiondetail`."),
			"entity_set_name": computed("Entity set name used in Web API record URLs, e.g. `contoso_solutiondetails`."),
			"metadata_id":     computed("The table's MetadataId (a GUID)."),
			"display_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Display name (singular), in English (LCID 1033). Updated in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"display_collection_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Plural display name, in English (LCID 1033), e.g. `Microsoft Solution Details`. Updated in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Description, in English (LCID 1033). Updated in place; removing it clears the description.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"ownership": schema.StringAttribute{
				Optional: true,
				Computed: true,
				Default:  stringdefault.StaticString(defaultOwnership),
				MarkdownDescription: "Who owns the rows: `user` (user or team owned, the default; rows have an owner and " +
					"security applies per business unit) or `organization` (rows belong to the organisation). Changing it creates a new table.",
				Validators:    []validator.String{stringvalidator.OneOf("user", "organization")},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"primary_name_column": schema.SingleNestedAttribute{
				Required: true,
				MarkdownDescription: "The table's primary name column: a single-line text column that names each row " +
					"(for the solution details catalogue, the solution name).",
				Attributes: map[string]schema.Attribute{
					"schema_name": schema.StringAttribute{
						Required: true, CustomType: framework.NameType{},
						MarkdownDescription: "Schema name of the column, with the same publisher prefix as the table, e.g. " +
							"`contoso_Name`. Case-insensitive like the table's. Changing it (other than in letter case) creates a new table.",
						Validators:    []validator.String{validate.SchemaName(maxSchemaNameLength)},
						PlanModifiers: []planmodifier.String{framework.RequiresReplaceIfRenamed("the table and all of its rows")},
					},
					"logical_name": computed("Logical name of the column, e.g. `contoso_name`."),
					"display_name": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Display name of the column, in English (LCID 1033). Updated in place.",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
					"max_length": schema.Int64Attribute{
						Optional: true,
						Computed: true,
						Default:  int64default.StaticInt64(defaultPrimaryMaxLen),
						MarkdownDescription: fmt.Sprintf("Maximum length in characters, %d to %d; default %d. Updated in place.",
							minPrimaryMaxLen, maxPrimaryMaxLen, defaultPrimaryMaxLen),
						Validators: []validator.Int64{int64validator.Between(minPrimaryMaxLen, maxPrimaryMaxLen)},
					},
				},
			},
			"solution_unique_name": schema.StringAttribute{
				Optional: true, CustomType: framework.NameType{},
				MarkdownDescription: "Unique name of the unmanaged solution to create the table in (sent as " +
					"`MSCRM.SolutionUniqueName`). Dataverse does not report it back: after an import (or when it is added to a table " +
					"created without it) the first apply only records the configured value, writes nothing and never replaces the " +
					"table. Changing a recorded value to another solution (other than in letter case) creates a new table.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{framework.RequiresReplaceIfRenamed("the table and all of its rows")},
			},
			"timeouts": framework.Timeouts(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

// ValidateConfig checks that the primary name column uses the table's
// publisher prefix (both are created by one solution publisher).
func (r *crmTableResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var tableName, columnName framework.Name
	columnPath := path.Root("primary_name_column").AtName("schema_name")
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root("schema_name"), &tableName)...)
	resp.Diagnostics.Append(req.Config.GetAttribute(ctx, columnPath, &columnName)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if msg := checkPrimaryPrefix(tableName, columnName); msg != "" {
		resp.Diagnostics.AddAttributeError(columnPath, "Invalid primary_name_column.schema_name", msg)
	}
}

// checkPrimaryPrefix returns "" when the prefixes agree or cannot be known
// yet (unknown values, or names the schema validators already reject).
func checkPrimaryPrefix(tableName, columnName framework.Name) string {
	if tableName.IsNull() || tableName.IsUnknown() || columnName.IsNull() || columnName.IsUnknown() {
		return ""
	}
	tp, cp := validate.SchemaPrefix(tableName.ValueString()), validate.SchemaPrefix(columnName.ValueString())
	if tp == "" || cp == "" || strings.EqualFold(tp, cp) {
		return ""
	}
	_, rest, _ := strings.Cut(columnName.ValueString(), "_")
	return fmt.Sprintf("The primary name column %q uses the prefix %q, but the table %q uses %q. A table and its primary "+
		"name column belong to one solution publisher: name the column %q.",
		columnName.ValueString(), cp, tableName.ValueString(), tp, tp+"_"+rest)
}

func (r *crmTableResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func object(logical string) string { return "CRM table " + logical }

// scope identifies this run's provider instance for claims.
func (r *crmTableResource) scope() any {
	if r.client == nil {
		return nil
	}
	return r.client
}

const twoTablesFix = "Keep one cosell_crm_table for this table and remove the other."

// ModifyPlan catches two resources for one table and warns when the plan
// replaces the table (its rows are deleted).
func (r *crmTableResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return
	}
	var name framework.Name
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("schema_name"), &name)...)
	logical := strings.ToLower(name.ValueString())
	if !name.IsUnknown() && !name.IsNull() {
		framework.ClaimOrError(r.scope(), framework.PhasePlan, "crm_table:"+logical, req.Config.Raw.String(), &resp.Diagnostics, path.Root("schema_name"),
			object(logical), twoTablesFix)
	}
	framework.WarnIfReplacing(ctx, req, resp, object(logical), "all of its rows", path.Root("schema_name"), path.Root("ownership"),
		path.Root("primary_name_column").AtName("schema_name"), path.Root("solution_unique_name"))
}

func (r *crmTableResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan tableModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := framework.WithTimeout(ctx, plan.Timeouts.Create, defaultCreateTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	logical := strings.ToLower(plan.SchemaName.ValueString())
	// Columns of this table (cosell_crm_field) write under the same lock;
	// publishing comes after it is released, shared with them (facts.go §3).
	if !framework.ClaimOrError(r.scope(), framework.PhaseWrite, "crm_table:"+logical, "", &resp.Diagnostics, path.Root("schema_name"),
		object(logical), twoTablesFix) {
		return
	}
	unlock := sync.OnceFunc(framework.Lock(framework.TableLockKey(logical)))
	defer unlock()
	dv := framework.Dataverse(ctx, r.client, object(logical), &resp.Diagnostics)
	if dv == nil {
		return
	}
	// Never write over a table that exists: it may hold rows.
	switch existing, err := dv.GetTable(ctx, logical); {
	case err == nil:
		resp.Diagnostics.AddAttributeError(path.Root("schema_name"), "Error creating "+object(logical), framework.AlreadyExists(
			"cosell_crm_table", fmt.Sprintf("The table %s (schema name %s)", logical, existing.SchemaName), logical))
		return
	case !dataverse.IsNotFound(err):
		framework.AddAPIError(&resp.Diagnostics, "checking before creating", object(logical), err)
		return
	}
	if _, err := dv.CreateTable(ctx, expandTable(plan), plan.SolutionUniqueName.ValueString()); err != nil {
		if dataverse.IsDuplicate(err) || dataverse.IsNameNotUnique(err) {
			resp.Diagnostics.AddAttributeError(path.Root("schema_name"), "Error creating "+object(logical), framework.AlreadyExists(
				"cosell_crm_table", fmt.Sprintf("A table or column named %s (Dataverse answered %s)", plan.SchemaName.ValueString(),
					dataverse.ErrorCode(err)), logical))
			return
		}
		framework.AddAPIError(&resp.Diagnostics, "creating", object(logical), err)
		return
	}
	// The table exists from here on: record it even if publishing or the
	// read-back fails, so Terraform does not lose track of it.
	plan.ID = types.StringValue(logical)
	unlock()
	publishErr := dv.Publish(ctx, logical)
	found, err := readTable(ctx, dv, logical, &plan)
	switch {
	case err != nil:
		framework.AddAPIError(&resp.Diagnostics, "reading the created", object(logical), err)
		settleUnknowns(&plan, logical)
	case !found:
		// Recorded all the same (tainted by the error), so the next apply
		// replaces it instead of failing on "already exists".
		resp.Diagnostics.AddError("Error creating "+object(logical),
			"Dataverse accepted the table but does not return it yet (metadata can lag); apply again to replace it.")
		settleUnknowns(&plan, logical)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if publishErr != nil {
		resp.Diagnostics.AddError("Error publishing "+object(logical), "The table was created, but publishing it failed: "+
			publishErr.Error()+". The table is saved in state as tainted, so the next apply deletes it and creates it again "+
			"(it has no rows yet). To keep it instead, run `terraform untaint <address>` (or `tofu untaint`); the next change "+
			"to the table or one of its columns publishes it.")
	}
}

func (r *crmTableResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state tableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := framework.WithTimeout(ctx, state.Timeouts.Read, defaultReadTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	logical := state.ID.ValueString()
	dv := framework.Dataverse(ctx, r.client, object(logical), &resp.Diagnostics)
	if dv == nil {
		return
	}
	found, err := readTable(ctx, dv, logical, &state)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", object(logical), err)
		return
	}
	if !found {
		resp.State.RemoveResource(ctx)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *crmTableResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state tableModel
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
	logical := state.ID.ValueString()
	unlock := sync.OnceFunc(framework.Lock(framework.TableLockKey(logical)))
	defer unlock()
	dv := framework.Dataverse(ctx, r.client, object(logical), &resp.Diagnostics)
	if dv == nil {
		return
	}
	changed := false
	if labelsChanged(plan, state) {
		def, err := dv.GetTable(ctx, logical)
		if err != nil {
			framework.AddAPIError(&resp.Diagnostics, "reading", object(logical), err)
			return
		}
		applyLabels(def, plan)
		if err := dv.UpdateTable(ctx, *def, true); err != nil {
			framework.AddAPIError(&resp.Diagnostics, "updating", object(logical), err)
			return
		}
		changed = true
	}
	if primaryChanged(plan.PrimaryNameColumn, state.PrimaryNameColumn) && state.PrimaryNameColumn != nil {
		column := state.PrimaryNameColumn.LogicalName.ValueString()
		def, err := dv.GetAttribute(ctx, logical, column, dataverse.KindString.CastName())
		if err != nil {
			framework.AddAPIError(&resp.Diagnostics, "reading the primary name column of", object(logical), err)
			return
		}
		applyPrimary(def, plan.PrimaryNameColumn)
		if err := dv.UpdateAttribute(ctx, logical, *def, true); err != nil {
			framework.AddAPIError(&resp.Diagnostics, "updating the primary name column "+column+" of", object(logical), err)
			return
		}
		changed = true
	}
	unlock()
	if changed {
		if err := dv.Publish(ctx, logical); err != nil {
			framework.AddAPIError(&resp.Diagnostics, "publishing", object(logical), err)
			return
		}
	}
	plan.ID = state.ID
	found, err := readTable(ctx, dv, logical, &plan)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading the updated", object(logical), err)
		return
	}
	if !found {
		resp.Diagnostics.AddError("Error updating "+object(logical), "The table was deleted while it was being updated; apply again to re-create it.")
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *crmTableResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state tableModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel, ok := framework.WithTimeout(ctx, state.Timeouts.Delete, defaultDeleteTimeout, &resp.Diagnostics)
	if !ok {
		return
	}
	defer cancel()
	logical := state.ID.ValueString()
	defer framework.Lock(framework.TableLockKey(logical))()
	dv := framework.Dataverse(ctx, r.client, object(logical), &resp.Diagnostics)
	if dv == nil {
		return
	}
	if err := dv.DeleteTable(ctx, logical); err != nil && !dataverse.IsNotFound(err) {
		framework.AddAPIError(&resp.Diagnostics, "deleting", object(logical), fmt.Errorf("%w. A table that another table's "+
			"lookup column refers to can only be deleted after that lookup (its relationship) is removed", err))
	}
}

// ImportState takes the table's logical name (its schema name is accepted
// too and lower-cased).
func (r *crmTableResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	id := strings.ToLower(strings.TrimSpace(req.ID))
	if validate.SchemaPrefix(id) == "" {
		resp.Diagnostics.AddError("Invalid import id for cosell_crm_table",
			fmt.Sprintf("%q is not a custom table's logical name. Import with the logical name, e.g. contoso_solutiondetail.", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), id)...)
}

// readTable reads the table and its primary name column into m; found is
// false when the table does not exist.
func readTable(ctx context.Context, dv *dataverse.Client, logical string, m *tableModel) (found bool, err error) {
	e, err := dv.GetTable(ctx, logical)
	if err != nil {
		if dataverse.IsNotFound(err) {
			return false, nil
		}
		return false, err
	}
	if e.PrimaryNameAttribute == "" {
		return false, fmt.Errorf("dataverse returned the table %s without a PrimaryNameAttribute", logical)
	}
	a, err := dv.GetAttribute(ctx, logical, e.PrimaryNameAttribute, dataverse.KindString.CastName())
	if err != nil {
		return false, fmt.Errorf("reading its primary name column %s: %w", e.PrimaryNameAttribute, err)
	}
	flattenTable(m, e, a)
	return true, nil
}

// settleUnknowns gives the computed attributes a value when the read-back
// after create failed, so the table can still be saved (as tainted).
func settleUnknowns(m *tableModel, logical string) {
	m.LogicalName = types.StringValue(logical)
	for _, v := range []*types.String{&m.EntitySetName, &m.MetadataID} {
		if v.IsUnknown() {
			*v = types.StringNull()
		}
	}
	if p := m.PrimaryNameColumn; p != nil && p.LogicalName.IsUnknown() {
		p.LogicalName = types.StringValue(strings.ToLower(p.SchemaName.ValueString()))
	}
}

package crmfield

import (
	"context"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

var (
	_ resource.ResourceWithConfigure      = (*fieldResource)(nil)
	_ resource.ResourceWithImportState    = (*fieldResource)(nil)
	_ resource.ResourceWithValidateConfig = (*fieldResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*fieldResource)(nil)
)

// Default timeouts: publishing a table can take minutes in a busy org.
const (
	defaultCreateTimeout = 20 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 20 * time.Minute
	defaultDeleteTimeout = 20 * time.Minute
)

// NewCRMFieldResource is cosell_crm_field: a custom column on a Dataverse table.
func NewCRMFieldResource() resource.Resource { return &fieldResource{} }

type fieldResource struct{ client *conns.Client }

func (r *fieldResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_crm_field"
}

func (r *fieldResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = fieldSchema(ctx)
}

func (r *fieldResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *fieldResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m fieldModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(validateConfig(ctx, m)...)
}

// ModifyPlan catches two resources for one column (claims, see
// framework/claims.go) and warns when the plan replaces the column.
func (r *fieldResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var id types.String
	resp.Diagnostics.Append(req.Plan.GetAttribute(ctx, path.Root("id"), &id)...)
	if !id.IsUnknown() && !id.IsNull() {
		framework.ClaimOrError(r.scope(), framework.PhasePlan, "crm_field:"+id.ValueString(), req.Config.Raw.String(), &resp.Diagnostics,
			path.Root("schema_name"), "the CRM field "+id.ValueString(), "Keep one cosell_crm_field for this column and remove the other.")
	}
	framework.WarnIfReplacing(ctx, req, resp, "the CRM field "+id.ValueString(), "the values every row holds in it",
		path.Root("table"), path.Root("schema_name"), path.Root("type"), path.Root("solution_unique_name"),
		path.Root("target_table"), path.Root("relationship_schema_name"))
}

// scope identifies this run's provider instance for claims (nil before
// the provider is configured).
func (r *fieldResource) scope() any {
	if r.client == nil {
		return nil
	}
	return r.client
}

// api returns the Dataverse client, or reports why there is none.
func (r *fieldResource) api(ctx context.Context, action, id string, diags interface {
	AddError(string, string)
}) metadataAPI {
	if r.client == nil {
		diags.AddError("Error "+action+" CRM field "+id, "The provider is not configured yet; this is a bug in the provider, please report it.")
		return nil
	}
	c, err := r.client.Dataverse(ctx)
	if err != nil {
		diags.AddError("Error "+action+" CRM field "+id, err.Error())
		return nil
	}
	return c
}

func (r *fieldResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan fieldModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	id := plan.ID.ValueString()
	if !framework.ClaimOrError(r.scope(), framework.PhaseWrite, "crm_field:"+id, "", &resp.Diagnostics, path.Root("schema_name"),
		"the CRM field "+id, "Keep one cosell_crm_field for this column and remove the other.") {
		return
	}
	api := r.api(ctx, "creating", id, &resp.Diagnostics)
	if api == nil {
		return
	}
	written, diags := create(ctx, api, plan)
	resp.Diagnostics.Append(diags...)
	if !written {
		return
	}
	state, found, d := readRemote(ctx, api, plan.Table.ValueString(), plan.LogicalName.ValueString(), plan)
	resp.Diagnostics.Append(d...)
	if !found {
		// Keep the column in state (as planned) so it is not orphaned.
		state = plan
		if state.MetadataID.IsUnknown() {
			state.MetadataID = types.StringNull()
		}
		if !d.HasError() {
			resp.Diagnostics.AddError("Error creating CRM field "+id,
				"Dataverse accepted the column but does not return it when read back. Run plan again; if it persists, check the table in the maker portal.")
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *fieldResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var prior fieldModel
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := prior.Timeouts.Read(ctx, defaultReadTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	table, logical := prior.Table.ValueString(), prior.LogicalName.ValueString()
	api := r.api(ctx, "reading", fieldID(table, logical), &resp.Diagnostics)
	if api == nil {
		return
	}
	m, found, d := readRemote(ctx, api, table, logical, prior)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	if !found {
		resp.State.RemoveResource(ctx) // deleted outside Terraform: plan re-creates it
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *fieldResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state fieldModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	table, logical := state.Table.ValueString(), state.LogicalName.ValueString()
	api := r.api(ctx, "updating", fieldID(table, logical), &resp.Diagnostics)
	if api == nil {
		return
	}
	failed := update(ctx, api, state, plan)
	resp.Diagnostics.Append(failed...)
	prior := plan
	if failed.HasError() {
		prior = state // record what is there now, so the next plan shows what is left to do
	}
	m, found, d := readRemote(ctx, api, table, logical, prior)
	resp.Diagnostics.Append(d...)
	if !found {
		if !failed.HasError() && !d.HasError() {
			resp.Diagnostics.AddError("Error updating CRM field "+fieldID(table, logical),
				"The column disappeared while it was being updated. Run plan again to re-create it.")
		}
		return
	}
	m.Timeouts = plan.Timeouts
	m.SolutionUniqueName = plan.SolutionUniqueName
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *fieldResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state fieldModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	if resp.Diagnostics.Append(d...); resp.Diagnostics.HasError() {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	api := r.api(ctx, "deleting", state.ID.ValueString(), &resp.Diagnostics)
	if api == nil {
		return
	}
	resp.Diagnostics.Append(remove(ctx, api, state)...)
}

// ImportState accepts <table>/<logical_name>; Read fills in the rest.
func (r *fieldResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	table, logical, err := parseFieldID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Invalid import id", err.Error())
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), fieldID(table, logical))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("table"), table)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("logical_name"), logical)...)
}

package flow

import (
	"context"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

// activationModel is cosell_flow_activation in Terraform terms.
type activationModel struct {
	ID               types.String   `tfsdk:"id"`
	Flows            types.List     `tfsdk:"flows"`
	TurnOffOnDestroy types.Bool     `tfsdk:"turn_off_on_destroy"`
	States           types.List     `tfsdk:"states"`
	AllOn            types.Bool     `tfsdk:"all_on"`
	Timeouts         timeouts.Value `tfsdk:"timeouts"`
}

// flowStateModel is one element of `states`.
type flowStateModel struct {
	Name       types.String `tfsdk:"name"`
	WorkflowID types.String `tfsdk:"workflow_id"`
	State      types.String `tfsdk:"state"`
}

var flowStateAttrTypes = map[string]attr.Type{
	"name":        types.StringType,
	"workflow_id": types.StringType,
	"state":       types.StringType,
}

var flowStateType = types.ObjectType{AttrTypes: flowStateAttrTypes}

// names returns the flows list as Go strings (known values only).
func (m activationModel) names(ctx context.Context, diags *diag.Diagnostics) []string {
	var out []string
	if m.Flows.IsNull() || m.Flows.IsUnknown() {
		return nil
	}
	diags.Append(m.Flows.ElementsAs(ctx, &out, false)...)
	return out
}

func stringList(names []string) types.List {
	vals := make([]attr.Value, len(names))
	for i, n := range names {
		vals[i] = types.StringValue(n)
	}
	return types.ListValueMust(types.StringType, vals)
}

// flattenStates builds `states` and `all_on` from a resolution: one element
// per listed name, in list order.
func flattenStates(r resolution) (types.List, types.Bool) {
	vals := make([]attr.Value, len(r.names))
	allOn := true
	for i, n := range r.names {
		s := flowStateModel{Name: types.StringValue(n), WorkflowID: types.StringNull(), State: types.StringValue(stateMissing)}
		if w := r.flows[i]; w != nil {
			s.Name = types.StringValue(w.Name)
			s.WorkflowID = types.StringValue(strings.ToLower(w.ID))
			s.State = types.StringValue(stateName(w.StateCode))
		}
		if s.State.ValueString() != stateOn {
			allOn = false
		}
		vals[i] = types.ObjectValueMust(flowStateAttrTypes, map[string]attr.Value{
			"name": s.Name, "workflow_id": s.WorkflowID, "state": s.State,
		})
	}
	return types.ListValueMust(flowStateType, vals), types.BoolValue(allOn)
}

// flowsModel is the cosell_flows data source.
type flowsModel struct {
	NameContains types.String    `tfsdk:"name_contains"`
	Flows        []flowInfoModel `tfsdk:"flows"`
}

type flowInfoModel struct {
	Name                 types.String   `tfsdk:"name"`
	UniqueName           types.String   `tfsdk:"unique_name"`
	WorkflowID           types.String   `tfsdk:"workflow_id"`
	State                types.String   `tfsdk:"state"`
	ConnectionReferences []types.String `tfsdk:"connection_reference_logical_names"`
	ChildFlowWorkflowIDs []types.String `tfsdk:"child_flow_workflow_ids"`
	Managed              types.Bool     `tfsdk:"managed"`
}

// flattenFlowInfo maps a workflow and its parsed clientdata.
func flattenFlowInfo(w dataverse.Workflow, deps dataverse.FlowDependencies) flowInfoModel {
	m := flowInfoModel{
		Name:                 types.StringValue(w.Name),
		UniqueName:           types.StringNull(),
		WorkflowID:           types.StringValue(strings.ToLower(w.ID)),
		State:                types.StringValue(stateName(w.StateCode)),
		ConnectionReferences: []types.String{},
		ChildFlowWorkflowIDs: []types.String{},
		Managed:              types.BoolValue(w.IsManaged),
	}
	if w.UniqueName != "" {
		m.UniqueName = types.StringValue(w.UniqueName)
	}
	for _, n := range deps.ConnectionReferenceNames() {
		m.ConnectionReferences = append(m.ConnectionReferences, types.StringValue(n))
	}
	for _, id := range deps.ChildFlowIDs {
		m.ChildFlowWorkflowIDs = append(m.ChildFlowWorkflowIDs, types.StringValue(id))
	}
	return m
}

package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// flowNamesValidator rejects, at plan time, an empty list, empty names and
// names that refer to the same flow twice.
type flowNamesValidator struct{}

func (flowNamesValidator) Description(context.Context) string {
	return "at least one flow; no empty names; each flow at most once"
}

func (v flowNamesValidator) MarkdownDescription(ctx context.Context) string {
	return v.Description(ctx)
}

func (flowNamesValidator) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	elems := req.ConfigValue.Elements()
	if len(elems) == 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid flows",
			"flows is empty. List at least one cloud flow to switch on, or omit flows to switch on the documented turn-on order:\n"+documentedOrderText())
		return
	}
	var names []string
	for i, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsUnknown() {
			continue // decided at apply time
		}
		if s.IsNull() || strings.TrimSpace(s.ValueString()) == "" {
			resp.Diagnostics.AddAttributeError(req.Path.AtListIndex(i), "Invalid flows",
				fmt.Sprintf("flows[%d] is empty. Give a cloud flow's display name (e.g. %q) or its unique name, or remove the element.", i, documentedOrder[0]))
			continue
		}
		for len(names) < i {
			names = append(names, "")
		}
		names = append(names, s.ValueString())
	}
	if d := duplicateNames(names); len(d) > 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid flows",
			"flows lists a cloud flow more than once: "+strings.Join(d, "; ")+". List each flow once, in the order to switch them on.")
	}
}

// ModifyPlan makes drift visible without a perpetual diff: after a
// successful apply every listed flow is on, so all_on is planned true. A
// refresh that found a flow off left false in state, so the plan differs
// (an update); with nothing off, state and plan agree. states is kept from
// state when nothing changes, else it is known after apply.
func (r *activationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var planned activationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &planned)...)
	if resp.Diagnostics.HasError() {
		return
	}
	planned.AllOn = types.BoolValue(true)
	planned.States = types.ListUnknown(flowStateType)
	// The id is the provider's organisation host, known without a request
	// (the Dataverse client is built lazily, no call is made here).
	if r.client != nil {
		if dv, err := r.client.Dataverse(ctx); err == nil {
			planned.ID = types.StringValue(orgHost(dv.OrgURL()))
		}
	}
	if !req.State.Raw.IsNull() {
		var prior activationModel
		resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if prior.AllOn.ValueBool() && planned.Flows.Equal(prior.Flows) && !prior.States.IsNull() {
			planned.States = prior.States
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &planned)...)
}

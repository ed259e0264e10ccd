package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
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
	var prior *activationModel
	if !req.State.Raw.IsNull() {
		prior = &activationModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, prior)...)
		if resp.Diagnostics.HasError() {
			return
		}
		if prior.AllOn.ValueBool() && planned.Flows.Equal(prior.Flows) && !prior.States.IsNull() {
			planned.States = prior.States
		}
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &planned)...)
	if planned.Flows.IsUnknown() {
		return
	}
	names := planned.names(ctx, &resp.Diagnostics)
	if cp := orderProblems(names); len(cp) > 0 {
		resp.Diagnostics.AddAttributeError(pathFlows, "Invalid flows: a child flow is listed after the flow that calls it", childrenDetail(cp))
		return
	}
	r.checkAtPlan(ctx, names, prior, resp)
}

// orderProblems checks the order of names against the connector's known
// parent/child graph (facts.go knownChildren), without any request: a
// child listed after its parent can never be switched on in time.
func orderProblems(names []string) []childProblem {
	pos := map[string]int{}
	for i, n := range names {
		if _, dup := pos[normalizeName(n)]; !dup {
			pos[normalizeName(n)] = i
		}
	}
	var problems []childProblem
	for i, n := range names {
		for parent, children := range knownChildren {
			if normalizeName(parent) != normalizeName(n) {
				continue
			}
			for _, c := range children {
				if j, listed := pos[normalizeName(c)]; listed && j > i {
					problems = append(problems, childProblem{Flow: n, FlowPos: i, Child: names[j], ChildPos: j, Kind: childOrder})
				}
			}
		}
	}
	return problems
}

// checkAtPlan reads the organisation's cloud flows while planning (one
// request; ModifyPlan only reads) when the provider is configured, and
// reports what would make the apply fail for certain: names that match no
// flow, and child flows that are off and not listed before their caller.
// Connection references are left to the apply, since a cosell_connection of
// the same apply may bind them. A failed read is a warning: the apply
// checks again before any write.
func (r *activationResource) checkAtPlan(ctx context.Context, names []string, prior *activationModel, resp *resource.ModifyPlanResponse) {
	if r.client == nil || len(names) == 0 {
		return
	}
	var diags diag.Diagnostics
	s := r.session(ctx, &diags)
	if s == nil {
		return
	}
	all, err := s.api.ListFlowsWithClientData(ctx, "")
	if err != nil {
		resp.Diagnostics.AddWarning("Could not check the cloud flows while planning",
			"Listing the cloud flows of "+s.host+" failed ("+err.Error()+"); the apply checks them again before switching anything.")
		return
	}
	off := map[string]bool{}
	if prior != nil && prior.TurnOffOnDestroy.ValueBool() {
		_, off = switchedOff(prior.names(ctx, &resp.Diagnostics), names, all)
	}
	s.checkFlows(names, all, off, &resp.Diagnostics)
}

package flow

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

func (r *activationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m activationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := m.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s := r.session(ctx, &resp.Diagnostics)
	names := m.names(ctx, &resp.Diagnostics)
	if s == nil || resp.Diagnostics.HasError() {
		return
	}
	all, ok := s.listAll(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	p := s.prepare(ctx, names, all, nil, &resp.Diagnostics)
	if p == nil {
		return
	}
	if !s.activateOrUndo(ctx, p, &resp.Diagnostics) {
		return
	}
	r.saveRead(ctx, s, &m, names, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
	}
}

// saveRead fills id, states and all_on from a fresh read.
func (r *activationResource) saveRead(ctx context.Context, s *session, m *activationModel, names []string, diags *diag.Diagnostics) {
	res, err := s.readStates(ctx, names)
	if err != nil {
		framework.AddAPIError(diags, "reading", s.object(), err)
		return
	}
	m.ID = types.StringValue(s.host)
	m.States, m.AllOn = flattenStates(res)
}

func (r *activationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m activationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := m.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s := r.session(ctx, &resp.Diagnostics)
	names := m.names(ctx, &resp.Diagnostics)
	if s == nil || resp.Diagnostics.HasError() {
		return
	}
	res, err := s.readStates(ctx, names)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", s.object(), err)
		return
	}
	if !res.found() {
		// None of the flows exists any more: the connector is gone (facts.go §8).
		resp.State.RemoveResource(ctx)
		return
	}
	if len(res.ambiguous) > 0 {
		resp.Diagnostics.AddAttributeWarning(pathFlows, "Cloud flow names match more than one flow in "+s.host,
			"Some names in flows match several cloud flows; the first match (by name) is shown in states and the next apply fails until "+
				"flows uses unique names.\n\n"+missingFlowsDetail(resolution{ambiguous: res.ambiguous}, nil))
	}
	m.ID = types.StringValue(s.host)
	m.States, m.AllOn = flattenStates(res)
	if m.TurnOffOnDestroy.IsNull() {
		m.TurnOffOnDestroy = types.BoolValue(true)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *activationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var m, prior activationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &prior)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := m.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s := r.session(ctx, &resp.Diagnostics)
	names := m.names(ctx, &resp.Diagnostics)
	oldNames := prior.names(ctx, &resp.Diagnostics)
	if s == nil || resp.Diagnostics.HasError() {
		return
	}

	// Flows no longer listed are switched off first, in reverse old order
	// (facts.go §6); their ids matter to the child-flow check.
	all, ok := s.listAll(ctx, &resp.Diagnostics)
	if !ok {
		return
	}
	var removed []*dataverse.Workflow
	off := map[string]bool{}
	if m.TurnOffOnDestroy.ValueBool() {
		removed, off = switchedOff(oldNames, names, all)
	}
	p := s.prepare(ctx, names, all, off, &resp.Diagnostics)
	if p == nil {
		return
	}
	s.deactivate(ctx, removed, &resp.Diagnostics)
	if !resp.Diagnostics.HasError() {
		s.activate(ctx, p, &resp.Diagnostics)
	}
	// Save what is true now, also after a failure, so the next plan shows
	// what is left to do (facts.go §5).
	var readDiags diag.Diagnostics
	r.saveRead(ctx, s, &m, names, &readDiags)
	if readDiags.HasError() {
		resp.Diagnostics.Append(readDiags...)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *activationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m activationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !m.TurnOffOnDestroy.IsNull() && !m.TurnOffOnDestroy.ValueBool() {
		return // leave the flows as they are (facts.go §6)
	}
	timeout, d := m.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	s := r.session(ctx, &resp.Diagnostics)
	names := m.names(ctx, &resp.Diagnostics)
	if s == nil || resp.Diagnostics.HasError() {
		return
	}
	res, err := s.readStates(ctx, names)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", s.object(), err)
		return
	}
	s.deactivate(ctx, reversed(res.flows), &resp.Diagnostics)
}

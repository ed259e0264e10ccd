package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// session is one operation's view of the organisation.
type session struct {
	api  flowAPI
	conn connectionAPI // nil without environment_id
	host string
	env  string
}

func (r *activationResource) session(ctx context.Context, diags *diag.Diagnostics) *session {
	if r.client == nil {
		diags.AddError("Provider not configured", "The provider was not configured before cosell_flow_activation was used; this is a bug in the provider, please report it.")
		return nil
	}
	dv, err := r.client.Dataverse(ctx)
	if err != nil {
		framework.AddAPIError(diags, "configuring the Dataverse API for", "cloud flow activation", err)
		return nil
	}
	s := &session{api: dv, host: orgHost(dv.OrgURL())}
	// The connection existence check is optional (facts.go §4).
	if pp, err := r.client.PowerPlatform(ctx); err == nil {
		s.conn, s.env = pp, pp.EnvironmentID()
	}
	return s
}

// object names the flows of one organisation in diagnostics.
func (s *session) object() string { return "cloud flows in " + s.host }

// listAll lists the cloud flows with their clientdata.
func (s *session) listAll(ctx context.Context, diags *diag.Diagnostics) ([]dataverse.Workflow, bool) {
	all, err := s.api.ListFlowsWithClientData(ctx, "")
	if err != nil {
		framework.AddAPIError(diags, "listing", s.object(), err)
		return nil, false
	}
	return all, true
}

// prepare resolves names among all (the cloud flows with clientdata) and
// runs every check that needs no write. off holds the workflow ids this
// apply switches off before activating. It returns nil after adding a
// diagnostic.
func (s *session) prepare(ctx context.Context, names []string, all []dataverse.Workflow, off map[string]bool, diags *diag.Diagnostics) *plan {
	p := s.checkFlows(names, all, off, diags)
	if p == nil {
		return nil
	}
	refs, err := p.referenceProblems(ctx, s.api, s.conn)
	if err != nil {
		framework.AddAPIError(diags, "checking the connection references of", s.object(), err)
		return nil
	}
	if len(refs) > 0 {
		diags.AddAttributeError(pathFlows,
			fmt.Sprintf("Cannot switch on %s: connection references have no connection", s.object()),
			referencesDetail(refs, s.env, true))
	}
	if diags.HasError() {
		return nil
	}
	return p
}

// checkFlows runs the checks that need only the flows themselves, at plan
// time as at apply: every name resolves, and every child flow of a flow to
// switch on is on or listed before it. It returns nil after adding a
// diagnostic.
func (s *session) checkFlows(names []string, all []dataverse.Workflow, off map[string]bool, diags *diag.Diagnostics) *plan {
	res := resolve(names, all)
	if !res.ok() {
		diags.AddAttributeError(pathFlows, "Cloud flows not found in "+s.host, missingFlowsDetail(res, all))
		return nil
	}
	p := newPlan(res, all)
	if err := p.parseDeps(); err != nil {
		framework.AddAPIError(diags, "reading the definition of", s.object(), err)
		return nil
	}
	if cp := p.childProblems(off); len(cp) > 0 {
		diags.AddAttributeError(pathFlows,
			fmt.Sprintf("Cannot switch on %s: child flows would not be on first", s.object()), childrenDetail(cp))
		return nil
	}
	return p
}

// switchedOff returns the workflows that an update from oldNames to names
// switches off first (no longer listed), in reverse old order, and their
// ids (lower case).
func switchedOff(oldNames, names []string, all []dataverse.Workflow) ([]*dataverse.Workflow, map[string]bool) {
	var removed []*dataverse.Workflow
	off := map[string]bool{}
	old, keep := resolve(oldNames, all), resolve(names, all)
	kept := map[string]bool{}
	for _, w := range keep.flows {
		if w != nil {
			kept[strings.ToLower(w.ID)] = true
		}
	}
	for _, w := range reversed(old.flows) {
		if w != nil && !kept[strings.ToLower(w.ID)] {
			removed = append(removed, w)
			off[strings.ToLower(w.ID)] = true
		}
	}
	return removed, off
}

// activate switches on the planned flows in order. It returns the
// positions it switched on; on failure it adds the diagnostic.
func (s *session) activate(ctx context.Context, p *plan, diags *diag.Diagnostics) (done []int, ok bool) {
	for _, i := range p.toActivate {
		w := p.res.flows[i]
		tflog.Debug(ctx, "switching on cloud flow", map[string]any{"flow": w.Name, "workflow_id": w.ID})
		if err := s.api.SetWorkflowState(ctx, w.ID, true); err != nil {
			s.activationError(p, i, err, len(done) == 0, diags)
			return done, false
		}
		done = append(done, i)
	}
	return done, true
}

// activateOrUndo is activate for a create: on failure it switches back off,
// in reverse, the flows it had switched on (facts.go §5).
func (s *session) activateOrUndo(ctx context.Context, p *plan, diags *diag.Diagnostics) bool {
	done, ok := s.activate(ctx, p, diags)
	if ok {
		return true
	}
	var undo []*dataverse.Workflow
	for _, i := range done {
		w := *p.res.flows[i]
		w.StateCode = dataverse.WorkflowStateActivated
		undo = append(undo, &w)
	}
	var undoDiags diag.Diagnostics
	s.deactivate(ctx, reversed(undo), &undoDiags)
	if undoDiags.HasError() {
		diags.AddWarning("Some cloud flows stay on after the failed create",
			"Switching back off the flows this apply had switched on failed; switch them off in Power Automate if needed.")
		diags.Append(undoDiags...)
	}
	return false
}

// activationError translates the flow service's refusal (facts.go §4).
func (s *session) activationError(p *plan, i int, err error, nothingOn bool, diags *diag.Diagnostics) {
	w := p.res.flows[i]
	summary := fmt.Sprintf("Error switching on cloud flow %q in %s", w.Name, s.host)
	fe, ok := dataverse.AsFlowClientError(err)
	if !ok {
		if dataverse.IsNotFound(err) {
			diags.AddAttributeError(pathFlows, summary, fmt.Sprintf("The flow (workflow id %s) was deleted while it was being switched on. "+
				"Run the apply again; names are matched anew.", w.ID))
			return
		}
		framework.AddAPIError(diags, fmt.Sprintf("switching on cloud flow %q in", w.Name), s.host, err)
		return
	}
	switch fe.Code {
	case dataverse.FlowCodeMissingConnection, dataverse.FlowCodeConnectionNotFound, dataverse.FlowCodeReferenceNotFound:
		ref := referenceInMessage(fe.Message)
		pr := refProblem{Flow: w.Name, Ref: ref, Kind: refUnbound}
		for _, fr := range p.deps[strings.ToLower(w.ID)].ConnectionReferences {
			if strings.EqualFold(fr.LogicalName, ref) {
				pr.API = fr.API
			}
		}
		if fe.Code == dataverse.FlowCodeConnectionNotFound {
			pr.Kind = refConnectionGone
		} else if fe.Code == dataverse.FlowCodeReferenceNotFound {
			pr.Kind = refMissing
		}
		diags.AddAttributeError(pathFlows, summary, fmt.Sprintf("Dataverse refused: %s: %s\n\n", fe.Code, fe.Message)+referencesDetail([]refProblem{pr}, s.env, nothingOn))
	case dataverse.FlowCodeChildFlowNeverPublished:
		diags.AddAttributeError(pathFlows, summary, fmt.Sprintf("Dataverse refused: %s: %s\n\n", fe.Code, fe.Message)+
			"A child flow must be on before a flow that calls it: list the child flow before its caller in flows. The documented turn-on order, "+
			"used when flows is omitted, is:\n"+documentedOrderText())
	case dataverse.FlowCodeConnectionAuthorization:
		diags.AddAttributeError(pathFlows, summary, fmt.Sprintf("Dataverse refused: %s: %s\n\n", fe.Code, fe.Message)+
			"The identity the provider signs in as may not use a connection this flow's connection references are bound to. "+
			"Share the connection with that identity in Power Automate, or bind the references to connections it owns (cosell_connection).")
	default:
		framework.AddAPIError(diags, fmt.Sprintf("switching on cloud flow %q in", w.Name), s.host, err)
	}
}

// deactivate switches off the given flows in the order given, skipping those
// already off; a flow deleted meanwhile is skipped. It reports every failure
// and keeps going (deactivation is never blocked by dependencies).
func (s *session) deactivate(ctx context.Context, flows []*dataverse.Workflow, diags *diag.Diagnostics) {
	for _, w := range flows {
		if w == nil || w.StateCode == dataverse.WorkflowStateDraft {
			continue
		}
		tflog.Debug(ctx, "switching off cloud flow", map[string]any{"flow": w.Name, "workflow_id": w.ID})
		if err := s.api.SetWorkflowState(ctx, w.ID, false); err != nil && !dataverse.IsNotFound(err) {
			framework.AddAPIError(diags, fmt.Sprintf("switching off cloud flow %q in", w.Name), s.host, err)
		}
	}
}

// readStates lists the flows (without clientdata) and resolves names.
func (s *session) readStates(ctx context.Context, names []string) (resolution, error) {
	all, err := s.api.ListFlows(ctx, "")
	if err != nil {
		return resolution{}, err
	}
	return resolve(names, all), nil
}

func reversed(flows []*dataverse.Workflow) []*dataverse.Workflow {
	out := make([]*dataverse.Workflow, len(flows))
	for i, w := range flows {
		out[len(flows)-1-i] = w
	}
	return out
}

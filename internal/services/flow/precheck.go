package flow

import (
	"context"
	"fmt"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// flowAPI is the part of the Dataverse client this package uses.
type flowAPI interface {
	ListFlows(ctx context.Context, filter string) ([]dataverse.Workflow, error)
	ListFlowsWithClientData(ctx context.Context, filter string) ([]dataverse.Workflow, error)
	ListConnectionReferences(ctx context.Context, filter string) ([]dataverse.ConnectionReference, error)
	SetWorkflowState(ctx context.Context, id string, activated bool) error
}

// connectionAPI looks a connection up in Power Platform (optional check).
type connectionAPI interface {
	Get(ctx context.Context, api, name string) (*powerplatform.Connection, error)
}

// Kinds of connection reference problems.
const (
	refUnbound        = "unbound"         // connectionid empty
	refMissing        = "missing"         // no connectionreferences row
	refConnectionGone = "connection-gone" // bound to a connection that does not exist
)

// refProblem is a connection reference that keeps a flow from switching on.
type refProblem struct {
	Flow       string // flow display name
	Ref        string // connection reference logical name
	API        string // connector api name, e.g. shared_partnercenterref
	Kind       string
	Connection string // the bound connection (refConnectionGone)
}

// Kinds of child flow problems.
const (
	childLater    = "later"    // off, listed after its caller
	childUnlisted = "unlisted" // off, not listed
	childMissing  = "missing"  // no such workflow
	childOrder    = "order"    // listed after its caller (the connector's known graph)
)

// childProblem is a child flow that would not be on before its caller.
type childProblem struct {
	Flow     string
	FlowPos  int
	Child    string // display name, or the workflow id when missing
	ChildPos int
	Kind     string
}

// plan is what an apply will do, worked out before any write.
type plan struct {
	res        resolution
	all        []dataverse.Workflow
	toActivate []int // positions in res, in order
	deps       map[string]dataverse.FlowDependencies
}

// newPlan picks the listed flows that are not on. offAfter holds workflow
// ids (lower case) that the apply switches off first (removed from flows).
func newPlan(res resolution, all []dataverse.Workflow) *plan {
	p := &plan{res: res, all: all, deps: map[string]dataverse.FlowDependencies{}}
	for i, w := range res.flows {
		if w != nil && !w.Activated() {
			p.toActivate = append(p.toActivate, i)
		}
	}
	return p
}

// parseDeps reads the clientdata of the flows to switch on.
func (p *plan) parseDeps() error {
	for _, i := range p.toActivate {
		w := p.res.flows[i]
		d, err := dataverse.ParseFlowClientData(w.ClientData)
		if err != nil {
			return fmt.Errorf("flow %q (workflow id %s): %w", w.Name, w.ID, err)
		}
		p.deps[strings.ToLower(w.ID)] = d
	}
	return nil
}

// referenceProblems checks the connection references of the flows to
// switch on. conn may be nil (no environment_id): bound connections are then
// not looked up.
func (p *plan) referenceProblems(ctx context.Context, api flowAPI, conn connectionAPI) ([]refProblem, error) {
	need := false
	for _, i := range p.toActivate {
		if len(p.deps[strings.ToLower(p.res.flows[i].ID)].ConnectionReferenceNames()) > 0 {
			need = true
		}
	}
	if !need {
		return nil, nil
	}
	rows, err := api.ListConnectionReferences(ctx, "")
	if err != nil {
		return nil, fmt.Errorf("reading connection references: %w", err)
	}
	byName := map[string]dataverse.ConnectionReference{}
	for _, r := range rows {
		byName[strings.ToLower(r.LogicalName)] = r
	}
	type connKey struct{ api, name string }
	exists := map[connKey]bool{}
	var problems []refProblem
	for _, i := range p.toActivate {
		w := p.res.flows[i]
		d := p.deps[strings.ToLower(w.ID)]
		seen := map[string]bool{}
		for _, fr := range d.ConnectionReferences {
			if fr.LogicalName == "" || seen[strings.ToLower(fr.LogicalName)] {
				continue
			}
			seen[strings.ToLower(fr.LogicalName)] = true
			pr := refProblem{Flow: w.Name, Ref: fr.LogicalName, API: fr.API}
			row, ok := byName[strings.ToLower(fr.LogicalName)]
			if ok && row.ConnectorID != "" {
				pr.API = apiOfConnectorID(row.ConnectorID)
			}
			switch {
			case !ok:
				pr.Kind = refMissing
			case row.ConnectionID == "":
				pr.Kind = refUnbound
			case conn != nil:
				k := connKey{strings.ToLower(pr.API), strings.ToLower(row.ConnectionID)}
				found, checked := exists[k]
				if !checked {
					_, err := conn.Get(ctx, pr.API, row.ConnectionID)
					// Only a clear "not found" counts; other failures are left
					// to the activation itself to report (facts.go §4).
					found = !powerplatform.IsNotFound(err)
					exists[k] = found
				}
				if !found {
					pr.Kind, pr.Connection = refConnectionGone, row.ConnectionID
				}
			}
			if pr.Kind != "" {
				problems = append(problems, pr)
			}
		}
	}
	return problems, nil
}

// childProblems checks that every child flow of a flow to switch on is on,
// or listed (and so switched on) before it. off holds ids switched off by
// this apply before activating (lower case).
func (p *plan) childProblems(off map[string]bool) []childProblem {
	pos := map[string]int{}
	for i, w := range p.res.flows {
		if w != nil {
			if _, dup := pos[strings.ToLower(w.ID)]; !dup {
				pos[strings.ToLower(w.ID)] = i
			}
		}
	}
	byID := map[string]dataverse.Workflow{}
	for _, w := range p.all {
		byID[strings.ToLower(w.ID)] = w
	}
	var problems []childProblem
	for _, i := range p.toActivate {
		w := p.res.flows[i]
		for _, child := range p.deps[strings.ToLower(w.ID)].ChildFlowIDs {
			cw, exists := byID[child]
			if exists && cw.Activated() && !off[child] {
				continue
			}
			j, listed := pos[child]
			switch {
			case !exists:
				problems = append(problems, childProblem{Flow: w.Name, FlowPos: i, Child: child, ChildPos: -1, Kind: childMissing})
			case listed && j < i:
				// switched on earlier in this apply
			case listed:
				problems = append(problems, childProblem{Flow: w.Name, FlowPos: i, Child: cw.Name, ChildPos: j, Kind: childLater})
			default:
				problems = append(problems, childProblem{Flow: w.Name, FlowPos: i, Child: cw.Name, ChildPos: -1, Kind: childUnlisted})
			}
		}
	}
	return problems
}

// apiOfConnectorID returns the api name of a connector id such as
// /providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps.
func apiOfConnectorID(id string) string {
	id = strings.TrimRight(strings.TrimSpace(id), "/")
	if i := strings.LastIndex(strings.ToLower(id), "/apis/"); i >= 0 {
		id = id[i+len("/apis/"):]
	}
	if i := strings.IndexByte(id, '/'); i >= 0 {
		id = id[:i]
	}
	return id
}

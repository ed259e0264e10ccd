package dataverse

import (
	"context"
	"fmt"
)

// SetWorkflows is the workflow table's entity set.
const SetWorkflows = "workflows"

// Workflow categories and states (cloud flows are category 5).
const (
	WorkflowCategoryModernFlow = 5

	WorkflowStateDraft     = 0
	WorkflowStateActivated = 1
	WorkflowStateSuspended = 2

	WorkflowStatusDraft     = 1
	WorkflowStatusActivated = 2
)

// Workflow is a solution-aware cloud flow (a row of workflows).
type Workflow struct {
	ID               string
	Name             string
	UniqueName       string
	Description      string
	Category         int
	Type             int // 1 Definition, 2 Activation, 3 Template
	StateCode        int
	StatusCode       int
	IsManaged        bool
	WorkflowIDUnique string
	ClientData       string // JSON text; only filled by GetWorkflow
	ETag             string
}

// Activated reports statecode 1.
func (w Workflow) Activated() bool { return w.StateCode == WorkflowStateActivated }

var workflowColumns = []string{"workflowid", "name", "uniquename", "description", "category", "type", "statecode", "statuscode", "ismanaged", "workflowidunique"}

func workflowFrom(r Record) Workflow {
	w := Workflow{
		ID: r.String("workflowid"), Name: r.String("name"), UniqueName: r.String("uniquename"),
		Description: r.String("description"), WorkflowIDUnique: r.String("workflowidunique"),
		ClientData: r.String("clientdata"), ETag: r.ETag(),
	}
	for col, dst := range map[string]*int{"category": &w.Category, "type": &w.Type, "statecode": &w.StateCode, "statuscode": &w.StatusCode} {
		if v, ok := r.Int(col); ok {
			*dst = int(v)
		}
	}
	w.IsManaged, _ = r.Bool("ismanaged")
	return w
}

// ListFlows returns the cloud flows (category 5), narrowed by an optional
// extra filter such as EqString("name", "…").
func (c *Client) ListFlows(ctx context.Context, filter string) ([]Workflow, error) {
	f := fmt.Sprintf("category eq %d", WorkflowCategoryModernFlow)
	if filter != "" {
		f += " and (" + filter + ")"
	}
	rows, err := c.QueryAll(ctx, SetWorkflows, Query{Select: workflowColumns, Filter: f, OrderBy: "name asc"})
	if err != nil {
		return nil, err
	}
	out := make([]Workflow, len(rows))
	for i, r := range rows {
		out[i] = workflowFrom(r)
	}
	return out, nil
}

// GetWorkflow reads one workflow including its clientdata.
func (c *Client) GetWorkflow(ctx context.Context, id string) (*Workflow, error) {
	r, err := c.Get(ctx, SetWorkflows, id, append(append([]string(nil), workflowColumns...), "clientdata"))
	if err != nil {
		return nil, err
	}
	w := workflowFrom(r)
	return &w, nil
}

// SetWorkflowState turns a flow on ({statecode:1,statuscode:2}) or off
// ({statecode:0,statuscode:1}) with If-Match: *. Activation failures (e.g.
// XrmConnectionReferenceMissingConnection) come back as *Error.
func (c *Client) SetWorkflowState(ctx context.Context, id string, activated bool) error {
	rec := Record{"statecode": WorkflowStateDraft, "statuscode": WorkflowStatusDraft}
	if activated {
		rec = Record{"statecode": WorkflowStateActivated, "statuscode": WorkflowStatusActivated}
	}
	return c.Update(ctx, SetWorkflows, id, rec, "*")
}

package dataverse

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
)

// What a cloud flow's clientdata says about what it needs before it can be
// switched on (dataverse-api.md §5): the connection references it uses and
// the child flows it calls.

// FlowConnectionReference is one entry of properties.connectionReferences.
type FlowConnectionReference struct {
	Key         string // the entry's key in the flow, e.g. shared_commondataserviceforapps
	LogicalName string // connection.connectionReferenceLogicalName ("" = embedded connection)
	API         string // api.name, e.g. shared_partnercenterref
}

// FlowDependencies is the parsed part of clientdata.
type FlowDependencies struct {
	// ConnectionReferences are sorted by key.
	ConnectionReferences []FlowConnectionReference
	// ChildFlowIDs are the workflow ids of the actions of type "Workflow"
	// (inputs.host.workflowReferenceName), wherever they are nested, without
	// repeats, lower case.
	ChildFlowIDs []string
}

// ConnectionReferenceNames returns the distinct logical names of the
// connection references the flow uses, sorted.
func (d FlowDependencies) ConnectionReferenceNames() []string {
	seen := map[string]bool{}
	var out []string
	for _, r := range d.ConnectionReferences {
		if r.LogicalName != "" && !seen[strings.ToLower(r.LogicalName)] {
			seen[strings.ToLower(r.LogicalName)] = true
			out = append(out, r.LogicalName)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return out
}

// ParseFlowClientData reads a flow's clientdata. Empty text gives no
// dependencies.
func ParseFlowClientData(clientdata string) (FlowDependencies, error) {
	var d FlowDependencies
	if strings.TrimSpace(clientdata) == "" {
		return d, nil
	}
	var cd struct {
		Properties struct {
			ConnectionReferences map[string]struct {
				Connection struct {
					ConnectionReferenceLogicalName string `json:"connectionReferenceLogicalName"`
				} `json:"connection"`
				API struct {
					Name string `json:"name"`
				} `json:"api"`
			} `json:"connectionReferences"`
			Definition any `json:"definition"`
		} `json:"properties"`
	}
	if err := json.Unmarshal([]byte(clientdata), &cd); err != nil {
		return d, fmt.Errorf("dataverse: the flow's clientdata is not valid JSON: %w", err)
	}
	for k, v := range cd.Properties.ConnectionReferences {
		d.ConnectionReferences = append(d.ConnectionReferences, FlowConnectionReference{
			Key: k, LogicalName: v.Connection.ConnectionReferenceLogicalName, API: v.API.Name})
	}
	sort.Slice(d.ConnectionReferences, func(i, j int) bool { return d.ConnectionReferences[i].Key < d.ConnectionReferences[j].Key })
	seen := map[string]bool{}
	walkChildFlows(cd.Properties.Definition, func(id string) {
		id = strings.ToLower(strings.Trim(id, "{}"))
		if !seen[id] {
			seen[id] = true
			d.ChildFlowIDs = append(d.ChildFlowIDs, id)
		}
	})
	return d, nil
}

// walkChildFlows calls fn for every child-flow action's workflow id. Map keys
// are visited in sorted order so the result does not depend on Go's map order.
func walkChildFlows(v any, fn func(string)) {
	switch x := v.(type) {
	case map[string]any:
		if typ, _ := x["type"].(string); strings.EqualFold(typ, "Workflow") {
			if in, ok := x["inputs"].(map[string]any); ok {
				if host, ok := in["host"].(map[string]any); ok {
					if id, _ := host["workflowReferenceName"].(string); id != "" {
						fn(id)
					}
				}
			}
		}
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			walkChildFlows(x[k], fn)
		}
	case []any:
		for _, e := range x {
			walkChildFlows(e, fn)
		}
	}
}

// ListFlowsWithClientData is ListFlows with each flow's clientdata, for
// callers that need every flow's dependencies (one query instead of a GET
// per flow).
func (c *Client) ListFlowsWithClientData(ctx context.Context, filter string) ([]Workflow, error) {
	f := fmt.Sprintf("category eq %d", WorkflowCategoryModernFlow)
	if filter != "" {
		f += " and (" + filter + ")"
	}
	cols := append(append([]string(nil), workflowColumns...), "clientdata")
	rows, err := c.QueryAll(ctx, SetWorkflows, Query{Select: cols, Filter: f, OrderBy: "name asc"})
	if err != nil {
		return nil, err
	}
	out := make([]Workflow, len(rows))
	for i, r := range rows {
		out[i] = workflowFrom(r)
	}
	return out, nil
}

// Flow activation failures (dataverse-api.md §5). Dataverse wraps the flow
// service's error in its own: 'Failed to activate component(s). Flow client
// error returned with status code "BadRequest" and details
// "{"error":{"code":"XrmConnectionReferenceMissingConnection","message":"…"}}"'
// — the inner JSON may arrive escaped (\"). The inner codes seen:
const (
	FlowCodeMissingConnection       = "XrmConnectionReferenceMissingConnection"
	FlowCodeConnectionNotFound      = "ConnectionNotFound"
	FlowCodeReferenceNotFound       = "XrmConnectionReferenceNotFound"
	FlowCodeChildFlowNeverPublished = "ChildFlowNeverPublished"
	FlowCodeConnectionAuthorization = "ConnectionAuthorizationFailed"
)

// FlowClientError is the flow service's error inside a failed activation.
type FlowClientError struct {
	Code    string
	Message string
}

var (
	innerCodeRE    = regexp.MustCompile(`\\?"code\\?"\s*:\s*\\?"([A-Za-z0-9_.]+)\\?"`)
	innerMessageRE = regexp.MustCompile(`\\?"message\\?"\s*:\s*\\?"((?:[^"\\]|\\[^"])*)\\?"`)
)

// AsFlowClientError extracts the flow service's error from a failed
// workflow update, if the Dataverse error carries one.
func AsFlowClientError(err error) (*FlowClientError, bool) {
	e, ok := AsError(err)
	if !ok {
		return nil, false
	}
	text := e.Message
	if text == "" {
		text = e.Body
	}
	i := strings.Index(text, "details")
	if i < 0 {
		return nil, false
	}
	details := text[i:]
	if open, end := strings.IndexByte(details, '{'), strings.LastIndexByte(details, '}'); open >= 0 && end > open {
		inner := details[open : end+1]
		for _, candidate := range []string{inner, strings.ReplaceAll(inner, `\"`, `"`)} {
			var w struct {
				Error FlowClientError `json:"error"`
			}
			if json.Unmarshal([]byte(candidate), &w) == nil && w.Error.Code != "" {
				return &w.Error, true
			}
		}
	}
	m := innerCodeRE.FindStringSubmatch(details)
	if m == nil {
		return nil, false
	}
	fe := &FlowClientError{Code: m[1]}
	if mm := innerMessageRE.FindStringSubmatch(details); mm != nil {
		fe.Message = mm[1]
	}
	return fe, true
}

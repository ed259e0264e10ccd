package dataverse

import (
	"encoding/json"
	"net/http"
	"sort"
	"strings"
)

// Workflow (process) values, dataverse-api.md §5.
const (
	categoryModernFlow = 5
	workflowDraft      = 0
	workflowActivated  = 1
	workflowSuspended  = 2
)

// businessRules are the per-table rules of untrusted writes.
func (s *Service) businessRules(t *table, old, rec record, changes map[string]any) *apiError {
	switch t.LogicalName {
	case "opportunity":
		return opportunityRules(old, rec, changes)
	case "workflow":
		return s.workflowRules(old, rec)
	}
	return nil
}

// opportunityRules: opportunities are created open and closed only through
// WinOpportunity/LoseOpportunity; a closed one is read-only until it is
// reopened by setting statecode 0 (facts.go).
func opportunityRules(old, rec record, changes map[string]any) *apiError {
	newState, _ := rec["statecode"].(int64)
	if old == nil {
		if newState != 0 {
			return errf(http.StatusBadRequest, codeInvalidArgument,
				"An opportunity is created open (statecode 0); close it with the WinOpportunity or LoseOpportunity action.")
		}
		return nil
	}
	oldState, _ := old["statecode"].(int64)
	if oldState != 0 {
		for k := range changes {
			if k != "statecode" && k != "statuscode" {
				return errf(http.StatusBadRequest, codeClosedRecord,
					"The opportunity is closed (statecode %d) and cannot be modified. Reopen it first by setting statecode to 0.", oldState)
			}
		}
		if newState != 0 {
			return errf(http.StatusBadRequest, codeClosedRecord,
				"The opportunity is closed (statecode %d); it can only be reopened (statecode 0).", oldState)
		}
		return nil
	}
	if newState != 0 {
		return errf(http.StatusBadRequest, codeInvalidArgument,
			"An opportunity cannot be closed by an update; use the WinOpportunity or LoseOpportunity action.")
	}
	return nil
}

func (s *Service) workflowRules(old, rec record) *apiError {
	newState, _ := rec["statecode"].(int64)
	oldState := int64(-1)
	if old != nil {
		oldState, _ = old["statecode"].(int64)
	}
	if newState == oldState {
		return nil
	}
	if newState == workflowSuspended {
		return errf(http.StatusBadRequest, codeInvalidArgument, "A process is suspended by the system only; set statecode 0 or 1.")
	}
	if cat, _ := rec["category"].(int64); newState == workflowActivated && cat == categoryModernFlow {
		return s.checkFlowActivation(rec)
	}
	return nil
}

// clientData is the part of a cloud flow's clientdata the checks read.
type clientData struct {
	Properties struct {
		ConnectionReferences map[string]struct {
			Connection struct {
				ConnectionReferenceLogicalName string `json:"connectionReferenceLogicalName"`
			} `json:"connection"`
		} `json:"connectionReferences"`
		Definition map[string]any `json:"definition"`
	} `json:"properties"`
}

// checkFlowActivation mirrors what the flow service checks when Dataverse
// activates a cloud flow: every connection reference has a connection that
// exists, and every child flow is on. Failures come back wrapped as the
// flow-client error dataverse-api.md §5 quotes.
func (s *Service) checkFlowActivation(wf record) *apiError {
	raw, _ := wf["clientdata"].(string)
	var cd clientData
	if raw != "" {
		if err := json.Unmarshal([]byte(raw), &cd); err != nil {
			return flowClientError("BadRequest", "InvalidClientData", "The flow's clientdata is not valid JSON: "+err.Error())
		}
	}
	keys := make([]string, 0, len(cd.Properties.ConnectionReferences))
	for k := range cd.Properties.ConnectionReferences {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		name := cd.Properties.ConnectionReferences[k].Connection.ConnectionReferenceLogicalName
		if name == "" {
			continue // embedded connection: nothing in Dataverse to check
		}
		cr := s.connectionReferenceByName(name)
		if cr == nil {
			return flowClientError("BadRequest", "XrmConnectionReferenceNotFound",
				"Connection reference with logical name '"+name+"' was not found.")
		}
		connID, _ := cr["connectionid"].(string)
		if connID == "" {
			return flowClientError("BadRequest", "XrmConnectionReferenceMissingConnection",
				"Connection Id missing for connection reference logical name '"+name+"'.")
		}
		exists := s.opts.ConnectionExists == nil || s.opts.ConnectionExists(s.opts.EnvironmentID, connID)
		if !exists {
			api, _ := cr["connectorid"].(string)
			return flowClientError("BadRequest", "ConnectionNotFound",
				"Could not find connection '"+connID+"' for API '"+api+"' used by connection reference '"+name+"'.")
		}
	}
	for _, childID := range childFlowIDs(cd.Properties.Definition) {
		id, _ := parseGUIDKey(childID)
		child, ok := s.getRec("workflow", id)
		if state, _ := child["statecode"].(int64); !ok || state != workflowActivated {
			name, _ := child["name"].(string)
			return flowClientError("BadRequest", "ChildFlowNeverPublished",
				"The child flow '"+name+"' (workflow id '"+childID+"') has never been published or is turned off. Turn on the child flow before the flow that calls it.")
		}
	}
	return nil
}

func (s *Service) connectionReferenceByName(logical string) record {
	for _, id := range s.sortedIDs("connectionreference") {
		rec := s.data["connectionreference"][id]
		if n, _ := rec["connectionreferencelogicalname"].(string); strings.EqualFold(n, logical) {
			return rec
		}
	}
	return nil
}

// childFlowIDs finds actions of type "Workflow" anywhere in a definition
// (scopes, conditions and loops nest actions) and returns their
// inputs.host.workflowReferenceName values in document order.
func childFlowIDs(def map[string]any) []string {
	var ids []string
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if typ, _ := x["type"].(string); strings.EqualFold(typ, "Workflow") {
				if in, ok := x["inputs"].(map[string]any); ok {
					if host, ok := in["host"].(map[string]any); ok {
						if id, ok := host["workflowReferenceName"].(string); ok && id != "" {
							ids = append(ids, id)
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
				walk(x[k])
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(def)
	return ids
}

// flowClientError wraps a flow service error the way Dataverse reports it
// (dataverse-api.md §5; HTTP status and code are choices, see facts.go).
func flowClientError(status, code, message string) *apiError {
	inner, _ := json.Marshal(map[string]any{"error": map[string]any{"code": code, "message": message}})
	return errf(http.StatusBadRequest, codeFlowActivation,
		"Failed to activate component(s). Flow client error returned with status code \"%s\" and details \"%s\".", status, inner)
}

package dataverse

import (
	"encoding/json"
	"strings"
	"testing"
)

var activate = map[string]any{"statecode": 1, "statuscode": 2}

func (h *harness) bindRef(logical, connID string) {
	h.t.Helper()
	for _, r := range ConnectorConnectionRefs {
		if r.LogicalName == logical {
			h.must(h.do("PATCH", "connectionreferences("+r.ID+")", map[string]any{"connectionid": connID}), 204)
			return
		}
	}
	h.t.Fatalf("no connection reference %s", logical)
}

func TestDefaultFlowsAndRefs(t *testing.T) {
	h := newDefault(t)
	flows := h.must(h.do("GET", "workflows?$select=name,uniquename,category,type,statecode,statuscode,clientdata&$filter=category eq 5 and statecode eq 0", nil), 200).values()
	if len(flows) != 11 {
		t.Fatalf("%d draft flows", len(flows))
	}
	for _, f := range flows {
		var cd clientData
		if err := json.Unmarshal([]byte(f["clientdata"].(string)), &cd); err != nil || len(cd.Properties.ConnectionReferences) == 0 {
			t.Fatalf("clientdata of %v: %v", f["name"], err)
		}
		if num(f["type"]) != 1 || num(f["statuscode"]) != 1 {
			t.Fatalf("flow row %v", f)
		}
	}
	refs := h.must(h.do("GET", "connectionreferences?$select=connectionreferencelogicalname,connectorid,connectionid", nil), 200).values()
	if len(refs) != 7 {
		t.Fatalf("%d connection references", len(refs))
	}
	for _, r := range refs {
		if r["connectionid"] != nil || !strings.HasPrefix(r["connectorid"].(string), "/providers/Microsoft.PowerApps/apis/shared_") {
			t.Fatalf("ref %v", r)
		}
	}
}

func TestFlowActivationNeedsBoundExistingConnections(t *testing.T) {
	h := newDefault(t)
	r := h.mustErr(h.do("PATCH", "workflows("+FlowWebhookRegistration+")", activate, "If-Match: *"), 400, codeFlowActivation)
	want := `Failed to activate component(s). Flow client error returned with status code "BadRequest" and details "{"error":{"code":"XrmConnectionReferenceMissingConnection","message":"Connection Id missing for connection reference logical name 'msft_sharedpartnercenterevents_webhooks'."}}".`
	if r.errMsg() != want {
		t.Fatalf("message\n got %s\nwant %s", r.errMsg(), want)
	}
	if rec, _ := h.svc.Record("workflows", FlowWebhookRegistration); num(rec["statecode"]) != 0 {
		t.Fatal("failed activation changed the flow")
	}
	h.bindRef("msft_sharedpartnercenterevents_webhooks", "shared-partnercen-0001")
	r = h.mustErr(h.do("PATCH", "workflows("+FlowWebhookRegistration+")", activate), 400, codeFlowActivation)
	if !strings.Contains(r.errMsg(), `"code":"ConnectionNotFound"`) {
		t.Fatalf("missing connection: %s", r.errMsg())
	}
	h.addConn("shared-partnercen-0001")
	h.must(h.do("PATCH", "workflows("+FlowWebhookRegistration+")", activate), 204)
	if rec, _ := h.svc.Record("workflows", FlowWebhookRegistration); num(rec["statecode"]) != 1 || num(rec["statuscode"]) != 2 {
		t.Fatalf("activated flow %v", rec)
	}
	// Deactivate with statecode alone: default status of Draft.
	h.must(h.do("PATCH", "workflows("+FlowWebhookRegistration+")", map[string]any{"statecode": 0}), 204)
	if rec, _ := h.svc.Record("workflows", FlowWebhookRegistration); num(rec["statuscode"]) != 1 {
		t.Fatalf("deactivated flow %v", rec)
	}
	h.mustErr(h.do("PATCH", "workflows("+FlowWebhookRegistration+")", map[string]any{"statecode": 2}), 400, codeInvalidArgument)
}

func TestChildFlowsMustBeOnFirst(t *testing.T) {
	h := newDefault(t)
	for _, r := range ConnectorConnectionRefs {
		h.bindRef(r.LogicalName, "conn-"+r.ID[len(r.ID)-2:])
		h.addConn("conn-" + r.ID[len(r.ID)-2:])
	}
	r := h.mustErr(h.do("PATCH", "workflows("+FlowPCToD365+")", activate), 400, codeFlowActivation)
	if !strings.Contains(r.errMsg(), `"code":"ChildFlowNeverPublished"`) || !strings.Contains(r.errMsg(), FlowPCToD365Helper) {
		t.Fatalf("child flow error: %s", r.errMsg())
	}
	h.must(h.do("PATCH", "workflows("+FlowPCToD365Helper+")", activate), 204)
	r = h.mustErr(h.do("PATCH", "workflows("+FlowPCToD365+")", activate), 400, codeFlowActivation)
	if !strings.Contains(r.errMsg(), FlowPCCosellUpdates) {
		t.Fatalf("second child: %s", r.errMsg())
	}
	h.must(h.do("PATCH", "workflows("+FlowPCCosellUpdates+")", activate), 204)
	h.must(h.do("PATCH", "workflows("+FlowPCToD365+")", activate), 204)
	// Turning on all flows in the documented order works.
	for _, f := range ConnectorFlows {
		rec, _ := h.svc.Record("workflows", f.ID)
		if num(rec["statecode"]) == 1 {
			continue
		}
		h.must(h.do("PATCH", "workflows("+f.ID+")", activate), 204)
	}
	on := h.must(h.do("GET", "workflows?$select=name&$filter=category eq 5 and statecode eq 1", nil), 200).values()
	if len(on) != 11 {
		t.Fatalf("%d flows on", len(on))
	}
}

func TestCreatedFlowActivation(t *testing.T) {
	h := newDefault(t)
	cd := `{"properties":{"connectionReferences":{"shared_commondataserviceforapps":{"runtimeSource":"embedded","connection":{"connectionReferenceLogicalName":"pfx_missing"},"api":{"name":"shared_commondataserviceforapps"}}},"definition":{"actions":{}}},"schemaVersion":"1.0.0.0"}`
	id := idFromEntityID(t, h.must(h.do("POST", "workflows", map[string]any{"name": "Mine", "category": 5, "type": 1,
		"primaryentity": "none", "clientdata": cd}), 204))
	r := h.mustErr(h.do("PATCH", "workflows("+id+")", activate), 400, codeFlowActivation)
	if !strings.Contains(r.errMsg(), "pfx_missing") {
		t.Fatalf("message %s", r.errMsg())
	}
	h.mustErr(h.do("POST", "workflows", map[string]any{"name": "No category", "type": 1, "primaryentity": "none"}), 400, codeInvalidArgument)
	// Classic workflows (category 0) are not checked.
	id = idFromEntityID(t, h.must(h.do("POST", "workflows", map[string]any{"name": "Classic", "category": 0, "type": 1, "primaryentity": "account"}), 204))
	h.must(h.do("PATCH", "workflows("+id+")", activate), 204)
}

func TestChildFlowIDsFindsNestedActions(t *testing.T) {
	def := map[string]any{"actions": map[string]any{
		"Scope": map[string]any{"type": "Scope", "actions": map[string]any{
			"Condition": map[string]any{"type": "If", "else": map[string]any{"actions": map[string]any{
				"Run": map[string]any{"type": "Workflow", "inputs": map[string]any{"host": map[string]any{"workflowReferenceName": "abc"}}}}}}}}}}
	if ids := childFlowIDs(def); len(ids) != 1 || ids[0] != "abc" {
		t.Fatalf("ids %v", ids)
	}
}

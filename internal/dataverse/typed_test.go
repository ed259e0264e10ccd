package dataverse

import (
	"context"
	"strings"
	"testing"
)

const (
	defID   = "66666666-2222-4333-8444-555555555555"
	valID   = "77777777-2222-4333-8444-555555555555"
	flowID  = "88888888-2222-4333-8444-555555555555"
	crefID  = "99999999-2222-4333-8444-555555555555"
	envSpec = "pfx_DealValueField"
)

func TestEnvironmentVariableDefinitions(t *testing.T) {
	row := `{"@odata.etag":"W/\"11\"","environmentvariabledefinitionid":"` + defID + `","schemaname":"` + envSpec + `","displayname":"Deal value field",
	  "description":null,"defaultvalue":"estimatedvalue","type":100000000,"isrequired":false,"valueschema":null,"secretstore":null}`
	srv := newServer(t,
		reply(200, `{"value":[`+row+`]}`),
		reply(200, `{"value":[]}`),
		reply(204, "", "OData-EntityId", "https://org.example/api/data/v9.2/environmentvariabledefinitions("+defID+")"),
		reply(204, ""),
		reply(200, row),
		reply(204, ""),
	)
	c := srv.client(Options{NewID: fixedIDs(defID)})
	d, err := c.FindEnvironmentVariableDefinition(context.Background(), envSpec)
	if err != nil {
		t.Fatal(err)
	}
	if d.ID != defID || d.DefaultValue != "estimatedvalue" || d.Type != EnvVarTypeString || d.ETag != `W/"11"` || d.SecretStore != nil {
		t.Errorf("definition = %+v", d)
	}
	r := srv.req(t, 0)
	if r.Path != "/api/data/v9.2/environmentvariabledefinitions" || r.Query["$filter"][0] != "schemaname eq '"+envSpec+"'" ||
		!strings.Contains(r.Query["$select"][0], "defaultvalue") {
		t.Errorf("find: %s?%s", r.Path, r.RawQuery)
	}
	if _, err := c.FindEnvironmentVariableDefinition(context.Background(), "pfx_none"); !IsNotFound(err) {
		t.Errorf("none → %v", err)
	}

	id, err := c.CreateEnvironmentVariableDefinition(context.Background(), EnvironmentVariableDefinition{
		SchemaName: envSpec, DisplayName: "Deal value field", DefaultValue: "estimatedvalue", Type: EnvVarTypeString,
	}, "CosellSolution")
	if err != nil || id != defID {
		t.Fatalf("create: %q %v", id, err)
	}
	r = srv.req(t, 2)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/environmentvariabledefinitions" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertHeader(t, r.Header, HeaderSolutionUniqueName, "CosellSolution")
	assertJSON(t, r.Body, `{"environmentvariabledefinitionid":"`+defID+`","schemaname":"`+envSpec+`","displayname":"Deal value field",
	  "description":null,"defaultvalue":"estimatedvalue","isrequired":false,"valueschema":null,"type":100000000}`)

	d.DefaultValue = "pfx_amount"
	d.IsRequired = true
	if err := c.UpdateEnvironmentVariableDefinition(context.Background(), *d, d.ETag); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 3)
	if r.Method != "PATCH" || r.Path != "/api/data/v9.2/environmentvariabledefinitions("+defID+")" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertHeader(t, r.Header, "If-Match", `W/"11"`)
	m := jsonMap(t, r.Body)
	if m["defaultvalue"] != "pfx_amount" || m["isrequired"] != true || m["schemaname"] != nil || m["type"] != nil {
		t.Errorf("update must only send updatable columns: %s", r.Body)
	}
	if _, err := c.GetEnvironmentVariableDefinition(context.Background(), defID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteEnvironmentVariableDefinition(context.Background(), defID); err != nil {
		t.Fatal(err)
	}
	if r := srv.req(t, 5); r.Method != "DELETE" || r.Path != "/api/data/v9.2/environmentvariabledefinitions("+defID+")" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if _, err := c.CreateEnvironmentVariableDefinition(context.Background(), EnvironmentVariableDefinition{SchemaName: "x"}, ""); err == nil {
		t.Errorf("definition without display name accepted")
	}
}

func TestEnvironmentVariableValues(t *testing.T) {
	valueRow := `{"@odata.etag":"W/\"3\"","environmentvariablevalueid":"` + valID + `","schemaname":"` + envSpec + `","value":"estimatedvalue","_environmentvariabledefinitionid_value":"` + defID + `"}`
	srv := newServer(t,
		reply(200, `{"value":[`+valueRow+`]}`),
		// SetEnvironmentVariableValue: existing and different → PATCH
		reply(200, `{"value":[`+valueRow+`]}`),
		reply(204, ""),
		// SetEnvironmentVariableValue: none → POST with bind
		reply(200, `{"value":[]}`),
		reply(204, "", "OData-EntityId", "https://org.example/api/data/v9.2/environmentvariablevalues("+valID+")"),
		// two rows → error
		reply(200, `{"value":[`+valueRow+`,`+valueRow+`]}`),
		reply(204, ""),
	)
	c := srv.client(Options{NewID: fixedIDs(valID)})
	v, err := c.GetEnvironmentVariableValue(context.Background(), defID)
	if err != nil || v.ID != valID || v.Value != "estimatedvalue" || v.DefinitionID != defID || v.ETag != `W/"3"` {
		t.Fatalf("value = %+v %v", v, err)
	}
	r := srv.req(t, 0)
	if r.Path != "/api/data/v9.2/environmentvariablevalues" || r.Query["$filter"][0] != "_environmentvariabledefinitionid_value eq "+defID {
		t.Errorf("get value: %s?%s", r.Path, r.RawQuery)
	}

	def := EnvironmentVariableDefinition{ID: defID, SchemaName: envSpec}
	if id, err := c.SetEnvironmentVariableValue(context.Background(), def, "pfx_amount"); err != nil || id != valID {
		t.Fatalf("set existing: %q %v", id, err)
	}
	r = srv.req(t, 2)
	if r.Method != "PATCH" || r.Path != "/api/data/v9.2/environmentvariablevalues("+valID+")" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertJSON(t, r.Body, `{"value":"pfx_amount"}`)
	assertHeader(t, r.Header, "If-Match", "*")

	if id, err := c.SetEnvironmentVariableValue(context.Background(), def, "pfx_amount"); err != nil || id != valID {
		t.Fatalf("set new: %q %v", id, err)
	}
	r = srv.req(t, 4)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/environmentvariablevalues" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	// The documented navigation property case, exactly.
	assertJSON(t, r.Body, `{"environmentvariablevalueid":"`+valID+`","value":"pfx_amount","schemaname":"`+envSpec+`",
	  "EnvironmentVariableDefinitionId@odata.bind":"/environmentvariabledefinitions(`+defID+`)"}`)

	if _, err := c.GetEnvironmentVariableValue(context.Background(), defID); err == nil || IsNotFound(err) || !strings.Contains(err.Error(), "2 rows") {
		t.Errorf("two values → %v", err)
	}
	if err := c.DeleteEnvironmentVariableValue(context.Background(), valID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetEnvironmentVariableValue(context.Background(), "not-a-guid"); err == nil {
		t.Errorf("non-GUID definition id accepted")
	}
	if len(srv.requests()) != 7 {
		t.Errorf("requests = %d", len(srv.requests()))
	}
}

func TestSetEnvironmentVariableValueNoChange(t *testing.T) {
	srv := newServer(t, reply(200, `{"value":[{"environmentvariablevalueid":"`+valID+`","value":"same"}]}`))
	id, err := srv.client().SetEnvironmentVariableValue(context.Background(), EnvironmentVariableDefinition{ID: defID}, "same")
	if err != nil || id != valID || len(srv.requests()) != 1 {
		t.Errorf("unchanged value should not be written: %q %v %d", id, err, len(srv.requests()))
	}
}

func TestWorkflows(t *testing.T) {
	flows := `{"value":[{"@odata.etag":"W/\"8\"","workflowid":"` + flowID + `","name":"Referral sync","category":5,"type":1,"statecode":0,"statuscode":1,"ismanaged":true}]}`
	srv := newServer(t, reply(200, flows), reply(204, ""), reply(204, ""),
		reply(400, `{"error":{"code":"0x80060467","message":"Flow client error returned with status code \"BadRequest\" and details \"{\"error\":{\"code\":\"XrmConnectionReferenceMissingConnection\"}}\""}}`),
		reply(200, `{"workflowid":"`+flowID+`","name":"Referral sync","category":5,"statecode":1,"statuscode":2,"clientdata":"{\"properties\":{}}"}`),
	)
	c := srv.client()
	list, err := c.ListFlows(context.Background(), EqString("name", "Referral sync"))
	if err != nil || len(list) != 1 || list[0].ID != flowID || list[0].Activated() || !list[0].IsManaged || list[0].Category != WorkflowCategoryModernFlow {
		t.Fatalf("flows = %+v %v", list, err)
	}
	r := srv.req(t, 0)
	if r.Path != "/api/data/v9.2/workflows" || r.Query["$filter"][0] != "category eq 5 and (name eq 'Referral sync')" || strings.Contains(r.Query["$select"][0], "clientdata") {
		t.Errorf("list: %s?%s", r.Path, r.RawQuery)
	}
	if err := c.SetWorkflowState(context.Background(), flowID, true); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 1)
	if r.Method != "PATCH" || r.Path != "/api/data/v9.2/workflows("+flowID+")" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertHeader(t, r.Header, "If-Match", "*")
	assertJSON(t, r.Body, `{"statecode":1,"statuscode":2}`)
	if err := c.SetWorkflowState(context.Background(), flowID, false); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, srv.req(t, 2).Body, `{"statecode":0,"statuscode":1}`)
	err = c.SetWorkflowState(context.Background(), flowID, true)
	if e, ok := AsError(err); !ok || !strings.Contains(e.Message, "XrmConnectionReferenceMissingConnection") {
		t.Errorf("activation failure → %v", err)
	}
	w, err := c.GetWorkflow(context.Background(), flowID)
	if err != nil || !w.Activated() || w.ClientData != `{"properties":{}}` {
		t.Fatalf("workflow = %+v %v", w, err)
	}
	if !strings.Contains(srv.req(t, 4).RawQuery, "clientdata") {
		t.Errorf("GetWorkflow should select clientdata")
	}
}

func TestConnectionReferences(t *testing.T) {
	row := `{"connectionreferenceid":"` + crefID + `","connectionreferencelogicalname":"pfx_sharedpartnercenterref_1","connectionreferencedisplayname":"Partner Center Referrals",
	  "connectorid":"/providers/Microsoft.PowerApps/apis/shared_partnercenterref","connectionid":null,"statecode":0,"statuscode":1}`
	srv := newServer(t, reply(200, `{"value":[`+row+`]}`), reply(204, ""), reply(204, ""), reply(204, ""), reply(200, `{"value":[]}`))
	c := srv.client(Options{NewID: fixedIDs(crefID)})
	cr, err := c.GetConnectionReference(context.Background(), "pfx_sharedpartnercenterref_1")
	if err != nil || cr.ID != crefID || cr.ConnectionID != "" || cr.ConnectorID != "/providers/Microsoft.PowerApps/apis/shared_partnercenterref" || cr.StatusCode != 1 {
		t.Fatalf("ref = %+v %v", cr, err)
	}
	r := srv.req(t, 0)
	if r.Path != "/api/data/v9.2/connectionreferences" || r.Query["$filter"][0] != "connectionreferencelogicalname eq 'pfx_sharedpartnercenterref_1'" {
		t.Errorf("get: %s?%s", r.Path, r.RawQuery)
	}
	if err := c.SetConnectionReferenceConnection(context.Background(), crefID, "shared-partnerce-1234"); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 1)
	if r.Method != "PATCH" || r.Path != "/api/data/v9.2/connectionreferences("+crefID+")" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertHeader(t, r.Header, "If-Match", "*")
	assertJSON(t, r.Body, `{"connectionid":"shared-partnerce-1234"}`)
	if err := c.SetConnectionReferenceConnection(context.Background(), crefID, ""); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, srv.req(t, 2).Body, `{"connectionid":null}`)
	if _, err := c.CreateConnectionReference(context.Background(), ConnectionReference{
		LogicalName: "pfx_dv", DisplayName: "Dataverse", ConnectorID: "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps",
	}, "CosellSolution"); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 3)
	assertJSON(t, r.Body, `{"connectionreferenceid":"`+crefID+`","connectionreferencelogicalname":"pfx_dv","connectionreferencedisplayname":"Dataverse",
	  "connectorid":"/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps"}`)
	assertHeader(t, r.Header, HeaderSolutionUniqueName, "CosellSolution")
	if _, err := c.GetConnectionReference(context.Background(), "pfx_none"); !IsNotFound(err) {
		t.Errorf("none → %v", err)
	}
}

package dataverse

import (
	"context"
	"errors"
	"reflect"
	"testing"
)

const sampleClientData = `{"schemaVersion":"1.0.0.0","properties":{
 "connectionReferences":{
  "shared_partnercenterref":{"runtimeSource":"embedded","connection":{"connectionReferenceLogicalName":"msft_refs"},"api":{"name":"shared_partnercenterref"}},
  "shared_commondataserviceforapps":{"runtimeSource":"embedded","connection":{"connectionReferenceLogicalName":"msft_sync"},"api":{"name":"shared_commondataserviceforapps"}},
  "shared_commondataserviceforapps_1":{"runtimeSource":"embedded","connection":{"connectionReferenceLogicalName":"msft_sync"},"api":{"name":"shared_commondataserviceforapps"}},
  "shared_office365":{"runtimeSource":"embedded","connection":{},"api":{"name":"shared_office365"}}},
 "definition":{"triggers":{},"actions":{
  "Scope":{"type":"Scope","actions":{
    "If":{"type":"If","actions":{"Run_child":{"type":"Workflow","inputs":{"host":{"workflowReferenceName":"{C05E11F0-0000-4000-8000-000000000004}"}}}},
          "else":{"actions":{"Run_child_again":{"type":"Workflow","inputs":{"host":{"workflowReferenceName":"c05e11f0-0000-4000-8000-000000000004"}}}}}}}},
  "A_first":{"type":"Workflow","inputs":{"host":{"workflowReferenceName":"c05e11f0-0000-4000-8000-000000000005"}}},
  "Not_a_child":{"type":"OpenApiConnection","inputs":{"host":{"apiId":"/providers/Microsoft.PowerApps/apis/shared_x"}}}}}}}`

func TestParseFlowClientData(t *testing.T) {
	d, err := ParseFlowClientData(sampleClientData)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := d.ConnectionReferenceNames(), []string{"msft_refs", "msft_sync"}; !reflect.DeepEqual(got, want) {
		t.Errorf("reference names = %v, want %v", got, want)
	}
	if len(d.ConnectionReferences) != 4 || d.ConnectionReferences[0].Key != "shared_commondataserviceforapps" ||
		d.ConnectionReferences[0].API != "shared_commondataserviceforapps" || d.ConnectionReferences[2].LogicalName != "" {
		t.Errorf("references = %+v", d.ConnectionReferences)
	}
	// Sorted-key walk: "A_first" before "Scope"; braces and case normalised; repeats dropped.
	if want := []string{"c05e11f0-0000-4000-8000-000000000005", "c05e11f0-0000-4000-8000-000000000004"}; !reflect.DeepEqual(d.ChildFlowIDs, want) {
		t.Errorf("children = %v, want %v", d.ChildFlowIDs, want)
	}

	if d, err := ParseFlowClientData(""); err != nil || len(d.ConnectionReferences) != 0 || len(d.ChildFlowIDs) != 0 {
		t.Errorf("empty clientdata: %+v %v", d, err)
	}
	if _, err := ParseFlowClientData("{not json"); err == nil {
		t.Error("invalid JSON should fail")
	}
}

func TestAsFlowClientError(t *testing.T) {
	for name, tc := range map[string]struct {
		err      error
		code     string
		message  string
		wantFlow bool
	}{
		"raw inner JSON": {
			err:  &Error{StatusCode: 400, Code: "0x80060467", Message: `Failed to activate component(s). Flow client error returned with status code "BadRequest" and details "{"error":{"code":"XrmConnectionReferenceMissingConnection","message":"Connection Id missing for connection reference logical name 'msft_x'."}}".`},
			code: FlowCodeMissingConnection, message: "Connection Id missing for connection reference logical name 'msft_x'.", wantFlow: true,
		},
		"escaped inner JSON": {
			err:  &Error{StatusCode: 400, Message: `Flow client error returned with status code \"BadRequest\" and details \"{\"error\":{\"code\":\"ChildFlowNeverPublished\",\"message\":\"child off\"}}\"`},
			code: FlowCodeChildFlowNeverPublished, message: "child off", wantFlow: true,
		},
		"wrapped": {
			err:  errors.Join(errors.New("context"), &Error{StatusCode: 403, Message: `Flow client error returned with status code "Forbidden" and details "{"error":{"code":"ConnectionAuthorizationFailed","message":"The caller object id is 'x'."}}"`}),
			code: FlowCodeConnectionAuthorization, message: "The caller object id is 'x'.", wantFlow: true,
		},
		"truncated inner JSON": {
			err:  &Error{StatusCode: 400, Message: `Flow client error returned with status code "BadRequest" and details "{"error":{"code":"ConnectionNotFound","message":"Could not find`},
			code: FlowCodeConnectionNotFound, wantFlow: true,
		},
		"plain dataverse error": {err: &Error{StatusCode: 404, Message: "workflow With Id = x Does Not Exist"}},
		"not a dataverse error": {err: errors.New("boom")},
	} {
		t.Run(name, func(t *testing.T) {
			fe, ok := AsFlowClientError(tc.err)
			if ok != tc.wantFlow {
				t.Fatalf("ok = %v, want %v", ok, tc.wantFlow)
			}
			if ok && (fe.Code != tc.code || fe.Message != tc.message) {
				t.Errorf("got %+v, want code %q message %q", fe, tc.code, tc.message)
			}
		})
	}
}

func TestListFlowsWithClientData(t *testing.T) {
	srv := newServer(t, reply(200, `{"value":[{"workflowid":"`+flowID+`","name":"Referral sync","category":5,"statecode":1,"statuscode":2,"clientdata":"{}"}]}`))
	list, err := srv.client().ListFlowsWithClientData(context.Background(), "contains(name,'sync')")
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 1 || list[0].ClientData != "{}" || !list[0].Activated() {
		t.Errorf("list = %+v", list)
	}
	r := srv.req(t, 0)
	if r.Query["$filter"][0] != "category eq 5 and (contains(name,'sync'))" || r.Query["$orderby"][0] != "name asc" ||
		r.Query["$select"][0] != "workflowid,name,uniquename,description,category,type,statecode,statuscode,ismanaged,workflowidunique,clientdata" {
		t.Errorf("query: %s", r.RawQuery)
	}
}

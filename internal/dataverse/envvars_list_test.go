package dataverse

import (
	"context"
	"net/http"
	"reflect"
	"testing"
)

func TestListEnvironmentVariableValues(t *testing.T) {
	const other = "77777777-2222-4333-8444-666666666666"
	rows := `{"value":[{"@odata.etag":"W/\"3\"","environmentvariablevalueid":"` + valID + `","schemaname":"` + envSpec + `","value":"a","_environmentvariabledefinitionid_value":"` + defID + `"},
	  {"@odata.etag":"W/\"4\"","environmentvariablevalueid":"` + other + `","schemaname":"` + envSpec + `","value":null,"_environmentvariabledefinitionid_value":"` + defID + `"}]}`
	srv := newServer(t, reply(200, rows), reply(200, `{"value":[]}`))
	c := srv.client()
	got, err := c.ListEnvironmentVariableValues(context.Background(), defID)
	if err != nil {
		t.Fatal(err)
	}
	want := []EnvironmentVariableValue{
		{ID: valID, DefinitionID: defID, SchemaName: envSpec, Value: "a", ETag: `W/"3"`},
		{ID: other, DefinitionID: defID, SchemaName: envSpec, Value: "", ETag: `W/"4"`},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("values = %+v", got)
	}
	r := srv.req(t, 0)
	if r.Path != "/api/data/v9.2/environmentvariablevalues" || r.Query["$filter"][0] != "_environmentvariabledefinitionid_value eq "+defID {
		t.Errorf("list values: %s?%s", r.Path, r.RawQuery)
	}
	if got, err := c.ListEnvironmentVariableValues(context.Background(), defID); err != nil || len(got) != 0 {
		t.Errorf("none → %v %v", got, err)
	}
	if _, err := c.ListEnvironmentVariableValues(context.Background(), "not-a-guid"); err == nil {
		t.Errorf("non-GUID definition id accepted")
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("requests = %d", n)
	}
}

func TestListEnvironmentVariableSchemaNames(t *testing.T) {
	srv := newServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			// The next link must be on the organisation's host.
			reply(200, `{"value":[{"schemaname":"pfx_b"},{"schemaname":"msft_a"}],
			  "@odata.nextLink":"http://`+r.Host+`/api/data/v9.2/environmentvariabledefinitions?$select=schemaname&$skiptoken=x"}`)(w, r)
		},
		reply(200, `{"value":[{"schemaname":"pfx_a"},{"schemaname":null}]}`),
	)
	got, err := srv.client().ListEnvironmentVariableSchemaNames(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"msft_a", "pfx_a", "pfx_b"}; !reflect.DeepEqual(got, want) {
		t.Errorf("names = %v, want %v", got, want)
	}
	if q := srv.req(t, 0).Query["$select"]; len(q) != 1 || q[0] != "schemaname" {
		t.Errorf("$select = %v", q)
	}
}

func TestClearEnvironmentVariableValue(t *testing.T) {
	srv := newServer(t, reply(204, ""))
	if err := srv.client().ClearEnvironmentVariableValue(context.Background(), valID, ""); err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if r.Method != "PATCH" || r.Path != "/api/data/v9.2/environmentvariablevalues("+valID+")" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertJSON(t, r.Body, `{"value":null}`)
	assertHeader(t, r.Header, "If-Match", "*")
}

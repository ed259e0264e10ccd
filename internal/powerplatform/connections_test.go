package powerplatform

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"testing"
)

const envID = "00000000-0000-0000-0000-00000000e001"

type captured struct {
	Method, Path, RawQuery string
	Query                  map[string][]string
	Header                 http.Header
	Body                   []byte
}

type server struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []captured
}

func newServer(t *testing.T, handlers ...http.HandlerFunc) *server {
	t.Helper()
	s := &server{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		n := len(s.reqs)
		s.reqs = append(s.reqs, captured{r.Method, r.URL.Path, r.URL.RawQuery, r.URL.Query(), r.Header.Clone(), body})
		s.mu.Unlock()
		if n >= len(handlers) {
			t.Errorf("unexpected request %d: %s %s", n+1, r.Method, r.URL)
			http.Error(w, "unexpected", http.StatusTeapot)
			return
		}
		handlers[n](w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *server) req(t *testing.T, i int) captured {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.reqs) <= i {
		t.Fatalf("want request %d, got %d", i+1, len(s.reqs))
	}
	return s.reqs[i]
}

func reply(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		if body != "" {
			w.Header().Set("Content-Type", "application/json")
		}
		w.WriteHeader(status)
		_, _ = io.WriteString(w, body)
	}
}

func assertJSON(t *testing.T, got []byte, want string) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("body mismatch\n got: %s\nwant: %s", got, want)
	}
}

// assertConnectionCall checks method, path and the documented query.
func assertConnectionCall(t *testing.T, r captured, method, api, name string) {
	t.Helper()
	if r.Method != method || r.Path != "/connectivity/connectors/"+api+"/connections/"+name {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	if r.Query["api-version"][0] != "1" || r.Query["$filter"][0] != "environment eq '"+envID+"'" || len(r.Query) != 2 {
		t.Errorf("query = %s", r.RawQuery)
	}
	if r.Header.Get("Accept") != "application/json" || r.Header.Get("Authorization") != "" {
		t.Errorf("headers = %v", r.Header)
	}
}

// documented GET/PUT answer (dataverse-api.md §6.3A).
const connectionAnswer = `{"name":"4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
 "id":"/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps/connections/4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e",
 "type":"Microsoft.PowerApps/apis/connections",
 "properties":{"apiId":"/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps","displayName":"Dataverse (co-sell)",
  "iconUri":"https://connectoricons.example/icon.png","statuses":[{"status":"Connected"}],
  "connectionParametersSet":{"name":"oauthSP","values":{"token:clientId":{"value":"11111111-1111-4111-8111-111111111111"},"token:TenantId":{"value":"00000000-0000-4000-8000-00000000c0de"}}},
  "createdBy":{"id":"abc","displayName":"Admin","type":"User","tenantId":"t"},"createdTime":"2026-10-01T10:00:00.0000000Z",
  "lastModifiedTime":"2026-10-01T10:00:00.0000000Z","expirationTime":"9999-12-31T23:59:59.9999999Z",
  "environment":{"id":"/providers/Microsoft.PowerApps/environments/` + envID + `","name":"` + envID + `"},
  "permissions":[],"accountName":"svc","allowSharing":false,"testLinks":[{"requestUri":"https://x/testconnection","method":"get"}]}}`

func TestEnvironmentHost(t *testing.T) {
	if h := EnvironmentHost(envID); h != "0000000000000000000000000000e0.01.environment.api.powerplatform.com" {
		t.Errorf("host = %s", h)
	}
	if h := EnvironmentHost("0F555A0D-488A-ECD5-995C-47A85A167255"); h != "0f555a0d488aecd5995c47a85a1672.55.environment.api.powerplatform.com" {
		t.Errorf("host = %s", h)
	}
	if c := New(nil, "", envID); c.BaseURL() != "https://0000000000000000000000000000e0.01.environment.api.powerplatform.com" {
		t.Errorf("default base = %s", c.BaseURL())
	}
	if c := New(nil, "https://127.0.0.1:8443/", envID); c.BaseURL() != "https://127.0.0.1:8443" || c.EnvironmentID() != envID {
		t.Errorf("explicit base = %s", c.BaseURL())
	}
}

func TestCreateOrUpdate(t *testing.T) {
	srv := newServer(t, reply(201, connectionAnswer), reply(200, `{"properties":{"displayName":"Refs","statuses":[{"status":"Error","error":{"code":"Unauthenticated","message":"sign in"}}]}}`))
	c := New(srv.Client(), srv.URL, envID, Options{NewName: func() string { return "generatedname" }})
	in := Connection{Properties: ConnectionProperties{
		DisplayName:             "Dataverse (co-sell)",
		ConnectionParametersSet: ServicePrincipalParameters("11111111-1111-4111-8111-111111111111", "s3cret", "00000000-0000-4000-8000-00000000c0de"),
		Statuses:                []ConnectionStatus{{Status: "ignored on write"}},
	}}
	out, err := c.CreateOrUpdate(context.Background(), APIDataverse, "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e", in)
	if err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	assertConnectionCall(t, r, "PUT", APIDataverse, "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e")
	if r.Header.Get("Content-Type") != "application/json" {
		t.Errorf("content type %q", r.Header.Get("Content-Type"))
	}
	assertJSON(t, r.Body, `{"properties":{"displayName":"Dataverse (co-sell)",
	  "environment":{"id":"/providers/Microsoft.PowerApps/environments/`+envID+`","name":"`+envID+`"},
	  "connectionParametersSet":{"name":"oauthSP","values":{"token:clientId":{"value":"11111111-1111-4111-8111-111111111111"},
	    "token:clientSecret":{"value":"s3cret"},"token:TenantId":{"value":"00000000-0000-4000-8000-00000000c0de"}}}}}`)
	if !out.Connected() || out.API() != APIDataverse || out.Properties.Environment.Name != envID || out.Properties.CreatedBy.DisplayName != "Admin" ||
		out.Properties.ConnectionParametersSet.Values["token:clientId"].Value != "11111111-1111-4111-8111-111111111111" || len(out.Properties.TestLinks) != 1 {
		t.Errorf("connection = %+v", out)
	}

	// No name: a generated one; plain connectionParameters.
	out, err = c.CreateOrUpdate(context.Background(), APIPartnerCenterReferrals, "", Connection{Properties: ConnectionProperties{
		DisplayName: "Refs", ConnectionParameters: map[string]any{"token": map[string]any{"value": "x"}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 1)
	assertConnectionCall(t, r, "PUT", APIPartnerCenterReferrals, "generatedname")
	assertJSON(t, r.Body, `{"properties":{"displayName":"Refs","environment":{"id":"/providers/Microsoft.PowerApps/environments/`+envID+`","name":"`+envID+`"},
	  "connectionParameters":{"token":{"value":"x"}}}}`)
	if out.Connected() || out.Name != "generatedname" || out.ID != "/providers/Microsoft.PowerApps/apis/shared_partnercenterref/connections/generatedname" ||
		out.Properties.Statuses[0].Error.Code != "Unauthenticated" {
		t.Errorf("connection = %+v", out)
	}
	if _, err := c.CreateOrUpdate(context.Background(), "", "x", Connection{}); err == nil {
		t.Errorf("empty api accepted")
	}
}

func TestGetAndDelete(t *testing.T) {
	srv := newServer(t,
		reply(200, connectionAnswer),
		reply(404, `{"error":{"code":"ConnectionNotFound","message":"Could not find connection 'x'."}}`),
		reply(404, `{"error":{"code":"ServiceToServiceEnvironmentNotFound","message":"environment not found"}}`),
		reply(200, ""),
		reply(404, `{"error":{"code":"ConnectionNotFound","message":"gone"}}`),
	)
	c := New(srv.Client(), srv.URL, envID)
	got, err := c.Get(context.Background(), APIDataverse, "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e")
	if err != nil || got.Properties.DisplayName != "Dataverse (co-sell)" {
		t.Fatalf("%+v %v", got, err)
	}
	assertConnectionCall(t, srv.req(t, 0), "GET", APIDataverse, "4f1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e")

	_, err = c.Get(context.Background(), APIDataverse, "x")
	if !IsNotFound(err) || IsEnvironmentNotFound(err) || !strings.Contains(err.Error(), "ConnectionNotFound") {
		t.Errorf("missing connection → %v", err)
	}
	_, err = c.Get(context.Background(), APIDataverse, "x")
	if IsNotFound(err) || !IsEnvironmentNotFound(err) {
		t.Errorf("environment not ready → %v", err)
	}
	if err := c.Delete(context.Background(), APIDataverse, "x"); err != nil {
		t.Fatal(err)
	}
	assertConnectionCall(t, srv.req(t, 3), "DELETE", APIDataverse, "x")
	if err := c.Delete(context.Background(), APIDataverse, "x"); !IsNotFound(err) {
		t.Errorf("delete missing → %v", err)
	}
}

func TestList(t *testing.T) {
	var srv *server
	srv = newServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			reply(200, `{"value":[`+connectionAnswer+`,
			  {"name":"refs","id":"/providers/Microsoft.PowerApps/apis/shared_partnercenterref/connections/refs","properties":{"displayName":"Refs"}}],
			  "nextLink":"`+srv.URL+`/connectivity/connections?api-version=1&$skiptoken=2"}`)(w, r)
		},
		reply(200, `{"value":[{"name":"ev","properties":{"apiId":"/providers/Microsoft.PowerApps/apis/shared_partnercenterevents","displayName":"Events"}}]}`),
		reply(200, `{"value":[],"nextLink":"https://elsewhere.example/connectivity/connections?x=1"}`),
	)
	c := New(srv.Client(), srv.URL, envID)
	all, err := c.List(context.Background(), "")
	if err != nil || len(all) != 3 || all[2].API() != APIPartnerCenterEvents {
		t.Fatalf("%+v %v", all, err)
	}
	r := srv.req(t, 0)
	if r.Method != "GET" || r.Path != "/connectivity/connections" || r.RawQuery != "api-version=1" {
		t.Errorf("%s %s?%s", r.Method, r.Path, r.RawQuery)
	}
	if r2 := srv.req(t, 1); r2.RawQuery != "api-version=1&$skiptoken=2" {
		t.Errorf("next page query %s", r2.RawQuery)
	}
	if _, err := c.List(context.Background(), APIDataverse); err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("foreign nextLink: %v", err)
	}
}

func TestListFiltersByAPI(t *testing.T) {
	srv := newServer(t, reply(200, `{"value":[`+connectionAnswer+`,{"name":"refs","id":"/providers/Microsoft.PowerApps/apis/shared_partnercenterref/connections/refs","properties":{}}]}`))
	got, err := New(srv.Client(), srv.URL, envID).List(context.Background(), APIPartnerCenterReferrals)
	if err != nil || len(got) != 1 || got[0].Name != "refs" {
		t.Errorf("%+v %v", got, err)
	}
}

func TestAPINames(t *testing.T) {
	if ConnectorID(APIDataverse) != "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps" {
		t.Errorf("connector id")
	}
	if len(CoSellAPIs()) != 3 {
		t.Errorf("co-sell apis")
	}
	if n := NewConnectionName(); len(n) != 32 || strings.Contains(n, "-") {
		t.Errorf("name %q", n)
	}
}

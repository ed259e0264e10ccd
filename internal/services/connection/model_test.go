package connection

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

const testEnv = "00000000-0000-0000-0000-00000000e001"

func TestConnectorTable(t *testing.T) {
	want := map[string]string{
		"partner_center_referrals": powerplatform.APIPartnerCenterReferrals,
		"partner_center_events":    powerplatform.APIPartnerCenterEvents,
		"dataverse":                powerplatform.APIDataverse,
	}
	if len(connectors) != len(want) {
		t.Fatalf("%d connectors", len(connectors))
	}
	for v, api := range want {
		c, ok := connectorByValue(v)
		if !ok || c.API != api {
			t.Errorf("%s → %+v", v, c)
		}
		back, ok := connectorByAPI(strings.ToUpper(api))
		if !ok || back.Value != v {
			t.Errorf("api %s → %+v", api, back)
		}
		if c.ServicePrincipal != (v == "dataverse") {
			t.Errorf("%s service principal support = %v", v, c.ServicePrincipal)
		}
	}
	// Every api the co-sell solution needs has a value.
	for _, api := range powerplatform.CoSellAPIs() {
		if _, ok := connectorByAPI(api); !ok {
			t.Errorf("no connector value for %s", api)
		}
	}
	if msg := checkConnector("salesforce"); !strings.Contains(msg, `"partner_center_referrals", "partner_center_events", "dataverse"`) {
		t.Errorf("message does not list the values: %s", msg)
	}
}

func TestAPIOfConnectorID(t *testing.T) {
	for in, want := range map[string]string{
		"/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps":   "shared_commondataserviceforapps",
		"/providers/microsoft.powerapps/APIS/shared_partnercenterref/":          "shared_partnercenterref",
		"shared_partnercenterevents":                                            "shared_partnercenterevents",
		"/providers/Microsoft.PowerApps/apis/shared_x/connections/abc":          "shared_x",
		" /providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps ": "shared_commondataserviceforapps",
	} {
		if got := apiOfConnectorID(in); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestParseConnectionID(t *testing.T) {
	env, c, name, err := parseConnectionID(testEnv + "/shared_partnercenterref/0a1b2c3d4e5f40718293a4b5c6d7e8f9")
	if err != nil || env != testEnv || c.Value != "partner_center_referrals" || name != "0a1b2c3d4e5f40718293a4b5c6d7e8f9" {
		t.Fatalf("%s %+v %s %v", env, c, name, err)
	}
	if got := connectionID(env, c.API, name); got != testEnv+"/shared_partnercenterref/0a1b2c3d4e5f40718293a4b5c6d7e8f9" {
		t.Errorf("round trip %s", got)
	}
	for id, want := range map[string]string{
		"abc":                                      "is not of the form",
		testEnv + "/shared_partnercenterref":       "is not of the form",
		"not-a-guid/shared_partnercenterref/abc":   "environment id",
		testEnv + "/shared_office365/abc":          "must be one of shared_partnercenterref, shared_partnercenterevents, shared_commondataserviceforapps",
		testEnv + "/shared_partnercenterref/a b":   "not a valid connection name",
		testEnv + "/shared_partnercenterref/abc/x": "is not of the form",
	} {
		if _, _, _, err := parseConnectionID(id); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", id, err, want)
		}
	}
}

func TestChecks(t *testing.T) {
	valid := map[string]func(string) string{
		testEnv: checkEnvironmentID, "shared-partnercenter-5f1e2d3c-4b5a": checkName, "5f0c1e2d3b4a49587766554433221100": checkName,
		"Partner Center": checkDisplayName, "msft_sharedpartnercenterref_referrals": checkReferenceName, "s3cret": checkSecret,
	}
	for v, check := range valid {
		if msg := check(v); msg != "" {
			t.Errorf("%q: %s", v, msg)
		}
	}
	invalid := map[string]func(string) string{
		"e001": checkEnvironmentID, "a/b": checkName, "-abc": checkName, strings.Repeat("a", 129): checkName,
		"  ": checkDisplayName, "referrals": checkReferenceName, " ": checkSecret,
	}
	for v, check := range invalid {
		if msg := check(v); msg == "" {
			t.Errorf("%q accepted", v)
		}
	}
	if msg := checkReferenceName("referrals"); !strings.Contains(msg, "publisher prefix") || !strings.Contains(msg, "Connection references") {
		t.Errorf("reference message: %s", msg)
	}
}

func spObject(t *testing.T, tenant, client, secret types.String) types.Object {
	t.Helper()
	o, d := types.ObjectValueFrom(context.Background(), servicePrincipalAttrTypes, servicePrincipalModel{TenantID: tenant, ClientID: client, ClientSecret: secret})
	if d.HasError() {
		t.Fatal(d)
	}
	return o
}

func TestFlattenKeepsSecretsAndReadsEcho(t *testing.T) {
	ctx := context.Background()
	m := connectionModel{
		Connector: types.StringValue("dataverse"), EnvironmentID: types.StringValue(testEnv),
		ServicePrincipal:     spObject(t, types.StringValue("00000000-0000-4000-8000-00000000c0de"), types.StringValue("11111111-1111-4111-8111-111111111111"), types.StringValue("s3cret")),
		ConnectionParameters: types.MapNull(types.StringType),
	}
	conn := &powerplatform.Connection{Name: "abc", ID: "/providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps/connections/abc",
		Properties: powerplatform.ConnectionProperties{DisplayName: "Renamed in portal",
			Statuses: []powerplatform.ConnectionStatus{{Status: "Connected"}},
			ConnectionParametersSet: &powerplatform.ConnectionParametersSet{Name: "oauthSP", Values: map[string]powerplatform.ParameterValue{
				"token:clientId": {Value: "22222222-2222-4222-8222-222222222222"}, "token:TenantId": {Value: "00000000-0000-4000-8000-00000000c0de"}}}}}
	if d := m.flatten(ctx, conn, false, nil); d.HasError() {
		t.Fatal(d)
	}
	var sp servicePrincipalModel
	m.ServicePrincipal.As(ctx, &sp, objectAsOptions)
	if sp.ClientSecret.ValueString() != "s3cret" || sp.ClientID.ValueString() != "22222222-2222-4222-8222-222222222222" {
		t.Errorf("service principal %+v: secret kept, client id from the echo", sp)
	}
	if m.DisplayName.ValueString() != "Renamed in portal" || m.Status.ValueString() != "Connected" || !m.StatusMessage.IsNull() ||
		m.ID.ValueString() != testEnv+"/shared_commondataserviceforapps/abc" || m.Name.ValueString() != "abc" {
		t.Errorf("model %+v", m)
	}

	// Import: no configuration, so the secret is null and the echo fills the rest.
	imp := connectionModel{Connector: types.StringValue("dataverse"), EnvironmentID: types.StringValue(testEnv),
		ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes), ConnectionParameters: types.MapNull(types.StringType)}
	if d := imp.flatten(ctx, conn, true, nil); d.HasError() {
		t.Fatal(d)
	}
	imp.ServicePrincipal.As(ctx, &sp, objectAsOptions)
	if !sp.ClientSecret.IsNull() || sp.TenantID.ValueString() != "00000000-0000-4000-8000-00000000c0de" {
		t.Errorf("imported service principal %+v", sp)
	}

	// connectionParameters: echoed keys replace, secret keys stay.
	pm, _ := types.MapValueFrom(ctx, types.StringType, map[string]string{"server": "old", "password": "pw"})
	p := connectionModel{Connector: types.StringValue("partner_center_events"), EnvironmentID: types.StringValue(testEnv),
		ConnectionParameters: pm, ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes)}
	conn = &powerplatform.Connection{Name: "p", Properties: powerplatform.ConnectionProperties{DisplayName: "x",
		ConnectionParameters: map[string]any{"server": "new"},
		Statuses:             []powerplatform.ConnectionStatus{{Status: "Error", Error: &powerplatform.StatusError{Code: "Unauthenticated", Message: "Sign in."}}}}}
	if d := p.flatten(ctx, conn, false, nil); d.HasError() {
		t.Fatal(d)
	}
	var got map[string]string
	p.ConnectionParameters.ElementsAs(ctx, &got, false)
	if got["server"] != "new" || got["password"] != "pw" || len(got) != 2 {
		t.Errorf("parameters %v", got)
	}
	if p.Status.ValueString() != "Error" || p.StatusMessage.ValueString() != "Unauthenticated: Sign in." ||
		p.ID.ValueString() != testEnv+"/shared_partnercenterevents/p" {
		t.Errorf("status %s / %s, id %s", p.Status, p.StatusMessage, p.ID)
	}
}

func TestExpandParameters(t *testing.T) {
	ctx := context.Background()
	m := connectionModel{ConnectionParameters: types.MapNull(types.StringType),
		ServicePrincipal: spObject(t, types.StringValue("t"), types.StringValue("c"), types.StringValue("s"))}
	params, set, d := m.expandParameters(ctx, &connectionModel{})
	if d.HasError() || params != nil || set == nil || set.Name != "oauthSP" || set.Values["token:clientSecret"].Value != "s" ||
		set.Values["token:TenantId"].Value != "t" || set.Values["token:clientId"].Value != "c" {
		t.Errorf("service principal → %v %+v %v", params, set, d)
	}
	pm, _ := types.MapValueFrom(ctx, types.StringType, map[string]string{"a": "1"})
	m = connectionModel{ConnectionParameters: pm, ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes)}
	params, set, _ = m.expandParameters(ctx, &connectionModel{})
	if set != nil || params["a"] != "1" {
		t.Errorf("parameters → %v %+v", params, set)
	}
	m = connectionModel{ConnectionParameters: types.MapNull(types.StringType), ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes)}
	if params, set, _ = m.expandParameters(ctx, &connectionModel{}); params != nil || set != nil {
		t.Errorf("none → %v %+v", params, set)
	}
}

func TestFlattenStatusWithoutStatuses(t *testing.T) {
	s, msg := flattenStatus(nil)
	if s.ValueString() != "Unknown" || msg.IsNull() {
		t.Errorf("%s %s", s, msg)
	}
	s, msg = flattenStatus([]powerplatform.ConnectionStatus{{Status: "Error"}, {Status: "connected"}})
	if s.ValueString() != "connected" || !msg.IsNull() {
		t.Errorf("any Connected wins: %s %s", s, msg)
	}
}

func TestSchemaIsValid(t *testing.T) {
	var resp resource.SchemaResponse
	NewConnectionResource().Schema(context.Background(), resource.SchemaRequest{}, &resp)
	if resp.Diagnostics.HasError() {
		t.Fatal(resp.Diagnostics)
	}
	if d := resp.Schema.ValidateImplementation(context.Background()); d.HasError() {
		t.Fatal(d)
	}
	for _, p := range []path.Path{pathParameters, pathServicePrincipal.AtName("client_secret"), pathParametersWO, pathSecretWO} {
		a, d := resp.Schema.AttributeAtPath(context.Background(), p)
		if d.HasError() || !a.IsSensitive() {
			t.Errorf("%s must be sensitive (%v)", p, d)
		}
	}
	for _, c := range []struct {
		p  path.Path
		wo bool
	}{{pathParametersWO, true}, {pathSecretWO, true}, {pathParameters, false}, {pathServicePrincipal.AtName("client_secret"), false},
		{pathParametersWOVersion, false}, {pathServicePrincipal.AtName("client_secret_wo_version"), false}} {
		if a, d := resp.Schema.AttributeAtPath(context.Background(), c.p); d.HasError() || a.IsWriteOnly() != c.wo {
			t.Errorf("%s: write-only must be %v (%v)", c.p, c.wo, d)
		}
	}
}

// Write-only values come from config (the plan holds them as null), and a
// parameter map combines both variants.
func TestExpandParametersWriteOnly(t *testing.T) {
	ctx := context.Background()
	plan := connectionModel{ConnectionParameters: types.MapNull(types.StringType), ParametersWO: types.MapNull(types.StringType),
		ServicePrincipal: spObject(t, types.StringValue("t"), types.StringValue("c"), types.StringNull())}
	cfgSP, d := types.ObjectValueFrom(ctx, servicePrincipalAttrTypes, servicePrincipalModel{TenantID: types.StringValue("t"),
		ClientID: types.StringValue("c"), ClientSecret: types.StringNull(), ClientSecretWO: types.StringValue("from-config"), SecretWOVersion: types.Int64Value(2)})
	if d.HasError() {
		t.Fatal(d)
	}
	config := connectionModel{ServicePrincipal: cfgSP}
	_, set, d := plan.expandParameters(ctx, &config)
	if d.HasError() || set == nil || set.Values["token:clientSecret"].Value != "from-config" {
		t.Errorf("client_secret_wo → %+v %v", set, d)
	}

	stored, _ := types.MapValueFrom(ctx, types.StringType, map[string]string{"server": "s"})
	wo, _ := types.MapValueFrom(ctx, types.StringType, map[string]string{"password": "pw", "apiKey": "k"})
	plan = connectionModel{ConnectionParameters: stored, ParametersWO: types.MapNull(types.StringType), ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes)}
	config = connectionModel{ConnectionParameters: stored, ParametersWO: wo, ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes)}
	params, set, d := plan.expandParameters(ctx, &config)
	if d.HasError() || set != nil || len(params) != 3 || params["server"] != "s" || params["password"] != "pw" || params["apiKey"] != "k" {
		t.Errorf("connection_parameters + connection_parameters_wo → %v %+v %v", params, set, d)
	}
	if keys := config.writeOnlyKeys(ctx, &d); strings.Join(keys, ",") != "apiKey,password" {
		t.Errorf("write-only keys %v", keys)
	}
}

// Echoes of write-only parameters stay out of connection_parameters;
// other echoed keys (a portal edit) still show as drift.
func TestFlattenSkipsWriteOnlyEchoes(t *testing.T) {
	ctx := context.Background()
	stored, _ := types.MapValueFrom(ctx, types.StringType, map[string]string{"server": "s"})
	m := connectionModel{Connector: types.StringValue("partner_center_events"), EnvironmentID: types.StringValue(testEnv),
		ConnectionParameters: stored, ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes)}
	conn := &powerplatform.Connection{Name: "p", Properties: powerplatform.ConnectionProperties{DisplayName: "x",
		ConnectionParameters: map[string]any{"server": "s", "username": "echoed-wo", "region": "added-in-portal"},
		Statuses:             []powerplatform.ConnectionStatus{{Status: "Connected"}}}}
	if d := m.flatten(ctx, conn, false, []string{"username"}); d.HasError() {
		t.Fatal(d)
	}
	var got map[string]string
	m.ConnectionParameters.ElementsAs(ctx, &got, false)
	if len(got) != 2 || got["server"] != "s" || got["region"] != "added-in-portal" {
		t.Errorf("parameters %v: the write-only key must be left out, the portal's key kept", got)
	}
}

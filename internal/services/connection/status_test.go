package connection

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestWarnIfNotConnected(t *testing.T) {
	dv, _ := connectorByValue("dataverse")
	m := connectionModel{DisplayName: types.StringValue("DV"), Name: types.StringValue("abc"),
		Status: types.StringValue("Connected"), StatusMessage: types.StringNull(), ServicePrincipal: types.ObjectNull(servicePrincipalAttrTypes)}
	var diags diag.Diagnostics
	warnIfNotConnected(&diags, dv, &m)
	if len(diags) != 0 {
		t.Fatalf("connected: %v", diags)
	}
	// OAuth Dataverse connection: sign in as a Dynamics 365 administrator.
	m.Status, m.StatusMessage = types.StringValue("Error"), types.StringValue("Unauthenticated: sign in")
	warnIfNotConnected(&diags, dv, &m)
	if len(diags) != 1 || diags[0].Severity() != diag.SeverityWarning ||
		!strings.Contains(diags[0].Detail(), `choose "Fix connection" and sign in as a Dynamics 365 administrator`) {
		t.Fatalf("oauth: %v", diags)
	}
	// Service principal refused: fix the credentials, not the portal.
	m.ServicePrincipal = types.ObjectValueMust(servicePrincipalAttrTypes, map[string]attr.Value{
		"tenant_id": types.StringValue("t"), "client_id": types.StringValue("c"), "client_secret": types.StringValue("s"),
		"client_secret_wo": types.StringNull(), "client_secret_wo_version": types.Int64Null()})
	m.StatusMessage = types.StringValue("Unauthorized: refused")
	diags = nil
	warnIfNotConnected(&diags, dv, &m)
	if len(diags) != 1 || !strings.Contains(diags[0].Detail(), "check tenant_id, client_id and client_secret") ||
		strings.Contains(diags[0].Detail(), "Fix connection") || strings.Contains(diags[0].Detail(), `"s"`) {
		t.Fatalf("service principal: %v", diags)
	}
}

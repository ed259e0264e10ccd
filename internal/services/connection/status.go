package connection

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// warnIfNotConnected adds a warning that says what to do when the
// connection cannot be used yet.
func warnIfNotConnected(diags *diag.Diagnostics, info connectorInfo, m *connectionModel) {
	status := m.Status.ValueString()
	if strings.EqualFold(status, powerplatform.StatusConnected) {
		return
	}
	why := status
	if msg := m.StatusMessage.ValueString(); msg != "" {
		why += " (" + msg + ")"
	}
	summary := fmt.Sprintf("Connection %q (%s) is not connected", m.DisplayName.ValueString(), info.Title)
	var detail string
	if !m.ServicePrincipal.IsNull() {
		detail = fmt.Sprintf("Power Platform reports status %s for connection %s. It signs in with service_principal: check tenant_id, "+
			"client_id and client_secret (the secret must be valid and the app needs an application user in the Dataverse environment), "+
			"correct them in the configuration and run terraform apply again (with client_secret_wo, also change client_secret_wo_version, "+
			"or the new secret is not sent).", why, m.Name.ValueString())
	} else {
		detail = fmt.Sprintf("Power Platform reports status %s for connection %s. %s connections sign in with OAuth user consent, which "+
			"Terraform cannot give. Open the connection in Power Automate (make.powerautomate.com → your environment → Data → Connections), "+
			"choose \"Fix connection\" and sign in as %s; then run terraform apply again to refresh the status. Until then, the "+
			"connector's flows that use this connection fail when they run.", why, m.Name.ValueString(), info.Title, info.SignInAs)
	}
	diags.AddWarning(summary, detail)
}

package connection

import (
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// connectorInfo describes one value of the connector attribute.
type connectorInfo struct {
	Value string // the Terraform value
	API   string // the Power Platform api name (internal/powerplatform/apis.go)
	Title string // the connector's display name
	// ServicePrincipal: the connector accepts the oauthSP parameter set.
	ServicePrincipal bool
	// SignInAs says who signs the connection in from the portal (cosell-connector.md §4.1).
	SignInAs string
}

// connectors is the one table from Terraform values to api names (facts.go §1, §2).
var connectors = []connectorInfo{
	{Value: "partner_center_referrals", API: powerplatform.APIPartnerCenterReferrals, Title: "Partner Center Referrals",
		SignInAs: "the Referrals admin user"},
	{Value: "partner_center_events", API: powerplatform.APIPartnerCenterEvents, Title: "Partner Center Events",
		SignInAs: "the Referrals admin user"},
	{Value: "dataverse", API: powerplatform.APIDataverse, Title: "Microsoft Dataverse", ServicePrincipal: true,
		SignInAs: "a Dynamics 365 administrator (System Administrator or System Customizer)"},
}

// connectorValues lists the Terraform values, for messages and docs.
func connectorValues() []string {
	out := make([]string, len(connectors))
	for i, c := range connectors {
		out[i] = c.Value
	}
	return out
}

func connectorByValue(v string) (connectorInfo, bool) {
	for _, c := range connectors {
		if c.Value == v {
			return c, true
		}
	}
	return connectorInfo{}, false
}

func connectorByAPI(api string) (connectorInfo, bool) {
	for _, c := range connectors {
		if strings.EqualFold(c.API, api) {
			return c, true
		}
	}
	return connectorInfo{}, false
}

// apiOfConnectorID returns the api name of a connector id such as
// /providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps.
func apiOfConnectorID(id string) string {
	id = strings.TrimRight(strings.TrimSpace(id), "/")
	if i := strings.LastIndex(strings.ToLower(id), "/apis/"); i >= 0 {
		id = id[i+len("/apis/"):]
	}
	if i := strings.IndexByte(id, '/'); i >= 0 {
		id = id[:i]
	}
	return id
}

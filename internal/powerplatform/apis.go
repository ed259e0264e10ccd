package powerplatform

// Connector api names, in one place. Unconfirmed (dataverse-api.md §6.2, §8):
// shared_commondataserviceforapps is confirmed by Microsoft docs; the two
// Partner Center names follow the "shared_" + Learn connector slug pattern
// (partnercenterref) and the Logic Apps SDK connector name
// (partnercenterevents) and have not been seen live.
const (
	// APIPartnerCenterReferrals is the "Partner Center Referrals (Preview)" connector.
	APIPartnerCenterReferrals = "shared_partnercenterref"
	// APIPartnerCenterEvents is the "Partner Center Events" (webhooks) connector.
	APIPartnerCenterEvents = "shared_partnercenterevents"
	// APIDataverse is "Microsoft Dataverse" / "Common Data Service (current environment)".
	APIDataverse = "shared_commondataserviceforapps"
)

// ConnectorID returns the connector id used by connection references and
// flow definitions: /providers/Microsoft.PowerApps/apis/<api>.
func ConnectorID(api string) string { return "/providers/Microsoft.PowerApps/apis/" + api }

// CoSellAPIs lists the connectors the co-sell solution needs connections for.
func CoSellAPIs() []string {
	return []string{APIPartnerCenterReferrals, APIPartnerCenterEvents, APIDataverse}
}

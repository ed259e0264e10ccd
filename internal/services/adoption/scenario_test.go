package adoption_test

import (
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	ppemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

// Values an admin set by hand in the maker portal.
var manualValues = map[string]string{
	"msft_dealvaluefield":              "estimatedvalue",
	"msft_synccosellopportunitiesonly": "yes",
}

// Names the manual install spells otherwise than the module does: Dataverse
// keeps a schema name as it was typed, and the one public export shows
// only logical names (cosell-connector.md §2.2), so an organisation may
// well hold them in lower case.
var lowerCased = map[string]bool{
	"msft_MicrosoftPartnerCenterReferralSync": true,
	"msft_MicrosoftPartnerCenterHelp":         true,
	"msft_OpportunityId":                      true,
	"msft_PartnerCenterSolution":              true,
}

// manualInstall is the default scenario (the connector solution imported)
// after an admin followed Microsoft's set-up guide by hand: one connection
// per connector, every connection reference bound to it, the documented
// flows switched on, two environment variables given a current value; a
// few schema names in another letter case.
func manualInstall() emulator.Scenario {
	sc := emulator.DefaultScenario()
	for i, t := range sc.Dataverse.Tables {
		if lowerCased[t.SchemaName] {
			sc.Dataverse.Tables[i].SchemaName = strings.ToLower(t.SchemaName)
		}
	}
	for i, c := range sc.Dataverse.Columns {
		if lowerCased[c.SchemaName] {
			sc.Dataverse.Columns[i].SchemaName = strings.ToLower(c.SchemaName)
		}
	}
	// Lookup binds name the navigation property, spelled as the schema name.
	for _, rows := range sc.Dataverse.Records {
		for _, row := range rows {
			for k, v := range row {
				if nav, ok := strings.CutSuffix(k, "@odata.bind"); ok && lowerCased[nav] {
					delete(row, k)
					row[strings.ToLower(nav)+"@odata.bind"] = v
				}
			}
		}
	}
	env := sc.PowerPlatform.Environments[0].ID
	conn := map[string]string{}
	for _, api := range []string{dvemu.APIReferrals, dvemu.APIEvents, dvemu.APIDataverse} {
		name := "manual" + strings.TrimPrefix(api, "shared_")
		conn[api] = name
		sc.PowerPlatform.Connections = append(sc.PowerPlatform.Connections,
			ppemu.Connection{EnvironmentID: env, API: api, Name: name, DisplayName: "Set up by hand: " + api})
	}
	refAPI := map[string]string{}
	for _, r := range dvemu.ConnectorConnectionRefs {
		refAPI[r.ID] = r.API
	}
	for _, row := range sc.Dataverse.Records["connectionreferences"] {
		row["connectionid"] = conn[refAPI[row["connectionreferenceid"].(string)]]
	}
	// The documented turn-on order: every flow but the two optional ones.
	optional := map[string]bool{dvemu.FlowD365LeadsToPC: true, dvemu.FlowAutoHeal: true}
	for _, row := range sc.Dataverse.Records["workflows"] {
		if !optional[row["workflowid"].(string)] {
			row["statecode"], row["statuscode"] = 1, 2
		}
	}
	for _, v := range dvemu.ConnectorEnvVars {
		if val, ok := manualValues[v.SchemaName]; ok {
			sc.Dataverse.Records["environmentvariablevalues"] = append(sc.Dataverse.Records["environmentvariablevalues"], map[string]any{
				"schemaname": v.SchemaName, "value": val,
				"EnvironmentVariableDefinitionId@odata.bind": "/environmentvariabledefinitions(" + v.ID + ")"})
		}
	}
	return sc
}

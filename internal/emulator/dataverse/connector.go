package dataverse

import (
	"encoding/json"
	"fmt"
	"strings"
)

// The co-sell connector solution ("Partner Center Referrals Synchronization
// for Dynamics 365") as DefaultScenario installs it, from cosell-connector.md
// §2–§4. Every name here is in one place so a fact learned later changes one
// line. Tags: [doc]/[shot]/[3p] as in the reference; [infer] = invented here.

// CosellSolutionUniqueName is the solution's unique name. [infer]
const CosellSolutionUniqueName = "PartnerCenterReferralsSynchronization"

// Connector api names (dataverse-api.md §6.2).
const (
	APIReferrals = "shared_partnercenterref"         // [C] slug, [P] shared_ prefix
	APIEvents    = "shared_partnercenterevents"      // [P]
	APIDataverse = "shared_commondataserviceforapps" // [C]
)

// ConnectorIDPrefix prefixes an api name in connectorid / host.apiId.
const ConnectorIDPrefix = "/providers/Microsoft.PowerApps/apis/"

// ConnectionRef is a seeded connection reference.
type ConnectionRef struct {
	ID, LogicalName, DisplayName, API string
}

// The 7 connection references ([shot]: count 7). Logical names [infer].
var ConnectorConnectionRefs = []ConnectionRef{
	{"c05e11c0-0000-4000-8000-000000000001", "msft_sharedpartnercenterref_referrals", "Partner Center Referrals", APIReferrals},
	{"c05e11c0-0000-4000-8000-000000000002", "msft_sharedpartnercenterref_cosellupdates", "Partner Center Referrals (Microsoft co-sell updates)", APIReferrals},
	{"c05e11c0-0000-4000-8000-000000000003", "msft_sharedpartnercenterevents_webhooks", "Partner Center Events", APIEvents},
	{"c05e11c0-0000-4000-8000-000000000004", "msft_sharedcommondataserviceforapps_sync", "Dataverse (referral sync)", APIDataverse},
	{"c05e11c0-0000-4000-8000-000000000005", "msft_sharedcommondataserviceforapps_triggers", "Dataverse (opportunity, lead and solution triggers)", APIDataverse},
	{"c05e11c0-0000-4000-8000-000000000006", "msft_sharedcommondataserviceforapps_customize", "Dataverse ([Customize] flow)", APIDataverse},
	{"c05e11c0-0000-4000-8000-000000000007", "msft_sharedcommondataserviceforapps_autoheal", "Dataverse (auto-heal)", APIDataverse},
}

// Flow is a seeded cloud flow (workflow category 5). Refs are connection
// reference logical names; Children are workflow ids it calls as child flows.
type Flow struct {
	ID, Name, UniqueName, Trigger string
	Refs                          []string
	Children                      []string
}

// Flow ids, referred to by child-flow calls.
const (
	FlowWebhookRegistration   = "c05e11f0-0000-4000-8000-000000000001"
	FlowCustomize             = "c05e11f0-0000-4000-8000-000000000002"
	FlowCreateCosellReferral  = "c05e11f0-0000-4000-8000-000000000003"
	FlowPCToD365Helper        = "c05e11f0-0000-4000-8000-000000000004"
	FlowPCCosellUpdates       = "c05e11f0-0000-4000-8000-000000000005"
	FlowPCToD365              = "c05e11f0-0000-4000-8000-000000000006"
	FlowD365ToPC              = "c05e11f0-0000-4000-8000-000000000007"
	FlowD365OpportunityToPC   = "c05e11f0-0000-4000-8000-000000000008"
	FlowD365SolutionsToPC     = "c05e11f0-0000-4000-8000-000000000009"
	FlowD365LeadsToPC         = "c05e11f0-0000-4000-8000-000000000010"
	FlowAutoHeal              = "c05e11f0-0000-4000-8000-000000000011"
	refReferrals, refCosell   = "msft_sharedpartnercenterref_referrals", "msft_sharedpartnercenterref_cosellupdates"
	refEvents, refSync        = "msft_sharedpartnercenterevents_webhooks", "msft_sharedcommondataserviceforapps_sync"
	refTriggers, refCustomize = "msft_sharedcommondataserviceforapps_triggers", "msft_sharedcommondataserviceforapps_customize"
	refAutoHeal               = "msft_sharedcommondataserviceforapps_autoheal"
)

// The 11 flows of cosell-connector.md §4.1 [shot] in the documented turn-on
// order. The screenshot adds "(Insider Preview)" to most names; it is left
// out here. Unique names, triggers, which connection references each flow
// uses and the D365 Opportunity → D365→PC child call are [infer]; the
// PC→D365 children (Helper, Co-sell Referral Updates) are [doc], D365→PC
// calling Create Co-sell Referral is [doc, 2020 text].
var ConnectorFlows = []Flow{
	{FlowWebhookRegistration, "Partner Center Webhook Registration", "msft_PartnerCenterWebhookRegistration", "button", []string{refEvents}, nil},
	{FlowCustomize, "[Customize] Create or Get Details from Dynamics 365", "msft_CustomizeCreateOrGetDetailsFromDynamics365", "child", []string{refCustomize}, nil},
	{FlowCreateCosellReferral, "Create Co-sell Referral – Dynamics 365 to Partner Center", "msft_CreateCosellReferralDynamics365ToPartnerCenter", "child", []string{refReferrals, refSync}, nil},
	{FlowPCToD365Helper, "Partner Center to Dynamics 365 - Helper", "msft_PartnerCenterToDynamics365Helper", "child", []string{refReferrals, refSync}, nil},
	{FlowPCCosellUpdates, "Partner Center Microsoft Co-sell Referral Updates to Dynamics 365", "msft_PartnerCenterMicrosoftCosellReferralUpdatesToDynamics365", "child", []string{refCosell, refSync}, nil},
	{FlowPCToD365, "Partner Center to Dynamics 365", "msft_PartnerCenterToDynamics365", "http", []string{refReferrals, refSync}, []string{FlowPCToD365Helper, FlowPCCosellUpdates}},
	{FlowD365ToPC, "Dynamics 365 to Partner Center", "msft_Dynamics365ToPartnerCenter", "child", []string{refReferrals, refSync}, []string{FlowCreateCosellReferral}},
	{FlowD365OpportunityToPC, "Dynamics 365 Opportunity to Partner Center", "msft_Dynamics365OpportunityToPartnerCenter", "dataverse:opportunity", []string{refTriggers, refReferrals}, []string{FlowD365ToPC}},
	{FlowD365SolutionsToPC, "Dynamics 365 Microsoft Solution(s) to Partner Center", "msft_Dynamics365MicrosoftSolutionsToPartnerCenter", "dataverse:msft_partnercentersolution", []string{refTriggers, refReferrals}, nil},
	{FlowD365LeadsToPC, "Dynamics 365 Leads to Partner Center", "msft_Dynamics365LeadsToPartnerCenter", "dataverse:lead", []string{refTriggers, refReferrals}, nil},
	{FlowAutoHeal, "Auto-heal of Microsoft Partner Center sychronization details", "msft_AutoHealOfMicrosoftPartnerCenterSynchronizationDetails", "recurrence", []string{refAutoHeal, refReferrals}, nil},
}

// EnvVar is a seeded environment variable definition.
type EnvVar struct {
	ID, SchemaName, DisplayName, Description string
	Type                                     int
	Default                                  *string
}

func strp(s string) *string { return &s }

// The 6 environment variables of cosell-connector.md §3 [shot]. Names ending
// in "…" in the screenshot are completed from the Salesforce set [infer];
// types and defaults marked there as not shown are [infer].
var ConnectorEnvVars = []EnvVar{
	{"c05e11e0-0000-4000-8000-000000000001", "msft_dealvaluefield", "Deal value field name in Dynamics 365",
		"Name of the deal value field in Dynamics 365", envTypeString, strp("estimatedvalue")},
	{"c05e11e0-0000-4000-8000-000000000002", "msft_customeraccountcountrycode", "Customer account country code field name in Dynamics 365",
		"Name of the customer account's country code field in Dynamics 365", envTypeString, strp("address1_country")},
	{"c05e11e0-0000-4000-8000-000000000003", "msft_dealcurrencycodefield", "Deal value currency code field name in Dynamics 365",
		"Name of the deal value currency code field in Dynamics 365", envTypeString, nil},
	{"c05e11e0-0000-4000-8000-000000000004", "msft_displaycheckmarkinname", "Display check mark in opportunity name",
		"Append a check mark (or cross) to the opportunity name after a sync", envTypeBoolean, strp("yes")},
	{"c05e11e0-0000-4000-8000-000000000005", "msft_synccosellopportunitiesonly", "Sync co-sell opportunities only",
		"Yes: only co-sell and pipeline-sharing opportunities flow from Partner Center", envTypeBoolean, strp("no")},
	{"c05e11e0-0000-4000-8000-000000000006", "msft_autohealrunscheduler", "Auto-heal run scheduler",
		"Schedule of the auto-heal flow", envTypeString, nil},
}

// Opportunity columns added by the solution: logical names [3p], types from
// the export's column order [3p], lengths and option values [infer]
// (299600000 is the only msft_ option value seen, on msft_coselltype).
var ConnectorOpportunityColumns = []ColumnSpec{
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterReferralSync", Type: typeBoolean, DisplayName: "Sync with Partner Center",
		DefaultValue: boolp(false)},
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterReferralVisible", Type: typeBoolean, DisplayName: "Referral Visibility",
		TrueLabel: "Visible to Microsoft sellers", FalseLabel: "Not visible to Microsoft sellers", DefaultValue: boolp(false)},
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterHelp", Type: typePicklist, DisplayName: "How can Microsoft help?",
		Options: []OptionSpec{{299600000, "Workload Specific Value Proposition"}, {299600001, "Customer Technical Architecture"},
			{299600002, "Proof Of Concept or Demo"}, {299600003, "Quotes or Licensing"}, {299600004, "Post Sales Customer Success"},
			{299600005, "General Or Other"}}},
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterReferralIdentifier", Type: typeString, DisplayName: "Referral Identifier", MaxLength: 100},
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterReferralLink", Type: typeString, DisplayName: "Referral Link", MaxLength: 1000, Format: "Url"},
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterReferralProgram", Type: typeString, DisplayName: "Referral Program", MaxLength: 100},
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterReferralSyncAudit", Type: typeMemo, DisplayName: "Audit", MaxLength: 100000},
	{Table: "opportunity", SchemaName: "msft_MicrosoftPartnerCenterSolutions", Type: typeString, DisplayName: "Products: Obsolete", MaxLength: 4000},
	{Table: "opportunity", SchemaName: "msft_MicrosoftCRMIdentifier", Type: typeString, DisplayName: "Microsoft CRM Identifier", MaxLength: 100},
	{Table: "msft_partnercentersolution", SchemaName: "msft_OpportunityId", Type: typeLookup, DisplayName: "Opportunity",
		Target: "opportunity", Relationship: "msft_opportunity_msft_partnercentersolution", CascadeDelete: "Cascade"},
	{Table: "msft_partnercentersolution", SchemaName: "msft_SolutionDetailId", Type: typeLookup, DisplayName: "Solution",
		Target: "msft_solutiondetail", Relationship: "msft_msft_solutiondetail_msft_partnercentersolution"},
}

func boolp(b bool) *bool { return &b }

// The solution's custom tables ([doc]: "Microsoft Partner Center Solutions",
// "Microsoft Solution Details" with Solution Identifier, Solution Name, Type,
// Publisher Name). Logical names and column names are [infer].
var ConnectorTables = []TableSpec{
	{SchemaName: "msft_SolutionDetail", DisplayName: "Microsoft Solution Details", DisplayCollectionName: "Microsoft Solution Details",
		PrimaryName: ColumnSpec{SchemaName: "msft_Name", DisplayName: "Solution Name", MaxLength: 200, RequiredLevel: "ApplicationRequired"}},
	{SchemaName: "msft_PartnerCenterSolution", DisplayName: "Microsoft Partner Center Solutions", DisplayCollectionName: "Microsoft Partner Center Solutions",
		PrimaryName: ColumnSpec{SchemaName: "msft_Name", DisplayName: "Name", MaxLength: 200}},
}

var connectorSolutionDetailColumns = []ColumnSpec{
	{Table: "msft_solutiondetail", SchemaName: "msft_SolutionIdentifier", Type: typeString, DisplayName: "Solution Identifier", MaxLength: 100, RequiredLevel: "ApplicationRequired"},
	{Table: "msft_solutiondetail", SchemaName: "msft_SolutionType", Type: typeString, DisplayName: "Type", MaxLength: 100},
	{Table: "msft_solutiondetail", SchemaName: "msft_PublisherName", Type: typeString, DisplayName: "Publisher Name", MaxLength: 200},
}

// The provider's own opportunity column (not Microsoft's): the sync's last
// synced snapshot of each pair, JSON in a memo (internal/syncio/choices.go).
// The emulator's connector scenario has it as if
// examples/modules/cosell-connector-schema had been applied with its default.
var SyncSnapshotColumn = ColumnSpec{Table: "opportunity", SchemaName: "cosell_SyncSnapshot", Type: typeMemo,
	DisplayName: "Partner Center sync snapshot", MaxLength: 100000,
	Description: "Written by the cosell provider's sync: the last synced state of this opportunity and its referral. Do not edit."}

// clientData builds a flow's clientdata string: its connection references
// and a definition with the trigger and one child-flow action per child.
func (f Flow) clientData() string {
	apiOf := map[string]string{}
	for _, r := range ConnectorConnectionRefs {
		apiOf[r.LogicalName] = r.API
	}
	refs := map[string]any{}
	used := map[string]int{}
	for _, ref := range f.Refs {
		api := apiOf[ref]
		key := api
		if used[api] > 0 {
			key = fmt.Sprintf("%s_%d", api, used[api])
		}
		used[api]++
		refs[key] = map[string]any{"runtimeSource": "embedded", "connection": map[string]any{"connectionReferenceLogicalName": ref},
			"api": map[string]any{"name": api}}
	}
	var trigger map[string]any
	switch kind, entity, _ := strings.Cut(f.Trigger, ":"); kind {
	case "http":
		trigger = map[string]any{"manual": map[string]any{"type": "Request", "kind": "Http", "inputs": map[string]any{"schema": map[string]any{}}}}
	case "button":
		trigger = map[string]any{"manual": map[string]any{"type": "Request", "kind": "Button", "inputs": map[string]any{"schema": map[string]any{
			"type": "object", "properties": map[string]any{"text": map[string]any{"title": "Http Trigger Endpoint", "type": "string"}}}}}}
	case "child":
		trigger = map[string]any{"manual": map[string]any{"type": "Request", "kind": "Button", "inputs": map[string]any{"schema": map[string]any{"type": "object"}}}}
	case "dataverse":
		trigger = map[string]any{"When_a_row_is_added,_modified_or_deleted": map[string]any{"type": "OpenApiConnectionWebhook",
			"inputs": map[string]any{"host": map[string]any{"connectionName": APIDataverse, "operationId": "SubscribeWebhookTrigger",
				"apiId": ConnectorIDPrefix + APIDataverse},
				"parameters": map[string]any{"subscriptionRequest/message": 4, "subscriptionRequest/entityname": entity, "subscriptionRequest/scope": 4}}}}
	default:
		trigger = map[string]any{"Recurrence": map[string]any{"type": "Recurrence", "recurrence": map[string]any{"frequency": "Hour", "interval": 1}}}
	}
	actions := map[string]any{}
	for i, child := range f.Children {
		actions[fmt.Sprintf("Run_a_Child_Flow_%d", i+1)] = map[string]any{"type": "Workflow", "runAfter": map[string]any{},
			"inputs": map[string]any{"host": map[string]any{"workflowReferenceName": child}, "body": map[string]any{}}}
	}
	cd := map[string]any{"schemaVersion": "1.0.0.0", "properties": map[string]any{
		"connectionReferences": refs,
		"definition": map[string]any{
			"$schema":        "https://schema.management.azure.com/providers/Microsoft.Logic/schemas/2016-06-01/workflowdefinition.json#",
			"contentVersion": "1.0.0.0",
			"parameters": map[string]any{"$connections": map[string]any{"defaultValue": map[string]any{}, "type": "Object"},
				"$authentication": map[string]any{"defaultValue": map[string]any{}, "type": "SecureObject"}},
			"triggers": trigger,
			"actions":  actions,
		}}}
	b, _ := json.Marshal(cd)
	return string(b)
}

// Seed ids of the sample rows (the Tailspin opportunity, account and USD
// currency ids come from samples/dataverse-opportunities-page.json).
const (
	CurrencyUSD            = "e1f2a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b"
	CurrencyEUR            = "c05e11a0-0000-4000-8000-000000000002"
	CurrencyGBP            = "c05e11a0-0000-4000-8000-000000000003"
	AccountTailspin        = "5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f"
	AccountContoso         = "c05e11ac-0000-4000-8000-000000000002"
	AccountFabrikam        = "c05e11ac-0000-4000-8000-000000000003"
	ContactTailspin        = "c05e11c7-0000-4000-8000-000000000001"
	ContactContoso         = "c05e11c7-0000-4000-8000-000000000002"
	ContactFabrikam        = "c05e11c7-0000-4000-8000-000000000003"
	OpportunityTailspin    = "3b9f2d4e-6a7c-4e8b-9d0f-a1b2c3d4e5f6"
	OpportunityContoso     = "c05e1100-0000-4000-8000-000000000002"
	OpportunityFabrikam    = "c05e1100-0000-4000-8000-000000000003"
	OpportunityTailspinWon = "c05e1100-0000-4000-8000-000000000004"
	SolutionDetailSales    = "c05e11d0-0000-4000-8000-000000000001"
	SolutionDetailSecurity = "c05e11d0-0000-4000-8000-000000000002"
	SolutionDetailData     = "c05e11d0-0000-4000-8000-000000000003"
	// The Fabrikam UK pair: the opportunity id is the seeded referral's externalReferenceId.
	AccountFabrikamUK     = "c05e11ac-0000-4000-8000-000000000004"
	ContactFabrikamUK     = "c05e11c7-0000-4000-8000-000000000004"
	OpportunityFabrikamUK = "8c7b6a59-4837-4261-9f0e-d1c2b3a49586"
)

// DefaultScenario is the organisation with the co-sell connector solution
// installed (flows off, connection references unbound) and a little CRM data.
func DefaultScenario() Scenario {
	sc := Scenario{Records: map[string][]map[string]any{}}
	for _, t := range ConnectorTables {
		t.Solution = CosellSolutionUniqueName
		sc.Tables = append(sc.Tables, t)
	}
	for _, group := range [][]ColumnSpec{connectorSolutionDetailColumns, ConnectorOpportunityColumns, {SyncSnapshotColumn}} {
		for _, c := range group {
			c.Solution = CosellSolutionUniqueName
			sc.Columns = append(sc.Columns, c)
		}
	}
	add := func(set string, row map[string]any) { sc.Records[set] = append(sc.Records[set], row) }

	for _, r := range ConnectorConnectionRefs {
		add("connectionreferences", map[string]any{"connectionreferenceid": r.ID, "connectionreferencelogicalname": r.LogicalName,
			"connectionreferencedisplayname": r.DisplayName, "connectorid": ConnectorIDPrefix + r.API, "promptingbehavior": 0})
	}
	for _, f := range ConnectorFlows {
		add("workflows", map[string]any{"workflowid": f.ID, "name": f.Name, "uniquename": f.UniqueName, "category": categoryModernFlow,
			"type": 1, "primaryentity": "none", "statecode": workflowDraft, "statuscode": 1, "clientdata": f.clientData(),
			"workflowidunique": "c05e11f1" + f.ID[8:], "description": "Partner Center co-sell connector: " + f.Name})
	}
	for _, v := range ConnectorEnvVars {
		row := map[string]any{"environmentvariabledefinitionid": v.ID, "schemaname": v.SchemaName, "displayname": v.DisplayName,
			"description": v.Description, "type": v.Type, "isrequired": false}
		if v.Default != nil {
			row["defaultvalue"] = *v.Default
		}
		add("environmentvariabledefinitions", row)
	}
	for _, c := range []struct {
		id, code, name, symbol string
		rate                   float64
	}{{CurrencyUSD, "USD", "US Dollar", "$", 1}, {CurrencyEUR, "EUR", "Euro", "€", 0.92}, {CurrencyGBP, "GBP", "Pound Sterling", "£", 0.79},
		{"c05e11a0-0000-4000-8000-000000000004", "JPY", "Japanese Yen", "¥", 150},
		{"c05e11a0-0000-4000-8000-000000000005", "CAD", "Canadian Dollar", "CA$", 1.36},
		{"c05e11a0-0000-4000-8000-000000000006", "AUD", "Australian Dollar", "A$", 1.52},
		{"c05e11a0-0000-4000-8000-000000000007", "CHF", "Swiss Franc", "CHF", 0.88},
		{"c05e11a0-0000-4000-8000-000000000008", "INR", "Indian Rupee", "₹", 83},
		{"c05e11a0-0000-4000-8000-000000000009", "SEK", "Swedish Krona", "kr", 10.5},
		{"c05e11a0-0000-4000-8000-00000000000a", "BRL", "Brazilian Real", "R$", 5}} {
		add("transactioncurrencies", map[string]any{"transactioncurrencyid": c.id, "isocurrencycode": c.code, "currencyname": c.name,
			"currencysymbol": c.symbol, "currencyprecision": 2, "exchangerate": c.rate})
	}
	for _, a := range []struct{ id, name, line1, city, state, zip, country string }{
		{AccountTailspin, "Tailspin Toys", "200 Pine St", "Seattle", "WA", "98101", "US"},
		{AccountContoso, "Contoso Pharmaceuticals", "Leopoldstrasse 8", "Munich", "BY", "80802", "DE"},
		{AccountFabrikam, "Fabrikam Ltd", "1 Poultry", "London", "", "EC2R 8EJ", "GB"},
		{AccountFabrikamUK, "Fabrikam UK Ltd", "1 Canada Square", "London", "", "E14 5AB", "GB"},
	} {
		row := map[string]any{"accountid": a.id, "name": a.name, "address1_line1": a.line1, "address1_city": a.city,
			"address1_postalcode": a.zip, "address1_country": a.country}
		if a.state != "" {
			row["address1_stateorprovince"] = a.state
		}
		add("accounts", row)
	}
	for _, c := range []struct{ id, first, last, email, phone, account string }{
		{ContactTailspin, "Sam", "Rivera", "sam.rivera@tailspintoys.example", "+1 206 555 0142", AccountTailspin},
		{ContactContoso, "Lukas", "Meyer", "lukas.meyer@contoso.example", "+49 89 5550 1100", AccountContoso},
		{ContactFabrikam, "Priya", "Shah", "priya.shah@fabrikam.example", "+44 20 5550 0199", AccountFabrikam},
		{ContactFabrikamUK, "Olivia", "Clarke", "olivia.clarke@fabrikam.example", "+44 20 7946 0321", AccountFabrikamUK},
	} {
		add("contacts", map[string]any{"contactid": c.id, "firstname": c.first, "lastname": c.last, "emailaddress1": c.email,
			"telephone1": c.phone, "parentcustomerid_account@odata.bind": "/accounts(" + c.account + ")"})
	}
	opp := func(id, name string, value float64, currency, closeDate, account, contact string, extra map[string]any) {
		row := map[string]any{"opportunityid": id, "name": name, "estimatedvalue": value, "estimatedclosedate": closeDate,
			"transactioncurrencyid@odata.bind": "/transactioncurrencies(" + currency + ")",
			"parentaccountid@odata.bind":       "/accounts(" + account + ")", "customerid_account@odata.bind": "/accounts(" + account + ")",
			"parentcontactid@odata.bind": "/contacts(" + contact + ")"}
		for k, v := range extra {
			row[k] = v
		}
		add("opportunities", row)
	}
	opp(OpportunityTailspin, "Tailspin Toys - Dynamics 365 Sales rollout ✔", 48000, CurrencyUSD, "2026-12-15", AccountTailspin, ContactTailspin,
		map[string]any{"description": "Pilot with 50 seats first.", "msft_microsoftpartnercenterreferralsync": true,
			"msft_microsoftpartnercenterreferralidentifier": "7d0f5b8e-1a2b-4c3d-9e8f-112233445566",
			"msft_microsoftpartnercenterreferrallink":       "https://partner.microsoft.com/referrals/v2/inbox?id=7d0f5b8e-1a2b-4c3d-9e8f-112233445566",
			"msft_microsoftpartnercenterreferralsyncaudit":  "2026-09-20 16:45 - Partner Center Referral to CRM sync success."})
	opp(OpportunityContoso, "Contoso Pharmaceuticals - Field Service modernization", 120000, CurrencyEUR, "2027-03-31", AccountContoso, ContactContoso,
		map[string]any{"msft_microsoftpartnercenterreferralsync": true, "msft_microsoftpartnercenterhelp": 299600002,
			"msft_microsoftpartnercenterreferralvisible": true})
	opp(OpportunityFabrikam, "Fabrikam - Copilot adoption", 30000, CurrencyGBP, "2027-01-31", AccountFabrikam, ContactFabrikam, nil)
	opp(OpportunityFabrikamUK, "Fabrikam UK - Azure data platform modernisation ✔", 120000, CurrencyGBP, "2027-03-31", AccountFabrikamUK, ContactFabrikamUK,
		map[string]any{"description": "Co-sell: architecture review before the data warehouse migration.",
			"msft_microsoftpartnercenterreferralsync": true, "msft_microsoftpartnercenterreferralvisible": true,
			"msft_microsoftpartnercenterhelp":               299600001,
			"msft_microsoftpartnercenterreferralidentifier": "2f6a9c1e-3b4d-4e5f-8a7b-9c0d1e2f3a4b",
			"msft_microsoftpartnercenterreferrallink":       "https://partner.microsoft.com/referrals/v2/inbox?id=2f6a9c1e-3b4d-4e5f-8a7b-9c0d1e2f3a4b",
			"msft_microsoftpartnercenterreferralsyncaudit":  "2026-09-28 13:05 - Partner Center Referral to CRM sync success."})
	opp(OpportunityTailspinWon, "Tailspin Toys - Customer Insights pilot", 15000, CurrencyUSD, "2026-06-30", AccountTailspin, ContactTailspin,
		map[string]any{"statecode": 1, "statuscode": 3, "actualvalue": 15000, "actualclosedate": "2026-06-24"})
	for _, d := range []struct{ id, ident, name string }{
		{SolutionDetailSales, "SOL-22010-XYZ", "Northwind Sales Accelerator"},
		{SolutionDetailSecurity, "SOL-31337-ABC", "Northwind Secure Cloud"},
		{SolutionDetailData, "SOL-40117-DAT", "Northwind Data Estate Modernizer"},
	} {
		add("msft_solutiondetails", map[string]any{"msft_solutiondetailid": d.id, "msft_name": d.name, "msft_solutionidentifier": d.ident,
			"msft_solutiontype": "3P", "msft_publishername": "Northwind Consulting"})
	}
	add("msft_partnercentersolutions", map[string]any{"msft_name": "Northwind Sales Accelerator",
		"msft_OpportunityId@odata.bind":    "/opportunities(" + OpportunityTailspin + ")",
		"msft_SolutionDetailId@odata.bind": "/msft_solutiondetails(" + SolutionDetailSales + ")"})
	add("msft_partnercentersolutions", map[string]any{"msft_name": "Northwind Data Estate Modernizer",
		"msft_OpportunityId@odata.bind":    "/opportunities(" + OpportunityFabrikamUK + ")",
		"msft_SolutionDetailId@odata.bind": "/msft_solutiondetails(" + SolutionDetailData + ")"})
	return sc
}

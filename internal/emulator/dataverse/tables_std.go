package dataverse

// Built-in tables, from dataverse-api.md §2, §4, §5, §6.1. Only the columns the
// provider and the connector use are modelled; lengths not given in the
// reference are Dataverse's usual ones (marked in facts.go).

const (
	moneyMin = -1e12 // dataverse-api.md §2: estimatedvalue ±1e12
	moneyMax = 1e12
)

func newTable(logical, schemaName, display, displayPlural, ownership string, otc int) *table {
	t := &table{
		MetadataID:            newGUID(),
		LogicalName:           logical,
		SchemaName:            schemaName,
		EntitySetName:         entitySetName(logical),
		PrimaryIDAttribute:    logical + "id",
		OwnershipType:         ownership,
		DisplayName:           englishLabel(display),
		DisplayCollectionName: englishLabel(displayPlural),
		ObjectTypeCode:        otc,
		navs:                  map[string]navProp{},
	}
	t.addAttr(&attribute{LogicalName: logical + "id", SchemaName: schemaName + "Id", Type: typeUniqueID,
		DisplayName: englishLabel(display), RequiredLevel: "SystemRequired", IsPrimaryID: true})
	t.addAttr(&attribute{LogicalName: "createdon", SchemaName: "CreatedOn", Type: typeDateTime, Format: "DateAndTime",
		DateTimeBehavior: "UserLocal", DisplayName: englishLabel("Created On"), RequiredLevel: "None", ReadOnly: true})
	t.addAttr(&attribute{LogicalName: "modifiedon", SchemaName: "ModifiedOn", Type: typeDateTime, Format: "DateAndTime",
		DateTimeBehavior: "UserLocal", DisplayName: englishLabel("Modified On"), RequiredLevel: "None", ReadOnly: true})
	t.addAttr(&attribute{LogicalName: "versionnumber", SchemaName: "VersionNumber", Type: typeBigInt,
		DisplayName: englishLabel("Version Number"), RequiredLevel: "None", ReadOnly: true,
		MinValue: -9223372036854775808, MaxValue: 9223372036854775807})
	return t
}

func opt(v int, text string) option { return option{Value: v, Label: englishLabel(text)} }

// stateStatus adds statecode/statuscode. states[i] is (value, label, default
// status); statuses carry their state.
func stateStatus(t *table, states []option, statuses []option) {
	t.addAttr(&attribute{LogicalName: "statecode", SchemaName: "StateCode", Type: typeState, DisplayName: englishLabel("Status"),
		RequiredLevel: "SystemRequired", Options: states, OptionSetName: t.LogicalName + "_statecode"})
	t.addAttr(&attribute{LogicalName: "statuscode", SchemaName: "StatusCode", Type: typeStatus, DisplayName: englishLabel("Status Reason"),
		RequiredLevel: "None", Options: statuses, OptionSetName: t.LogicalName + "_statuscode"})
}

func st(v int, text string, defStatus int) option {
	o := opt(v, text)
	o.DefaultOf = defStatus
	return o
}

func ss(v int, text string, state int) option {
	o := opt(v, text)
	o.State = state
	return o
}

// activeInactive is the common two-state pair (0 Active/1, 1 Inactive/2).
func activeInactive(t *table) {
	stateStatus(t, []option{st(0, "Active", 1), st(1, "Inactive", 2)}, []option{ss(1, "Active", 0), ss(2, "Inactive", 1)})
}

func strAttr(logical, schemaName, display string, maxLen int, required string) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typeString, DisplayName: englishLabel(display),
		RequiredLevel: required, MaxLength: maxLen, FormatName: "Text"}
}

func memoAttr(logical, schemaName, display string, maxLen int) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typeMemo, DisplayName: englishLabel(display),
		RequiredLevel: "None", MaxLength: maxLen, Format: "TextArea"}
}

func boolAttr(logical, schemaName, display, yes, no string, def bool) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typeBoolean, DisplayName: englishLabel(display),
		RequiredLevel: "None", TrueOption: opt(1, yes), FalseOption: opt(0, no), DefaultBool: &def,
		OptionSetName: logical}
}

func picklistAttr(logical, schemaName, display string, opts ...option) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typePicklist, DisplayName: englishLabel(display),
		RequiredLevel: "None", Options: opts, OptionSetName: logical}
}

func moneyAttr(logical, schemaName, display string) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typeMoney, DisplayName: englishLabel(display),
		RequiredLevel: "None", Precision: 2, PrecisionSource: 2, MinValue: moneyMin, MaxValue: moneyMax}
}

func dateOnlyAttr(logical, schemaName, display string) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typeDateTime, DisplayName: englishLabel(display),
		RequiredLevel: "None", Format: "DateOnly", DateTimeBehavior: "DateOnly"}
}

func intAttr(logical, schemaName, display string, lo, hi float64) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typeInteger, DisplayName: englishLabel(display),
		RequiredLevel: "None", MinValue: lo, MaxValue: hi, Format: "None"}
}

func decimalAttr(logical, schemaName, display string, precision int, lo, hi float64) *attribute {
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typeDecimal, DisplayName: englishLabel(display),
		RequiredLevel: "None", Precision: precision, MinValue: lo, MaxValue: hi}
}

func lookupAttr(logical, schemaName, display string, targets ...string) *attribute {
	typ := typeLookup
	if len(targets) > 1 {
		typ = typeCustomer
	}
	return &attribute{LogicalName: logical, SchemaName: schemaName, Type: typ, DisplayName: englishLabel(display),
		RequiredLevel: "None", Targets: targets}
}

func withPrimaryName(t *table, a *attribute) {
	a.IsPrimaryName = true
	t.PrimaryNameAttribute = a.LogicalName
	t.addAttr(a)
}

// standardSchema builds the built-in tables and their relationships.
func standardSchema() *schema {
	sc := &schema{tables: map[string]*table{}, rels: map[string]*relationship{}}
	add := func(t *table) { sc.tables[t.LogicalName] = t }

	cur := newTable("transactioncurrency", "TransactionCurrency", "Currency", "Currencies", "OrganizationOwned", 9105)
	cur.EntitySetName = "transactioncurrencies" // Dataverse's own plural (y → ies)
	withPrimaryName(cur, strAttr("currencyname", "CurrencyName", "Currency Name", 100, "SystemRequired"))
	cur.addAttr(strAttr("isocurrencycode", "ISOCurrencyCode", "Currency Code", 5, "SystemRequired"))
	cur.addAttr(strAttr("currencysymbol", "CurrencySymbol", "Currency Symbol", 10, "SystemRequired"))
	cur.addAttr(intAttr("currencyprecision", "CurrencyPrecision", "Currency Precision", 0, 4))
	cur.addAttr(decimalAttr("exchangerate", "ExchangeRate", "Exchange Rate", 10, 0.0000000001, 100000000000))
	activeInactive(cur)
	cur.uniqueKeys = [][]string{{"isocurrencycode"}}
	add(cur)

	acc := newTable("account", "Account", "Account", "Accounts", "UserOwned", 1)
	withPrimaryName(acc, strAttr("name", "Name", "Account Name", 160, "ApplicationRequired"))
	acc.addAttr(strAttr("accountnumber", "AccountNumber", "Account Number", 20, "None"))
	acc.addAttr(strAttr("address1_line1", "Address1_Line1", "Address 1: Street 1", 250, "None"))
	acc.addAttr(strAttr("address1_line2", "Address1_Line2", "Address 1: Street 2", 250, "None"))
	acc.addAttr(strAttr("address1_city", "Address1_City", "Address 1: City", 80, "None"))
	acc.addAttr(strAttr("address1_stateorprovince", "Address1_StateOrProvince", "Address 1: State/Province", 50, "None"))
	acc.addAttr(strAttr("address1_postalcode", "Address1_PostalCode", "Address 1: ZIP/Postal Code", 20, "None"))
	acc.addAttr(strAttr("address1_country", "Address1_Country", "Address 1: Country/Region", 80, "None"))
	acc.addAttr(strAttr("telephone1", "Telephone1", "Main Phone", 50, "None"))
	acc.addAttr(strAttr("websiteurl", "WebSiteURL", "Website", 200, "None"))
	acc.addAttr(memoAttr("description", "Description", "Description", 2000))
	acc.addAttr(lookupAttr("parentaccountid", "ParentAccountId", "Parent Account", "account"))
	acc.addAttr(lookupAttr("primarycontactid", "PrimaryContactId", "Primary Contact", "contact"))
	activeInactive(acc)
	add(acc)

	con := newTable("contact", "Contact", "Contact", "Contacts", "UserOwned", 2)
	withPrimaryName(con, strAttr("fullname", "FullName", "Full Name", 160, "None"))
	con.attr("fullname").ReadOnly = true // computed from first/last name
	con.addAttr(strAttr("firstname", "FirstName", "First Name", 50, "None"))
	con.addAttr(strAttr("lastname", "LastName", "Last Name", 50, "ApplicationRequired"))
	con.addAttr(strAttr("emailaddress1", "EMailAddress1", "Email", 100, "None"))
	con.attr("emailaddress1").FormatName = "Email"
	con.addAttr(strAttr("telephone1", "Telephone1", "Business Phone", 50, "None"))
	con.addAttr(strAttr("jobtitle", "JobTitle", "Job Title", 100, "None"))
	con.addAttr(lookupAttr("parentcustomerid", "ParentCustomerId", "Company Name", "account", "contact"))
	activeInactive(con)
	add(con)

	lead := newTable("lead", "Lead", "Lead", "Leads", "UserOwned", 4)
	withPrimaryName(lead, strAttr("fullname", "FullName", "Name", 160, "None"))
	lead.attr("fullname").ReadOnly = true
	lead.addAttr(strAttr("subject", "Subject", "Topic", 300, "ApplicationRequired"))
	lead.addAttr(strAttr("firstname", "FirstName", "First Name", 50, "None"))
	lead.addAttr(strAttr("lastname", "LastName", "Last Name", 50, "ApplicationRequired"))
	lead.addAttr(strAttr("companyname", "CompanyName", "Company Name", 100, "None"))
	lead.addAttr(strAttr("emailaddress1", "EMailAddress1", "Email", 100, "None"))
	lead.addAttr(memoAttr("description", "Description", "Description", 2000))
	// Standard lead columns a referral's lead fills (Dataverse lead table reference; facts.go "Sync seed").
	lead.addAttr(strAttr("telephone1", "Telephone1", "Business Phone", 50, "None"))
	lead.addAttr(strAttr("jobtitle", "JobTitle", "Job Title", 100, "None"))
	lead.addAttr(moneyAttr("estimatedamount", "EstimatedAmount", "Est. Value"))
	lead.addAttr(dateOnlyAttr("estimatedclosedate", "EstimatedCloseDate", "Est. Close Date"))
	lead.addAttr(lookupAttr("transactioncurrencyid", "TransactionCurrencyId", "Currency", "transactioncurrency"))
	lead.addAttr(strAttr("address1_line1", "Address1_Line1", "Street 1", 250, "None"))
	lead.addAttr(strAttr("address1_city", "Address1_City", "City", 80, "None"))
	lead.addAttr(strAttr("address1_stateorprovince", "Address1_StateOrProvince", "State/Province", 50, "None"))
	lead.addAttr(strAttr("address1_postalcode", "Address1_PostalCode", "ZIP/Postal Code", 20, "None"))
	lead.addAttr(strAttr("address1_country", "Address1_Country", "Country/Region", 80, "None"))
	lead.addAttr(lookupAttr("parentaccountid", "ParentAccountId", "Parent Account for lead", "account"))
	lead.addAttr(lookupAttr("parentcontactid", "ParentContactId", "Parent Contact for lead", "contact"))
	stateStatus(lead,
		[]option{st(0, "Open", 1), st(1, "Qualified", 3), st(2, "Disqualified", 4)},
		[]option{ss(1, "New", 0), ss(2, "Contacted", 0), ss(3, "Qualified", 1), ss(4, "Lost", 2),
			ss(5, "Cannot Contact", 2), ss(6, "No Longer Interested", 2), ss(7, "Canceled", 2)})
	add(lead)

	opp := newTable("opportunity", "Opportunity", "Opportunity", "Opportunities", "UserOwned", 3)
	opp.EntitySetName = "opportunities" // Dataverse's own plural (y → ies)
	withPrimaryName(opp, strAttr("name", "Name", "Topic", 300, "ApplicationRequired"))
	opp.addAttr(moneyAttr("estimatedvalue", "EstimatedValue", "Est. Revenue"))
	opp.addAttr(moneyAttr("budgetamount", "BudgetAmount", "Budget Amount"))
	opp.addAttr(moneyAttr("actualvalue", "ActualValue", "Actual Revenue"))
	opp.addAttr(dateOnlyAttr("estimatedclosedate", "EstimatedCloseDate", "Est. Close Date"))
	opp.addAttr(dateOnlyAttr("actualclosedate", "ActualCloseDate", "Actual Close Date"))
	opp.addAttr(memoAttr("description", "Description", "Description", 2000))
	opp.addAttr(intAttr("closeprobability", "CloseProbability", "Probability", 0, 100))
	opp.addAttr(lookupAttr("customerid", "CustomerId", "Potential Customer", "account", "contact"))
	opp.addAttr(lookupAttr("parentaccountid", "ParentAccountId", "Account", "account"))
	opp.addAttr(lookupAttr("parentcontactid", "ParentContactId", "Contact", "contact"))
	opp.addAttr(lookupAttr("transactioncurrencyid", "TransactionCurrencyId", "Currency", "transactioncurrency"))
	opp.addAttr(lookupAttr("originatingleadid", "OriginatingLeadId", "Originating Lead", "lead"))
	stateStatus(opp,
		[]option{st(0, "Open", 1), st(1, "Won", 3), st(2, "Lost", 4)},
		[]option{ss(1, "In Progress", 0), ss(2, "On Hold", 0), ss(3, "Won", 1), ss(4, "Canceled", 2), ss(5, "Out-Sold", 2)})
	add(opp)

	def := newTable("environmentvariabledefinition", "EnvironmentVariableDefinition", "Environment Variable Definition",
		"Environment Variable Definitions", "UserOwned", 380)
	withPrimaryName(def, strAttr("schemaname", "SchemaName", "Schema Name", 100, "SystemRequired"))
	def.addAttr(strAttr("displayname", "DisplayName", "Display Name", 100, "ApplicationRequired"))
	def.addAttr(memoAttr("description", "Description", "Description", 2000))
	def.addAttr(memoAttr("defaultvalue", "DefaultValue", "Default Value", 2000))
	def.addAttr(boolAttr("isrequired", "IsRequired", "Is Required", "Yes", "No", false))
	def.addAttr(picklistAttr("type", "Type", "Type",
		opt(envTypeString, "String"), opt(envTypeNumber, "Number"), opt(envTypeBoolean, "Boolean"),
		opt(envTypeJSON, "JSON"), opt(envTypeDataSource, "Data source"), opt(envTypeSecret, "Secret")))
	def.addAttr(memoAttr("valueschema", "ValueSchema", "Value Schema", 2000))
	def.addAttr(picklistAttr("secretstore", "SecretStore", "Secret Store", opt(0, "Azure Key Vault"), opt(1, "Microsoft Dataverse")))
	def.addAttr(strAttr("hint", "Hint", "Hint", 100, "None"))
	def.addAttr(strAttr("apiid", "ApiId", "API Id", 200, "None"))
	def.addAttr(strAttr("parameterkey", "ParameterKey", "Parameter Key", 100, "None"))
	def.addAttr(strAttr("learnmoreurl", "LearnMoreUrl", "Learn More URL", 200, "None"))
	def.addAttr(lookupAttr("connectionreferenceid", "ConnectionReferenceId", "Connection Reference", "connectionreference"))
	def.addAttr(lookupAttr("parentdefinitionid", "ParentDefinitionId", "Parent Definition", "environmentvariabledefinition"))
	activeInactive(def)
	def.uniqueKeys = [][]string{{"schemaname"}}
	add(def)

	val := newTable("environmentvariablevalue", "EnvironmentVariableValue", "Environment Variable Value",
		"Environment Variable Values", "UserOwned", 381)
	withPrimaryName(val, strAttr("schemaname", "SchemaName", "Schema Name", 100, "None"))
	val.addAttr(memoAttr("value", "Value", "Value", 2000))
	val.addAttr(lookupAttr("environmentvariabledefinitionid", "EnvironmentVariableDefinitionId", "Environment Variable Definition",
		"environmentvariabledefinition"))
	activeInactive(val)
	add(val)

	ref := newTable("connectionreference", "ConnectionReference", "Connection Reference", "Connection References", "UserOwned", 10056)
	withPrimaryName(ref, strAttr("connectionreferencedisplayname", "ConnectionReferenceDisplayName", "Display Name", 200, "None"))
	ref.addAttr(strAttr("connectionreferencelogicalname", "ConnectionReferenceLogicalName", "Logical Name", 200, "SystemRequired"))
	ref.addAttr(strAttr("connectorid", "ConnectorId", "Connector Id", 1000, "None"))
	ref.addAttr(strAttr("connectionid", "ConnectionId", "Connection Id", 1000, "None"))
	ref.addAttr(strAttr("customconnectorid", "CustomConnectorId", "Custom Connector Id", 1000, "None"))
	ref.addAttr(memoAttr("description", "Description", "Description", 2000))
	ref.addAttr(picklistAttr("promptingbehavior", "PromptingBehavior", "Prompting Behavior", opt(0, "Prompt"), opt(1, "Skip")))
	activeInactive(ref)
	ref.uniqueKeys = [][]string{{"connectionreferencelogicalname"}}
	add(ref)

	wf := newTable("workflow", "Workflow", "Process", "Processes", "UserOwned", 4703)
	withPrimaryName(wf, strAttr("name", "Name", "Process Name", 100, "SystemRequired"))
	wf.addAttr(strAttr("uniquename", "UniqueName", "Unique Name", 256, "None"))
	wf.addAttr(memoAttr("description", "Description", "Description", 100000))
	wf.addAttr(picklistAttr("category", "Category", "Category",
		opt(0, "Workflow"), opt(1, "Dialog"), opt(2, "Business Rule"), opt(3, "Action"), opt(4, "Business Process Flow"),
		opt(5, "Modern Flow"), opt(6, "Desktop Flow"), opt(7, "AI Flow")))
	wf.attr("category").RequiredLevel = "SystemRequired"
	wf.addAttr(picklistAttr("type", "Type", "Type", opt(1, "Definition"), opt(2, "Activation"), opt(3, "Template")))
	wf.attr("type").RequiredLevel = "SystemRequired"
	wf.addAttr(strAttr("primaryentity", "PrimaryEntity", "Primary Entity", 100, "SystemRequired"))
	wf.addAttr(memoAttr("clientdata", "ClientData", "Client Data", 1048576))
	wf.addAttr(memoAttr("connectionreferences", "ConnectionReferences", "Connection References", 1048576))
	wf.addAttr(&attribute{LogicalName: "workflowidunique", SchemaName: "WorkflowIdUnique", Type: typeUniqueID,
		DisplayName: englishLabel("Unique Id"), RequiredLevel: "None"})
	wf.addAttr(boolAttr("ismanaged", "IsManaged", "Is Managed", "Managed", "Unmanaged", false))
	wf.attr("ismanaged").ReadOnly = true
	stateStatus(wf,
		[]option{st(0, "Draft", 1), st(1, "Activated", 2), st(2, "Suspended", 3)},
		[]option{ss(1, "Draft", 0), ss(2, "Activated", 1), ss(3, "Company DLP Violation", 2)})
	add(wf)

	// Relationships of the built-in lookups. Cascade-on-delete values follow
	// Dataverse's usual configuration (parental = Cascade, else RemoveLink;
	// currency = Restrict).
	rel := func(name, referenced, referencing, attr, nav, del string) {
		sc.addRelationship(&relationship{SchemaName: name, ReferencedEntity: referenced,
			ReferencedAttribute: referenced + "id", ReferencingEntity: referencing, ReferencingAttribute: attr,
			ReferencingNav: nav, ReferencedNav: name, Cascade: cascade(del)})
	}
	rel("opportunity_customer_accounts", "account", "opportunity", "customerid", "customerid_account", "Cascade")
	rel("opportunity_customer_contacts", "contact", "opportunity", "customerid", "customerid_contact", "Cascade")
	rel("opportunity_parent_account", "account", "opportunity", "parentaccountid", "parentaccountid", "RemoveLink")
	rel("opportunity_parent_contact", "contact", "opportunity", "parentcontactid", "parentcontactid", "RemoveLink")
	rel("transactioncurrency_opportunity", "transactioncurrency", "opportunity", "transactioncurrencyid", "transactioncurrencyid", "Restrict")
	rel("opportunity_originating_lead", "lead", "opportunity", "originatingleadid", "originatingleadid", "RemoveLink")
	rel("contact_customer_accounts", "account", "contact", "parentcustomerid", "parentcustomerid_account", "Cascade")
	rel("contact_customer_contacts", "contact", "contact", "parentcustomerid", "parentcustomerid_contact", "Cascade")
	rel("account_parent_account", "account", "account", "parentaccountid", "parentaccountid", "RemoveLink")
	rel("account_primary_contact", "contact", "account", "primarycontactid", "primarycontactid", "RemoveLink")
	rel("lead_parent_account", "account", "lead", "parentaccountid", "parentaccountid", "RemoveLink")
	rel("lead_parent_contact", "contact", "lead", "parentcontactid", "parentcontactid", "RemoveLink")
	rel("transactioncurrency_lead", "transactioncurrency", "lead", "transactioncurrencyid", "transactioncurrencyid", "Restrict")
	rel("environmentvariabledefinition_environmentvariablevalue", "environmentvariabledefinition", "environmentvariablevalue",
		"environmentvariabledefinitionid", "EnvironmentVariableDefinitionId", "Cascade")
	rel("envdefinition_envdefinition", "environmentvariabledefinition", "environmentvariabledefinition",
		"parentdefinitionid", "ParentDefinitionId", "RemoveLink")
	rel("connectionreference_environmentvariabledefinition", "connectionreference", "environmentvariabledefinition",
		"connectionreferenceid", "ConnectionReferenceId", "RemoveLink")
	return sc
}

func cascade(onDelete string) map[string]string {
	return map[string]string{"Assign": "NoCascade", "Delete": onDelete, "Merge": "NoCascade", "Reparent": "NoCascade",
		"Share": "NoCascade", "Unshare": "NoCascade", "RollupView": "NoCascade"}
}

// Environment variable definition types (dataverse-api.md §4).
const (
	envTypeString     = 100000000
	envTypeNumber     = 100000001
	envTypeBoolean    = 100000002
	envTypeJSON       = 100000003
	envTypeDataSource = 100000004
	envTypeSecret     = 100000005
)

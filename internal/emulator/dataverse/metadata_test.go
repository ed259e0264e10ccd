package dataverse

import (
	"net/url"
	"strings"
	"testing"
)

func lbl(text string, lang int) map[string]any {
	return map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.Label", "LocalizedLabels": []any{
		map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.LocalizedLabel", "Label": text, "LanguageCode": lang}}}
}

func stringAttr(schema string, maxLen int) map[string]any {
	return map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.StringAttributeMetadata", "SchemaName": schema,
		"AttributeType": "String", "AttributeTypeName": map[string]any{"Value": "StringType"}, "MaxLength": maxLen,
		"FormatName":    map[string]any{"Value": "Text"},
		"RequiredLevel": map[string]any{"Value": "None", "CanBeChanged": true, "ManagedPropertyLogicalName": "canmodifyrequirementlevelsettings"},
		"DisplayName":   lbl("Referral Id", 1033), "Description": lbl("The referral", 1033)}
}

const attrsURL = "EntityDefinitions(LogicalName='opportunity')/Attributes"

func TestAddStringColumnVisibleAtOnce(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("POST", attrsURL, stringAttr("pfx_ReferralId", 100), "MSCRM.SolutionUniqueName: CosellConfig"), 204)
	loc := r.header.Get("OData-EntityId")
	if !strings.Contains(loc, "/api/data/v9.2/EntityDefinitions(") || !strings.Contains(loc, ")/Attributes(") {
		t.Fatalf("OData-EntityId %q", loc)
	}
	// Visible to records immediately.
	h.must(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"pfx_referralid": "R-1"}), 204)
	h.mustErr(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"pfx_referralid": strings.Repeat("x", 101)}), 400, codeValidation)
	got := h.must(h.do("GET", attrsURL+"(LogicalName='pfx_referralid')", nil), 200)
	if got.body["SchemaName"] != "pfx_ReferralId" || got.body["AttributeType"] != "String" || num(got.body["MaxLength"]) != 100 ||
		got.body["IsCustomAttribute"] != true || got.body["@odata.type"] != "#Microsoft.Dynamics.CRM.StringAttributeMetadata" {
		t.Fatalf("attribute %v", got.body)
	}
	// By MetadataId too.
	id := idFromEntityID(t, r)
	h.must(h.do("GET", attrsURL+"("+id+")", nil), 200)
	comps := h.svc.SolutionComponents("CosellConfig")
	if len(comps) != 1 || comps[0].LogicalName != "pfx_referralid" || comps[0].Kind != "Attribute" {
		t.Fatalf("solution components %v", comps)
	}
	// Cast with $select.
	c := h.must(h.do("GET", attrsURL+"(LogicalName='pfx_referralid')/Microsoft.Dynamics.CRM.StringAttributeMetadata?$select=MaxLength", nil), 200)
	if num(c.body["MaxLength"]) != 100 || c.body["SchemaName"] != nil {
		t.Fatalf("cast select %v", c.body)
	}
	h.mustErr(h.do("GET", attrsURL+"(LogicalName='pfx_referralid')?$select=MaxLength", nil), 400, codeUnknownProperty)
	h.must(h.do("GET", attrsURL+"(LogicalName='pfx_referralid')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata", nil), 404)
	h.must(h.do("GET", attrsURL+"(LogicalName='pfx_nosuch')", nil), 404)
}

func TestColumnValidation(t *testing.T) {
	h := newDefault(t)
	bad := []struct {
		name string
		body map[string]any
		code string
	}{
		{"no prefix", stringAttr("ReferralId", 10), codeInvalidArgument},
		{"mscrm prefix", stringAttr("mscrm_ReferralId", 10), codeInvalidArgument},
		{"prefix too long", stringAttr("abcdefghi_X", 10), codeInvalidArgument},
		{"prefix starts with digit", stringAttr("1ab_X", 10), codeInvalidArgument},
		{"max length 0", stringAttr("pfx_A", 0), codeInvalidArgument},
		{"max length 4001", stringAttr("pfx_A", 4001), codeInvalidArgument},
		{"duplicate", stringAttr("msft_MicrosoftCRMIdentifier", 10), codeSchemaNotUnique},
		{"memo too long", map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.MemoAttributeMetadata", "SchemaName": "pfx_M",
			"DisplayName": lbl("M", 1033), "MaxLength": 1048577}, codeInvalidArgument},
		{"type mismatch", map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.MemoAttributeMetadata", "AttributeType": "String",
			"SchemaName": "pfx_M", "DisplayName": lbl("M", 1033)}, codeInvalidArgument},
		{"no display name", map[string]any{"AttributeType": "String", "SchemaName": "pfx_M"}, codeInvalidArgument},
		{"picklist duplicate values", map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.PicklistAttributeMetadata", "SchemaName": "pfx_P",
			"DisplayName": lbl("P", 1033), "OptionSet": map[string]any{"Options": []any{
				map[string]any{"Value": 1, "Label": lbl("a", 1033)}, map[string]any{"Value": 1, "Label": lbl("b", 1033)}}}}, codeInvalidArgument},
		{"lookup via attributes", map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.LookupAttributeMetadata", "SchemaName": "pfx_L",
			"DisplayName": lbl("L", 1033)}, codeInvalidArgument},
		{"decimal precision", map[string]any{"AttributeType": "Decimal", "SchemaName": "pfx_D", "DisplayName": lbl("D", 1033), "Precision": 11}, codeInvalidArgument},
		{"integer range", map[string]any{"AttributeType": "Integer", "SchemaName": "pfx_I", "DisplayName": lbl("I", 1033), "MinValue": 10, "MaxValue": 1}, codeInvalidArgument},
		{"datetime format", map[string]any{"AttributeType": "DateTime", "SchemaName": "pfx_T", "DisplayName": lbl("T", 1033), "Format": "Time"}, codeInvalidArgument},
	}
	for _, c := range bad {
		r := h.do("POST", attrsURL, c.body)
		if r.status != 400 || r.errCode() != c.code {
			t.Errorf("%s: %d %s %s", c.name, r.status, r.errCode(), r.raw)
		}
	}
	if r := h.mustErr(h.do("POST", attrsURL, stringAttr("msft_MicrosoftCRMIdentifier", 10)), 400, codeSchemaNotUnique); !strings.Contains(r.errMsg(), "same name already exists") {
		t.Fatalf("duplicate message %q", r.errMsg())
	}
}

func TestAllColumnTypes(t *testing.T) {
	h := newDefault(t)
	defs := []map[string]any{
		{"@odata.type": "Microsoft.Dynamics.CRM.MemoAttributeMetadata", "SchemaName": "pfx_Notes", "AttributeType": "Memo",
			"AttributeTypeName": map[string]any{"Value": "MemoType"}, "Format": "TextArea", "MaxLength": 5000, "DisplayName": lbl("Notes", 1033)},
		{"@odata.type": "Microsoft.Dynamics.CRM.BooleanAttributeMetadata", "SchemaName": "pfx_Shared", "AttributeType": "Boolean",
			"DefaultValue": true, "DisplayName": lbl("Shared", 1033), "OptionSet": map[string]any{
				"TrueOption": map[string]any{"Value": 1, "Label": lbl("Shared", 1033)}, "FalseOption": map[string]any{"Value": 0, "Label": lbl("Private", 1033)},
				"OptionSetType": "Boolean"}},
		{"@odata.type": "Microsoft.Dynamics.CRM.PicklistAttributeMetadata", "SchemaName": "pfx_Help", "AttributeType": "Picklist",
			"DisplayName": lbl("Help", 1033), "OptionSet": map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.OptionSetMetadata", "IsGlobal": false,
				"OptionSetType": "Picklist", "Options": []any{map[string]any{"Value": 727000000, "Label": lbl("Demo", 1033)},
					map[string]any{"Value": 727000001, "Label": lbl("Licensing", 1033)}}}},
		{"@odata.type": "Microsoft.Dynamics.CRM.MoneyAttributeMetadata", "SchemaName": "pfx_Budget", "AttributeType": "Money",
			"PrecisionSource": 2, "DisplayName": lbl("Budget", 1033)},
		{"@odata.type": "Microsoft.Dynamics.CRM.DateTimeAttributeMetadata", "SchemaName": "pfx_Due", "AttributeType": "DateTime",
			"Format": "DateOnly", "DateTimeBehavior": map[string]any{"Value": "DateOnly"}, "DisplayName": lbl("Due", 1033)},
		{"@odata.type": "Microsoft.Dynamics.CRM.DateTimeAttributeMetadata", "SchemaName": "pfx_SyncedAt", "AttributeType": "DateTime",
			"Format": "DateAndTime", "DisplayName": lbl("Synced at", 1033)},
		{"@odata.type": "Microsoft.Dynamics.CRM.IntegerAttributeMetadata", "SchemaName": "pfx_Seats", "AttributeType": "Integer",
			"MinValue": 0, "MaxValue": 1000, "DisplayName": lbl("Seats", 1033)},
		{"@odata.type": "Microsoft.Dynamics.CRM.DecimalAttributeMetadata", "SchemaName": "pfx_Ratio", "AttributeType": "Decimal",
			"Precision": 3, "MinValue": 0, "MaxValue": 1, "DisplayName": lbl("Ratio", 1033)},
	}
	for _, d := range defs {
		h.must(h.do("POST", "EntityDefinitions(LogicalName='account')/Attributes", d), 204)
	}
	id := idFromEntityID(t, h.must(h.do("POST", "accounts", map[string]any{"name": "Typed", "pfx_notes": strings.Repeat("n", 3000),
		"pfx_help": 727000001, "pfx_budget": 10.555, "pfx_due": "2027-01-02", "pfx_syncedat": "2026-10-01T10:20:30+02:00",
		"pfx_seats": 50, "pfx_ratio": 0.12345}), 204))
	rec, _ := h.svc.Record("accounts", id)
	if rec["pfx_shared"] != true || num(rec["pfx_budget"]) != 10.56 || rec["pfx_syncedat"] != "2026-10-01T08:20:30Z" ||
		num(rec["pfx_ratio"]) != 0.123 || rec["_transactioncurrencyid_value"] != CurrencyUSD {
		t.Fatalf("typed row %v", rec)
	}
	for _, body := range []map[string]any{{"pfx_help": 1}, {"pfx_seats": 1001}, {"pfx_ratio": 2}, {"pfx_shared": 1}, {"pfx_notes": strings.Repeat("n", 5001)}} {
		body["name"] = "bad"
		if r := h.do("POST", "accounts", body); r.status != 400 {
			t.Errorf("%v accepted: %s", body, r.raw)
		}
	}
	// Money column gave the table a currency lookup, bindable by its navigation property.
	h.must(h.do("PATCH", "accounts("+id+")", map[string]any{"transactioncurrencyid@odata.bind": "/transactioncurrencies(" + CurrencyGBP + ")"}), 204)
	// OptionSet needs the cast to expand.
	h.mustErr(h.do("GET", "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='pfx_help')?$expand=OptionSet", nil), 400, codeUnknownProperty)
	os := h.must(h.do("GET", "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='pfx_help')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName&$expand=OptionSet", nil), 200)
	opts := os.body["OptionSet"].(map[string]any)["Options"].([]any)
	if len(opts) != 2 || num(opts[1].(map[string]any)["Value"]) != 727000001 {
		t.Fatalf("options %v", opts)
	}
	b := h.must(h.do("GET", "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='pfx_shared')/Microsoft.Dynamics.CRM.BooleanAttributeMetadata?$expand=OptionSet", nil), 200)
	tl := b.body["OptionSet"].(map[string]any)["TrueOption"].(map[string]any)["Label"].(map[string]any)["UserLocalizedLabel"].(map[string]any)["Label"]
	if tl != "Shared" || b.body["DefaultValue"] != true {
		t.Fatalf("boolean %v", b.body)
	}
	// Collection cast filters by type.
	list := h.must(h.do("GET", "EntityDefinitions(LogicalName='account')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$select=LogicalName", nil), 200)
	if n := len(list.values()); n != 1 {
		t.Fatalf("picklists on account: %d", n)
	}
	dt := h.must(h.do("GET", "EntityDefinitions(LogicalName='account')/Attributes(LogicalName='pfx_due')/Microsoft.Dynamics.CRM.DateTimeAttributeMetadata?$select=Format,DateTimeBehavior", nil), 200)
	if dt.body["Format"] != "DateOnly" {
		t.Fatalf("datetime %v", dt.body)
	}
}

func TestPutAttributeMergeLabelsAndTypeChange(t *testing.T) {
	h := newDefault(t)
	def := stringAttr("pfx_Label", 50)
	def["DisplayName"] = map[string]any{"LocalizedLabels": []any{
		map[string]any{"Label": "Label", "LanguageCode": 1033}, map[string]any{"Label": "Beschriftung", "LanguageCode": 1031}}}
	h.must(h.do("POST", attrsURL, def), 204)
	url := attrsURL + "(LogicalName='pfx_label')"

	upd := stringAttr("pfx_Label", 80)
	upd["DisplayName"] = lbl("Label v2", 1033)
	h.must(h.do("PUT", url, upd, "MSCRM.MergeLabels: true"), 204)
	a, _ := h.svc.Attribute("opportunity", "pfx_label")
	if num(a["MaxLength"]) != 80 || len(a["DisplayName"].(map[string]any)["LocalizedLabels"].([]any)) != 2 {
		t.Fatalf("merge: %v", a)
	}
	h.must(h.do("PUT", url, upd), 204) // no MergeLabels: German label dropped
	a, _ = h.svc.Attribute("opportunity", "pfx_label")
	if labels := a["DisplayName"].(map[string]any)["LocalizedLabels"].([]any); len(labels) != 1 {
		t.Fatalf("labels without merge: %v", labels)
	}
	memo := stringAttr("pfx_Label", 80)
	memo["@odata.type"], memo["AttributeType"] = "Microsoft.Dynamics.CRM.MemoAttributeMetadata", "Memo"
	delete(memo, "AttributeTypeName")
	h.mustErr(h.do("PUT", url, memo), 400, codeInvalidArgument)
	// A partial body is not a full definition.
	h.mustErr(h.do("PUT", url, map[string]any{"MaxLength": 10}), 400, codeInvalidArgument)
	// A PUT leaving MaxLength out resets it to the default.
	noLen := stringAttr("pfx_Label", 0)
	delete(noLen, "MaxLength")
	h.must(h.do("PUT", url, noLen), 204)
	if a, _ := h.svc.Attribute("opportunity", "pfx_label"); num(a["MaxLength"]) != 100 {
		t.Fatalf("omitted MaxLength: %v", a["MaxLength"])
	}
}

func TestDeleteAttribute(t *testing.T) {
	h := newDefault(t)
	h.must(h.do("POST", attrsURL, stringAttr("pfx_Gone", 20)), 204)
	h.must(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"pfx_gone": "v"}), 204)
	h.must(h.do("DELETE", attrsURL+"(LogicalName='pfx_gone')", nil), 204)
	h.mustErr(h.do("GET", "opportunities("+OpportunityFabrikam+")?$select=pfx_gone", nil), 400, codeUnknownProperty)
	if rec, _ := h.svc.Record("opportunities", OpportunityFabrikam); rec["pfx_gone"] != nil {
		t.Fatal("value kept")
	}
	h.mustErr(h.do("DELETE", attrsURL+"(LogicalName='name')", nil), 400, codeInvalidArgument)
	h.mustErr(h.do("DELETE", attrsURL+"(LogicalName='description')", nil), 400, codeInvalidArgument)
	h.must(h.do("DELETE", attrsURL+"(LogicalName='pfx_gone')", nil), 404)
	// Test helpers change metadata in place.
	if err := h.svc.UpdateAttribute("opportunity", "msft_microsoftcrmidentifier", map[string]any{"MaxLength": 5}); err != nil {
		t.Fatal(err)
	}
	h.mustErr(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"msft_microsoftcrmidentifier": "123456"}), 400, codeValidation)
	if err := h.svc.DeleteAttribute("opportunity", "msft_microsoftcrmidentifier"); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.svc.Attribute("opportunity", "msft_microsoftcrmidentifier"); ok {
		t.Fatal("attribute still there")
	}
}

func customTable(schema string) map[string]any {
	primary := stringAttr("pfx_Name", 200)
	primary["IsPrimaryName"] = true
	primary["RequiredLevel"] = map[string]any{"Value": "ApplicationRequired"}
	return map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.EntityMetadata", "SchemaName": schema,
		"DisplayName": lbl("Solution Detail", 1033), "DisplayCollectionName": lbl("Solution Details", 1033),
		"Description": lbl("Solutions", 1033), "OwnershipType": "UserOwned", "IsActivity": false, "HasActivities": false,
		"HasNotes": false, "Attributes": []any{primary}}
}

func TestCustomTableLifecycle(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("POST", "EntityDefinitions", customTable("pfx_SolutionDetail"), "MSCRM.SolutionUniqueName: CosellConfig"), 204)
	if !strings.Contains(r.header.Get("OData-EntityId"), "/EntityDefinitions(") {
		t.Fatalf("OData-EntityId %q", r.header.Get("OData-EntityId"))
	}
	tbl := h.must(h.do("GET", "EntityDefinitions(LogicalName='pfx_solutiondetail')?$select=EntitySetName,PrimaryIdAttribute,PrimaryNameAttribute,OwnershipType", nil), 200)
	if tbl.body["EntitySetName"] != "pfx_solutiondetails" || tbl.body["PrimaryIdAttribute"] != "pfx_solutiondetailid" ||
		tbl.body["PrimaryNameAttribute"] != "pfx_name" || tbl.body["OwnershipType"] != "UserOwned" {
		t.Fatalf("table %v", tbl.body)
	}
	metaID := idFromEntityID(t, r)
	h.must(h.do("GET", "EntityDefinitions("+metaID+")", nil), 200)
	if comps := h.svc.SolutionComponents("CosellConfig"); len(comps) != 1 || comps[0].Kind != "Entity" || comps[0].MetadataID != metaID {
		t.Fatalf("table component %v", comps)
	}
	// Records CRUD on the new set.
	id := idFromEntityID(t, h.must(h.do("POST", "pfx_solutiondetails", map[string]any{"pfx_name": "Northwind Sales Accelerator"}), 204))
	row := h.must(h.do("GET", "pfx_solutiondetails("+id+")", nil), 200)
	if row.body["pfx_name"] != "Northwind Sales Accelerator" || num(row.body["statecode"]) != 0 || num(row.body["statuscode"]) != 1 {
		t.Fatalf("row %v", row.body)
	}
	// Duplicate table.
	h.mustErr(h.do("POST", "EntityDefinitions", customTable("pfx_SolutionDetail")), 400, codeSchemaNotUnique)
	// Primary name column required.
	noPrimary := customTable("pfx_Other")
	noPrimary["Attributes"] = []any{}
	h.mustErr(h.do("POST", "EntityDefinitions", noPrimary), 400, codeInvalidArgument)
	badOwner := customTable("pfx_Other")
	badOwner["OwnershipType"] = "TeamOwned"
	h.mustErr(h.do("POST", "EntityDefinitions", badOwner), 400, codeInvalidArgument)
	// Pluralisation rule.
	h.must(h.do("POST", "EntityDefinitions", customTable("pfx_Box")), 204)
	h.must(h.do("POST", "EntityDefinitions", customTable("pfx_Branch")), 204)
	h.must(h.do("GET", "pfx_boxes", nil), 200)
	h.must(h.do("GET", "pfx_branches", nil), 200)
	// Table PUT merges labels only when asked.
	put := customTable("pfx_SolutionDetail")
	put["DisplayName"] = lbl("Lösungsdetail", 1031)
	h.must(h.do("PUT", "EntityDefinitions(LogicalName='pfx_solutiondetail')", put, "MSCRM.MergeLabels: true"), 204)
	tm, _ := h.svc.Table("pfx_solutiondetail")
	if n := len(tm["DisplayName"].(map[string]any)["LocalizedLabels"].([]any)); n != 2 {
		t.Fatalf("merged table labels: %d", n)
	}
	put["OwnershipType"] = "OrganizationOwned"
	h.mustErr(h.do("PUT", "EntityDefinitions(LogicalName='pfx_solutiondetail')", put), 400, codeInvalidArgument)
	// List with filter.
	list := h.must(h.do("GET", "EntityDefinitions?$select=LogicalName&$filter="+url.QueryEscape("IsCustomEntity eq true and startswith(LogicalName,'pfx_')"), nil), 200)
	if n := len(list.values()); n != 3 {
		t.Fatalf("custom pfx tables: %d", n)
	}
	// Delete drops the entity set and rows.
	h.must(h.do("DELETE", "EntityDefinitions(LogicalName='pfx_solutiondetail')", nil), 204)
	h.mustErr(h.do("GET", "pfx_solutiondetails", nil), 404, codeUnknownProperty)
	h.must(h.do("GET", "EntityDefinitions(LogicalName='pfx_solutiondetail')", nil), 404)
	h.mustErr(h.do("DELETE", "EntityDefinitions(LogicalName='opportunity')", nil), 400, codeInvalidArgument)
	if comps := h.svc.SolutionComponents("CosellConfig"); len(comps) != 0 {
		t.Fatalf("components of a deleted table remain: %v", comps)
	}
}

func TestEntityDefinitionsExpandAttributes(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("GET", "EntityDefinitions(LogicalName='opportunity')?$select=LogicalName&$expand="+
		url.QueryEscape("Attributes($select=LogicalName,AttributeType;$filter=IsCustomAttribute eq true)"), nil), 200)
	attrs := r.body["Attributes"].([]any)
	if len(attrs) != len(ConnectorOpportunityColumns)-2+1 { // + the sync snapshot column
		t.Fatalf("custom opportunity attributes: %d", len(attrs))
	}
	enum := h.must(h.do("GET", "EntityDefinitions(LogicalName='opportunity')/Attributes?$select=LogicalName&$filter="+
		url.QueryEscape("AttributeType eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'"), nil), 200)
	if n := len(enum.values()); n != 1 {
		t.Fatalf("picklists: %d", n)
	}
	h.mustErr(h.do("GET", "EntityDefinitions?$select=NoSuchProperty", nil), 400, codeUnknownProperty)
	h.must(h.do("GET", "EntityDefinitions(LogicalName='nosuch')", nil), 404)
}

func relationshipBody(schema, referencing, lookupSchema string) map[string]any {
	return map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata", "SchemaName": schema,
		"ReferencedEntity": "opportunity", "ReferencedAttribute": "opportunityid", "ReferencingEntity": referencing,
		"CascadeConfiguration": map[string]any{"Assign": "NoCascade", "Delete": "RemoveLink", "Merge": "NoCascade",
			"Reparent": "NoCascade", "Share": "NoCascade", "Unshare": "NoCascade"},
		"AssociatedMenuConfiguration": map[string]any{"Behavior": "UseCollectionName", "Group": "Details", "Label": lbl("Solutions", 1033), "Order": 10000},
		"Lookup": map[string]any{"@odata.type": "Microsoft.Dynamics.CRM.LookupAttributeMetadata", "AttributeType": "Lookup",
			"AttributeTypeName": map[string]any{"Value": "LookupType"}, "SchemaName": lookupSchema, "DisplayName": lbl("Opportunity", 1033),
			"RequiredLevel": map[string]any{"Value": "None"}}}
}

func TestRelationshipLifecycle(t *testing.T) {
	h := newDefault(t)
	h.must(h.do("POST", "EntityDefinitions", customTable("pfx_SolutionDetail")), 204)
	r := h.must(h.do("POST", "RelationshipDefinitions", relationshipBody("pfx_opportunity_pfx_solutiondetail", "pfx_solutiondetail", "pfx_OpportunityId"),
		"MSCRM.SolutionUniqueName: CosellConfig"), 204)
	relID := idFromEntityID(t, r)
	// The lookup exists and binds by its SchemaName navigation property (case-sensitive).
	id := idFromEntityID(t, h.must(h.do("POST", "pfx_solutiondetails", map[string]any{"pfx_name": "S",
		"pfx_OpportunityId@odata.bind": "/opportunities(" + OpportunityContoso + ")"}), 204))
	row := h.must(h.do("GET", "pfx_solutiondetails("+id+")?$select=_pfx_opportunityid_value", nil), 200)
	if row.body["_pfx_opportunityid_value"] != OpportunityContoso {
		t.Fatalf("lookup %v", row.body)
	}
	h.mustErr(h.do("POST", "pfx_solutiondetails", map[string]any{"pfx_name": "S", "pfx_opportunityid@odata.bind": "/opportunities(" + OpportunityContoso + ")"}),
		400, codeODataPayload)
	got := h.must(h.do("GET", "RelationshipDefinitions(SchemaName='pfx_opportunity_pfx_solutiondetail')", nil), 200)
	if got.body["ReferencingEntityNavigationPropertyName"] != "pfx_OpportunityId" || got.body["ReferencingAttribute"] != "pfx_opportunityid" {
		t.Fatalf("relationship %v", got.body)
	}
	h.must(h.do("GET", "RelationshipDefinitions("+relID+")/Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata", nil), 200)
	h.mustErr(h.do("POST", "RelationshipDefinitions", relationshipBody("pfx_opportunity_pfx_solutiondetail", "pfx_solutiondetail", "pfx_Other")), 400, codeSchemaNotUnique)
	h.mustErr(h.do("POST", "RelationshipDefinitions", relationshipBody("pfx_other_rel", "pfx_solutiondetail", "pfx_OpportunityId")), 400, codeSchemaNotUnique)
	h.mustErr(h.do("POST", "RelationshipDefinitions", relationshipBody("norel", "pfx_solutiondetail", "pfx_X")), 400, codeInvalidArgument)
	h.must(h.do("POST", "RelationshipDefinitions", relationshipBody("pfx_rel2", "nosuchtable", "pfx_X")), 404)
	if comps := h.svc.SolutionComponents("CosellConfig"); len(comps) != 2 {
		t.Fatalf("components %v", comps)
	}
	// The lookup column goes with its relationship, not on its own.
	h.mustErr(h.do("DELETE", "EntityDefinitions(LogicalName='pfx_solutiondetail')/Attributes(LogicalName='pfx_opportunityid')", nil), 400, codeInvalidArgument)
	// Deleting the opportunity removes the link (RemoveLink) …
	h.must(h.do("DELETE", "opportunities("+OpportunityContoso+")", nil), 204)
	if rec, _ := h.svc.Record("pfx_solutiondetails", id); rec["_pfx_opportunityid_value"] != nil {
		t.Fatalf("RemoveLink %v", rec)
	}
	// … until a PUT switches the relationship to Cascade.
	put := relationshipBody("pfx_opportunity_pfx_solutiondetail", "pfx_solutiondetail", "pfx_OpportunityId")
	put["CascadeConfiguration"].(map[string]any)["Delete"] = "Cascade"
	h.must(h.do("PUT", "RelationshipDefinitions(SchemaName='pfx_opportunity_pfx_solutiondetail')", put), 204)
	h.must(h.do("PATCH", "pfx_solutiondetails("+id+")", map[string]any{"pfx_OpportunityId@odata.bind": "/opportunities(" + OpportunityFabrikam + ")"}), 204)
	h.must(h.do("DELETE", "opportunities("+OpportunityFabrikam+")", nil), 204)
	if _, ok := h.svc.Record("pfx_solutiondetails", id); ok {
		t.Fatal("Cascade after PUT did not delete the child row")
	}
	put["ReferencedEntity"] = "account"
	h.mustErr(h.do("PUT", "RelationshipDefinitions("+relID+")", put), 400, codeInvalidArgument)
	h.must(h.do("DELETE", "RelationshipDefinitions(SchemaName='pfx_opportunity_pfx_solutiondetail')", nil), 204)
	h.mustErr(h.do("GET", "pfx_solutiondetails?$select=_pfx_opportunityid_value", nil), 400, codeUnknownProperty)
	h.mustErr(h.do("DELETE", "RelationshipDefinitions(SchemaName='opportunity_customer_accounts')", nil), 400, codeInvalidArgument)
}

func TestTableReferencedByLookupCannotBeDeleted(t *testing.T) {
	h := newDefault(t)
	h.mustErr(h.do("DELETE", "EntityDefinitions(LogicalName='msft_solutiondetail')", nil), 400, codeDependency)
	h.must(h.do("DELETE", "EntityDefinitions(LogicalName='msft_partnercentersolution')", nil), 204)
	h.must(h.do("DELETE", "EntityDefinitions(LogicalName='msft_solutiondetail')", nil), 204)
}

func TestOptionValueActions(t *testing.T) {
	h := newDefault(t)
	base := map[string]any{"EntityLogicalName": "opportunity", "AttributeLogicalName": "msft_microsoftpartnercenterhelp"}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}
	r := h.must(h.do("POST", "InsertOptionValue", with(map[string]any{"Value": 299600010, "Label": lbl("Marketplace", 1033)})), 200)
	if num(r.body["NewOptionValue"]) != 299600010 {
		t.Fatalf("insert %v", r.body)
	}
	r = h.must(h.do("POST", "InsertOptionValue", with(map[string]any{"Label": lbl("Auto", 1033)})), 200)
	if num(r.body["NewOptionValue"]) != 299600011 {
		t.Fatalf("auto value %v", r.body)
	}
	h.mustErr(h.do("POST", "InsertOptionValue", with(map[string]any{"Value": 299600010, "Label": lbl("Dup", 1033)})), 400, codeInvalidArgument)
	h.must(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"msft_microsoftpartnercenterhelp": 299600010}), 204)
	h.must(h.do("POST", "UpdateOptionValue", with(map[string]any{"Value": 299600010, "Label": lbl("Azure Marketplace", 1033), "MergeLabels": true})), 204)
	a, _ := h.svc.Attribute("opportunity", "msft_microsoftpartnercenterhelp")
	opts := a["OptionSet"].(map[string]any)["Options"].([]any)
	last := opts[len(opts)-2].(map[string]any)
	if last["Label"].(map[string]any)["UserLocalizedLabel"].(map[string]any)["Label"] != "Azure Marketplace" {
		t.Fatalf("updated label %v", last)
	}
	h.must(h.do("POST", "DeleteOptionValue", with(map[string]any{"Value": 299600010})), 204)
	h.mustErr(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"msft_microsoftpartnercenterhelp": 299600010}), 400, codeValidation)
	h.must(h.do("POST", "DeleteOptionValue", with(map[string]any{"Value": 299600010})), 404)
	h.mustErr(h.do("POST", "InsertOptionValue", map[string]any{"EntityLogicalName": "opportunity", "AttributeLogicalName": "name", "Label": lbl("x", 1033)}), 400, codeInvalidArgument)
	// Boolean labels via UpdateOptionValue.
	h.must(h.do("POST", "UpdateOptionValue", map[string]any{"EntityLogicalName": "opportunity", "AttributeLogicalName": "msft_microsoftpartnercenterreferralsync",
		"Value": 1, "Label": lbl("Synced", 1033)}), 204)
	r = h.must(h.do("GET", "opportunities("+OpportunityTailspin+")?$select=msft_microsoftpartnercenterreferralsync", nil, `Prefer: odata.include-annotations="*"`), 200)
	if r.body["msft_microsoftpartnercenterreferralsync@OData.Community.Display.V1.FormattedValue"] != "Synced" {
		t.Fatalf("boolean label %v", r.body)
	}
}

func TestFailedMetadataRequestLeavesNoTrace(t *testing.T) {
	h := newDefault(t)
	// The second column collides: the table create fails as a whole.
	tbl := customTable("pfx_Half")
	tbl["Attributes"] = append(tbl["Attributes"].([]any), stringAttr("pfx_A", 10), stringAttr("pfx_A", 10))
	h.mustErr(h.do("POST", "EntityDefinitions", tbl), 400, codeSchemaNotUnique)
	h.must(h.do("GET", "EntityDefinitions(LogicalName='pfx_half')", nil), 404)
	h.mustErr(h.do("GET", "pfx_halfs", nil), 404, codeUnknownProperty)
}

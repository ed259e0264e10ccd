package dataverse

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

const attrMetadataID = "0b2a4c6d-8e0f-4a1b-9c3d-5e7f9a1b3c5d"

func TestCreateAttributeMatchesDocExample(t *testing.T) {
	srv := newServer(t, reply(204, "", "OData-EntityId", "https://org.example/api/data/v9.2/EntityDefinitions(LogicalName='opportunity')/Attributes("+attrMetadataID+")"))
	c := srv.client()
	def := NewAttribute(KindString, "pfx_ReferralId", "Referral Id")
	n := 100
	def.MaxLength = &n
	def.FormatName = &ValueName{"Text"}
	def.Description = NewLabel("Partner Center referral id", 0)
	id, err := c.CreateAttribute(context.Background(), "opportunity", def, "CosellSolution")
	if err != nil || id != attrMetadataID {
		t.Fatalf("id=%q err=%v", id, err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='opportunity')/Attributes" {
		t.Errorf("%s %s", r.Method, r.RawPath)
	}
	assertODataHeaders(t, r)
	assertHeader(t, r.Header, HeaderSolutionUniqueName, "CosellSolution")
	// The dataverse-api.md §3 example, with the Description filled in.
	assertJSON(t, r.Body, `{"@odata.type":"Microsoft.Dynamics.CRM.StringAttributeMetadata","SchemaName":"pfx_ReferralId",
	 "AttributeType":"String","AttributeTypeName":{"Value":"StringType"},"MaxLength":100,"FormatName":{"Value":"Text"},
	 "RequiredLevel":{"Value":"None","CanBeChanged":true,"ManagedPropertyLogicalName":"canmodifyrequirementlevelsettings"},
	 "DisplayName":{"@odata.type":"Microsoft.Dynamics.CRM.Label","LocalizedLabels":[
	   {"@odata.type":"Microsoft.Dynamics.CRM.LocalizedLabel","Label":"Referral Id","LanguageCode":1033}]},
	 "Description":{"@odata.type":"Microsoft.Dynamics.CRM.Label","LocalizedLabels":[
	   {"@odata.type":"Microsoft.Dynamics.CRM.LocalizedLabel","Label":"Partner Center referral id","LanguageCode":1033}]}}`)

	if _, err := c.CreateAttribute(context.Background(), "opportunity", AttributeMetadata{}, ""); err == nil {
		t.Errorf("definition without schema name accepted")
	}
}

func TestAttributeKindsWire(t *testing.T) {
	want := map[AttributeKind][3]string{
		KindString:   {"Microsoft.Dynamics.CRM.StringAttributeMetadata", "String", "StringType"},
		KindMemo:     {"Microsoft.Dynamics.CRM.MemoAttributeMetadata", "Memo", "MemoType"},
		KindBoolean:  {"Microsoft.Dynamics.CRM.BooleanAttributeMetadata", "Boolean", "BooleanType"},
		KindPicklist: {"Microsoft.Dynamics.CRM.PicklistAttributeMetadata", "Picklist", "PicklistType"},
		KindMoney:    {"Microsoft.Dynamics.CRM.MoneyAttributeMetadata", "Money", "MoneyType"},
		KindDateTime: {"Microsoft.Dynamics.CRM.DateTimeAttributeMetadata", "DateTime", "DateTimeType"},
		KindInteger:  {"Microsoft.Dynamics.CRM.IntegerAttributeMetadata", "Integer", "IntegerType"},
		KindDecimal:  {"Microsoft.Dynamics.CRM.DecimalAttributeMetadata", "Decimal", "DecimalType"},
		KindLookup:   {"Microsoft.Dynamics.CRM.LookupAttributeMetadata", "Lookup", "LookupType"},
	}
	if len(AttributeKinds()) != len(want) {
		t.Fatalf("kinds = %d", len(AttributeKinds()))
	}
	for _, k := range AttributeKinds() {
		w := want[k]
		a := NewAttribute(k, "pfx_X", "X")
		b, _ := json.Marshal(a)
		m := jsonMap(t, b)
		if m["@odata.type"] != w[0] || m["AttributeType"] != w[1] || m["AttributeTypeName"].(map[string]any)["Value"] != w[2] {
			t.Errorf("%v → %s", k, b)
		}
		if got, ok := a.Kind(); !ok || got != k {
			t.Errorf("Kind() = %v", got)
		}
	}

	// Boolean and Picklist option sets, Money precision, DateOnly.
	yes := NewAttribute(KindBoolean, "pfx_Sync", "Sync with Partner Center")
	f := false
	yes.DefaultValue = &f
	yes.OptionSet = NewBooleanOptionSet("Yes", "No")
	b, _ := json.Marshal(yes)
	m := jsonMap(t, b)
	os := m["OptionSet"].(map[string]any)
	if m["DefaultValue"] != false || os["OptionSetType"] != "Boolean" || os["TrueOption"].(map[string]any)["Value"] != float64(1) || os["FalseOption"].(map[string]any)["Value"] != float64(0) {
		t.Errorf("boolean = %s", b)
	}
	pick := NewAttribute(KindPicklist, "pfx_Status", "Status")
	pick.OptionSet = NewPicklistOptionSet(OptionMetadata{Value: 727000000, Label: NewLabel("New", 0)})
	b, _ = json.Marshal(pick)
	os = jsonMap(t, b)["OptionSet"].(map[string]any)
	if os["@odata.type"] != ODataTypeOptionSetMetadata || os["IsGlobal"] != false || os["OptionSetType"] != "Picklist" || len(os["Options"].([]any)) != 1 {
		t.Errorf("picklist = %s", b)
	}
	money := NewAttribute(KindMoney, "pfx_Value", "Value")
	two := 2
	money.PrecisionSource = &two
	date := NewAttribute(KindDateTime, "pfx_Close", "Close")
	date.Format = "DateOnly"
	memo := NewAttribute(KindMemo, "pfx_Notes", "Notes")
	memo.Format = "TextArea"
	for a, frag := range map[*AttributeMetadata]string{&money: `"PrecisionSource":2`, &date: `"Format":"DateOnly"`, &memo: `"Format":"TextArea"`} {
		if b, _ := json.Marshal(a); !strings.Contains(string(b), frag) {
			t.Errorf("%s lacks %s", b, frag)
		}
	}
}

const picklistAnswer = `{
 "@odata.context":"https://org.example/api/data/v9.2/$metadata#EntityDefinitions('opportunity')/Attributes/Microsoft.Dynamics.CRM.PicklistAttributeMetadata(OptionSet())/$entity",
 "MetadataId":"` + attrMetadataID + `","LogicalName":"pfx_status","SchemaName":"pfx_Status","EntityLogicalName":"opportunity",
 "@odata.type":"#Microsoft.Dynamics.CRM.PicklistAttributeMetadata",
 "AttributeType":"Picklist","AttributeTypeName":{"Value":"PicklistType"},"IsCustomAttribute":true,
 "IsAuditEnabled":{"Value":true,"CanBeChanged":true,"ManagedPropertyLogicalName":"canmodifyauditsettings"},
 "DefaultFormValue":-1,
 "DisplayName":{"LocalizedLabels":[{"Label":"Status","LanguageCode":1033,"IsManaged":false,"MetadataId":"11111111-2222-4333-8444-555555555555"},
   {"Label":"Statut","LanguageCode":1036}],
   "UserLocalizedLabel":{"Label":"Status","LanguageCode":1033}},
 "RequiredLevel":{"Value":"None","CanBeChanged":true,"ManagedPropertyLogicalName":"canmodifyrequirementlevelsettings"},
 "OptionSet":{"MetadataId":"22222222-2222-4333-8444-555555555555","Name":"pfx_opportunity_pfx_status","IsGlobal":false,"OptionSetType":"Picklist",
   "IsCustomizable":{"Value":true},
   "Options":[{"Value":727000000,"Color":null,"IsManaged":false,"Label":{"LocalizedLabels":[{"Label":"New","LanguageCode":1033}]}}]}
}`

func TestGetAttributeAndUpdateRoundTrip(t *testing.T) {
	srv := newServer(t, reply(200, picklistAnswer), reply(204, ""), reply(404, `{"error":{"code":"0x80040217","message":"Could not find attribute"}}`), reply(200, `{"LogicalName":"name"}`))
	c := srv.client()
	a, err := c.GetAttribute(context.Background(), "opportunity", "pfx_status", "PicklistAttributeMetadata")
	if err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if r.Method != "GET" || r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='pfx_status')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata" ||
		r.RawQuery != "$expand=OptionSet" {
		t.Errorf("%s %s?%s", r.Method, r.RawPath, r.RawQuery)
	}
	assertODataHeaders(t, r)
	assertHeader(t, r.Header, HeaderConsistency, "Strong")
	if a.MetadataID != attrMetadataID || a.DisplayName.Text(1036) != "Statut" || a.OptionSet == nil || a.OptionSet.Options[0].Value != 727000000 ||
		a.OptionSet.Options[0].Label.Text(1033) != "New" || a.DefaultFormValue == nil || *a.DefaultFormValue != -1 {
		t.Errorf("attribute = %+v", a)
	}
	if k, ok := a.Kind(); !ok || k != KindPicklist {
		t.Errorf("Kind() of a read definition = %v %v", k, ok)
	}
	if _, ok := a.Extra["IsAuditEnabled"]; !ok {
		t.Errorf("unknown property not kept: %v", a.Extra)
	}
	if _, ok := a.Extra["@odata.context"]; ok {
		t.Errorf("@odata.context must not be kept for writing")
	}

	// Edit the English label and PUT the full definition back.
	a.DisplayName.LocalizedLabels[0].Label = "Referral status"
	if err := c.UpdateAttribute(context.Background(), "opportunity", *a, true); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 1)
	if r.Method != "PUT" || r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='pfx_status')" {
		t.Errorf("%s %s", r.Method, r.RawPath)
	}
	assertHeader(t, r.Header, HeaderMergeLabels, "true")
	m := jsonMap(t, r.Body)
	if m["IsAuditEnabled"].(map[string]any)["Value"] != true || m["OptionSet"].(map[string]any)["IsCustomizable"] == nil {
		t.Errorf("unknown properties dropped on PUT: %s", r.Body)
	}
	dn := m["DisplayName"].(map[string]any)
	if _, ok := dn["UserLocalizedLabel"]; ok {
		t.Errorf("read-only UserLocalizedLabel written: %s", r.Body)
	}
	labels := dn["LocalizedLabels"].([]any)
	if len(labels) != 2 || labels[0].(map[string]any)["Label"] != "Referral status" || labels[0].(map[string]any)["@odata.type"] != ODataTypeLocalizedLabel {
		t.Errorf("labels = %v", labels)
	}
	if _, ok := m["@odata.context"]; ok {
		t.Errorf("@odata.context written")
	}

	if _, err := c.GetAttribute(context.Background(), "opportunity", "pfx_gone", ""); !IsNotFound(err) {
		t.Errorf("missing column → %v", err)
	}
	if _, err := c.GetAttribute(context.Background(), "opportunity", "name", KindString.CastName()); err != nil {
		t.Fatal(err)
	}
	if r := srv.req(t, 3); !strings.HasSuffix(r.RawPath, "/Attributes(LogicalName='name')/Microsoft.Dynamics.CRM.StringAttributeMetadata") || r.RawQuery != "" {
		t.Errorf("string cast: %s?%s", r.RawPath, r.RawQuery)
	}
}

func TestUpdateAndDeleteAttributeWithoutMerge(t *testing.T) {
	srv := newServer(t, reply(204, ""), reply(204, ""))
	c := srv.client()
	def := NewAttribute(KindMemo, "pfx_Notes", "Notes")
	if err := c.UpdateAttribute(context.Background(), "opportunity", def, false); err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if !strings.HasSuffix(r.RawPath, "/Attributes(LogicalName='pfx_notes')") {
		t.Errorf("logical name from schema name: %s", r.RawPath)
	}
	assertNoHeader(t, r.Header, HeaderMergeLabels)
	if err := c.DeleteAttribute(context.Background(), "opportunity", "pfx_notes"); err != nil {
		t.Fatal(err)
	}
	if r := srv.req(t, 1); r.Method != "DELETE" || r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='pfx_notes')" {
		t.Errorf("%s %s", r.Method, r.RawPath)
	}
}

func TestCreateAttributeLooksAfterAmbiguousFailure(t *testing.T) {
	srv := newServer(t, reply(504, ""), reply(200, `{"MetadataId":"`+attrMetadataID+`","LogicalName":"pfx_referralid"}`))
	id, err := srv.client().CreateAttribute(context.Background(), "opportunity", NewAttribute(KindString, "pfx_ReferralId", "Referral Id"), "")
	if err != nil || id != attrMetadataID {
		t.Fatalf("id=%q err=%v", id, err)
	}
	if r := srv.req(t, 1); r.Method != "GET" || !strings.HasSuffix(r.RawPath, "/Attributes(LogicalName='pfx_referralid')") {
		t.Errorf("look = %s %s", r.Method, r.RawPath)
	}
}

const tableMetadataID = "44444444-2222-4333-8444-555555555555"

func TestTables(t *testing.T) {
	srv := newServer(t,
		reply(204, "", "OData-EntityId", "https://org.example/api/data/v9.2/EntityDefinitions("+tableMetadataID+")"),
		reply(200, `{"@odata.context":"x","MetadataId":"`+tableMetadataID+`","LogicalName":"pfx_solutiondetail","SchemaName":"pfx_SolutionDetail","EntitySetName":"pfx_solutiondetails",
		  "OwnershipType":"UserOwned","PrimaryIdAttribute":"pfx_solutiondetailid","PrimaryNameAttribute":"pfx_name","IsAuditEnabled":{"Value":false},
		  "DisplayName":{"LocalizedLabels":[{"Label":"Solution Detail","LanguageCode":1033}]}}`),
		reply(204, ""),
		reply(204, ""),
	)
	c := srv.client()
	primary := NewAttribute(KindString, "pfx_Name", "Name")
	n := 100
	primary.MaxLength = &n
	def := NewTable("pfx_SolutionDetail", "Solution Detail", "Solution Details", primary)
	def.Description = NewLabel("Microsoft solutions on an opportunity", 0)
	id, err := c.CreateTable(context.Background(), def, "CosellSolution")
	if err != nil || id != tableMetadataID {
		t.Fatalf("id=%q err=%v", id, err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/EntityDefinitions" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertHeader(t, r.Header, HeaderSolutionUniqueName, "CosellSolution")
	m := jsonMap(t, r.Body)
	if m["@odata.type"] != ODataTypeEntityMetadata || m["SchemaName"] != "pfx_SolutionDetail" || m["OwnershipType"] != "UserOwned" ||
		m["IsActivity"] != false || m["HasActivities"] != false || m["HasNotes"] != false || m["DisplayCollectionName"] == nil {
		t.Errorf("table body = %s", r.Body)
	}
	attrs := m["Attributes"].([]any)
	pa := attrs[0].(map[string]any)
	if len(attrs) != 1 || pa["IsPrimaryName"] != true || pa["FormatName"].(map[string]any)["Value"] != "Text" || pa["@odata.type"] != KindString.ODataType {
		t.Errorf("primary attribute = %v", pa)
	}

	tbl, err := c.GetTable(context.Background(), "pfx_solutiondetail")
	if err != nil || tbl.EntitySetName != "pfx_solutiondetails" || tbl.PrimaryIDAttribute != "pfx_solutiondetailid" || tbl.DisplayName.Text(1033) != "Solution Detail" {
		t.Fatalf("table = %+v %v", tbl, err)
	}
	r = srv.req(t, 1)
	if r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='pfx_solutiondetail')" {
		t.Errorf("get table path %s", r.RawPath)
	}
	assertHeader(t, r.Header, HeaderConsistency, "Strong")

	tbl.Description = NewLabel("changed", 0)
	tbl.Attributes = []AttributeMetadata{primary}
	if err := c.UpdateTable(context.Background(), *tbl, true); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 2)
	m = jsonMap(t, r.Body)
	if r.Method != "PUT" || r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='pfx_solutiondetail')" || m["Attributes"] != nil ||
		m["IsAuditEnabled"] == nil || m["@odata.type"] != ODataTypeEntityMetadata {
		t.Errorf("update table: %s %s %s", r.Method, r.RawPath, r.Body)
	}
	assertHeader(t, r.Header, HeaderMergeLabels, "true")
	if err := c.DeleteTable(context.Background(), "pfx_solutiondetail"); err != nil {
		t.Fatal(err)
	}
	if r := srv.req(t, 3); r.Method != "DELETE" || r.RawPath != "/api/data/v9.2/EntityDefinitions(LogicalName='pfx_solutiondetail')" {
		t.Errorf("%s %s", r.Method, r.RawPath)
	}
}

const relID = "55555555-2222-4333-8444-555555555555"

func TestRelationships(t *testing.T) {
	srv := newServer(t,
		reply(204, "", "OData-EntityId", "https://org.example/api/data/v9.2/RelationshipDefinitions("+relID+")"),
		reply(200, `{"MetadataId":"`+relID+`","SchemaName":"pfx_opportunity_pfx_solutiondetail","RelationshipType":"OneToManyRelationship",
		  "ReferencedEntity":"opportunity","ReferencingEntity":"pfx_solutiondetail","ReferencingAttribute":"pfx_opportunityid",
		  "CascadeConfiguration":{"Assign":"Cascade","Delete":"Cascade","Merge":"NoCascade","Reparent":"Cascade","Share":"Cascade","Unshare":"Cascade","Archive":"NoCascade"}}`),
		reply(204, ""),
		reply(204, ""),
	)
	c := srv.client()
	order := 10000
	lookup := AttributeMetadata{SchemaName: "pfx_OpportunityId", DisplayName: NewLabel("Opportunity", 0), RequiredLevel: Required(RequiredApplicationRequired)}
	rel := OneToManyRelationship{
		SchemaName: "pfx_opportunity_pfx_solutiondetail", ReferencedEntity: "opportunity", ReferencedAttribute: "opportunityid",
		ReferencingEntity: "pfx_solutiondetail",
		CascadeConfiguration: &CascadeConfiguration{Assign: CascadeCascade, Delete: CascadeCascade, Merge: CascadeNoCascade,
			Reparent: CascadeCascade, Share: CascadeCascade, Unshare: CascadeCascade},
		AssociatedMenuConfiguration: &AssociatedMenuConfiguration{Behavior: "UseCollectionName", Group: "Details", Label: NewLabel("Solution Details", 0), Order: &order},
		Lookup:                      &lookup,
	}
	id, err := c.CreateOneToMany(context.Background(), rel, "CosellSolution")
	if err != nil || id != relID {
		t.Fatalf("id=%q err=%v", id, err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/RelationshipDefinitions" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertHeader(t, r.Header, HeaderSolutionUniqueName, "CosellSolution")
	m := jsonMap(t, r.Body)
	lk := m["Lookup"].(map[string]any)
	if m["@odata.type"] != ODataTypeOneToManyRelationship || m["ReferencedAttribute"] != "opportunityid" ||
		lk["@odata.type"] != KindLookup.ODataType || lk["AttributeType"] != "Lookup" || lk["AttributeTypeName"].(map[string]any)["Value"] != "LookupType" ||
		m["CascadeConfiguration"].(map[string]any)["Merge"] != "NoCascade" || m["AssociatedMenuConfiguration"].(map[string]any)["Order"] != float64(10000) {
		t.Errorf("relationship body = %s", r.Body)
	}
	if rel.Lookup.ODataType != "" {
		t.Errorf("CreateOneToMany mutated the caller's lookup")
	}

	got, err := c.GetRelationship(context.Background(), "pfx_opportunity_pfx_solutiondetail")
	if err != nil || got.MetadataID != relID || got.ReferencingAttribute != "pfx_opportunityid" || string(got.CascadeConfiguration.Extra["Archive"]) != `"NoCascade"` {
		t.Fatalf("relationship = %+v %v", got, err)
	}
	if r := srv.req(t, 1); r.RawPath != "/api/data/v9.2/RelationshipDefinitions(SchemaName='pfx_opportunity_pfx_solutiondetail')/Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata" {
		t.Errorf("get path %s", r.RawPath)
	}
	if err := c.DeleteRelationship(context.Background(), relID); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteRelationship(context.Background(), "pfx_rel"); err != nil {
		t.Fatal(err)
	}
	if r := srv.req(t, 2); r.Method != "DELETE" || r.RawPath != "/api/data/v9.2/RelationshipDefinitions("+relID+")" {
		t.Errorf("%s %s", r.Method, r.RawPath)
	}
	if r := srv.req(t, 3); r.RawPath != "/api/data/v9.2/RelationshipDefinitions(SchemaName='pfx_rel')" {
		t.Errorf("%s", r.RawPath)
	}
	if _, err := c.CreateOneToMany(context.Background(), OneToManyRelationship{SchemaName: "x"}, ""); err == nil {
		t.Errorf("incomplete relationship accepted")
	}
}

func TestOptionValueActions(t *testing.T) {
	srv := newServer(t, reply(200, `{"@odata.context":"x","NewOptionValue":727000001}`), reply(204, ""), reply(204, ""), reply(200, `{"NewOptionValue":5}`))
	c := srv.client()
	ref := OptionSetRef{Table: "opportunity", Attribute: "pfx_status"}
	v, err := c.InsertOptionValue(context.Background(), ref, nil, *NewLabel("Won", 0), "CosellSolution")
	if err != nil || v != 727000001 {
		t.Fatalf("v=%d err=%v", v, err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/InsertOptionValue" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertJSON(t, r.Body, `{"EntityLogicalName":"opportunity","AttributeLogicalName":"pfx_status","SolutionUniqueName":"CosellSolution",
	  "Label":{"@odata.type":"Microsoft.Dynamics.CRM.Label","LocalizedLabels":[{"@odata.type":"Microsoft.Dynamics.CRM.LocalizedLabel","Label":"Won","LanguageCode":1033}]}}`)

	if err := c.UpdateOptionValue(context.Background(), ref, 727000001, *NewLabel("Won!", 0), true, ""); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 1)
	if r.Path != "/api/data/v9.2/UpdateOptionValue" {
		t.Errorf("path %s", r.Path)
	}
	m := jsonMap(t, r.Body)
	if m["Value"] != float64(727000001) || m["MergeLabels"] != true || m["EntityLogicalName"] != "opportunity" {
		t.Errorf("update body %s", r.Body)
	}
	if err := c.DeleteOptionValue(context.Background(), ref, 727000001, ""); err != nil {
		t.Fatal(err)
	}
	assertJSON(t, srv.req(t, 2).Body, `{"EntityLogicalName":"opportunity","AttributeLogicalName":"pfx_status","Value":727000001}`)
	if srv.req(t, 2).Path != "/api/data/v9.2/DeleteOptionValue" {
		t.Errorf("delete path")
	}

	five := 5
	if v, err := c.InsertOptionValue(context.Background(), OptionSetRef{GlobalName: "pfx_colors"}, &five, *NewLabel("Blue", 0), ""); err != nil || v != 5 {
		t.Fatalf("global: %d %v", v, err)
	}
	m = jsonMap(t, srv.req(t, 3).Body)
	if m["OptionSetName"] != "pfx_colors" || m["Value"] != float64(5) || m["EntityLogicalName"] != nil {
		t.Errorf("global body %v", m)
	}
	if _, err := c.InsertOptionValue(context.Background(), OptionSetRef{Table: "x"}, nil, Label{}, ""); err == nil {
		t.Errorf("half a reference accepted")
	}
}

func TestPublish(t *testing.T) {
	srv := newServer(t, reply(204, ""), reply(200, `{}`), reply(204, ""))
	c := srv.client()
	if err := c.PublishXml(context.Background(), "opportunity", "pfx_solution<detail>"); err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/PublishXml" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertJSON(t, r.Body, `{"ParameterXml":"<importexportxml><entities><entity>opportunity</entity><entity>pfx_solution&lt;detail&gt;</entity></entities></importexportxml>"}`)
	if err := c.PublishAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := c.PublishAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := srv.req(t, 1); r.Path != "/api/data/v9.2/PublishAllXml" || string(r.Body) != `{}` {
		t.Errorf("publish all: %s %s", r.Path, r.Body)
	}
	if err := c.PublishXml(context.Background()); err == nil {
		t.Errorf("PublishXml without tables accepted")
	}
}

func TestOpportunityActions(t *testing.T) {
	srv := newServer(t, reply(204, ""), reply(204, ""))
	c := srv.client()
	if err := c.WinOpportunity(context.Background(), oppID, "Won in Partner Center"); err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/WinOpportunity" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertJSON(t, r.Body, `{"Status":3,"OpportunityClose":{"subject":"Won in Partner Center","opportunityid@odata.bind":"/opportunities(`+oppID+`)"}}`)
	if err := c.LoseOpportunity(context.Background(), oppID, OpportunityStatusOutSold, "Lost"); err != nil {
		t.Fatal(err)
	}
	r = srv.req(t, 1)
	if r.Path != "/api/data/v9.2/LoseOpportunity" {
		t.Errorf("path %s", r.Path)
	}
	assertJSON(t, r.Body, `{"Status":5,"OpportunityClose":{"subject":"Lost","opportunityid@odata.bind":"/opportunities(`+oppID+`)"}}`)
	if c.LoseOpportunity(context.Background(), oppID, 0, "x") == nil || c.WinOpportunity(context.Background(), "", "x") == nil {
		t.Errorf("invalid close accepted")
	}
}

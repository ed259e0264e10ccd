package dataverse

import (
	"strings"
	"testing"
)

func TestCreateReturnsEntityIDAndReadsBack(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("POST", "accounts", map[string]any{"name": "Adatum Corporation", "address1_country": "DE"}), 204)
	loc := r.header.Get("OData-EntityId")
	if !strings.HasPrefix(loc, h.srv.URL+"/api/data/v9.2/accounts(") {
		t.Fatalf("OData-EntityId = %q", loc)
	}
	id := idFromEntityID(t, r)
	got := h.must(h.do("GET", "accounts("+id+")?$select=name", nil), 200)
	if got.body["name"] != "Adatum Corporation" || got.body["accountid"] != id {
		t.Fatalf("read back %v", got.body)
	}
	if _, ok := got.body["address1_country"]; ok {
		t.Fatalf("$select leaked unselected column: %v", got.body)
	}
	etag, _ := got.body["@odata.etag"].(string)
	if !strings.HasPrefix(etag, `W/"`) {
		t.Fatalf("etag %q", etag)
	}
	full := h.must(h.do("GET", "accounts("+id+")", nil), 200)
	for _, k := range []string{"createdon", "modifiedon", "statecode", "statuscode", "_parentaccountid_value"} {
		if _, ok := full.body[k]; !ok {
			t.Fatalf("missing %s in %v", k, full.body)
		}
	}
	if num(full.body["statecode"]) != 0 || num(full.body["statuscode"]) != 1 {
		t.Fatalf("state defaults %v/%v", full.body["statecode"], full.body["statuscode"])
	}
	if full.body["createdon"] != "2026-10-01T09:00:00Z" {
		t.Fatalf("createdon %v", full.body["createdon"])
	}
}

func TestCreateWithRepresentationHonorsSelect(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("POST", "contacts?$select=lastname", map[string]any{"firstname": "Jo", "lastname": "Doe"},
		"Prefer: return=representation"), 201)
	if r.header.Get("OData-EntityId") != "" {
		t.Fatal("OData-EntityId must not be sent with return=representation")
	}
	if r.body["lastname"] != "Doe" || r.body["firstname"] != nil || r.body["contactid"] == nil || r.body["@odata.etag"] == nil {
		t.Fatalf("body %v", r.body)
	}
	if !strings.Contains(r.header.Get("Preference-Applied"), "return=representation") {
		t.Fatalf("Preference-Applied %q", r.header.Get("Preference-Applied"))
	}
}

func TestClientSuppliedPrimaryKeyAndDuplicate(t *testing.T) {
	h := newDefault(t)
	id := "0a0a0a0a-0000-4000-8000-000000000001"
	r := h.must(h.do("POST", "leads", map[string]any{"leadid": id, "subject": "S", "lastname": "L"}), 204)
	if got := idFromEntityID(t, r); got != id {
		t.Fatalf("id %s, want %s", got, id)
	}
	dup := h.mustErr(h.do("POST", "leads", map[string]any{"leadid": strings.ToUpper(id), "subject": "S", "lastname": "L"}), 412, codeDuplicateRecord)
	if dup.errMsg() != "A record with matching key values already exists." {
		t.Fatalf("message %q", dup.errMsg())
	}
}

func TestGetMissingRecord(t *testing.T) {
	h := newDefault(t)
	id := "0b0b0b0b-0000-4000-8000-000000000009"
	r := h.mustErr(h.do("GET", "opportunities("+id+")", nil), 404, codeObjectNotFound)
	if r.errMsg() != "opportunity With Id = "+id+" Does Not Exist" {
		t.Fatalf("message %q", r.errMsg())
	}
	h.mustErr(h.do("GET", "opportunities(not-a-guid)", nil), 400, codeUnknownProperty)
	h.mustErr(h.do("GET", "nosuchsets", nil), 404, codeUnknownProperty)
}

func TestPatchUpdateETagsAndConditions(t *testing.T) {
	h := newDefault(t)
	id := OpportunityFabrikam
	before := h.must(h.do("GET", "opportunities("+id+")?$select=name", nil), 200)
	etag := before.body["@odata.etag"].(string)

	// If-None-Match with the current ETag → 304; after a change → 200.
	h.must(h.do("GET", "opportunities("+id+")?$select=name", nil, "If-None-Match: "+etag), 304)
	h.must(h.do("GET", "opportunities("+id+")?$select=name", nil, "If-None-Match: null"), 200)

	h.clock.Advance(60e9)
	h.must(h.do("PATCH", "opportunities("+id+")", map[string]any{"description": "first"}, "If-Match: "+etag), 204)
	after := h.must(h.do("GET", "opportunities("+id+")?$select=description,modifiedon", nil, "If-None-Match: "+etag), 200)
	newTag := after.body["@odata.etag"].(string)
	if newTag == etag || after.body["modifiedon"] != "2026-10-01T09:01:00Z" {
		t.Fatalf("etag %s → %s, modifiedon %v", etag, newTag, after.body["modifiedon"])
	}
	r := h.mustErr(h.do("PATCH", "opportunities("+id+")", map[string]any{"description": "stale"}, "If-Match: "+etag), 412, codeVersionMismatch)
	if r.errMsg() != "The version of the existing record doesn't match the RowVersion property provided." {
		t.Fatalf("message %q", r.errMsg())
	}
	h.mustErr(h.do("DELETE", "opportunities("+id+")", nil, "If-Match: "+etag), 412, codeVersionMismatch)
	// return=representation on PATCH → 200 with the row
	rep := h.must(h.do("PATCH", "opportunities("+id+")?$select=description", map[string]any{"description": "second"},
		"Prefer: return=representation", "If-Match: *"), 200)
	if rep.body["description"] != "second" {
		t.Fatalf("representation %v", rep.body)
	}
	// If-None-Match: * on an existing row → 412 (create-only upsert)
	h.mustErr(h.do("PATCH", "opportunities("+id+")", map[string]any{"description": "x"}, "If-None-Match: *"), 412, codeDuplicateRecord)
}

func TestPatchUpsert(t *testing.T) {
	h := newDefault(t)
	id := "0c0c0c0c-0000-4000-8000-000000000001"
	h.mustErr(h.do("PATCH", "accounts("+id+")", map[string]any{"name": "X"}, "If-Match: *"), 404, codeObjectNotFound)
	r := h.must(h.do("PATCH", "accounts("+id+")", map[string]any{"name": "Upserted"}), 204)
	if idFromEntityID(t, r) != id {
		t.Fatalf("upsert id %v", r.header)
	}
	if rec, ok := h.svc.Record("accounts", id); !ok || rec["name"] != "Upserted" {
		t.Fatalf("upserted row %v", rec)
	}
	h.must(h.do("PATCH", "accounts("+id+")", map[string]any{"name": "Updated"}, "If-None-Match: *"), 412)
}

func TestDeleteAndSingleProperty(t *testing.T) {
	h := newDefault(t)
	id := idFromEntityID(t, h.must(h.do("POST", "accounts", map[string]any{"name": "Prop Co", "description": "d"}), 204))
	v := h.must(h.do("GET", "accounts("+id+")/name", nil), 200)
	if v.body["value"] != "Prop Co" {
		t.Fatalf("property GET %v", v.body)
	}
	h.must(h.do("PUT", "accounts("+id+")/name", map[string]any{"value": "Renamed"}), 204)
	h.must(h.do("DELETE", "accounts("+id+")/description", nil), 204)
	h.must(h.do("GET", "accounts("+id+")/description", nil), 204)
	rec, _ := h.svc.Record("accounts", id)
	if rec["name"] != "Renamed" || rec["description"] != nil {
		t.Fatalf("after property ops %v", rec)
	}
	h.mustErr(h.do("PUT", "accounts("+id+")/nosuch", map[string]any{"value": 1}), 400, codeUnknownProperty)
	h.must(h.do("DELETE", "accounts("+id+")", nil), 204)
	h.mustErr(h.do("DELETE", "accounts("+id+")", nil), 404, codeObjectNotFound)
}

func TestLookupBindForms(t *testing.T) {
	h := newDefault(t)
	for i, bind := range []string{
		"/accounts(" + AccountContoso + ")",
		"accounts(" + AccountContoso + ")",
		h.srv.URL + "/api/data/v9.2/accounts(" + AccountContoso + ")",
	} {
		r := h.must(h.do("POST", "opportunities", map[string]any{"name": "Bind", "parentaccountid@odata.bind": bind,
			"customerid_contact@odata.bind": "/contacts(" + ContactContoso + ")"}), 204)
		rec, _ := h.svc.Record("opportunities", idFromEntityID(t, r))
		if rec["_parentaccountid_value"] != AccountContoso || rec["_customerid_value"] != ContactContoso {
			t.Fatalf("form %d: %v", i, rec)
		}
	}
	// Navigation property names are case-sensitive and per table.
	r := h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "ParentAccountId@odata.bind": "/accounts(" + AccountContoso + ")"}),
		400, codeODataPayload)
	if !strings.Contains(r.errMsg(), "An undeclared property 'ParentAccountId' which only has property annotations") {
		t.Fatalf("message %q", r.errMsg())
	}
	h.mustErr(h.do("POST", "contacts", map[string]any{"lastname": "x", "parentcustomerid@odata.bind": "/accounts(" + AccountContoso + ")"}),
		400, codeODataPayload)
	// Target must exist.
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "parentaccountid@odata.bind": "/accounts(0d0d0d0d-0000-4000-8000-000000000001)"}),
		404, codeObjectNotFound)
	// Wrong entity set for the navigation property.
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "parentaccountid@odata.bind": "/contacts(" + ContactContoso + ")"}),
		400, codeODataPayload)
	// Clearing a lookup.
	id := OpportunityFabrikam
	h.must(h.do("PATCH", "opportunities("+id+")", map[string]any{"parentcontactid@odata.bind": nil}), 204)
	h.must(h.do("PATCH", "opportunities("+id+")", map[string]any{"parentaccountid": nil}), 204)
	rec, _ := h.svc.Record("opportunities", id)
	if rec["_parentcontactid_value"] != nil || rec["_parentaccountid_value"] != nil {
		t.Fatalf("not cleared: %v", rec)
	}
	// $ref association.
	h.must(h.do("PUT", "opportunities("+id+")/parentaccountid/$ref", map[string]any{"@odata.id": "accounts(" + AccountFabrikam + ")"}), 204)
	rec, _ = h.svc.Record("opportunities", id)
	if rec["_parentaccountid_value"] != AccountFabrikam {
		t.Fatalf("$ref PUT: %v", rec)
	}
	h.must(h.do("DELETE", "opportunities("+id+")/parentaccountid/$ref", nil), 204)
	rec, _ = h.svc.Record("opportunities", id)
	if rec["_parentaccountid_value"] != nil {
		t.Fatalf("$ref DELETE: %v", rec)
	}
	// A lookup is read as _x_value only.
	h.mustErr(h.do("GET", "opportunities?$select=parentaccountid", nil), 400, codeUnknownProperty)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "_parentaccountid_value": AccountContoso}), 400, codeUnknownProperty)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "parentaccountid": AccountContoso}), 400, codeODataPayload)
}

func TestMoneyGivesCurrency(t *testing.T) {
	h := newDefault(t)
	id := idFromEntityID(t, h.must(h.do("POST", "opportunities", map[string]any{"name": "M", "estimatedvalue": 1234.567}), 204))
	r := h.must(h.do("GET", "opportunities("+id+")?$select=estimatedvalue", nil), 200)
	if r.body["_transactioncurrencyid_value"] != CurrencyUSD {
		t.Fatalf("money without currency: %v", r.body)
	}
	if num(r.body["estimatedvalue"]) != 1234.57 {
		t.Fatalf("money not rounded to precision 2: %v", r.body["estimatedvalue"])
	}
	r = h.must(h.do("GET", "opportunities("+OpportunityContoso+")?$select=estimatedvalue", nil), 200)
	if r.body["_transactioncurrencyid_value"] != CurrencyEUR {
		t.Fatalf("bound currency: %v", r.body)
	}
}

func TestWriteValidation(t *testing.T) {
	h := newDefault(t)
	long := strings.Repeat("x", 301)
	r := h.mustErr(h.do("POST", "opportunities", map[string]any{"name": long}), 400, codeValidation)
	if r.errMsg() != "A validation error occurred.  The length of the 'name' attribute of the 'opportunity' entity exceeded the maximum allowed length of '300'." {
		t.Fatalf("message %q", r.errMsg())
	}
	h.must(h.do("POST", "opportunities", map[string]any{"name": strings.Repeat("é", 300)}), 204)
	r = h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "nosuchcolumn": 1}), 400, codeUnknownProperty)
	if r.errMsg() != "Could not find a property named 'nosuchcolumn' on type 'Microsoft.Dynamics.CRM.opportunity'." {
		t.Fatalf("message %q", r.errMsg())
	}
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "Name": "y"}), 400, codeUnknownProperty)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "msft_microsoftpartnercenterhelp": 5}), 400, codeValidation)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "msft_microsoftpartnercenterreferralsync": "yes"}), 400, codeODataPayload)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "estimatedvalue": "12"}), 400, codeODataPayload)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "estimatedvalue": 2e12}), 400, codeValidation)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "closeprobability": 101}), 400, codeValidation)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "closeprobability": 1.5}), 400, codeODataPayload)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "estimatedclosedate": "next week"}), 400, codeODataPayload)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "x", "statuscode": 9}), 400, codeValidation)
	// ApplicationRequired name on opportunity, on create and when cleared.
	h.mustErr(h.do("POST", "opportunities", map[string]any{"description": "no name"}), 400, codeInvalidArgument)
	h.mustErr(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"name": nil}), 400, codeInvalidArgument)
	// Timestamps accepted for DateOnly columns.
	id := idFromEntityID(t, h.must(h.do("POST", "opportunities", map[string]any{"name": "d", "estimatedclosedate": "2026-12-15T00:00:00Z"}), 204))
	if rec, _ := h.svc.Record("opportunities", id); rec["estimatedclosedate"] != "2026-12-15" {
		t.Fatalf("DateOnly stored %v", rec["estimatedclosedate"])
	}
	// Read-only columns are ignored.
	id = idFromEntityID(t, h.must(h.do("POST", "accounts", map[string]any{"name": "ro", "createdon": "2001-01-01T00:00:00Z"}), 204))
	if rec, _ := h.svc.Record("accounts", id); rec["createdon"] != "2026-10-01T09:00:00Z" {
		t.Fatalf("createdon overwritten: %v", rec["createdon"])
	}
}

func TestStateStatusConsistency(t *testing.T) {
	h := newDefault(t)
	id := idFromEntityID(t, h.must(h.do("POST", "accounts", map[string]any{"name": "S"}), 204))
	h.must(h.do("PATCH", "accounts("+id+")", map[string]any{"statecode": 1}), 204)
	if rec, _ := h.svc.Record("accounts", id); num(rec["statuscode"]) != 2 {
		t.Fatalf("default status for state 1: %v", rec["statuscode"])
	}
	h.must(h.do("PATCH", "accounts("+id+")", map[string]any{"statuscode": 1}), 204)
	if rec, _ := h.svc.Record("accounts", id); num(rec["statecode"]) != 0 {
		t.Fatalf("state implied by status 1: %v", rec["statecode"])
	}
	h.mustErr(h.do("PATCH", "accounts("+id+")", map[string]any{"statecode": 0, "statuscode": 2}), 400, codeInvalidArgument)
}

func TestCascadeDelete(t *testing.T) {
	h := newDefault(t)
	// account → opportunity customer = Cascade; parentaccount = RemoveLink; contact parentcustomer = Cascade.
	h.must(h.do("DELETE", "accounts("+AccountFabrikam+")", nil), 204)
	if _, ok := h.svc.Record("opportunities", OpportunityFabrikam); ok {
		t.Fatal("customer opportunity should be deleted by cascade")
	}
	if _, ok := h.svc.Record("contacts", ContactFabrikam); ok {
		t.Fatal("contact of the account should be deleted by cascade")
	}
	// transactioncurrency → opportunity is Restrict: nothing changes.
	h.mustErr(h.do("DELETE", "transactioncurrencies("+CurrencyEUR+")", nil), 405, codeCannotDeleteAssociation)
	if _, ok := h.svc.Record("transactioncurrencies", CurrencyEUR); !ok {
		t.Fatal("restricted delete must leave the currency")
	}
	// RemoveLink clears the lookup and bumps the row.
	acc := idFromEntityID(t, h.must(h.do("POST", "accounts", map[string]any{"name": "Parent"}), 204))
	opp := idFromEntityID(t, h.must(h.do("POST", "opportunities", map[string]any{"name": "Child", "parentaccountid@odata.bind": "/accounts(" + acc + ")"}), 204))
	before, _ := h.svc.Record("opportunities", opp)
	h.must(h.do("DELETE", "accounts("+acc+")", nil), 204)
	after, ok := h.svc.Record("opportunities", opp)
	if !ok || after["_parentaccountid_value"] != nil || after["@odata.etag"] == before["@odata.etag"] {
		t.Fatalf("RemoveLink: %v", after)
	}
}

func TestClosedOpportunityIsReadOnly(t *testing.T) {
	h := newDefault(t)
	id := OpportunityTailspinWon
	h.mustErr(h.do("PATCH", "opportunities("+id+")", map[string]any{"description": "edit"}), 400, codeClosedRecord)
	h.mustErr(h.do("POST", "opportunities", map[string]any{"name": "born won", "statecode": 1}), 400, codeInvalidArgument)
	h.mustErr(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"statecode": 1, "statuscode": 3}), 400, codeInvalidArgument)
	h.must(h.do("PATCH", "opportunities("+id+")", map[string]any{"statecode": 0, "statuscode": 1}), 204)
	h.must(h.do("PATCH", "opportunities("+id+")", map[string]any{"description": "edit after reopen"}), 204)
}

func TestTestHelpers(t *testing.T) {
	h := newDefault(t)
	id, err := h.svc.CreateRecord("accounts", map[string]any{"name": "Helper", "parentaccountid@odata.bind": "/accounts(" + AccountTailspin + ")"})
	if err != nil {
		t.Fatal(err)
	}
	rec, _ := h.svc.Record("accounts", id)
	tag := rec["@odata.etag"]
	if err := h.svc.PatchRecord("accounts", id, map[string]any{"name": "Drifted"}); err != nil {
		t.Fatal(err)
	}
	rec, _ = h.svc.Record("accounts", id)
	if rec["name"] != "Drifted" || rec["@odata.etag"] == tag || rec["_parentaccountid_value"] != AccountTailspin {
		t.Fatalf("after PatchRecord %v", rec)
	}
	if err := h.svc.PatchRecord("accounts", id, map[string]any{"name": strings.Repeat("x", 161)}); err == nil {
		t.Fatal("PatchRecord must validate")
	}
	// Helpers bypass business rules: a won opportunity can be edited in place.
	if err := h.svc.PatchRecord("opportunities", OpportunityTailspinWon, map[string]any{"description": "drift"}); err != nil {
		t.Fatal(err)
	}
	if err := h.svc.DeleteRecord("accounts", id); err != nil {
		t.Fatal(err)
	}
	if _, ok := h.svc.Record("accounts", id); ok {
		t.Fatal("still there")
	}
	if err := h.svc.DeleteRecord("accounts", id); err == nil {
		t.Fatal("deleting a missing row must fail")
	}
	if n := len(h.svc.Records("opportunities")); n != 5 {
		t.Fatalf("%d opportunities", n)
	}
}

func TestCollectionNavigationProperties(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("GET", "accounts("+AccountTailspin+")/contact_customer_accounts?$select=lastname", nil), 200)
	if got := names(r.values(), "lastname"); len(got) != 1 || got[0] != "Rivera" {
		t.Fatalf("related contacts %v", got)
	}
	// Create a row through the collection: it is linked to the parent.
	id := idFromEntityID(t, h.must(h.do("POST", "accounts("+AccountTailspin+")/contact_customer_accounts", map[string]any{"lastname": "Lee"}), 204))
	if rec, _ := h.svc.Record("contacts", id); rec["_parentcustomerid_value"] != AccountTailspin {
		t.Fatalf("created through collection: %v", rec)
	}
	h.must(h.do("GET", "accounts("+AccountTailspin+")/contact_customer_accounts("+id+")", nil), 200)
	h.must(h.do("GET", "accounts("+AccountContoso+")/contact_customer_accounts("+id+")", nil), 404)
	// Associate and disassociate with $ref.
	h.must(h.do("POST", "accounts("+AccountContoso+")/opportunity_customer_accounts/$ref",
		map[string]any{"@odata.id": h.srv.URL + "/api/data/v9.2/opportunities(" + OpportunityFabrikam + ")"}), 204)
	if rec, _ := h.svc.Record("opportunities", OpportunityFabrikam); rec["_customerid_value"] != AccountContoso {
		t.Fatalf("associate: %v", rec)
	}
	h.must(h.do("DELETE", "accounts("+AccountContoso+")/opportunity_customer_accounts("+OpportunityFabrikam+")/$ref", nil), 204)
	if rec, _ := h.svc.Record("opportunities", OpportunityFabrikam); rec["_customerid_value"] != nil {
		t.Fatalf("disassociate: %v", rec)
	}
	h.must(h.do("DELETE", "accounts("+AccountContoso+")/opportunity_customer_accounts("+OpportunityFabrikam+")/$ref", nil), 404)
	h.mustErr(h.do("POST", "accounts("+AccountContoso+")/opportunity_customer_accounts/$ref",
		map[string]any{"@odata.id": "contacts(" + ContactContoso + ")"}), 400, codeODataPayload)
	// A custom relationship's collection is named by its schema name.
	r = h.must(h.do("GET", "opportunities("+OpportunityTailspin+")/msft_opportunity_msft_partnercentersolution?$select=msft_name", nil), 200)
	if len(r.values()) != 1 {
		t.Fatalf("solutions of the Tailspin opportunity: %s", r.raw)
	}
	// In a change set, through a Content-ID.
	body := buildBatch([][]batchPart{{
		{method: "POST", url: "/api/data/v9.2/accounts", body: `{"name":"Parent"}`, contentID: "1"},
		{method: "POST", url: "$1/contact_customer_accounts", body: `{"lastname":"Child"}`, contentID: "2"},
	}}, []bool{true})
	parts := parseBatchResponse(t, h.must(h.batch(body), 200))
	if len(parts) != 2 || parts[1].status != 204 {
		t.Fatalf("batch parts %+v", parts)
	}
}

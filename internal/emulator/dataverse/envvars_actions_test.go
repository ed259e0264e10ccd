package dataverse

import (
	"strings"
	"testing"
)

func TestEnvironmentVariables(t *testing.T) {
	h := newDefault(t)
	defs := h.must(h.do("GET", "environmentvariabledefinitions?$select=schemaname,type,defaultvalue,displayname&$orderby=schemaname", nil), 200).values()
	if len(defs) != 6 {
		t.Fatalf("%d definitions", len(defs))
	}
	byName := map[string]map[string]any{}
	for _, d := range defs {
		byName[d["schemaname"].(string)] = d
	}
	if d := byName["msft_dealvaluefield"]; d["defaultvalue"] != "estimatedvalue" || num(d["type"]) != envTypeString {
		t.Fatalf("deal value field %v", d)
	}
	if d := byName["msft_displaycheckmarkinname"]; num(d["type"]) != envTypeBoolean || d["defaultvalue"] != "yes" {
		t.Fatalf("check mark %v", d)
	}
	defID := ConnectorEnvVars[0].ID
	// Value ↔ definition through the exact-case navigation property.
	valID := idFromEntityID(t, h.must(h.do("POST", "environmentvariablevalues", map[string]any{"schemaname": "msft_dealvaluefield",
		"value": "budgetamount", "EnvironmentVariableDefinitionId@odata.bind": "/environmentvariabledefinitions(" + defID + ")"}), 204))
	vals := h.must(h.do("GET", "environmentvariablevalues?$select=value,_environmentvariabledefinitionid_value&$filter=_environmentvariabledefinitionid_value eq "+defID, nil), 200).values()
	if len(vals) != 1 || vals[0]["value"] != "budgetamount" || vals[0]["_environmentvariabledefinitionid_value"] != defID {
		t.Fatalf("values %v", vals)
	}
	r := h.mustErr(h.do("POST", "environmentvariablevalues", map[string]any{"value": "x",
		"environmentvariabledefinitionid@odata.bind": "/environmentvariabledefinitions(" + defID + ")"}), 400, codeODataPayload)
	if !strings.Contains(r.errMsg(), "undeclared property 'environmentvariabledefinitionid'") {
		t.Fatalf("lowercase nav: %s", r.errMsg())
	}
	// The type is not validated by Dataverse: a non-boolean value on a Boolean definition is stored.
	h.must(h.do("POST", "environmentvariablevalues", map[string]any{"value": "maybe",
		"EnvironmentVariableDefinitionId@odata.bind": "/environmentvariabledefinitions(" + ConnectorEnvVars[3].ID + ")"}), 204)
	// Type options 100000000…100000005.
	h.must(h.do("POST", "environmentvariabledefinitions", map[string]any{"schemaname": "pfx_secret", "displayname": "Secret", "type": envTypeSecret}), 204)
	h.mustErr(h.do("POST", "environmentvariabledefinitions", map[string]any{"schemaname": "pfx_bad", "displayname": "Bad", "type": 100000006}), 400, codeValidation)
	// Schema names are unique; displayname is required.
	h.mustErr(h.do("POST", "environmentvariabledefinitions", map[string]any{"schemaname": "MSFT_DEALVALUEFIELD", "displayname": "Dup"}), 412, codeDuplicateKey)
	h.mustErr(h.do("POST", "environmentvariabledefinitions", map[string]any{"schemaname": "pfx_noname"}), 400, codeInvalidArgument)
	// Deleting a definition cascades to its values.
	h.must(h.do("DELETE", "environmentvariabledefinitions("+defID+")", nil), 204)
	h.mustErr(h.do("GET", "environmentvariablevalues("+valID+")", nil), 404, codeObjectNotFound)
}

func TestPublish(t *testing.T) {
	h := newDefault(t)
	h.must(h.do("POST", "PublishXml", map[string]any{"ParameterXml": "<importexportxml><entities><entity>opportunity</entity></entities></importexportxml>"}), 204)
	h.must(h.do("POST", "PublishAllXml", map[string]any{}), 204)
	h.must(h.do("POST", "Microsoft.Dynamics.CRM.PublishAllXml", nil), 204)
	h.mustErr(h.do("POST", "PublishXml", map[string]any{"ParameterXml": "<entities/>"}), 400, codeInvalidArgument)
	h.mustErr(h.do("POST", "PublishXml", map[string]any{}), 400, codeInvalidArgument)
	if n := h.svc.PublishCount(); n != 3 {
		t.Fatalf("publish count %d", n)
	}
	if x := h.svc.PublishedXML(); len(x) != 1 || !strings.Contains(x[0], "<entity>opportunity</entity>") {
		t.Fatalf("published xml %v", x)
	}
	h.must(h.do("GET", "PublishAllXml", nil), 405)
}

func TestWinAndLoseOpportunity(t *testing.T) {
	h := newDefault(t)
	win := map[string]any{"Status": 3, "OpportunityClose": map[string]any{"subject": "Won",
		"opportunityid@odata.bind": "/opportunities(" + OpportunityFabrikam + ")", "actualrevenue": 31000}}
	h.must(h.do("POST", "WinOpportunity", win), 204)
	rec, _ := h.svc.Record("opportunities", OpportunityFabrikam)
	if num(rec["statecode"]) != 1 || num(rec["statuscode"]) != 3 || num(rec["actualvalue"]) != 31000 || rec["actualclosedate"] != "2026-10-01" {
		t.Fatalf("won %v", rec)
	}
	h.mustErr(h.do("POST", "WinOpportunity", win), 400, codeClosedRecord)
	h.mustErr(h.do("PATCH", "opportunities("+OpportunityFabrikam+")", map[string]any{"name": "renamed"}), 400, codeClosedRecord)

	lose := map[string]any{"Status": 5, "OpportunityClose": map[string]any{"subject": "Lost",
		"opportunityid@odata.bind": "opportunities(" + OpportunityContoso + ")"}}
	h.must(h.do("POST", "LoseOpportunity", lose), 204)
	if rec, _ := h.svc.Record("opportunities", OpportunityContoso); num(rec["statecode"]) != 2 || num(rec["statuscode"]) != 5 {
		t.Fatalf("lost %v", rec)
	}
	bad := []map[string]any{
		{"Status": 4, "OpportunityClose": map[string]any{"opportunityid@odata.bind": "/opportunities(" + OpportunityTailspin + ")"}}, // 4 is a Lost status
		{"Status": 3}, // no OpportunityClose
		{"Status": 3, "OpportunityClose": map[string]any{"subject": "no bind"}},
		{"Status": 3, "OpportunityClose": map[string]any{"opportunityid@odata.bind": "/accounts(" + AccountTailspin + ")"}},
	}
	for i, b := range bad {
		if r := h.do("POST", "WinOpportunity", b); r.status != 400 {
			t.Errorf("bad win %d: %d %s", i, r.status, r.raw)
		}
	}
	h.mustErr(h.do("POST", "LoseOpportunity", map[string]any{"Status": 3, "OpportunityClose": map[string]any{
		"opportunityid@odata.bind": "/opportunities(" + OpportunityTailspin + ")"}}), 400, codeInvalidArgument)
	h.mustErr(h.do("POST", "WinOpportunity", map[string]any{"Status": 3, "OpportunityClose": map[string]any{
		"opportunityid@odata.bind": "/opportunities(0e0e0e0e-0000-4000-8000-000000000001)"}}), 404, codeObjectNotFound)
}

func TestWhoAmI(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("GET", "WhoAmI", nil), 200)
	if r.body["UserId"] != h.oid || r.body["OrganizationId"] == nil {
		t.Fatalf("WhoAmI %v", r.body)
	}
	h.must(h.do("GET", "WhoAmI()", nil), 200)
}

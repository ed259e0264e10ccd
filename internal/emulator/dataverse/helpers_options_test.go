package dataverse

import "testing"

func TestInsertOptionHelper(t *testing.T) {
	h := newDefault(t)
	const col = "msft_microsoftpartnercenterhelp"
	v, err := h.svc.InsertOption("opportunity", col, 299600042, "Marketplace")
	if err != nil || v != 299600042 {
		t.Fatalf("InsertOption = %d, %v", v, err)
	}
	// Visible over the Web API like an InsertOptionValue.
	r := h.must(h.do("GET", "EntityDefinitions(LogicalName='opportunity')/Attributes(LogicalName='"+col+"')/Microsoft.Dynamics.CRM.PicklistAttributeMetadata?$expand=OptionSet", nil), 200)
	opts := r.body["OptionSet"].(map[string]any)["Options"].([]any)
	last := opts[len(opts)-1].(map[string]any)
	if num(last["Value"]) != 299600042 || last["Label"].(map[string]any)["UserLocalizedLabel"].(map[string]any)["Label"] != "Marketplace" {
		t.Fatalf("last option %v", last)
	}
	if _, err := h.svc.InsertOption("opportunity", col, 299600042, "Again"); err == nil {
		t.Errorf("duplicate value accepted")
	}
	if auto, err := h.svc.InsertOption("opportunity", col, 0, "Auto"); err != nil || auto != 299600043 {
		t.Errorf("auto value = %d, %v", auto, err)
	}
	if _, err := h.svc.InsertOption("opportunity", "name", 1, "x"); err == nil {
		t.Errorf("option added to a string column")
	}
	if _, err := h.svc.InsertOption("nosuchtable", col, 1, "x"); err == nil {
		t.Errorf("option added on a missing table")
	}
}

package dataverse

import "testing"

// UpdateTable changes labels like another tool would (drift tests): the
// change is visible over HTTP, other languages survive (MergeLabels), and
// what a PUT may not change is refused.
func TestUpdateTableHelper(t *testing.T) {
	h := newDefault(t)
	h.must(h.do("POST", "EntityDefinitions", customTable("pfx_Catalogue")), 204)
	put := customTable("pfx_Catalogue")
	put["DisplayName"] = lbl("Katalog", 1031)
	h.must(h.do("PUT", "EntityDefinitions(LogicalName='pfx_catalogue')", put, "MSCRM.MergeLabels: true"), 204)

	if err := h.svc.UpdateTable("pfx_catalogue", map[string]any{"DisplayName": lbl("Changed elsewhere", 1033)}); err != nil {
		t.Fatal(err)
	}
	got := h.must(h.do("GET", "EntityDefinitions(LogicalName='pfx_catalogue')?$select=DisplayName", nil), 200)
	labels := got.body["DisplayName"].(map[string]any)["LocalizedLabels"].([]any)
	texts := map[float64]string{}
	for _, l := range labels {
		m := l.(map[string]any)
		texts[num(m["LanguageCode"])] = m["Label"].(string)
	}
	if texts[1033] != "Changed elsewhere" || texts[1031] != "Katalog" {
		t.Fatalf("labels after UpdateTable: %v", texts)
	}
	if err := h.svc.UpdateTable("pfx_catalogue", map[string]any{"OwnershipType": "OrganizationOwned"}); err == nil {
		t.Fatal("UpdateTable changed the ownership")
	}
	if err := h.svc.UpdateTable("pfx_missing", map[string]any{}); err == nil {
		t.Fatal("UpdateTable of a missing table succeeded")
	}
}

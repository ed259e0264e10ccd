package flow

import (
	"reflect"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

func TestNormalizeName(t *testing.T) {
	same := [][2]string{
		{"Create Co-sell Referral – Dynamics 365 to Partner Center", "create co-sell referral - dynamics 365 to partner center (Insider Preview)"},
		{"Partner Center to Dynamics 365 - Helper", "  Partner Center  to Dynamics 365 — Helper (insider preview) "},
		{"[Customize] Create or Get Details from Dynamics 365", "[CUSTOMIZE] Create or Get Details from Dynamics 365(Insider Preview)"},
	}
	for _, p := range same {
		if normalizeName(p[0]) != normalizeName(p[1]) {
			t.Errorf("%q and %q should match: %q vs %q", p[0], p[1], normalizeName(p[0]), normalizeName(p[1]))
		}
	}
	different := [][2]string{
		{"Partner Center to Dynamics 365", "Partner Center to Dynamics 365 - Helper"},
		{"Dynamics 365 to Partner Center", "Dynamics 365 Opportunity to Partner Center"},
	}
	for _, p := range different {
		if normalizeName(p[0]) == normalizeName(p[1]) {
			t.Errorf("%q and %q must not match", p[0], p[1])
		}
	}
}

var sampleFlows = []dataverse.Workflow{
	{ID: "00000000-0000-4000-8000-000000000001", Name: "Partner Center to Dynamics 365 (Insider Preview)", UniqueName: "msft_PcToD365", StateCode: 1, Type: 1},
	{ID: "00000000-0000-4000-8000-000000000002", Name: "Partner Center to Dynamics 365 - Helper", UniqueName: "msft_Helper", Type: 1},
	{ID: "00000000-0000-4000-8000-000000000003", Name: "Twin", UniqueName: "a_twin", Type: 1},
	{ID: "00000000-0000-4000-8000-000000000004", Name: "Twin (Insider Preview)", UniqueName: "b_twin", Type: 1},
	{ID: "00000000-0000-4000-8000-000000000005", Name: "Partner Center to Dynamics 365 - Helper", UniqueName: "msft_Helper_activation", Type: 2},
	// A display name equal to another flow's unique name: the unique name wins.
	{ID: "00000000-0000-4000-8000-000000000006", Name: "msft_helper", Type: 1},
}

func TestResolve(t *testing.T) {
	r := resolve([]string{"partner center to dynamics 365", "MSFT_HELPER", "Twin", "Nope", "msft_PcToD365"}, sampleFlows)
	if r.ok() {
		t.Fatal("resolution with missing, ambiguous and repeated names must not be ok")
	}
	if r.flows[0] == nil || r.flows[0].ID != sampleFlows[0].ID {
		t.Errorf("display name without suffix: %+v", r.flows[0])
	}
	if r.flows[1] == nil || r.flows[1].ID != sampleFlows[1].ID {
		t.Errorf("unique name (ignoring case, activation rows skipped): %+v", r.flows[1])
	}
	if got := r.ambiguous["Twin"]; len(got) != 2 {
		t.Errorf("Twin should be ambiguous: %+v", got)
	}
	if !reflect.DeepEqual(r.missing, []string{"Nope"}) {
		t.Errorf("missing = %v", r.missing)
	}
	if len(r.repeats) != 1 || !strings.Contains(r.repeats[0], "flows[0]") || !strings.Contains(r.repeats[0], "flows[4]") {
		t.Errorf("repeats = %v", r.repeats)
	}
	if !r.found() {
		t.Error("found should be true")
	}
	if resolve([]string{"Nope"}, sampleFlows).found() {
		t.Error("found should be false when nothing matches")
	}
	ok := resolve([]string{"a_twin", "b_twin"}, sampleFlows)
	if !ok.ok() || ok.flows[1].ID != sampleFlows[3].ID {
		t.Errorf("unique names disambiguate: %+v", ok)
	}
}

func TestDuplicateNames(t *testing.T) {
	d := duplicateNames([]string{"Partner Center to Dynamics 365", "", "partner center to dynamics 365 (Insider Preview)", "Other"})
	if len(d) != 1 || !strings.Contains(d[0], "flows[2]") || !strings.Contains(d[0], "flows[0]") {
		t.Errorf("duplicates = %v", d)
	}
	if d := duplicateNames(documentedOrder); len(d) != 0 {
		t.Errorf("the documented order has no duplicates: %v", d)
	}
	if d := duplicateNames(append(append([]string(nil), documentedOrder...), optionalFlows...)); len(d) != 0 {
		t.Errorf("documented + optional flows have no duplicates: %v", d)
	}
}

func TestParseImportID(t *testing.T) {
	host, names, err := parseImportID("contoso.crm.dynamics.com")
	if err != nil || host != "contoso.crm.dynamics.com" || !reflect.DeepEqual(names, documentedOrder) {
		t.Errorf("host only: %q %v %v", host, names, err)
	}
	host, names, err = parseImportID("127.0.0.1:8443/msft_A; Dynamics 365 Leads to Partner Center ;")
	if err != nil || host != "127.0.0.1:8443" || !reflect.DeepEqual(names, []string{"msft_A", "Dynamics 365 Leads to Partner Center"}) {
		t.Errorf("with list: %q %v %v", host, names, err)
	}
	for _, bad := range []string{"", "/msft_A", "contoso.crm.dynamics.com/", "contoso.crm.dynamics.com/ ; ", "h/A;a"} {
		if _, _, err := parseImportID(bad); err == nil {
			t.Errorf("%q should be refused", bad)
		}
	}
}

func TestOrgHost(t *testing.T) {
	for in, want := range map[string]string{
		"https://Contoso.crm.dynamics.com/": "contoso.crm.dynamics.com",
		"https://127.0.0.1:8443":            "127.0.0.1:8443",
	} {
		if got := orgHost(in); got != want {
			t.Errorf("orgHost(%q) = %q, want %q", in, got, want)
		}
	}
}

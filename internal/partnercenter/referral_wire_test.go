package partnercenter

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func loadSamplePage(t *testing.T) referralPage {
	t.Helper()
	var p referralPage
	if err := json.Unmarshal(readFile(t, "testdata/referrals-list-page.json"), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestSampleListPageParses(t *testing.T) {
	p := loadSamplePage(t)
	if p.Count == nil || *p.Count != 3 {
		t.Errorf("@odata.count = %v, want 3", p.Count)
	}
	if p.NextLink != "http://api.partner.microsoft.com/v1.0/referrals?$skiptoken=eyJvZmZzZXQiOjJ9" {
		t.Errorf("nextLink = %q", p.NextLink)
	}
	if len(p.Value) != 2 {
		t.Fatalf("want 2 referrals, got %d", len(p.Value))
	}

	a := p.Value[0]
	if a.ID != "7d0f5b8e-1a2b-4c3d-9e8f-112233445566" || a.EngagementID != "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" {
		t.Errorf("ids: %q %q", a.ID, a.EngagementID)
	}
	if a.MpnID != "1234567" || a.OrganizationName != "Northwind Consulting" || a.ExternalReferenceID != "3b9f2d4e-6a7c-4e8b-9d0f-a1b2c3d4e5f6" {
		t.Errorf("org fields: %+v", a)
	}
	if a.Status != StatusActive || a.Substatus != SubstatusAccepted || a.Type != TypeIndependent ||
		a.Qualification != QualificationSalesQualified || a.Direction != DirectionOutgoing {
		t.Errorf("enums: %s/%s/%s/%s/%s", a.Status, a.Substatus, a.Type, a.Qualification, a.Direction)
	}
	if a.SalesStage != "" {
		t.Errorf("null salesStage = %q, want empty", a.SalesStage)
	}
	if a.ETag != `"0a00f1e2-0000-0000-0000-66ed9a2c0000"` {
		t.Errorf("eTag = %q (quotes must be kept)", a.ETag)
	}
	if want := time.Date(2026, 9, 20, 16, 45, 12, 345e6, time.UTC); a.UpdatedDateTime == nil || !a.UpdatedDateTime.Equal(want) {
		t.Errorf("updatedDateTime = %v", a.UpdatedDateTime)
	}
	if a.Consent == nil || a.Consent.ConsentToToShareInfoWithOthers || !a.Consent.ConsentToContact || a.Consent.ConsentToShareReferralWithMicrosoftSellers {
		t.Errorf("consent = %+v", a.Consent)
	}
	if a.Details == nil || a.Details.DealValue != "48000" || a.Details.Currency != "USD" {
		t.Fatalf("details = %+v", a.Details)
	}
	sol := a.Details.Requirements.Solutions
	if len(sol) != 1 || sol[0].ID != "SOL-22010-XYZ" || sol[0].SolutionType != "3P" || sol[0].Type != "Name" {
		t.Errorf("solutions = %+v", sol)
	}
	if a.Details.Requirements.Industries == nil || len(a.Details.Requirements.Industries) != 0 {
		t.Errorf("industries [] should decode as an empty slice: %#v", a.Details.Requirements.Industries)
	}
	cp := a.CustomerProfile
	if cp == nil || cp.Address == nil || cp.Address.Country != "US" || len(cp.Team) != 1 || cp.Team[0].Email != "sam.rivera@tailspintoys.example" {
		t.Errorf("customerProfile = %+v", cp)
	}
	if len(a.Team) != 1 || a.Team[0].Email != "dana.lee@northwind.example" {
		t.Errorf("team = %+v", a.Team)
	}
	if a.InviteContext == nil || a.InviteContext.InvitedBy != nil || a.InviteContext.AssistanceRequestCode != "" {
		t.Errorf("inviteContext = %+v", a.InviteContext)
	}
	if a.TrackingInfo == nil || a.TrackingInfo.MicrosoftMsxID != "" {
		t.Errorf("trackingInfo = %+v", a.TrackingInfo)
	}
	if a.Links == nil || a.Links.Self == nil || !strings.HasSuffix(a.Links.Self.URI, "/referrals/7d0f5b8e-1a2b-4c3d-9e8f-112233445566") || a.Links.Self.Method != "GET" {
		t.Errorf("links = %+v", a.Links)
	}
	if len(a.Extra) != 0 {
		t.Errorf("sample has no unmodelled fields, Extra = %v", a.Extra)
	}

	b := p.Value[1]
	if b.SalesStage != "100" {
		t.Errorf("salesStage = %q, want 100", b.SalesStage)
	}
	if b.ExternalReferenceID != "" {
		t.Errorf("null externalReferenceId = %q", b.ExternalReferenceID)
	}
	if b.ExpirationDateTime == nil || b.ExpirationDateTime.Sub(b.CreatedDateTime.Time) != 14*24*time.Hour {
		t.Errorf("expiration = %v, created = %v", b.ExpirationDateTime, b.CreatedDateTime)
	}
	if b.InviteContext == nil || b.InviteContext.InvitedBy == nil || b.InviteContext.InvitedBy.OrganizationID != OrganizationMicrosoft ||
		b.InviteContext.AssistanceRequestCode != AssistanceProofOfConceptOrDemo || b.InviteContext.Notes != "Please engage" {
		t.Errorf("inviteContext = %+v", b.InviteContext)
	}
	if len(b.Target) != 1 || b.Target[0] != (Target{Type: TargetBusinessProfileLocation, ID: "msft"}) {
		t.Errorf("target = %+v", b.Target)
	}
	if b.TrackingInfo.MicrosoftMsxID != "7-QWERTY123" {
		t.Errorf("msx id = %q", b.TrackingInfo.MicrosoftMsxID)
	}
	if !b.Consent.ConsentToShareReferralWithMicrosoftSellers || b.Details.DealValue != "90000" || b.CustomerProfile.Size != "" {
		t.Errorf("second referral consent/details: %+v %+v", b.Consent, b.Details)
	}
}

// Encoding a decoded sample referral is a fixed point (decode → encode →
// decode → encode gives the same bytes), and keeps the wire names.
func TestReferralRoundTrip(t *testing.T) {
	p := loadSamplePage(t)
	for _, r := range p.Value {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var again Referral
		if err := json.Unmarshal(b, &again); err != nil {
			t.Fatal(err)
		}
		b2, err := json.Marshal(again)
		if err != nil {
			t.Fatal(err)
		}
		if string(b) != string(b2) {
			t.Errorf("round trip changed %s:\n%s\n%s", r.ID, b, b2)
		}
		if !reflect.DeepEqual(r.Consent, again.Consent) || !reflect.DeepEqual(r.InviteContext, again.InviteContext) ||
			!reflect.DeepEqual(r.CustomerProfile, again.CustomerProfile) || r.UpdatedDateTime.String() != again.UpdatedDateTime.String() {
			t.Errorf("round trip changed nested values of %s", r.ID)
		}
		m := mustJSON(t, b).(map[string]any)
		if _, ok := m["consentToToShareInfoWithOthers"]; ok {
			t.Errorf("consent key leaked to top level")
		}
		consent := m["consent"].(map[string]any)
		if _, ok := consent["consentToToShareInfoWithOthers"]; !ok {
			t.Errorf("consentToToShareInfoWithOthers (sic) missing: %v", consent)
		}
		if m["eTag"] != r.ETag {
			t.Errorf("eTag written as %v", m["eTag"])
		}
	}
}

func TestReferralKeepsUnknownFields(t *testing.T) {
	in := `{"id":"x","status":"New","futureField":{"a":[1,2]},"Favorite":true,
	  "details":{"dealValue":"10000","notes":"n","newDetail":"keep me"},
	  "customerProfile":{"name":"C","isMatchingComplete":true,"ids":[{"profileType":"Duns","id":"1"}],"segment":"SMB"},
	  "inviteContext":{"notes":"x","partnerRole":"Services"},
	  "registrations":[{"id":"r1","type":"AzureIPCoSell","contract":{"value":12.5,"term":"Finite"},"newThing":1}],
	  "consent":{"consentToToShareInfoWithOthers":true,"ConsentToMicrosoftToContactSpecificPartners":true}}`
	var r Referral
	if err := json.Unmarshal([]byte(in), &r); err != nil {
		t.Fatal(err)
	}
	if r.Favorite == nil || !*r.Favorite {
		t.Errorf("case-insensitive key Favorite not decoded into favorite")
	}
	if _, ok := r.Extra["Favorite"]; ok {
		t.Errorf("a modelled field must not also land in Extra")
	}
	if string(r.Extra["futureField"]) != `{"a":[1,2]}` {
		t.Errorf("Extra = %v", r.Extra)
	}
	if r.Details.DealValue != "10000" || string(r.Details.Extra["newDetail"]) != `"keep me"` {
		t.Errorf("details = %+v", r.Details)
	}
	if r.Consent.ConsentToMicrosoftToContactSpecificPartners == nil || !*r.Consent.ConsentToMicrosoftToContactSpecificPartners {
		t.Errorf("PascalCase consent field not read")
	}
	if r.Registrations[0].Contract.Value != "12.5" || string(r.Registrations[0].Extra["newThing"]) != "1" {
		t.Errorf("registrations = %+v", r.Registrations)
	}
	out, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	m := mustJSON(t, out).(map[string]any)
	if _, ok := m["futureField"]; !ok {
		t.Errorf("futureField lost: %s", out)
	}
	if m["details"].(map[string]any)["newDetail"] != "keep me" ||
		m["customerProfile"].(map[string]any)["segment"] != "SMB" ||
		m["inviteContext"].(map[string]any)["partnerRole"] != "Services" ||
		m["registrations"].([]any)[0].(map[string]any)["newThing"] != float64(1) {
		t.Errorf("nested unknown fields lost: %s", out)
	}
	if _, ok := m["Favorite"]; ok {
		t.Errorf("favorite written twice: %s", out)
	}
	if got := string(mustMarshal(t, m["target"])); got != "[]" {
		t.Errorf("target = %s, want []", got)
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSalesStageAcceptsAllShapes(t *testing.T) {
	for in, want := range map[string]SalesStage{`"Qualify"`: SalesStageQualify, `"100"`: "100", `100`: "100", `null`: ""} {
		var r Referral
		if err := json.Unmarshal([]byte(`{"salesStage":`+in+`}`), &r); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if r.SalesStage != want {
			t.Errorf("%s → %q, want %q", in, r.SalesStage, want)
		}
	}
	var r Referral
	if err := json.Unmarshal([]byte(`{"salesStage":{"x":1}}`), &r); err == nil {
		t.Errorf("an object salesStage should not decode")
	}
}

func TestTimeFormats(t *testing.T) {
	want := time.Date(2026, 10, 3, 9, 12, 44, 0, time.UTC)
	for _, in := range []string{`"2026-10-03T09:12:44Z"`, `"2026-10-03T11:12:44+02:00"`, `"2026-10-03T09:12:44"`} {
		var tm Time
		if err := json.Unmarshal([]byte(in), &tm); err != nil {
			t.Fatalf("%s: %v", in, err)
		}
		if !tm.Equal(want) || tm.Location() != time.UTC {
			t.Errorf("%s → %v", in, tm)
		}
	}
	var tm Time
	if err := json.Unmarshal([]byte(`"yesterday"`), &tm); err == nil {
		t.Errorf("garbage timestamp accepted")
	}
	b, _ := json.Marshal(Time{time.Date(2026, 1, 2, 3, 4, 5, 600, time.FixedZone("x", 3600))})
	if string(b) != `"2026-01-02T02:04:05.0000006Z"` {
		t.Errorf("marshal = %s", b)
	}
	if TimeOf(time.Time{}) != nil {
		t.Errorf("TimeOf(zero) should be nil")
	}
}

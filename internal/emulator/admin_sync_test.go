package emulator

import (
	"net/http"
	"strings"
	"testing"
)

// A Microsoft seller's change (read-only paths included) and a CRM user's new
// row, through the admin API: what the sync's tests and the demo rely on.
func TestAdminAPIChangesReferralsAndCreatesRows(t *testing.T) {
	e := start(t)
	ep := e.Endpoints()
	const id = "2f6a9c1e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
	before, _ := e.PartnerCenter().Referral(id)
	resp, raw := call(t, e, http.MethodPatch, ep.ReferralsURL+"/_emulator/referrals/"+id, "",
		`[{"op":"replace","path":"/trackingInfo/microsoftMsxId","value":"7-NEWMSX"},{"op":"add","path":"/customerProfile/team/-","value":{"email":"new@fabrikam.example","lastName":"New"}},{"op":"remove","path":"/statusReason"}]`)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("PATCH: %d %s", resp.StatusCode, raw)
	}
	after, _ := e.PartnerCenter().Referral(id)
	if after.String("/trackingInfo/microsoftMsxId") != "7-NEWMSX" || after.ETag() == before.ETag() ||
		!strings.Contains(string(raw), "new@fabrikam.example") {
		t.Errorf("referral after admin PATCH: %s", raw)
	}
	// A failing op stores nothing.
	resp, _ = call(t, e, http.MethodPatch, ep.ReferralsURL+"/_emulator/referrals/"+id, "",
		`[{"op":"replace","path":"/name","value":"changed"},{"op":"add","path":"/team/99","value":{}}]`)
	if now, _ := e.PartnerCenter().Referral(id); resp.StatusCode != http.StatusBadRequest || now.Name() == "changed" {
		t.Errorf("failed PATCH: %d, name %q", resp.StatusCode, now.Name())
	}
	for _, bad := range []string{`{"op":"x"}`, `[{"op":"move","path":"/name"}]`, `[{"op":"replace","path":"/id","value":"x"}]`} {
		if resp, _ := call(t, e, http.MethodPatch, ep.ReferralsURL+"/_emulator/referrals/"+id, "", bad); resp.StatusCode != http.StatusBadRequest {
			t.Errorf("PATCH %s: %d, want 400", bad, resp.StatusCode)
		}
	}
	if resp, _ := call(t, e, http.MethodPatch, ep.ReferralsURL+"/_emulator/referrals/nope", "", `[]`); resp.StatusCode != http.StatusNotFound {
		t.Errorf("PATCH unknown: %d", resp.StatusCode)
	}

	resp, raw = call(t, e, http.MethodPost, ep.ReferralsURL+"/_emulator/referrals", "",
		`{"name":"Invitation from Microsoft","status":"New","substatus":"Received","direction":"Incoming"}`)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(raw), `"eTag"`) {
		t.Fatalf("POST referral: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := call(t, e, http.MethodPost, ep.ReferralsURL+"/_emulator/referrals", "", `{"id":"`+id+`"}`); resp.StatusCode != http.StatusConflict {
		t.Errorf("POST of an existing id: %d, want 409", resp.StatusCode)
	}
	resp, raw = call(t, e, http.MethodGet, ep.ReferralsURL+"/_emulator/referrals", "", "")
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(raw), "Invitation from Microsoft") {
		t.Errorf("GET referrals: %d", resp.StatusCode)
	}

	resp, raw = call(t, e, http.MethodPost, ep.DataverseURL+"/_emulator/dataverse/opportunities", "",
		`{"name":"Made in the portal","msft_microsoftpartnercenterreferralsync":true}`)
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(raw), `"id"`) {
		t.Fatalf("POST row: %d %s", resp.StatusCode, raw)
	}
	if resp, _ := call(t, e, http.MethodPost, ep.DataverseURL+"/_emulator/dataverse/opportunities", "", `{"nosuch":1}`); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("POST row with an unknown column: %d, want 400", resp.StatusCode)
	}
}

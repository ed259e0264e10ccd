package partnercenter

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// newReferralBody is a minimal valid create body (the docs' private deal shape).
func newReferralBody() map[string]any {
	return map[string]any{
		"name":          "Proseware - Sales rollout",
		"type":          "Independent",
		"qualification": "SalesQualified",
		"status":        "New",
		"substatus":     "Pending",
		"target":        []any{},
		"customerProfile": map[string]any{
			"name":    "Proseware Inc",
			"address": map[string]any{"addressLine1": "1 Main St", "city": "Oslo", "postalCode": "0150", "country": "NO"},
			"team":    []any{map[string]any{"firstName": "Ada", "lastName": "Berg", "email": "ada.berg@proseware.example"}},
		},
		"consent": map[string]any{"consentToToShareInfoWithOthers": false, "consentToContact": true, "consentToShareReferralWithMicrosoftSellers": false},
		"details": map[string]any{
			"dealValue": 25000, "currency": "NOK", "closingDateTime": "2027-01-31T00:00:00Z",
			"requirements": map[string]any{
				"solutions":              []any{map[string]any{"id": "SOL-22010-XYZ", "type": "Name"}},
				"additionalRequirements": map[string]any{"attributes": []any{map[string]any{"id": "HaveNotDecided", "type": "CustomerMarketplaceIntent"}}},
			},
		},
		"customField": map[string]any{"kept": []any{1, "two"}},
	}
}

var etagRE = regexp.MustCompile(`^"[0-9a-f]{8}-0000-0000-0000-[0-9a-f]{8}0000"$`)

func TestCreateReferralSetsServerFields(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	r := e.do("POST", e.referrals(""), tokUser, newReferralBody())
	expectStatus(t, r, 201)
	got := r.json(t)
	id, _ := got["id"].(string)
	if !guidRE.MatchString(id) || !guidRE.MatchString(got["engagementId"].(string)) {
		t.Fatalf("id %v / engagementId %v are not GUIDs", got["id"], got["engagementId"])
	}
	if et, _ := got["eTag"].(string); !etagRE.MatchString(et) || r.header.Get("ETag") != et {
		t.Errorf("eTag %q (header %q) is not a quoted Cosmos-style eTag", et, r.header.Get("ETag"))
	}
	want := map[string]any{
		"direction": "Outgoing", "status": "Active", "substatus": "Accepted",
		"organizationId": defaultOrganizationID, "organizationName": defaultOrganizationName, "mpnId": defaultMpnID,
		"createdDateTime": "2026-10-10T12:00:00.0000000Z", "updatedDateTime": "2026-10-10T12:00:00.0000000Z",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	self := got["links"].(map[string]any)["self"].(map[string]any)["uri"].(string)
	if self != e.ref.URL+referralsBasePath+"/"+id || r.header.Get("Location") != self {
		t.Errorf("links.self.uri %q / Location %q", self, r.header.Get("Location"))
	}
	if !jsonEqual(got["customField"], map[string]any{"kept": []any{1, "two"}}) {
		t.Errorf("unknown field did not round-trip: %v", got["customField"])
	}
	stored, ok := e.svc.Referral(id)
	if !ok || !jsonEqual(stored.doc, got) {
		t.Error("GET-able state differs from the create response")
	}
	after := e.do("GET", e.referrals("/"+id), tokUser, nil)
	expectStatus(t, after, 200)
	if !jsonEqual(after.json(t), got) {
		t.Error("GET differs from the create response")
	}
}

func TestCreateKeepsGivenEngagementIDAndNormalisesDealValue(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	body := newReferralBody()
	body["engagementId"] = "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"
	body["id"] = "ignored"
	body["details"].(map[string]any)["dealValue"] = "10000"
	got := e.do("POST", e.referrals(""), tokUser, body).json(t)
	if got["engagementId"] != "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d" || got["id"] == "ignored" {
		t.Errorf("engagementId %v, id %v", got["engagementId"], got["id"])
	}
	if v, ok := got["details"].(map[string]any)["dealValue"].(interface{ String() string }); !ok || v.String() != "10000" {
		t.Errorf("dealValue = %#v, want the number 10000", got["details"].(map[string]any)["dealValue"])
	}
	rel := e.do("GET", e.referrals("?$filter=engagementId%20eq%20'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'"), tokUser, nil).json(t)
	if n := len(ids(t, rel)); n != 2 {
		t.Errorf("related referrals by engagementId = %d, want 2", n)
	}
}

func TestCreateValidation(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	type edit func(m map[string]any)
	cp := func(m map[string]any) map[string]any { return m["customerProfile"].(map[string]any) }
	addr := func(m map[string]any) map[string]any { return cp(m)["address"].(map[string]any) }
	det := func(m map[string]any) map[string]any { return m["details"].(map[string]any) }
	for name, tc := range map[string]struct {
		edit     edit
		fragment string
	}{
		"no name":              {func(m map[string]any) { delete(m, "name") }, "name is required"},
		"blank name":           {func(m map[string]any) { m["name"] = "  " }, "name is required"},
		"no type":              {func(m map[string]any) { delete(m, "type") }, "type is required"},
		"bad type":             {func(m map[string]any) { m["type"] = "Private" }, "type 'Private'"},
		"bad qualification":    {func(m map[string]any) { m["qualification"] = "Hot" }, "qualification 'Hot'"},
		"no customerProfile":   {func(m map[string]any) { delete(m, "customerProfile") }, "customerProfile is required"},
		"no customer name":     {func(m map[string]any) { delete(cp(m), "name") }, "customerProfile.name is required"},
		"no address":           {func(m map[string]any) { delete(cp(m), "address") }, "customerProfile.address is required"},
		"no country":           {func(m map[string]any) { delete(addr(m), "country") }, "customerProfile.address.country is required"},
		"alpha-3 country":      {func(m map[string]any) { addr(m)["country"] = "USA" }, "ISO 3166-1 alpha-2"},
		"lower-case country":   {func(m map[string]any) { addr(m)["country"] = "us" }, "ISO 3166-1 alpha-2"},
		"unassigned country":   {func(m map[string]any) { addr(m)["country"] = "XX" }, "ISO 3166-1 alpha-2"},
		"country not a string": {func(m map[string]any) { addr(m)["country"] = 840 }, "must be a string"},
		"no consent":           {func(m map[string]any) { delete(m, "consent") }, "consent is required"},
		"no details":           {func(m map[string]any) { delete(m, "details") }, "details is required"},
		"negative deal value":  {func(m map[string]any) { det(m)["dealValue"] = -1 }, "greater than or equal to 0"},
		"non-numeric deal":     {func(m map[string]any) { det(m)["dealValue"] = "lots" }, "dealValue must be a number"},
		"2-letter currency":    {func(m map[string]any) { det(m)["currency"] = "US" }, "ISO 4217"},
		"unknown currency":     {func(m map[string]any) { det(m)["currency"] = "ABC" }, "ISO 4217"},
		"bad closing date":     {func(m map[string]any) { det(m)["closingDateTime"] = "next week" }, "closingDateTime"},
		"closed on create":     {func(m map[string]any) { m["status"], m["substatus"] = "Closed", "Won" }, "New/Pending"},
		"status only":          {func(m map[string]any) { delete(m, "substatus") }, "New/Pending"},
		"bad target type":      {func(m map[string]any) { m["target"] = []any{map[string]any{"type": "Partner", "id": "x"}} }, "target[0].type"},
		"bad assistance code": {func(m map[string]any) {
			m["inviteContext"] = map[string]any{"assistanceRequestCode": "DealRegistration"}
		}, "assistanceRequestCode"},
		"engagementId not GUID": {func(m map[string]any) { m["engagementId"] = "nope" }, "engagementId must be a GUID"},
	} {
		t.Run(name, func(t *testing.T) {
			body := newReferralBody()
			tc.edit(body)
			m := expectPCError(t, e.do("POST", e.referrals(""), tokUser, body), 400, tc.fragment)
			if data, _ := m["data"].([]any); len(data) == 0 {
				t.Error("error data should list the problems")
			}
		})
	}
	expectPCError(t, e.do("POST", e.referrals(""), tokUser, "[]"), 400, "Referral JSON object")
	expectPCError(t, e.do("POST", e.referrals(""), tokUser, "{not json"), 400, "not valid JSON")
	expectPCError(t, e.do("POST", e.referrals(""), tokUser, "{}", "Content-Type", "text/plain"), 415, "Content-Type")
	if n := len(e.svc.Referrals()); n != 7 {
		t.Errorf("failed creates stored something: %d referrals", n)
	}
	for _, ok := range []struct{ st, sub string }{{"New", "Received"}, {"Active", "Accepted"}} {
		body := newReferralBody()
		body["status"], body["substatus"] = ok.st, ok.sub
		expectStatus(t, e.do("POST", e.referrals(""), tokUser, body), 201)
	}
	body := newReferralBody()
	delete(body, "status")
	delete(body, "substatus")
	expectStatus(t, e.do("POST", e.referrals(""), tokUser, body), 201)
}

func TestCreateIsIdempotentPerMSRequestID(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	const rid = "f04b1b5e-87b4-4d95-b087-d65fffec0bd2"
	first := e.do("POST", e.referrals(""), tokUser, newReferralBody(), "MS-RequestId", rid)
	expectStatus(t, first, 201)
	if first.header.Get("MS-RequestId") != rid {
		t.Errorf("MS-RequestId not echoed: %q", first.header.Get("MS-RequestId"))
	}
	e.clock.Advance(time.Second)
	retry := e.do("POST", e.referrals(""), tokUser, newReferralBody(), "MS-RequestId", rid)
	expectStatus(t, retry, 201)
	if retry.json(t)["id"] != first.json(t)["id"] {
		t.Fatalf("retry created %v, first %v", retry.json(t)["id"], first.json(t)["id"])
	}
	if n := len(e.svc.Referrals()); n != 8 {
		t.Fatalf("after a retried POST there are %d referrals, want 8", n)
	}
	other := e.do("POST", e.referrals(""), tokUser2, newReferralBody(), "MS-RequestId", rid)
	fresh := e.do("POST", e.referrals(""), tokUser, newReferralBody(), "MS-RequestId", "79419bbb-06ee-48da-8221-e09480537dfc")
	noID := e.do("POST", e.referrals(""), tokUser, newReferralBody())
	for _, r := range []response{other, fresh, noID} {
		expectStatus(t, r, 201)
		if r.json(t)["id"] == first.json(t)["id"] {
			t.Error("a different caller or request id must create a new referral")
		}
	}
	if n := len(e.svc.Referrals()); n != 11 {
		t.Errorf("referrals = %d, want 11", n)
	}
}

func patchOps(ops ...map[string]any) []map[string]any { return ops }

func op(kind, path string, value any) map[string]any {
	return map[string]any{"op": kind, "path": path, "value": value}
}

func TestPatchReplaceAndAdd(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	before, _ := e.svc.Referral(r1)
	e.clock.Advance(time.Hour)
	r := e.do("PATCH", e.referrals("/"+r1), tokUser, patchOps(
		op("replace", "/details/dealValue", "10000"),
		op("replace", "/details/notes", "Expanded to 200 seats"),
		op("add", "/team/-", map[string]any{"email": "new.seller@northwind.example", "firstName": "New", "lastName": "Seller", "phoneNumber": "+1 555 0100"}),
		op("add", "/team/0", map[string]any{"email": "first@northwind.example"}),
		op("replace", "/externalReferenceId", "opp-42"),
		op("add", "/tags", []any{"fy27"}),
	), "Content-Type", "application/json-patch+json", "If-Match", before.ETag())
	expectStatus(t, r, 204)
	if len(r.body) != 0 {
		t.Errorf("204 with a body: %s", r.body)
	}
	after, _ := e.svc.Referral(r1)
	if r.header.Get("ETag") != after.ETag() || after.ETag() == before.ETag() || !etagRE.MatchString(after.ETag()) {
		t.Errorf("eTag not bumped: before %s, after %s, header %s", before.ETag(), after.ETag(), r.header.Get("ETag"))
	}
	if after.String("/updatedDateTime") != "2026-10-10T13:00:00.0000000Z" {
		t.Errorf("updatedDateTime = %s", after.String("/updatedDateTime"))
	}
	if v, _ := after.DealValue(); v != 10000 {
		t.Errorf("dealValue = %v", v)
	}
	team, _ := after.Get("/team")
	emails := []string{}
	for _, m := range team.([]any) {
		emails = append(emails, m.(map[string]any)["email"].(string))
	}
	if strings.Join(emails, ",") != "first@northwind.example,dana.lee@northwind.example,new.seller@northwind.example" {
		t.Errorf("team emails = %v", emails)
	}
	if after.String("/details/notes") != "Expanded to 200 seats" || after.ExternalReferenceID() != "opp-42" {
		t.Error("replace did not apply")
	}
	if after.CreatedDateTime() != before.CreatedDateTime() {
		t.Error("createdDateTime changed")
	}
}

func TestPatchReturnRepresentation(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	r := e.do("PATCH", e.referrals("/"+r3), tokUser, patchOps(op("replace", "/details/notes", "x")), "Prefer", "return=representation")
	expectStatus(t, r, 200)
	body := r.json(t)
	if body["details"].(map[string]any)["notes"] != "x" || body["eTag"] != r.header.Get("ETag") {
		t.Errorf("representation: notes %v, eTag %v vs %s", body["details"].(map[string]any)["notes"], body["eTag"], r.header.Get("ETag"))
	}
}

func TestPatchRejections(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	for name, tc := range map[string]struct {
		id       string
		ops      any
		status   int
		fragment string
	}{
		"remove":              {r1, patchOps(map[string]any{"op": "remove", "path": "/details/notes"}), 400, "only 'replace' and 'add'"},
		"move":                {r1, patchOps(map[string]any{"op": "move", "from": "/name", "path": "/statusReason"}), 400, "only 'replace' and 'add'"},
		"test":                {r1, patchOps(map[string]any{"op": "test", "path": "/name", "value": "x"}), 400, "only 'replace' and 'add'"},
		"not an array":        {r1, map[string]any{"op": "replace"}, 400, "JSON Patch array"},
		"empty":               {r1, []any{}, 400, "no operations"},
		"no value":            {r1, patchOps(map[string]any{"op": "replace", "path": "/name"}), 400, "'value' is required"},
		"id read-only":        {r1, patchOps(op("replace", "/id", "x")), 400, "read-only"},
		"eTag read-only":      {r1, patchOps(op("replace", "/eTag", `"x"`)), 400, "read-only"},
		"engagementId":        {r1, patchOps(op("replace", "/engagementId", "x")), 400, "read-only"},
		"createdDateTime":     {r1, patchOps(op("replace", "/createdDateTime", "2020-01-01T00:00:00Z")), 400, "read-only"},
		"direction":           {r1, patchOps(op("replace", "/direction", "Incoming")), 400, "read-only"},
		"missing parent":      {r1, patchOps(op("replace", "/registrations/0/contract/value", 1)), 400, "not found"},
		"index out of range":  {r1, patchOps(op("replace", "/team/5/email", "x@y")), 400, "out of range"},
		"bad country":         {r1, patchOps(op("replace", "/customerProfile/address/country", "Germany")), 400, "alpha-2"},
		"negative value":      {r1, patchOps(op("replace", "/details/dealValue", -5)), 400, "greater than or equal"},
		"Active to New":       {r1, patchOps(op("replace", "/status", "New"), op("replace", "/substatus", "Pending")), 400, "invalid status transition"},
		"Active/Won":          {r1, patchOps(op("replace", "/substatus", "Won")), 400, "not allowed with status 'Active'"},
		"Closed w/o substat.": {r2, patchOps(op("replace", "/status", "Closed")), 400, "substatus 'Received' is not allowed"},
		"New/Accepted":        {r2, patchOps(op("replace", "/substatus", "Accepted")), 400, "not allowed with status 'New'"},
		"unshare":             {r3, patchOps(op("replace", "/consent/consentToShareReferralWithMicrosoftSellers", false)), 400, "cannot be reverted"},
		"terminal Won":        {r5, patchOps(op("replace", "/details/notes", "late edit")), 400, "terminal"},
		"terminal Declined":   {r6, patchOps(op("replace", "/status", "Active"), op("replace", "/substatus", "Accepted")), 400, "terminal"},
		"missing referral":    {"00000000-0000-0000-0000-000000000000", patchOps(op("replace", "/name", "x")), 404, "not found"},
	} {
		t.Run(name, func(t *testing.T) {
			before, _ := e.svc.Referral(tc.id)
			expectPCError(t, e.do("PATCH", e.referrals("/"+tc.id), tokUser, tc.ops), tc.status, tc.fragment)
			if after, _ := e.svc.Referral(tc.id); !jsonEqual(after.doc, before.doc) {
				t.Error("a rejected PATCH changed the referral")
			}
		})
	}
}

func TestPatchIfMatch(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	ref, _ := e.svc.Referral(r1)
	expectPCError(t, e.do("PATCH", e.referrals("/"+r1), tokUser, patchOps(op("replace", "/name", "x")),
		"If-Match", `"0a00f1e2-0000-0000-0000-000000000000"`), 412, "eTag")
	// The eTag without its quotes is a different value.
	expectStatus(t, e.do("PATCH", e.referrals("/"+r1), tokUser, patchOps(op("replace", "/name", "x")),
		"If-Match", strings.Trim(ref.ETag(), `"`)), 412)
	expectStatus(t, e.do("PATCH", e.referrals("/"+r1), tokUser, patchOps(op("replace", "/name", "x")), "If-Match", ref.ETag()), 204)
	// The old eTag is stale now.
	expectStatus(t, e.do("PATCH", e.referrals("/"+r1), tokUser, patchOps(op("replace", "/name", "y")), "If-Match", ref.ETag()), 412)
	expectStatus(t, e.do("PATCH", e.referrals("/"+r1), tokUser, patchOps(op("replace", "/name", "y")), "If-Match", "*"), 204)
	if got, _ := e.svc.Referral(r1); got.Name() != "y" {
		t.Errorf("name = %q", got.Name())
	}
}

func TestPatchLifecycleAcceptThenWinThenImmutable(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	expectStatus(t, e.do("PATCH", e.referrals("/"+r2), tokUser, patchOps(
		op("replace", "/status", "Active"), op("replace", "/substatus", "Accepted"))), 204)
	got, _ := e.svc.Referral(r2)
	if got.Status() != "Active" || got.String("/acceptedDateTime") == "" {
		t.Errorf("accept: %s/%s acceptedDateTime %q", got.Status(), got.Substatus(), got.String("/acceptedDateTime"))
	}
	expectStatus(t, e.do("PATCH", e.referrals("/"+r2), tokUser, patchOps(
		op("replace", "/status", "Closed"), op("replace", "/substatus", "Won"), op("replace", "/statusReason", "Signed"))), 204)
	got, _ = e.svc.Referral(r2)
	if got.Substatus() != "Won" || got.String("/closedDateTime") == "" {
		t.Errorf("win: %s/%s closedDateTime %q", got.Status(), got.Substatus(), got.String("/closedDateTime"))
	}
	expectPCError(t, e.do("PATCH", e.referrals("/"+r2), tokUser, patchOps(op("replace", "/substatus", "Lost"))), 400, "terminal")
	// Decline straight from New is allowed by the table.
	expectStatus(t, e.do("PATCH", e.referrals("/"+r4), tokUser, patchOps(
		op("replace", "/status", "Closed"), op("replace", "/substatus", "Declined"), op("replace", "/statusReason", "No capacity"))), 204)
}

func TestPutRequiresIfMatch(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	ref, _ := e.svc.Referral(r1)
	body := ref.Map()
	body["name"] = "Renamed via PUT"
	expectPCError(t, e.do("PUT", e.referrals("/"+r1), tokUser, body), 428, "If-Match")
	expectPCError(t, e.do("PUT", e.referrals("/"+r1), tokUser, body, "If-Match", `"stale"`), 412, "eTag")
	bad := ref.Map()
	bad["engagementId"] = "b2c3d4e5-f6a7-4b8c-9d0e-1f2a3b4c5d6e"
	expectPCError(t, e.do("PUT", e.referrals("/"+r1), tokUser, bad, "If-Match", ref.ETag()), 400, "read-only")
	r := e.do("PUT", e.referrals("/"+r1), tokUser, body, "If-Match", ref.ETag())
	expectStatus(t, r, 200)
	got := r.json(t)
	if got["name"] != "Renamed via PUT" || got["eTag"] == ref.ETag() || got["eTag"] != r.header.Get("ETag") {
		t.Errorf("PUT result: name %v eTag %v (old %s)", got["name"], got["eTag"], ref.ETag())
	}
	expectPCError(t, e.do("PUT", e.referrals("/"+r5), tokUser, map[string]any{"name": "x"}, "If-Match", "*"), 400, "terminal")
}

func TestTestHelpersChangeDataInPlace(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	before, _ := e.svc.Referral(r1)
	e.clock.Advance(time.Minute)
	after, ok := e.svc.UpdateReferral(r1, func(r *Referral) {
		if err := r.Set("/details/dealValue", 1); err != nil {
			t.Fatal(err)
		}
		r.Delete("/team")
	})
	if !ok || after.ETag() == before.ETag() || !after.UpdatedDateTime().After(before.UpdatedDateTime()) {
		t.Fatalf("UpdateReferral did not bump eTag/updatedDateTime")
	}
	got := e.do("GET", e.referrals("/"+r1), tokUser, nil).json(t)
	if _, has := got["team"]; has || got["eTag"] != after.ETag() {
		t.Errorf("API does not show the in-place change: %v", got["eTag"])
	}
	if !e.svc.DeleteReferral(r1) || e.svc.DeleteReferral(r1) {
		t.Error("DeleteReferral should report removal once")
	}
	expectStatus(t, e.do("GET", e.referrals("/"+r1), tokUser, nil), 404)
	put, err := e.svc.PutReferral(MustParseReferral(`{"name":"Seeded later","status":"New","substatus":"Received","custom":true}`))
	if err != nil || !guidRE.MatchString(put.ID()) || put.ETag() == "" {
		t.Fatalf("PutReferral: %v %v", put, err)
	}
	got = e.do("GET", e.referrals("/"+put.ID()), tokUser, nil).json(t)
	if got["custom"] != true {
		t.Error("PutReferral document not served")
	}
}

package partnercenter

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// Fuzz targets for the emulator's request parsers. `go test` runs the seeds
// as unit tests; `make fuzz` explores each for a bounded time. The invariant
// is the same for every input: a client error (4xx) or success, never a
// panic or a 5xx, and nothing half-written.

// FuzzFilter: the $filter parser and its evaluation over the default
// scenario's referrals.
func FuzzFilter(f *testing.F) {
	for _, s := range []string{
		"",
		"status eq 'Active'",
		"status eq 'Active' and substatus eq 'Accepted'",
		"(status eq 'New' or status eq 'Active') and direction eq 'Incoming'",
		"updatedDateTime ge 2026-01-01T00:00:00Z",
		"customerProfile/address/country eq 'US'",
		"team/any(t: t/email eq 'dana.lee@northwind.example')",
		"details/dealValue gt 100",
		"engagementId eq 'x''y'",
		"status eq 'unterminated",
		"((((",
		"team/any(t: t/x eq 1) or team/any(u: u/y ne '')",
		"status eq",
		"eq eq eq",
		"t/any(",
		"-1.5e10 eq status",
	} {
		f.Add(s)
	}
	svc := newFuzzService(f)
	docs := svc.Referrals()
	f.Fuzz(func(t *testing.T, s string) {
		e, err := parseFilter(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "invalid $filter") {
				t.Fatalf("error %q does not say the $filter is invalid", err)
			}
			return
		}
		if e == nil {
			if strings.TrimSpace(s) != "" {
				t.Fatalf("non-empty filter %q compiled to nothing", s)
			}
			return
		}
		for _, r := range docs {
			e.eval(filterEnv{doc: r.doc})
		}
	})
}

// FuzzPatchApply: a JSON Patch body sent to PATCH /referrals/{id}. A
// rejected patch leaves the referral exactly as it was; an accepted one leaves
// a referral that still validates, with the same id.
func FuzzPatchApply(f *testing.F) {
	for _, s := range []string{
		`[{"op":"replace","path":"/details/dealValue","value":"10000"}]`,
		`[{"op":"add","path":"/team/-","value":{"email":"a@b.example"}}]`,
		`[{"op":"add","path":"/team/0","value":{"email":"first@b.example"}}]`,
		`[{"op":"replace","path":"/status","value":"Closed"},{"op":"replace","path":"/substatus","value":"Won"}]`,
		`[{"op":"remove","path":"/notes"}]`,
		`[{"op":"replace","path":"/id","value":"x"}]`,
		`[{"op":"replace","path":"/team/99/email","value":"x"}]`,
		`[{"op":"add","path":"/team/01","value":{}}]`,
		`[{"op":"replace","path":"/customerProfile/address","value":7}]`,
		`[{"op":"replace","path":"/a~1b/~0c","value":null}]`,
		`[{"op":"replace","path":"/customerProfile","value":"flat"}]`,
		`[{"op":"replace","path":"/details","value":[]}]`,
		`[{"op":"replace","path":"/consent/consentToShareReferralWithMicrosoftSellers","value":false}]`,
		`[]`, `{}`, `[1]`, `null`, `[{"op":"replace"}]`, `[{"op":"add","path":""}]`,
	} {
		f.Add(s)
	}
	svc := newFuzzService(f)
	h := svc.ReferralsHandler()
	orig, ok := svc.Referral(r1)
	if !ok {
		f.Fatal("default scenario lacks referral r1")
	}
	f.Fuzz(func(t *testing.T, body string) {
		before, err := svc.PutReferral(orig) // each input starts from the same referral
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPatch, "https://api.partner.microsoft.com"+referralsBasePath+"/"+url.PathEscape(r1), strings.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tokUser)
		req.Header.Set("Content-Type", "application/json-patch+json")
		req.Header.Set("If-Match", before.ETag())
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		after, _ := svc.Referral(r1)
		switch {
		case rec.Code >= 500:
			t.Fatalf("server error %d for patch %q: %s", rec.Code, body, rec.Body.Bytes())
		case rec.Code >= 400:
			if after.ETag() != before.ETag() || !jsonEqual(after.doc, before.doc) {
				t.Fatalf("rejected patch %q (%d) changed the referral", body, rec.Code)
			}
		default:
			if after.ID() != r1 {
				t.Fatalf("patch %q changed the id to %q", body, after.ID())
			}
			if errs := validateReferral(after.doc); len(errs) > 0 {
				t.Fatalf("accepted patch %q left an invalid referral: %v", body, errs)
			}
			raw, err := encodeJSON(after.doc)
			if err != nil || !bytes.Contains(raw, []byte(`"eTag"`)) {
				t.Fatalf("stored referral does not encode with an eTag: %v", err)
			}
		}
	})
}

// newFuzzService is the emulator's Partner Center over the default scenario,
// served in-process (no listener, no webhook delivery).
func newFuzzService(f *testing.F) *Service {
	f.Helper()
	svc, err := New(verifier, DefaultScenario(), Options{SigningKey: testKey()})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(svc.Close)
	return svc
}

package partnercenter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

// benchService is a Partner Center with n referrals shaped like the sync
// benchmark's (internal/bench), created a second apart.
func benchService(b *testing.B, n int) (*Service, []string) {
	b.Helper()
	svc, err := New(verifier, Scenario{TenantID: DefaultTenantID}, Options{SigningKey: testKey()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(svc.Close)
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var ids []string
	for i := range n {
		id := fmt.Sprintf("b0000001-0000-4000-8000-%012x", i)
		ids = append(ids, id)
		r := MustParseReferral(fmt.Sprintf(`{"id":%q,"engagementId":"eng-%s","externalReferenceId":"ext-%d","name":"Scale Customer %d","status":"Active","substatus":"Accepted",
"type":"Shared","direction":"Incoming","createdDateTime":%q,"customerProfile":{"name":"Scale Customer %d","address":{"city":"Springfield","country":"US"},
"team":[{"firstName":"Pat","lastName":"Buyer","email":"pat%d@scale.example"}]},"details":{"notes":"n","dealValue":%d,"currency":"USD"}}`,
			id, id, i, i, formatReferralTime(base.Add(time.Duration(i)*time.Second)), i, i, 1000+i))
		if _, err := svc.PutReferral(r); err != nil {
			b.Fatal(err)
		}
	}
	return svc, ids
}

// listAll follows @odata.nextLink from first and returns the items seen.
func listAll(b *testing.B, h http.Handler, first string) int {
	n := 0
	for next := first; next != ""; {
		req := httptest.NewRequest("GET", next, nil)
		req.Header.Set("Authorization", "Bearer "+tokUser)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatalf("GET %s: %d %s", next, rec.Code, rec.Body.String())
		}
		var page struct {
			Value    []json.RawMessage `json:"value"`
			NextLink string            `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &page); err != nil {
			b.Fatal(err)
		}
		n += len(page.Value)
		next = page.NextLink
	}
	return n
}

// BenchmarkListReferralPages10k reads all 10,000 referrals in pages of 500
// with a $filter and a $select (as the sync engine does).
func BenchmarkListReferralPages10k(b *testing.B) {
	svc, _ := benchService(b, 10000)
	h := svc.ReferralsHandler()
	first := "https://pc.example" + referralsBasePath + "?" + url.Values{"$top": {"500"}, "$filter": {"updatedDateTime ge 2025-01-01T00:00:00Z"},
		"$select": {"id,eTag,name,status,customerProfile,details,createdDateTime,updatedDateTime"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if n := listAll(b, h, first); n != 10000 {
			b.Fatalf("%d referrals", n)
		}
	}
}

// BenchmarkListReferralKeyChunk10k is one "(id eq … or …)" query of 50 ids
// among 10,000 referrals.
func BenchmarkListReferralKeyChunk10k(b *testing.B) {
	svc, ids := benchService(b, 10000)
	h := svc.ReferralsHandler()
	var atoms []string
	for i := 0; i < 50; i++ {
		atoms = append(atoms, "id eq '"+ids[i*97]+"'")
	}
	first := "https://pc.example" + referralsBasePath + "?" + url.Values{"$top": {"500"}, "$filter": {"(" + strings.Join(atoms, " or ") + ")"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if n := listAll(b, h, first); n != 50 {
			b.Fatalf("%d referrals", n)
		}
	}
}

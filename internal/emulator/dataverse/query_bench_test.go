package dataverse

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const benchOrg = "https://org.example"

// benchAccounts is an organisation with n accounts (limits lifted).
func benchAccounts(b *testing.B, n int) (http.Handler, []string) {
	b.Helper()
	svc, err := New(fakeVerifier{}, DefaultScenario(), Options{OrgURL: func() string { return benchOrg }, EnvironmentID: testEnv})
	if err != nil {
		b.Fatal(err)
	}
	svc.SetLimits(Limits{Requests: 1 << 30, ExecutionTimeMS: 1 << 40, Concurrent: 1000})
	var ids []string
	for i := range n {
		id, err := svc.CreateRecord("accounts", map[string]any{"name": fmt.Sprintf("Scale Customer %d", i), "address1_city": "Springfield",
			"address1_line1": fmt.Sprintf("%d Main St", i), "address1_postalcode": fmt.Sprintf("%05d", i), "address1_country": "US"})
		if err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	return svc.Handler(), ids
}

func queryAll(b *testing.B, h http.Handler, first string) int {
	n := 0
	for next := first; next != ""; {
		req := httptest.NewRequest("GET", next, nil)
		req.Header.Set("Authorization", "Bearer "+benchOrg+"|a0000000-0000-4000-8000-000000000001")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("OData-MaxVersion", "4.0")
		req.Header.Set("OData-Version", "4.0")
		req.Header.Set("Prefer", "odata.maxpagesize=5000")
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

// BenchmarkQueryKeyChain10k is one "(accountid eq … or …)" query of 500
// ids among 10,000 accounts (the sync engine's key lookups).
func BenchmarkQueryKeyChain10k(b *testing.B) {
	h, ids := benchAccounts(b, 10000)
	var atoms []string
	for i := 0; i < 500; i++ {
		atoms = append(atoms, "accountid eq "+ids[i*19])
	}
	first := benchOrg + "/api/data/v9.2/accounts?" + url.Values{"$select": {"name,address1_city"}, "$filter": {"(" + strings.Join(atoms, " or ") + ")"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if n := queryAll(b, h, first); n != 500 {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkQueryNameChain10k is the same over a non-key column (name).
func BenchmarkQueryNameChain10k(b *testing.B) {
	h, _ := benchAccounts(b, 10000)
	var atoms []string
	for i := 0; i < 500; i++ {
		atoms = append(atoms, fmt.Sprintf("name eq 'Scale Customer %d'", i*19))
	}
	first := benchOrg + "/api/data/v9.2/accounts?" + url.Values{"$select": {"name"}, "$filter": {"(" + strings.Join(atoms, " or ") + ")"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if n := queryAll(b, h, first); n != 500 {
			b.Fatalf("%d rows", n)
		}
	}
}

// BenchmarkQueryAllPages10k reads all accounts in pages of 5000.
func BenchmarkQueryAllPages10k(b *testing.B) {
	h, _ := benchAccounts(b, 10000)
	first := benchOrg + "/api/data/v9.2/accounts?" + url.Values{"$select": {"name,address1_city,address1_line1,address1_postalcode,address1_country"}, "$filter": {"address1_city ne null"}}.Encode()
	b.ReportAllocs()
	for b.Loop() {
		if n := queryAll(b, h, first); n < 10000 {
			b.Fatalf("%d rows", n)
		}
	}
}

package partnercenter

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// naiveListing is the list query without snapshot, indexes or cache: filter
// every stored referral, order by creation, then re-sort by $orderby. The
// cached listing must always equal it.
func naiveListing(s *Service, filter filterExpr, order []orderKey) []string {
	var matched []Referral
	for _, r := range s.Referrals() {
		if filter == nil || filter.eval(filterEnv{doc: r.doc}) {
			matched = append(matched, r)
		}
	}
	sort.SliceStable(matched, func(i, j int) bool {
		for _, k := range order {
			a, b := matched[i].time("/"+k.prop), matched[j].time("/"+k.prop)
			if c := a.Compare(b); c != 0 {
				return (c < 0) != k.desc
			}
		}
		return matched[i].ID() < matched[j].ID()
	})
	out := make([]string, len(matched))
	for i, r := range matched {
		out[i] = r.ID()
	}
	return out
}

func listingIDs(s *Service, filterSrc, orderSrc string, t *testing.T) []string {
	t.Helper()
	f, err := parseFilter(filterSrc)
	if err != nil {
		t.Fatalf("parseFilter(%q): %v", filterSrc, err)
	}
	o, err := parseOrderBy(orderSrc)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range s.listing(filterSrc, orderSrc, f, o) {
		out = append(out, r.ID())
	}
	if want := naiveListing(s, f, o); !slices.Equal(out, want) {
		t.Fatalf("listing(%q, %q) = %v\nwant (naive) %v", filterSrc, orderSrc, out, want)
	}
	return out
}

// TestListingEqualsNaiveQueryOverRandomStoresAndFilters checks the indexed,
// cached listing against the naive query on random referrals (mixed-case
// keys, missing and non-string values, equal timestamps) and random filters
// of the shapes the indexes narrow (key chains, and/or with other terms),
// with writes between queries.
func TestListingEqualsNaiveQueryOverRandomStoresAndFilters(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 11))
	e := newEnv(t, Scenario{TenantID: DefaultTenantID}, Options{})
	s := e.svc
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	statuses := []string{"New", "Active", "Closed"}
	ext := func(i int) string { return fmt.Sprintf("Ext-%02d", i) }
	put := func(i int) {
		doc := map[string]any{
			"id":              fmt.Sprintf("id-%03d", i),
			"status":          statuses[rng.IntN(3)],
			"createdDateTime": formatReferralTime(base.Add(time.Duration(rng.IntN(20)) * time.Hour)),
			"updatedDateTime": formatReferralTime(base.Add(time.Duration(rng.IntN(20)) * time.Minute)),
		}
		switch rng.IntN(4) {
		case 0: // absent
		case 1:
			doc["externalReferenceId"] = nil
		case 2:
			doc["externalReferenceId"] = 42.0 // not a string: never equal
		default:
			doc["externalReferenceId"] = ext(rng.IntN(30))
		}
		if _, err := s.PutReferral(Referral{doc: doc}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 120 {
		put(i)
	}
	chain := func(field string, vals ...string) string {
		var atoms []string
		for _, v := range vals {
			atoms = append(atoms, field+" eq '"+v+"'")
		}
		return "(" + strings.Join(atoms, " or ") + ")"
	}
	randKeys := func(n int, f func(int) string) []string {
		var out []string
		for range n {
			v := f(rng.IntN(150)) // some do not exist
			if rng.IntN(3) == 0 {
				v = strings.ToUpper(v) // equality ignores case
			}
			out = append(out, v)
		}
		return out
	}
	idOf := func(i int) string { return fmt.Sprintf("id-%03d", i) }
	extOf := func(i int) string { return ext(i % 40) }
	for round := range 60 {
		filters := []string{
			"",
			"status eq 'Active'",
			chain("id", randKeys(8, idOf)...),
			chain("externalReferenceId", randKeys(8, extOf)...),
			chain("id", randKeys(5, idOf)...) + " and status eq 'New'",
			"status ne 'Closed' and " + chain("externalReferenceId", randKeys(5, extOf)...),
			chain("id", randKeys(4, idOf)...) + " or " + chain("externalReferenceId", randKeys(4, extOf)...),
			chain("id", randKeys(4, idOf)...) + " or status eq 'Closed'",
			"updatedDateTime ge 2026-01-01T00:07:00Z",
			"externalReferenceId eq null or " + chain("externalReferenceId", randKeys(3, extOf)...),
		}
		orders := []string{"", "createdDateTime desc", "updatedDateTime", "updatedDateTime desc,createdDateTime"}
		for _, f := range filters {
			o := orders[rng.IntN(len(orders))]
			listingIDs(s, f, o, t)
			listingIDs(s, f, o, t) // cached
		}
		// A write between queries: change, create or remove referrals.
		switch round % 3 {
		case 0:
			put(rng.IntN(150))
		case 1:
			s.UpdateReferral(idOf(rng.IntN(120)), func(r *Referral) {
				r.doc["externalReferenceId"] = ext(rng.IntN(30))
				r.doc["status"] = statuses[rng.IntN(3)]
			})
		default:
			s.DeleteReferral(idOf(rng.IntN(150)))
		}
	}
}

// TestListingCacheIsInvalidatedByWrites: a cached listing is not served
// after a write that changes its result (HTTP PATCH, PutReferral,
// DeleteReferral).
func TestListingCacheIsInvalidatedByWrites(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	list := func() []string {
		t.Helper()
		r := e.do("GET", e.referrals("?"+url.Values{"$filter": {"status eq 'Active'"}}.Encode()), tokUser, nil)
		expectStatus(t, r, 200)
		return ids(t, r.json(t))
	}
	before := list()
	if !slices.Contains(before, r1) {
		t.Fatalf("r1 should be active: %v", before)
	}
	if again := list(); !slices.Equal(again, before) {
		t.Fatalf("unchanged store, listing changed: %v then %v", before, again)
	}

	// A partner PATCH closes r1: it leaves the listing.
	get := e.do("GET", e.referrals("/"+r1), tokUser, nil)
	patch := `[{"op":"replace","path":"/status","value":"Closed"},{"op":"replace","path":"/substatus","value":"Won"}]`
	r := e.do("PATCH", e.referrals("/"+r1), tokUser, patch, "Content-Type", "application/json-patch+json", "If-Match", get.header.Get("ETag"))
	expectStatus(t, r, 204)
	if after := list(); slices.Contains(after, r1) {
		t.Fatalf("closed r1 still listed as Active: %v", after)
	}

	// A referral changed inside Partner Center becomes active: it appears.
	if _, ok := e.svc.UpdateReferral(r2, func(r *Referral) { r.doc["status"], r.doc["substatus"] = "Active", "Accepted" }); !ok {
		t.Fatal("r2 missing")
	}
	if after := list(); !slices.Contains(after, r2) {
		t.Fatalf("activated r2 not listed: %v", after)
	}

	// A removed referral disappears.
	e.svc.DeleteReferral(r2)
	if after := list(); slices.Contains(after, r2) {
		t.Fatalf("deleted r2 still listed: %v", after)
	}
}

// TestListWriteBetweenPagesShiftsLaterPages: pages are offsets into the
// query re-run on the store as it is, so a referral created before the
// offset between two pages shifts the next page by one (the last item of
// page 1 is served again), and one removed before it shifts the other way
// (an item is skipped) — exactly as without the listing cache.
func TestListWriteBetweenPagesShiftsLaterPages(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	first := e.do("GET", e.referrals("?$top=3"), tokUser, nil).json(t)
	if got := ids(t, first); !slices.Equal(got, []string{r5, r6, r3}) {
		t.Fatalf("page 1 = %v", got)
	}
	next, _ := first["@odata.nextLink"].(string)

	// An older referral than all others appears at the front.
	early := MustParseReferral(`{"id":"00000000-0000-4000-8000-0000000000aa","status":"New","createdDateTime":"2020-01-01T00:00:00Z"}`)
	if _, err := e.svc.PutReferral(early); err != nil {
		t.Fatal(err)
	}
	second := e.do("GET", next, tokUser, nil).json(t)
	if got := ids(t, second); !slices.Equal(got, []string{r3, r7, r1}) {
		t.Fatalf("page 2 after a front insert = %v, want [r3 r7 r1] (shifted by one)", got)
	}
	next, _ = second["@odata.nextLink"].(string)

	// Two referrals before the offset disappear: the offset (6) now points
	// past the end, so r2 and r4 are never served.
	e.svc.DeleteReferral(early.ID())
	e.svc.DeleteReferral(r5)
	third := e.do("GET", next, tokUser, nil).json(t)
	if got := ids(t, third); len(got) != 0 || third["@odata.nextLink"] != nil {
		t.Fatalf("page 3 after two removals = %v (nextLink %v), want empty and last", got, third["@odata.nextLink"])
	}
}

// TestPageAndReferralEncodingMatchEncodingJSON: the hand-written encoders
// of a list page and a referral give the bytes encoding/json gives.
func TestPageAndReferralEncodingMatchEncodingJSON(t *testing.T) {
	std := func(v any) string {
		var b strings.Builder
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(v); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSuffix(b.String(), "\n")
	}
	var docs []any
	for _, r := range DefaultScenario().Referrals {
		docs = append(docs, r.doc, project(r.doc, []string{"id", "details", "missing"}))
	}
	n := 7
	for _, p := range []listPage{
		{Context: "https://h/v1.0/engagements/$metadata#Referrals", Value: []any{}},
		{Context: "c <&>", Count: &n, Value: docs, NextLink: "https://h/x?$skiptoken=abc&d"},
		{Value: nil},
	} {
		got, err := p.AppendJSON(nil)
		if err != nil || string(got) != std(p) {
			t.Fatalf("page encoding differs (err %v):\n got %s\nwant %s", err, got, std(p))
		}
	}
	for _, r := range append(DefaultScenario().Referrals, Referral{}) {
		got, err := r.AppendJSON(nil)
		if err != nil || string(got) != std(r) {
			t.Fatalf("referral encoding differs (err %v):\n got %s\nwant %s", err, got, std(r))
		}
	}
}

package partnercenter

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Seed referral ids (DefaultScenario), named by what distinguishes them.
const (
	r1 = "7d0f5b8e-1a2b-4c3d-9e8f-112233445566" // US Outgoing Independent Active/Accepted, sample 1
	r2 = "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293" // DE Incoming Shared New/Received, sample 2
	r3 = "2f6a9c1e-3b4d-4e5f-8a7b-9c0d1e2f3a4b" // GB Outgoing Shared Active/Accepted, co-sell
	r4 = "e3f4a5b6-c7d8-4e9f-a0b1-c2d3e4f5a6b7" // US Incoming Independent New/Received, marketplace lead
	r5 = "8a9b0c1d-2e3f-4a5b-9c6d-7e8f9a0b1c2d" // DE Outgoing Independent Closed/Won
	r6 = "5b6c7d8e-9f0a-4b1c-8d2e-3f4a5b6c7d8e" // US Incoming Shared Closed/Declined
	r7 = "61d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f" // GB Incoming Shared Active/Accepted: Microsoft's related referral of r3's engagement
)

func ids(t *testing.T, page map[string]any) []string {
	t.Helper()
	vals, ok := page["value"].([]any)
	if !ok {
		t.Fatalf("page has no value array: %v", page)
	}
	var out []string
	for _, v := range vals {
		out = append(out, v.(map[string]any)["id"].(string))
	}
	return out
}

func TestDefaultScenarioContainsTheSampleReferralsVerbatim(t *testing.T) {
	raw, err := os.ReadFile("testdata/referrals-list-page.json")
	if err != nil {
		t.Fatal(err)
	}
	var page struct{ Value []Referral }
	if err := decodeJSON(raw, &page); err != nil {
		t.Fatal(err)
	}
	seeded := map[string]Referral{}
	for _, r := range DefaultScenario().Referrals {
		seeded[r.ID()] = r
	}
	if len(seeded) != 7 {
		t.Fatalf("default scenario has %d referrals, want 7", len(seeded))
	}
	for _, want := range page.Value {
		got, ok := seeded[want.ID()]
		if !ok || !jsonEqual(got.doc, want.doc) {
			t.Errorf("sample referral %s is not seeded verbatim", want.ID())
		}
	}
	// The mix the brief asks for.
	seen := map[string]bool{}
	for _, r := range seeded {
		for _, v := range []string{r.Direction(), r.Status(), r.Country(), r.Type()} {
			seen[v] = true
		}
	}
	for _, v := range []string{"Incoming", "Outgoing", "New", "Active", "Closed", "US", "DE", "GB", "Shared", "Independent"} {
		if !seen[v] {
			t.Errorf("no seeded referral has %s", v)
		}
	}
}

func TestListDefaultOrderContextAndHeaders(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	r := e.do("GET", e.referrals(""), tokUser, nil, "MS-CorrelationId", "c0bcf3a3-46e9-48fd-8e05-f674b8fd5d66")
	expectStatus(t, r, 200)
	if got := r.header.Get("MS-CorrelationId"); got != "c0bcf3a3-46e9-48fd-8e05-f674b8fd5d66" {
		t.Errorf("MS-CorrelationId not echoed: %q", got)
	}
	if r.header.Get("MS-RequestId") == "" {
		t.Error("MS-RequestId missing")
	}
	page := r.json(t)
	if want := []string{r5, r6, r3, r7, r1, r2, r4}; !slices.Equal(ids(t, page), want) {
		t.Errorf("default order = %v, want createdDateTime asc %v", ids(t, page), want)
	}
	if ctx, _ := page["@odata.context"].(string); !strings.HasSuffix(ctx, "/v1.0/engagements/$metadata#Referrals") {
		t.Errorf("@odata.context = %q", ctx)
	}
	if _, ok := page["@odata.nextLink"]; ok {
		t.Error("nextLink on a complete page")
	}
	if _, ok := page["@odata.count"]; ok {
		t.Error("@odata.count without $count=true")
	}
}

func TestListPagesThroughAllReferralsWithTopAndNextLink(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	next := e.referrals("?$top=2&$count=true")
	var all []string
	pages := 0
	for next != "" {
		r := e.do("GET", next, tokUser, nil)
		expectStatus(t, r, 200)
		page := r.json(t)
		pages++
		got := ids(t, page)
		if len(got) > 2 {
			t.Fatalf("page of %d with $top=2", len(got))
		}
		if c, _ := numberOf(page["@odata.count"]); c != 7 {
			t.Errorf("@odata.count = %v, want 7 on every page", page["@odata.count"])
		}
		all = append(all, got...)
		next, _ = page["@odata.nextLink"].(string)
		if next != "" {
			u, err := url.Parse(next)
			if err != nil || u.Scheme != "https" || u.Path != referralsBasePath || "https://"+u.Host != e.ref.URL {
				t.Fatalf("nextLink %q is not an absolute https link to %s on the emulator host", next, referralsBasePath)
			}
			if q := u.Query(); len(q) != 1 || q.Get("$skiptoken") == "" {
				t.Fatalf("nextLink %q should carry only $skiptoken", next)
			}
		}
	}
	if pages != 4 {
		t.Errorf("pages = %d, want 4", pages)
	}
	if want := []string{r5, r6, r3, r7, r1, r2, r4}; !slices.Equal(all, want) {
		t.Errorf("paged ids = %v, want %v", all, want)
	}
}

func TestListKeepsFilterAndOrderAcrossPages(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	next := e.referrals("?" + url.Values{"$filter": {"direction eq 'Incoming'"}, "$orderby": {"updatedDateTime desc"}, "$top": {"1"}}.Encode())
	var all []string
	for next != "" {
		r := e.do("GET", next, tokUser, nil)
		expectStatus(t, r, 200)
		page := r.json(t)
		all = append(all, ids(t, page)...)
		next, _ = page["@odata.nextLink"].(string)
	}
	if want := []string{r4, r2, r7, r6}; !slices.Equal(all, want) {
		t.Errorf("incoming by updatedDateTime desc = %v, want %v", all, want)
	}
}

func TestListPageSizeDefaultAndCap(t *testing.T) {
	sc := DefaultScenario()
	sc.PageSize, sc.MaxPageSize = 4, 5
	e := newEnv(t, sc, Options{})
	page := e.do("GET", e.referrals(""), tokUser, nil).json(t)
	if n := len(ids(t, page)); n != 4 || page["@odata.nextLink"] == nil {
		t.Errorf("default page: %d items, nextLink %v; want 4 and a nextLink", n, page["@odata.nextLink"])
	}
	page = e.do("GET", e.referrals("?$top=1000"), tokUser, nil).json(t)
	if n := len(ids(t, page)); n != 5 {
		t.Errorf("$top=1000 gave %d items, want the cap 5", n)
	}
	page = e.do("GET", e.referrals("?$top=0&$count=true"), tokUser, nil).json(t)
	if n := len(ids(t, page)); n != 0 || page["@odata.nextLink"] != nil {
		t.Errorf("$top=0 gave %d items / nextLink %v", n, page["@odata.nextLink"])
	}
	if DefaultPageSize != 100 || MaxPageSize != 500 {
		t.Errorf("documented defaults changed: %d/%d", DefaultPageSize, MaxPageSize)
	}
}

func TestListSkipAndSelect(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	page := e.do("GET", e.referrals("?$skip=4"), tokUser, nil).json(t)
	if got := ids(t, page); !slices.Equal(got, []string{r1, r2, r4}) {
		t.Errorf("$skip=4 = %v", got)
	}
	page = e.do("GET", e.referrals("?$select=id,name&$top=1"), tokUser, nil).json(t)
	item := page["value"].([]any)[0].(map[string]any)
	if len(item) != 2 || item["id"] != r5 || item["name"] == nil {
		t.Errorf("$select=id,name gave %v", item)
	}
}

func TestListQueryErrors(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	page := e.do("GET", e.referrals("?$top=1&$filter="+url.QueryEscape("status eq 'New'")), tokUser, nil).json(t)
	next, _ := page["@odata.nextLink"].(string)
	for name, tc := range map[string]struct{ query, fragment string }{
		"bad $top":           {"?$top=ten", "$top"},
		"negative $top":      {"?$top=-1", "$top"},
		"$expand":            {"?$expand=team", "$expand"},
		"unknown option":     {"?$search=x", "$search"},
		"$count not boolean": {"?$count=yes", "$count"},
		"garbage skiptoken":  {"?$skiptoken=bm90LWpzb24", "skiptoken"},
		"malformed query":    {"?$top=%zz", "malformed"},
		"$orderby on name":   {"?$orderby=name%20asc", "name"},
		"$orderby direction": {"?$orderby=createdDateTime%20sideways", "asc or desc"},
		"nested $select":     {"?$select=customerProfile/name", "top-level"},
		"skiptoken + filter": {strings.TrimPrefix(next, e.ref.URL+referralsBasePath) + "&$filter=" + url.QueryEscape("status eq 'Closed'"), "differ"},
		"skiptoken + $skip":  {strings.TrimPrefix(next, e.ref.URL+referralsBasePath) + "&$skip=1", "differ"},
	} {
		t.Run(name, func(t *testing.T) {
			expectPCError(t, e.do("GET", e.referrals(tc.query), tokUser, nil), 400, tc.fragment)
		})
	}
	// Repeating the same options next to the token is accepted.
	r := e.do("GET", next+"&$filter="+url.QueryEscape("status eq 'New'")+"&$top=1", tokUser, nil)
	expectStatus(t, r, 200)
	if got := ids(t, r.json(t)); !slices.Equal(got, []string{r4}) {
		t.Errorf("second page = %v, want [%s]", got, r4)
	}
}

func TestFilterOperators(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	for _, tc := range []struct {
		filter string
		want   []string // in default order: r5 r6 r3 r7 r1 r2 r4
	}{
		{"status eq 'New'", []string{r2, r4}},
		{"status ne 'Closed'", []string{r3, r7, r1, r2, r4}},
		{"direction eq 'incoming'", []string{r6, r7, r2, r4}}, // case-insensitive
		{"createdDateTime ge 2026-09-12T08:00:00Z", []string{r1, r2, r4}},
		{"createdDateTime gt 2026-09-12T08:00:00Z", []string{r2, r4}},
		{"createdDateTime le '2026-07-01T14:00:00Z'", []string{r5, r6}},
		{"createdDateTime lt 2026-07-01T14:00:00Z", []string{r5}},
		{"updatedDateTime ge 2026-09-28T00:00:00+02:00", []string{r3, r7, r2, r4}},
		{"status eq 'New' and qualification eq 'SalesQualified'", []string{r2}},
		{"(direction eq 'Incoming' and substatus eq 'Received')", []string{r2, r4}},
		{"customerProfile/address/country eq 'US'", []string{r6, r1, r4}},
		{"type eq 'Shared' and team/any(t:t/email eq 'dana.lee@northwind.example')", []string{r3}},
		{"team/any(m: m/email eq 'DANA.LEE@northwind.example')", []string{r3, r1}},
		{"engagementId eq 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d'", []string{r1}},
		{"externalReferenceId eq null", []string{r6, r7, r2, r4}},
		{"externalReferenceId ne null", []string{r5, r3, r1}},
		{"substatus eq 'Won' or (status eq 'New' and customerProfile/address/country eq 'DE')", []string{r5, r2}},
		{"status eq 'Closed' or status eq 'New' and type eq 'Independent'", []string{r5, r6, r4}}, // and binds tighter
		{"details/dealValue gt 90000", []string{r6, r3, r7}},
		{"details/dealValue ge 90000", []string{r6, r3, r7, r2}},
		{"target/any(x:x/id eq 'msft')", []string{r6, r7, r2}},
		{"qualification eq 'Direct'", []string{r4}},
		{"name eq 'O''Brien'", nil},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			r := e.do("GET", e.referrals("?$filter="+url.QueryEscape(tc.filter)), tokUser, nil)
			expectStatus(t, r, 200)
			if got := ids(t, r.json(t)); !slices.Equal(got, tc.want) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestFilterRejectsUnsupportedSyntax(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	for _, tc := range []struct{ filter, fragment string }{
		{"contains(name,'Toys')", "not supported"},
		{"not status eq 'New'", "not"},
		{"status eq New", "quote"},
		{"foo eq 'x'", "foo"},
		{"status has 'New'", "has"},
		{"status in ('New','Active')", "in"},
		{"createdDateTime ge 'yesterday'", "date-time"},
		{"createdDateTime ge 2026-13-45", "date-time"},
		{"status eq 'New' and", "end of expression"},
		{"(status eq 'New'", "')'"},
		{"team/all(t:t/email eq 'x@y')", "all"},
		{"status/any(t:t eq 'x')", "collection"},
		{"team/any(t:email eq 'x@y')", "t/<property>"},
		{"details/dealValue gt 'a lot'", "numeric"},
		{"status gt null", "null"},
		{"status eq 'unterminated", "unterminated"},
	} {
		t.Run(tc.filter, func(t *testing.T) {
			expectPCError(t, e.do("GET", e.referrals("?$filter="+url.QueryEscape(tc.filter)), tokUser, nil), 400, tc.fragment)
		})
	}
}

func TestOrderBy(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	for _, tc := range []struct {
		orderby string
		want    []string
	}{
		{"createdDateTime desc", []string{r4, r2, r1, r7, r3, r6, r5}},
		{"createdDateTime asc", []string{r5, r6, r3, r7, r1, r2, r4}},
		{"updatedDateTime desc", []string{r4, r2, r7, r3, r1, r5, r6}},
		{"updatedDateTime", []string{r6, r5, r1, r3, r7, r2, r4}},
	} {
		r := e.do("GET", e.referrals("?$orderby="+url.QueryEscape(tc.orderby)), tokUser, nil)
		expectStatus(t, r, 200)
		if got := ids(t, r.json(t)); !slices.Equal(got, tc.want) {
			t.Errorf("$orderby=%s: got %v, want %v", tc.orderby, got, tc.want)
		}
	}
}

func TestGetReferral(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	r := e.do("GET", e.referrals("/"+r1), tokUser, nil)
	expectStatus(t, r, 200)
	body := r.json(t)
	if body["eTag"] != `"0a00f1e2-0000-0000-0000-66ed9a2c0000"` || r.header.Get("ETag") != body["eTag"] {
		t.Errorf("eTag %v / ETag header %q", body["eTag"], r.header.Get("ETag"))
	}
	if body["consent"].(map[string]any)["consentToToShareInfoWithOthers"] != false {
		t.Error("unknown-to-the-emulator field spelling did not round-trip")
	}
	m := expectPCError(t, e.do("GET", e.referrals("/00000000-0000-0000-0000-000000000000"), tokUser, nil), 404, "not found")
	if m["source"] != errorSource {
		t.Errorf("source = %v", m["source"])
	}
	r = e.do("DELETE", e.referrals("/"+r1), tokUser, nil)
	expectPCError(t, r, 405, "DELETE")
	if r.header.Get("Allow") != "GET, PATCH, PUT" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}
}

func TestReferralsAuth(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	for name, tc := range map[string]struct {
		token  string
		status int
	}{
		"no token":               {"", 401},
		"bad signature":          {"forged", 401},
		"webhooks audience":      {tokWhUser, 401},
		"graph audience":         {tokWrongAud, 401},
		"app-only (user needed)": {tokApp, 403},
	} {
		t.Run(name, func(t *testing.T) {
			r := e.do("GET", e.referrals(""), tc.token, nil)
			expectStatus(t, r, tc.status)
			if r.header.Get("MS-CorrelationId") == "" {
				t.Error("error response lacks MS-CorrelationId")
			}
		})
	}
	r := e.do("GET", e.referrals(""), tokWhUser, nil)
	if d := r.json(t)["description"].(string); !strings.Contains(d, "https://api.partner.microsoft.com") {
		t.Errorf("wrong-audience message should name the referrals audience: %q", d)
	}
}

func TestCombinedHandlerRoutesBothAPIs(t *testing.T) {
	svc, err := New(verifier, DefaultScenario(), Options{SigningKey: testKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	h := svc.Handler()
	for path, tok := range map[string]string{referralsBasePath: tokUser, webhooksBasePath + "/registration/events": tokWhApp} {
		rec := httptest.NewRecorder()
		req, _ := http.NewRequest("GET", "https://emulator"+path, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		h.ServeHTTP(rec, req)
		if rec.Code != 200 {
			t.Errorf("GET %s = %d: %s", path, rec.Code, rec.Body)
		}
	}
}

func TestMetricsSeeRoutePatternsThroughTheHandlers(t *testing.T) {
	svc, err := New(verifier, DefaultScenario(), Options{SigningKey: testKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	m := core.NewMetrics()
	faults := core.NewFaultInjector(1)
	h := m.Middleware("referrals", faults.Middleware("referrals", svc.WriteError, svc.ReferralsHandler()))
	for _, path := range []string{referralsBasePath + "/" + r1, referralsBasePath + "/" + r2} {
		req := httptest.NewRequest("GET", "https://emulator"+path, nil)
		req.Header.Set("Authorization", "Bearer "+tokUser)
		h.ServeHTTP(httptest.NewRecorder(), req)
	}
	snap := m.Snapshot()
	if len(snap) != 1 || snap[0].Route != "GET "+referralsBasePath+"/{id}" || snap[0].Count != 2 || snap[0].Status != 200 {
		t.Errorf("metrics = %+v", snap)
	}
}

func TestScenarioJSONRoundTrip(t *testing.T) {
	raw, err := json.Marshal(DefaultScenario())
	if err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{`"tenant_id"`, `"organization_id"`, `"referrals"`, `"consentToToShareInfoWithOthers"`} {
		if !strings.Contains(string(raw), key) {
			t.Errorf("scenario JSON lacks %s", key)
		}
	}
	var sc Scenario
	if err := json.Unmarshal([]byte(`{"referrals":[{"id":"x","name":"n","unknown":{"a":[1]}}],"deliver_events":true,"page_size":2,
		"registration":{"webhook_url":"https://example.com/cb","webhook_events":["test-created"]}}`), &sc); err != nil {
		t.Fatal(err)
	}
	svc, err := New(verifier, sc, Options{SigningKey: testKey()})
	if err != nil {
		t.Fatal(err)
	}
	defer svc.Close()
	if r, ok := svc.Referral("x"); !ok || r.ETag() == "" || r.String("/createdDateTime") == "" {
		t.Errorf("seeded referral lacks server fields: %v", r)
	}
	if _, err := New(verifier, Scenario{Referrals: []Referral{MustParseReferral(`{"name":"no id"}`)}}, Options{SigningKey: testKey()}); err == nil {
		t.Error("a seeded referral without id should be rejected")
	}
}

package dataverse

import (
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// seedAccounts adds n accounts named "Q000".."Q{n-1}" with revenue-like data.
func seedAccounts(t *testing.T, h *harness, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		if _, err := h.svc.CreateRecord("accounts", map[string]any{"name": fmt.Sprintf("Q%03d", i),
			"address1_city": []string{"Seattle", "Munich", "london"}[i%3], "accountnumber": fmt.Sprintf("%d", i%4)}); err != nil {
			t.Fatal(err)
		}
	}
}

func names(rows []map[string]any, col string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i], _ = r[col].(string)
	}
	return out
}

func TestSelectFilterOrderTop(t *testing.T) {
	h := newDefault(t)
	seedAccounts(t, h, 9)
	r := h.must(h.do("GET", "accounts?$select=name&$filter=startswith(name,'q00') and address1_city eq 'LONDON'&$orderby=name desc", nil), 200)
	if got := strings.Join(names(r.values(), "name"), ","); got != "Q008,Q005,Q002" {
		t.Fatalf("got %s", got)
	}
	for _, row := range r.values() {
		if len(row) != 3 || row["accountid"] == nil || row["@odata.etag"] == nil {
			t.Fatalf("$select must give only name + pk + etag: %v", row)
		}
	}
	if ctx, _ := r.body["@odata.context"].(string); !strings.HasSuffix(ctx, "/api/data/v9.2/$metadata#accounts(name)") {
		t.Fatalf("context %q", ctx)
	}
	r = h.must(h.do("GET", "accounts?$select=name,accountnumber&$filter=startswith(name,'Q')&$orderby=accountnumber asc,name desc&$top=3", nil), 200)
	if got := strings.Join(names(r.values(), "name"), ","); got != "Q008,Q004,Q000" {
		t.Fatalf("multi-key order: %s", got)
	}
	if r.body["@odata.nextLink"] != nil {
		t.Fatal("$top must not page")
	}
	cases := map[string]int{
		"contains(name,'q00') and not (accountnumber eq '1' or accountnumber eq '2')": 5,
		"name eq 'Q001' or name eq 'q002'":                                            2,
		"name ne 'Q001' and startswith(name,'Q')":                                     8,
		"endswith(name,'7')":                                                          1,
		"accountnumber eq null":                                                       4, // seeded accounts have none
		"accountnumber ne null":                                                       9,
		"name gt 'Q006' and name le 'Q008'":                                           2,
		"_parentaccountid_value eq null and name eq 'Q003'":                           1,
		"name eq 'it''s'":                                                             0,
	}
	for f, want := range cases {
		r := h.must(h.do("GET", "accounts?$select=name&$filter="+url.QueryEscape(f), nil), 200)
		if n := len(r.values()); n != want {
			t.Errorf("$filter=%s: %d rows, want %d", f, n, want)
		}
	}
}

func TestFilterTypesAndLookups(t *testing.T) {
	h := newDefault(t)
	cases := map[string]int{
		"estimatedvalue gt 40000":                                       3,
		"estimatedvalue ge 15000 and estimatedvalue lt 48000":           2,
		"statecode eq 1":                                                1,
		"msft_microsoftpartnercenterreferralsync eq true":               3,
		"estimatedclosedate lt 2027-01-01":                              2,
		"createdon ge 2026-10-01T00:00:00Z":                             5,
		"_parentaccountid_value eq " + AccountTailspin:                  2,
		"_parentaccountid_value eq " + strings.ToUpper(AccountTailspin): 2,
		"parentaccountid/accountid eq " + AccountContoso:                1,
		"parentaccountid/name eq 'tailspin toys'":                       2,
		"_transactioncurrencyid_value ne " + CurrencyUSD:                3,
	}
	for f, want := range cases {
		r := h.must(h.do("GET", "opportunities?$select=name&$filter="+url.QueryEscape(f), nil), 200)
		if n := len(r.values()); n != want {
			t.Errorf("$filter=%s: %d rows, want %d", f, n, want)
		}
	}
	bad := map[string]string{
		"nosuch eq 1": codeUnknownProperty,
		"name eq 5":   codeUnknownProperty,
		"_parentaccountid_value eq '" + AccountTailspin + "'": codeUnknownProperty,
		"contains(estimatedvalue,'1')":                        codeUnknownProperty,
		"name eq 'unterminated":                               codeUnknownProperty,
		"name eq":                                             codeUnknownProperty,
	}
	for f, code := range bad {
		h.mustErr(h.do("GET", "opportunities?$filter="+url.QueryEscape(f), nil), 400, code)
	}
	r := h.mustErr(h.do("GET", "opportunities?$select=name,nosuch", nil), 400, codeUnknownProperty)
	if r.errMsg() != "Could not find a property named 'nosuch' on type 'Microsoft.Dynamics.CRM.opportunity'." {
		t.Fatalf("message %q", r.errMsg())
	}
	h.mustErr(h.do("GET", "opportunities?$orderby=nosuch", nil), 400, codeUnknownProperty)
	// Query options are case-sensitive.
	h.mustErr(h.do("GET", "opportunities?$Select=name", nil), 400, codeUnknownProperty)
	h.mustErr(h.do("GET", "opportunities?$skip=2", nil), 400, codeUnknownProperty)
}

func TestCount(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("GET", "opportunities?$select=name&$count=true&$filter=statecode eq 0", nil, "Prefer: odata.maxpagesize=1"), 200)
	if num(r.body["@odata.count"]) != 4 || len(r.values()) != 1 {
		t.Fatalf("count %v, rows %d", r.body["@odata.count"], len(r.values()))
	}
}

func TestPagingFollowsNextLinkVerbatim(t *testing.T) {
	h := newDefault(t)
	seedAccounts(t, h, 25)
	link := h.srv.URL + "/api/data/v9.2/accounts?$select=name&$filter=startswith(name,'Q')&$orderby=name%20asc"
	var got []string
	pages := 0
	for link != "" {
		r := h.must(h.do("GET", link, nil, "Prefer: odata.maxpagesize=10"), 200)
		pages++
		if pa := r.header.Get("Preference-Applied"); pa != "odata.maxpagesize=10" {
			t.Fatalf("Preference-Applied %q", pa)
		}
		got = append(got, names(r.values(), "name")...)
		link, _ = r.body["@odata.nextLink"].(string)
		if link != "" {
			if !strings.HasPrefix(link, h.srv.URL+"/api/data/v9.2/accounts?") || !strings.Contains(link, "$skiptoken=%3Ccookie%20pagenumber=") {
				t.Fatalf("nextLink %q", link)
			}
			if pages == 1 {
				// Insert a row that sorts before the cursor: the next page must not shift.
				if _, err := h.svc.CreateRecord("accounts", map[string]any{"name": "Q000a"}); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	if pages != 3 || len(got) != 25 {
		t.Fatalf("%d pages, %d rows: %v", pages, len(got), got)
	}
	for i := 1; i < len(got); i++ {
		if got[i-1] >= got[i] {
			t.Fatalf("not ordered or duplicated at %d: %v", i, got)
		}
	}
	// Default page size and cap.
	r := h.must(h.do("GET", "accounts?$select=name", nil, "Prefer: odata.maxpagesize=9999"), 200)
	if r.header.Get("Preference-Applied") != "odata.maxpagesize=5000" || r.body["@odata.nextLink"] != nil {
		t.Fatalf("cap: %q %v", r.header.Get("Preference-Applied"), r.body["@odata.nextLink"])
	}
	h.mustErr(h.do("GET", "accounts?$select=name&$skiptoken=garbage", nil), 400, codeUnknownProperty)
}

func TestPagingWithoutOrderByUsesPrimaryKey(t *testing.T) {
	h := newDefault(t)
	seedAccounts(t, h, 7)
	seen := map[string]bool{}
	link := "accounts?$select=name"
	for link != "" {
		r := h.must(h.do("GET", link, nil, "Prefer: odata.maxpagesize=4"), 200)
		for _, row := range r.values() {
			id := row["accountid"].(string)
			if seen[id] {
				t.Fatalf("row %s served twice", id)
			}
			seen[id] = true
		}
		link, _ = r.body["@odata.nextLink"].(string)
	}
	if len(seen) != 11 { // 4 seeded + 7
		t.Fatalf("saw %d rows", len(seen))
	}
}

func TestAnnotations(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("GET", "opportunities("+OpportunityTailspin+")?$select=estimatedvalue,statecode,_parentaccountid_value,estimatedclosedate,msft_microsoftpartnercenterreferralsync",
		nil, `Prefer: odata.include-annotations="*"`), 200)
	want := map[string]any{
		"estimatedvalue@OData.Community.Display.V1.FormattedValue":                          "$48,000.00",
		"statecode@OData.Community.Display.V1.FormattedValue":                               "Open",
		"_parentaccountid_value@Microsoft.Dynamics.CRM.lookuplogicalname":                   "account",
		"_parentaccountid_value@OData.Community.Display.V1.FormattedValue":                  "Tailspin Toys",
		"_parentaccountid_value@Microsoft.Dynamics.CRM.associatednavigationproperty":        "parentaccountid",
		"estimatedclosedate@OData.Community.Display.V1.FormattedValue":                      "12/15/2026",
		"msft_microsoftpartnercenterreferralsync@OData.Community.Display.V1.FormattedValue": "Yes",
		"_transactioncurrencyid_value@Microsoft.Dynamics.CRM.lookuplogicalname":             "transactioncurrency",
	}
	for k, v := range want {
		if r.body[k] != v {
			t.Errorf("%s = %v, want %v", k, r.body[k], v)
		}
	}
	if r.header.Get("Preference-Applied") != `odata.include-annotations="*"` {
		t.Fatalf("Preference-Applied %q", r.header.Get("Preference-Applied"))
	}
	// Only the requested annotation family.
	r = h.must(h.do("GET", "opportunities("+OpportunityContoso+")?$select=estimatedvalue,_customerid_value", nil,
		`Prefer: odata.include-annotations="Microsoft.Dynamics.CRM.lookuplogicalname"`), 200)
	if r.body["_customerid_value@Microsoft.Dynamics.CRM.lookuplogicalname"] != "account" {
		t.Fatalf("lookuplogicalname missing: %v", r.body)
	}
	if _, ok := r.body["estimatedvalue@OData.Community.Display.V1.FormattedValue"]; ok {
		t.Fatal("formatted value not asked for")
	}
	// Without the preference: no annotations.
	r = h.must(h.do("GET", "opportunities("+OpportunityContoso+")?$select=estimatedvalue", nil), 200)
	for k := range r.body {
		if strings.Contains(k, "@") && !strings.HasPrefix(k, "@") {
			t.Fatalf("unexpected annotation %s", k)
		}
	}
	// Euro formatting uses the row's currency.
	r = h.must(h.do("GET", "opportunities("+OpportunityContoso+")?$select=estimatedvalue", nil, `Prefer: odata.include-annotations="*"`), 200)
	if r.body["estimatedvalue@OData.Community.Display.V1.FormattedValue"] != "€120,000.00" {
		t.Fatalf("EUR format %v", r.body["estimatedvalue@OData.Community.Display.V1.FormattedValue"])
	}
}

func TestSampleShapeMatches(t *testing.T) {
	// The sample page's row is served with the same values.
	h := newDefault(t)
	r := h.must(h.do("GET", "opportunities?$select=opportunityid,name,estimatedvalue,estimatedclosedate,statecode,statuscode,_parentaccountid_value&$filter=opportunityid eq "+OpportunityTailspin, nil), 200)
	rows := r.values()
	if len(rows) != 1 {
		t.Fatalf("rows %v", rows)
	}
	row := rows[0]
	if row["name"] != "Tailspin Toys - Dynamics 365 Sales rollout ✔" || num(row["estimatedvalue"]) != 48000 ||
		row["estimatedclosedate"] != "2026-12-15" || row["_parentaccountid_value"] != AccountTailspin ||
		row["_transactioncurrencyid_value"] != CurrencyUSD {
		t.Fatalf("sample row %v", row)
	}
}

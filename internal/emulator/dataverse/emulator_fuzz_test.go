package dataverse

import (
	"net/http"
	"net/url"
	"testing"
	"time"
)

// FuzzRecordFilter: $filter and $orderby of a record query, parsed against
// the opportunity and account tables and evaluated over their rows. Invalid
// input is a 4xx/501 API error, never a panic.
func FuzzRecordFilter(f *testing.F) {
	for _, s := range []string{
		"name eq 'Contoso'",
		"estimatedvalue gt 1000 and statecode eq 0",
		"not (statecode eq 1) or contains(name,'x''y')",
		"_parentaccountid_value eq 00000000-0000-0000-0000-000000000001",
		"modifiedon ge 2026-01-01T00:00:00Z and createdon le 2026-12-31",
		"startswith(name,'A') and endswith(name,'Z')",
		"1000 lt estimatedvalue",
		"parentaccountid/name eq 'Fabrikam'",
		"estimatedvalue eq null",
		"name eq Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'",
		"(((name eq 'a')",
		"name eq 'unterminated",
		"contains(name)",
		"name eq 1e400",
		"unknownfield eq 1",
		"tolower(name) eq 'x'",
		"name eq name",
	} {
		f.Add(s, "name asc")
	}
	f.Add("", "estimatedvalue desc,name")
	f.Add("", "nosuchcolumn")
	svc, err := New(fakeVerifier{}, DefaultScenario(), Options{
		OrgURL: func() string { return "https://org.crm.dynamics.com" }, EnvironmentID: testEnv,
		Now: func() time.Time { return time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC) },
	})
	if err != nil {
		f.Fatal(err)
	}
	acct, err := svc.CreateRecord("accounts", map[string]any{"name": "Fabrikam", "address1_postalcode": "98052"})
	if err != nil {
		f.Fatal(err)
	}
	for i, v := range []any{1000, 0, nil} {
		rec := map[string]any{"name": []string{"A deal Z", "O'Brien", "Ω"}[i], "parentaccountid@odata.bind": "/accounts(" + acct + ")"}
		if v != nil {
			rec["estimatedvalue"] = v
		}
		if _, err := svc.CreateRecord("opportunities", rec); err != nil {
			f.Fatal(err)
		}
	}
	f.Fuzz(func(t *testing.T, filter, orderBy string) {
		q := url.Values{}
		if filter != "" {
			q.Set("$filter", filter)
		}
		if orderBy != "" {
			q.Set("$orderby", orderBy)
		}
		svc.mu.RLock()
		defer svc.mu.RUnlock()
		for _, set := range []string{"opportunities", "accounts"} {
			tbl := svc.schema.bySet(set)
			o, e := svc.parseRecordQuery(q, tbl)
			if e != nil {
				if e.Status < http.StatusBadRequest || e.Status >= 600 || e.Status == http.StatusInternalServerError {
					t.Fatalf("%s: filter %q orderby %q: status %d: %v", set, filter, orderBy, e.Status, e.Message)
				}
				continue
			}
			for _, id := range svc.sortedIDs(tbl.LogicalName) {
				rec := svc.data[tbl.LogicalName][id]
				if o.filter != nil {
					o.filter.eval(func(p *fProp) any { return svc.recordValue(rec, p) })
				}
				svc.sortKey(rec, tbl, o.order)
			}
		}
	})
}

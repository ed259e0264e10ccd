package dataverse

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestQueryFollowsNextLinkVerbatim(t *testing.T) {
	sample := string(readFile(t, "testdata/dataverse-opportunities-page.json"))
	var srv *server
	srv = newServer(t,
		func(w http.ResponseWriter, r *http.Request) {
			// Point the sample's nextLink at this server, keeping it otherwise verbatim.
			reply(200, strings.Replace(sample, "https://contoso.crm.dynamics.com", srv.URL, -1), "Preference-Applied", "odata.maxpagesize=1")(w, r)
		},
		reply(200, `{"value":[{"@odata.etag":"W/\"1\"","opportunityid":"`+newID1+`","name":"Second","statecode":1}]}`),
	)
	c := srv.client()
	var pages [][]Record
	err := c.Query(context.Background(), "opportunities", Query{
		Select:             []string{"opportunityid", "name", "estimatedvalue", "estimatedclosedate", "statecode", "statuscode", "_parentaccountid_value"},
		Filter:             EqString("name", "Tailspin's") + " and statecode eq 0",
		OrderBy:            "name asc,estimatedvalue desc",
		MaxPageSize:        1,
		Count:              true,
		IncludeAnnotations: "*",
	}, func(p []Record) error { pages = append(pages, p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || len(pages[0]) != 1 || len(pages[1]) != 1 {
		t.Fatalf("pages = %v", pages)
	}
	first, second := srv.req(t, 0), srv.req(t, 1)
	if first.Method != "GET" || first.Path != "/api/data/v9.2/opportunities" {
		t.Errorf("%s %s", first.Method, first.Path)
	}
	assertODataHeaders(t, first)
	assertODataHeaders(t, second)
	want := map[string]string{
		"$select":  "opportunityid,name,estimatedvalue,estimatedclosedate,statecode,statuscode,_parentaccountid_value",
		"$filter":  "name eq 'Tailspin''s' and statecode eq 0",
		"$orderby": "name asc,estimatedvalue desc",
		"$count":   "true",
	}
	for k, v := range want {
		if got := first.Query[k]; len(got) != 1 || got[0] != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if _, ok := first.Query["$top"]; ok {
		t.Errorf("$top must not be sent with maxpagesize")
	}
	assertHeader(t, first.Header, "Prefer", `odata.maxpagesize=1,odata.include-annotations="*"`)
	assertHeader(t, second.Header, "Prefer", `odata.maxpagesize=1,odata.include-annotations="*"`)
	// The second request is the nextLink, byte for byte.
	wantRaw := sample[strings.Index(sample, "/api/data/v9.2/opportunities?")+len("/api/data/v9.2/opportunities?"):]
	wantRaw = wantRaw[:strings.IndexByte(wantRaw, '"')]
	if second.Path != "/api/data/v9.2/opportunities" || second.RawQuery != wantRaw {
		t.Errorf("nextLink not followed verbatim:\n got %s\nwant %s", second.RawQuery, wantRaw)
	}

	r := pages[0][0]
	if r.ETag() != `W/"4481273"` || r.String("opportunityid") != oppID || !strings.HasSuffix(r.String("name"), "✔") {
		t.Errorf("record = %v", r)
	}
	if r.Lookup("parentaccountid") != acctID || r.String(LookupKey("parentaccountid")+AnnotationLookupLogical) != "account" {
		t.Errorf("lookup = %q", r.Lookup("parentaccountid"))
	}
	if r.FormattedValue("estimatedvalue") != "$48,000.00" || r.FormattedValue("statecode") != "Open" {
		t.Errorf("formatted values")
	}
	if v, ok := r.Float("estimatedvalue"); !ok || v != 48000 {
		t.Errorf("estimatedvalue = %v", v)
	}
	if n, ok := r.Number("estimatedvalue"); !ok || n != "48000.0" {
		t.Errorf("exact number = %q", n)
	}
	if s, ok := r.Int("statecode"); !ok || s != 0 {
		t.Errorf("statecode = %v %v", s, ok)
	}
	if _, ok := r.Int("name"); ok {
		t.Errorf("Int on a string column")
	}
	if pages[1][0].String("name") != "Second" {
		t.Errorf("second page = %v", pages[1])
	}
}

func TestQueryRefusesForeignNextLinkAndBadOptions(t *testing.T) {
	// The sample as is: its nextLink is on contoso.crm.dynamics.com, not this org.
	srv := newServer(t, reply(200, string(readFile(t, "testdata/dataverse-opportunities-page.json"))))
	_, err := srv.client().QueryAll(context.Background(), "opportunities", Query{})
	if err == nil || !strings.Contains(err.Error(), "refusing") {
		t.Errorf("foreign nextLink: %v", err)
	}
	if len(srv.requests()) != 1 {
		t.Errorf("followed a foreign link")
	}
	c := New(http.DefaultClient, "https://org.example")
	if err := c.Query(context.Background(), "x", Query{Top: 5, MaxPageSize: 5}, nil); err == nil {
		t.Errorf("Top with MaxPageSize accepted")
	}
	if err := c.Query(context.Background(), "x", Query{MaxPageSize: 5001}, nil); err == nil {
		t.Errorf("MaxPageSize over 5000 accepted")
	}
}

func TestQueryTopAndCallbackError(t *testing.T) {
	srv := newServer(t, reply(200, `{"value":[{"a":1}]}`))
	boom := errors.New("stop")
	err := srv.client().Query(context.Background(), "accounts", Query{Top: 3, Select: []string{"name"}}, func([]Record) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("err = %v", err)
	}
	r := srv.req(t, 0)
	if r.RawQuery != "$select=name&$top=3" {
		t.Errorf("query = %s", r.RawQuery)
	}
	assertNoHeader(t, r.Header, "Prefer")
}

func TestGet(t *testing.T) {
	srv := newServer(t,
		reply(200, `{"@odata.context":"x","@odata.etag":"W/\"9\"","name":"A","revenue":1000.5}`),
		reply(404, `{"error":{"code":"0x80040217","message":"account With Id = x Does Not Exist"}}`),
		reply(200, `{"name":"B"}`),
	)
	c := srv.client()
	r, err := c.Get(context.Background(), "accounts", acctID, []string{"name", "revenue"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ETag() != `W/"9"` || r.String("name") != "A" {
		t.Errorf("record = %v", r)
	}
	q := srv.req(t, 0)
	if q.Method != "GET" || q.Path != "/api/data/v9.2/accounts("+acctID+")" || q.RawQuery != "$select=name,revenue" {
		t.Errorf("%s %s?%s", q.Method, q.Path, q.RawQuery)
	}
	assertODataHeaders(t, q)

	_, err = c.Get(context.Background(), "accounts", acctID, nil)
	if !IsNotFound(err) {
		t.Fatalf("404 → %v", err)
	}
	e, _ := AsError(err)
	if e.Code != CodeObjectDoesNotExist || !strings.Contains(e.Message, "Does Not Exist") {
		t.Errorf("error = %+v", e)
	}

	// Alternate key: OData punctuation kept, spaces escaped.
	if _, err := c.Get(context.Background(), "accounts", "accountnumber='AB C'", nil); err != nil {
		t.Fatal(err)
	}
	if p := srv.req(t, 2).RawPath; p != "/api/data/v9.2/accounts(accountnumber='AB%20C')" {
		t.Errorf("alternate key path = %s", p)
	}
}

func TestCreateGeneratesKeyAndParsesEntityID(t *testing.T) {
	entityURL := "https://org.example/api/data/v9.2/opportunities(" + newID1 + ")"
	srv := newServer(t, reply(204, "", "OData-EntityId", entityURL))
	marker := &recordingMarker{}
	c := srv.client(Options{NewID: fixedIDs(newID1), MarkRetrySafe: marker.mark})
	rec := Record{"name": "Deal", "estimatedvalue": 1000, "@odata.etag": `W/"1"`}
	rec.Bind("customerid_account", "accounts", acctID)
	id, err := c.CreateInSolution(context.Background(), "opportunities", rec, "CosellSolution")
	if err != nil || id != newID1 {
		t.Fatalf("id=%q err=%v", id, err)
	}
	r := srv.req(t, 0)
	if r.Method != "POST" || r.Path != "/api/data/v9.2/opportunities" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertODataHeaders(t, r)
	assertHeader(t, r.Header, HeaderSolutionUniqueName, "CosellSolution")
	assertJSON(t, r.Body, `{"opportunityid":"`+newID1+`","name":"Deal","estimatedvalue":1000,
	  "customerid_account@odata.bind":"/accounts(`+acctID+`)"}`)
	if marker.count() != 1 {
		t.Errorf("create with a client key should be marked retry-safe")
	}
	if _, ok := rec["opportunityid"]; ok {
		t.Errorf("Create mutated the caller's record")
	}
}

func TestCreateIDFallbacks(t *testing.T) {
	srv := newServer(t,
		reply(204, "", "Location", "https://org.example/api/data/v9.2/accounts("+newID2+")"),
		reply(204, ""),
		reply(201, `{"accountid":"x"}`),
	)
	c := srv.client(Options{NewID: fixedIDs(newID1, newID1, newID1)})
	if id, err := c.Create(context.Background(), "accounts", Record{"name": "A"}); err != nil || id != newID2 {
		t.Errorf("Location fallback: %q %v", id, err)
	}
	if id, err := c.Create(context.Background(), "accounts", Record{"name": "A"}); err != nil || id != newID1 {
		t.Errorf("no header → generated id: %q %v", id, err)
	}
	// A caller-supplied key is sent as is.
	if id, err := c.Create(context.Background(), "accounts", Record{"accountid": newID2, "name": "A"}); err != nil || id != newID2 {
		t.Errorf("supplied key: %q %v", id, err)
	}
	if got := jsonMap(t, srv.req(t, 2).Body)["accountid"]; got != newID2 {
		t.Errorf("supplied key sent as %v", got)
	}
	if c.PrimaryKeyFor("accounts") != "accountid" {
		t.Errorf("pk")
	}
}

func TestCreateLooksBeforeRecreating(t *testing.T) {
	exists := reply(200, `{"opportunityid":"`+newID1+`"}`)
	missing := reply(404, `{"error":{"code":"0x80040217","message":"Does Not Exist"}}`)
	cases := []struct {
		name     string
		answer   http.HandlerFunc
		look     http.HandlerFunc
		supplied bool
		wantOK   bool
		wantLook bool
	}{
		{"5xx, created anyway", reply(503, `{"error":{"code":"","message":"Service unavailable"}}`), exists, false, true, true},
		{"5xx, not created", reply(500, `{"error":{"code":"","message":"boom"}}`), missing, false, false, true},
		{"duplicate of our own key (retried POST)", reply(412, `{"error":{"code":"0x80040237","message":"A record with matching key values already exists."}}`), exists, false, true, true},
		{"duplicate of a supplied key", reply(412, `{"error":{"code":"0x80040237","message":"A record with matching key values already exists."}}`), nil, true, false, false},
		{"plain 400", reply(400, `{"error":{"code":"0x80044331","message":"too long"}}`), nil, false, false, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			handlers := []http.HandlerFunc{tc.answer}
			if tc.look != nil {
				handlers = append(handlers, tc.look)
			}
			srv := newServer(t, handlers...)
			c := srv.client(Options{NewID: fixedIDs(newID1)})
			rec := Record{"name": "x"}
			if tc.supplied {
				rec["opportunityid"] = newID1
			}
			id, err := c.Create(context.Background(), "opportunities", rec)
			if tc.wantOK != (err == nil) {
				t.Fatalf("id=%q err=%v", id, err)
			}
			if tc.wantOK && id != newID1 {
				t.Errorf("id = %q", id)
			}
			if !tc.wantOK {
				if _, ok := AsError(err); !ok {
					t.Errorf("the original *Error should be returned, got %v", err)
				}
			}
			reqs := srv.requests()
			if tc.wantLook != (len(reqs) == 2) {
				t.Fatalf("look = %v, requests = %d", tc.wantLook, len(reqs))
			}
			if tc.wantLook {
				l := reqs[1]
				if l.Method != "GET" || l.Path != "/api/data/v9.2/opportunities("+newID1+")" || l.RawQuery != "$select=opportunityid" {
					t.Errorf("look = %s %s?%s", l.Method, l.Path, l.RawQuery)
				}
			}
		})
	}
}

// lossyDoer delivers the first POST but loses its answer, like a connection
// reset after the server committed.
type lossyDoer struct {
	inner Doer
	lost  bool
}

func (d *lossyDoer) Do(r *http.Request) (*http.Response, error) {
	resp, err := d.inner.Do(r)
	if err == nil && r.Method == http.MethodPost && !d.lost {
		d.lost = true
		resp.Body.Close()
		return nil, errors.New("connection reset by peer")
	}
	return resp, err
}

func TestCreateResolvesLostAnswerByLooking(t *testing.T) {
	srv := newServer(t, reply(204, "", "OData-EntityId", "x/accounts("+newID1+")"), reply(200, `{"accountid":"`+newID1+`"}`))
	c := New(&lossyDoer{inner: srv.Client()}, srv.URL, Options{NewID: fixedIDs(newID1)})
	id, err := c.Create(context.Background(), "accounts", Record{"name": "A"})
	if err != nil || id != newID1 {
		t.Fatalf("id=%q err=%v", id, err)
	}
	if n := len(srv.requests()); n != 2 {
		t.Errorf("requests = %d", n)
	}
}

func TestUpdate(t *testing.T) {
	srv := newServer(t, reply(204, ""), reply(204, ""), reply(412, `{"error":{"code":"0x80060882","message":"The version of the existing record doesn't match the RowVersion property provided."}}`))
	marker := &recordingMarker{}
	c := srv.client(Options{MarkRetrySafe: marker.mark})
	rec := Record{"name": "New name", "@odata.etag": `W/"5"`, "@odata.context": "x"}
	rec.Unbind("parentaccountid")
	if err := c.Update(context.Background(), "opportunities", oppID, rec, ""); err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if r.Method != "PATCH" || r.Path != "/api/data/v9.2/opportunities("+oppID+")" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertODataHeaders(t, r)
	assertHeader(t, r.Header, "If-Match", "*")
	assertJSON(t, r.Body, `{"name":"New name","parentaccountid@odata.bind":null}`)
	if marker.count() != 1 {
		t.Errorf("update should be marked retry-safe")
	}
	if err := c.Update(context.Background(), "opportunities", oppID, Record{"name": "x"}, `W/"5"`); err != nil {
		t.Fatal(err)
	}
	assertHeader(t, srv.req(t, 1).Header, "If-Match", `W/"5"`)
	err := c.Update(context.Background(), "opportunities", oppID, Record{"name": "x"}, `W/"4"`)
	if !IsPreconditionFailed(err) || IsDuplicate(err) {
		t.Errorf("412 mismatch → %v", err)
	}
	if err := c.Update(context.Background(), "opportunities", "", Record{}, ""); err == nil {
		t.Errorf("empty id accepted")
	}
}

func TestDelete(t *testing.T) {
	srv := newServer(t, reply(204, ""), reply(204, ""), reply(404, `{"error":{"code":"0x80040217","message":"gone"}}`))
	c := srv.client()
	if err := c.Delete(context.Background(), "opportunities", oppID, ""); err != nil {
		t.Fatal(err)
	}
	r := srv.req(t, 0)
	if r.Method != "DELETE" || r.Path != "/api/data/v9.2/opportunities("+oppID+")" || len(r.Body) != 0 {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertODataHeaders(t, r)
	assertNoHeader(t, r.Header, "If-Match")
	if err := c.Delete(context.Background(), "opportunities", oppID, `W/"7"`); err != nil {
		t.Fatal(err)
	}
	assertHeader(t, srv.req(t, 1).Header, "If-Match", `W/"7"`)
	if err := c.Delete(context.Background(), "opportunities", oppID, ""); !IsNotFound(err) {
		t.Errorf("404 → %v", err)
	}
}

func TestErrors(t *testing.T) {
	srv := newServer(t,
		reply(429, `{"error":{"code":"0x80072322","message":"Number of requests exceeded the limit of 6000 over time window of 300 seconds."}}`, "Retry-After", "17"),
		reply(400, `{"error":{"code":"0x80048d19","message":"An undeclared property 'parentcustomerid'","@Microsoft.PowerApps.CDS.ErrorDetails.OperationStatus":"0","@Microsoft.PowerApps.CDS.HelpLink":"http://go.microsoft.com/fwlink/?LinkID=398563"}}`),
		reply(412, `{"error":{"code":"","message":"A record with matching key values already exists."}}`),
		reply(409, `{"error":{"code":"","message":"conflict"}}`),
		reply(502, `<html>bad gateway</html>`, "Content-Type", "text/html"),
		reply(403, `{"error":{"code":"0x80040220","message":"Principal user is missing prvReadAccount privilege"}}`),
	)
	c := srv.client()
	get := func() error { _, err := c.Get(context.Background(), "accounts", acctID, nil); return err }

	err := get()
	e, _ := AsError(err)
	if !IsThrottled(err) || e.RetryAfter != 17*time.Second || e.Code != CodeThrottledRequests {
		t.Errorf("429 → %+v", e)
	}
	err = get()
	e, _ = AsError(err)
	if !IsBadRequest(err) || e.Code != CodeUndeclaredProperty || len(e.Annotations) != 2 || !strings.Contains(err.Error(), "undeclared property") {
		t.Errorf("400 → %+v", e)
	}
	if err = get(); !IsDuplicate(err) || IsPreconditionFailed(err) {
		t.Errorf("412 duplicate by message → %v", err)
	}
	if err = get(); !IsDuplicate(err) {
		t.Errorf("409 → %v", err)
	}
	err = get()
	e, _ = AsError(err)
	if e == nil || e.StatusCode != 502 || e.Body != "<html>bad gateway</html>" {
		t.Errorf("502 → %+v", e)
	}
	if err = get(); !IsForbidden(err) || IsNotFound(err) {
		t.Errorf("403 → %v", err)
	}
	if IsNotFound(errors.New("x")) || IsDuplicate(nil) || !IsNotFound(ErrNotFound) {
		t.Errorf("helpers on foreign errors")
	}
}

func TestPrimaryKeyFor(t *testing.T) {
	c := New(nil, "https://org.example", Options{PrimaryKeys: map[string]string{"activitypointers": "activityid"}})
	for set, want := range map[string]string{
		"opportunities":                  "opportunityid",
		"accounts":                       "accountid",
		"contacts":                       "contactid",
		"leads":                          "leadid",
		"transactioncurrencies":          "transactioncurrencyid",
		"environmentvariabledefinitions": "environmentvariabledefinitionid",
		"environmentvariablevalues":      "environmentvariablevalueid",
		"connectionreferences":           "connectionreferenceid",
		"workflows":                      "workflowid",
		"pfx_solutiondetails":            "pfx_solutiondetailid",
		"customeraddresses":              "customeraddressid",
		"boxes":                          "boxid",
		"activitypointers":               "activityid",
	} {
		if got := c.PrimaryKeyFor(set); got != want {
			t.Errorf("%s → %s, want %s", set, got, want)
		}
	}
}

func TestODataHelpers(t *testing.T) {
	if Quote("O'Brien's") != "'O''Brien''s'" || EqString("name", "a'b") != "name eq 'a''b'" {
		t.Errorf("quoting")
	}
	if f, err := EqGUID("_x_value", strings.ToUpper(oppID)); err != nil || f != "_x_value eq "+oppID {
		t.Errorf("EqGUID = %q %v", f, err)
	}
	if _, err := EqGUID("_x_value", "1 or 1 eq 1"); err == nil {
		t.Errorf("EqGUID accepted a non-GUID")
	}
	if idFromEntityURL("https://o/api/data/v9.2/EntityDefinitions(LogicalName='x')/Attributes("+newID1+")") != newID1 || idFromEntityURL("none") != "" {
		t.Errorf("idFromEntityURL")
	}
	r := Record{}
	r.Bind("EnvironmentVariableDefinitionId", "environmentvariabledefinitions", newID1)
	if r["EnvironmentVariableDefinitionId@odata.bind"] != "/environmentvariabledefinitions("+newID1+")" {
		t.Errorf("bind = %v", r)
	}
	if New(nil, "https://org.example/").APIURL() != "https://org.example/api/data/v9.2" {
		t.Errorf("APIURL")
	}
}

func TestEscapeQueryValueRoundTrips(t *testing.T) {
	in := "name eq 'a&b=c+d;e#f%g?h' and x/y eq 1,2 ✔"
	var q queryBuilder
	q.add("$filter", in)
	raw := q.String()
	if strings.ContainsAny(raw[len("$filter="):], " &=+;#?") {
		t.Errorf("unsafe characters left in %s", raw)
	}
	parsed, err := url.ParseQuery(raw)
	if err != nil || parsed.Get("$filter") != in {
		t.Errorf("round trip: %q %v", parsed.Get("$filter"), err)
	}
}

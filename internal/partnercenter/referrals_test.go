package partnercenter

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func assertPCHeaders(t *testing.T, r captured, wantBody bool) {
	t.Helper()
	assertHeader(t, r.Header, "Accept", "application/json")
	if !guidRE.MatchString(r.Header.Get(HeaderRequestID)) || !guidRE.MatchString(r.Header.Get(HeaderCorrelationID)) {
		t.Errorf("MS-RequestId %q / MS-CorrelationId %q must be GUIDs", r.Header.Get(HeaderRequestID), r.Header.Get(HeaderCorrelationID))
	}
	if r.Header.Get(HeaderRequestID) == r.Header.Get(HeaderCorrelationID) {
		t.Errorf("request and correlation ids should differ")
	}
	if r.Header.Get("Authorization") != "" {
		t.Errorf("the client must not authenticate; the Doer does")
	}
	if wantBody {
		assertHeader(t, r.Header, "Content-Type", "application/json")
	} else if r.Header.Get("Content-Type") != "" || len(r.Body) != 0 {
		t.Errorf("unexpected body/content type on %s", r.Method)
	}
}

func TestListPagesFollowsAndRebasesNextLink(t *testing.T) {
	sample := string(readFile(t, "testdata/referrals-list-page.json"))
	page2 := `{"value":[{"id":"third","status":"Closed","substatus":"Won","eTag":"\"3\""}]}`
	srv := newServer(t, reply(200, sample), reply(200, page2))
	rc := NewReferralsClient(srv.Client(), srv.URL+"/")

	filter := NewFilter().Status(StatusNew, StatusActive).Direction(DirectionIncoming).UpdatedSince(time.Date(2026, 9, 1, 0, 0, 0, 0, time.UTC))
	var pages [][]Referral
	err := rc.ListPages(context.Background(), ListOptions{
		Filter: filter.String(), OrderBy: "updatedDateTime desc", Top: 50, Select: []string{"id", "status", "eTag"},
	}, func(p []Referral) error { pages = append(pages, p); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if len(pages) != 2 || len(pages[0]) != 2 || len(pages[1]) != 1 || pages[1][0].ID != "third" || pages[1][0].ETag != `"3"` {
		t.Fatalf("pages = %+v", pages)
	}
	reqs := srv.requests()
	first, second := reqs[0], reqs[1]
	if first.Method != "GET" || first.Path != "/v1.0/engagements/referrals" {
		t.Errorf("first request %s %s", first.Method, first.Path)
	}
	assertPCHeaders(t, first, false)
	wantQ := map[string]string{
		"$filter":  "(status eq 'New' or status eq 'Active') and direction eq 'Incoming' and updatedDateTime ge 2026-09-01T00:00:00Z",
		"$orderby": "updatedDateTime desc",
		"$top":     "50",
		"$select":  "id,status,eTag",
	}
	for k, v := range wantQ {
		if got := first.Query[k]; len(got) != 1 || got[0] != v {
			t.Errorf("query %s = %q, want %q", k, got, v)
		}
	}
	if strings.Contains(first.RawQuery, "+") || !strings.Contains(first.RawQuery, "$filter=") {
		t.Errorf("raw query %q: want literal $ and %%20 for spaces", first.RawQuery)
	}
	// The documented nextLink is http://api.partner.microsoft.com/v1.0/referrals?$skiptoken=…
	// It must be rebased onto the configured server and path, query kept verbatim.
	if second.Path != "/v1.0/engagements/referrals" || second.RawQuery != "$skiptoken=eyJvZmZzZXQiOjJ9" {
		t.Errorf("second request %s?%s", second.Path, second.RawQuery)
	}
	assertPCHeaders(t, second, false)
}

func TestListCollectsAllPagesAndHonoursTop(t *testing.T) {
	p1 := `{"value":[{"id":"a"},{"id":"b"}],"@odata.nextLink":"https://elsewhere.example/v1.0/referrals?$skiptoken=2"}`
	p2 := `{"value":[{"id":"c"},{"id":"d"}]}`
	srv := newServer(t, reply(200, p1), reply(200, p2))
	rc := NewReferralsClient(srv.Client(), srv.URL)
	all, err := rc.List(context.Background(), ListOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ids := referralIDs(all); ids != "a,b,c,d" {
		t.Errorf("ids = %s", ids)
	}
	if srv.requests()[0].RawQuery != "" {
		t.Errorf("empty options should send no query, got %q", srv.requests()[0].RawQuery)
	}

	srv2 := newServer(t, reply(200, p1), reply(200, p2))
	some, err := NewReferralsClient(srv2.Client(), srv2.URL).List(context.Background(), ListOptions{Top: 3})
	if err != nil {
		t.Fatal(err)
	}
	if ids := referralIDs(some); ids != "a,b,c" {
		t.Errorf("Top 3 ids = %s", ids)
	}
}

func TestListAcceptsBareArray(t *testing.T) {
	srv := newServer(t, reply(200, `[{"id":"a"}]`))
	all, err := NewReferralsClient(srv.Client(), srv.URL).List(context.Background(), ListOptions{})
	if err != nil || referralIDs(all) != "a" {
		t.Fatalf("%v %v", all, err)
	}
}

func TestListStopsOnRepeatedNextLinkAndCallbackError(t *testing.T) {
	loop := `{"value":[{"id":"a"}],"@odata.nextLink":"http://x/v1.0/referrals?$skiptoken=same"}`
	srv := newServer(t, reply(200, loop), reply(200, loop))
	_, err := NewReferralsClient(srv.Client(), srv.URL).List(context.Background(), ListOptions{})
	if err == nil || !strings.Contains(err.Error(), "repeated nextLink") {
		t.Errorf("err = %v", err)
	}

	srv2 := newServer(t, reply(200, loop))
	boom := errors.New("boom")
	err = NewReferralsClient(srv2.Client(), srv2.URL).ListPages(context.Background(), ListOptions{}, func([]Referral) error { return boom })
	if !errors.Is(err, boom) {
		t.Errorf("callback error not returned: %v", err)
	}

	srv3 := newServer(t, reply(200, `{"value":[],"@odata.nextLink":"http://x/v1.0/referrals"}`))
	if _, err := NewReferralsClient(srv3.Client(), srv3.URL).List(context.Background(), ListOptions{}); err == nil {
		t.Errorf("a nextLink without continuation query should be an error")
	}
}

func referralIDs(rs []Referral) string {
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.ID
	}
	return strings.Join(ids, ",")
}

func TestGet(t *testing.T) {
	srv := newServer(t,
		reply(200, `{"id":"r 1","name":"N","eTag":"\"body\""}`, "ETag", `"header"`),
		reply(200, `{"id":"r2","name":"N"}`, "ETag", `"header"`),
	)
	rc := NewReferralsClient(srv.Client(), srv.URL)
	r, err := rc.Get(context.Background(), "r 1")
	if err != nil {
		t.Fatal(err)
	}
	if r.ETag != `"body"` {
		t.Errorf("body eTag should win, got %q", r.ETag)
	}
	r2, err := rc.Get(context.Background(), "r2")
	if err != nil {
		t.Fatal(err)
	}
	if r2.ETag != `"header"` {
		t.Errorf("header ETag fallback, got %q", r2.ETag)
	}
	reqs := srv.requests()
	if reqs[0].Method != "GET" || reqs[0].Path != "/v1.0/engagements/referrals/r 1" || reqs[1].Path != "/v1.0/engagements/referrals/r2" {
		t.Errorf("paths %q %q", reqs[0].Path, reqs[1].Path)
	}
	assertPCHeaders(t, reqs[0], false)
	if _, err := rc.Get(context.Background(), " "); err == nil {
		t.Errorf("empty id accepted")
	}
}

func TestGetNotFoundError(t *testing.T) {
	srv := newServer(t, reply(404, `{"code":"600","description":"Referral not found","data":[],"source":"Referrals"}`, HeaderCorrelationID, "corr-from-server"))
	_, err := NewReferralsClient(srv.Client(), srv.URL).Get(context.Background(), "nope")
	if !IsNotFound(err) || IsConflict(err) || IsPreconditionFailed(err) {
		t.Fatalf("err = %v", err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatal("not *Error")
	}
	sent := srv.only(t).Header.Get(HeaderRequestID)
	if e.StatusCode != 404 || e.Code != "600" || e.Description != "Referral not found" || e.Source != "Referrals" ||
		e.CorrelationID != "corr-from-server" || e.RequestID != sent {
		t.Errorf("error = %+v", e)
	}
	if !strings.Contains(e.Error(), "Referral not found") || !strings.Contains(e.Error(), "corr-from-server") {
		t.Errorf("message = %s", e.Error())
	}
}

func TestCreate(t *testing.T) {
	for _, status := range []int{http.StatusOK, http.StatusCreated} {
		created := `{"id":"new-id","engagementId":"eng","name":"Deal","status":"New","substatus":"Pending","eTag":"\"e1\"","target":[]}`
		srv := newServer(t, reply(status, created))
		marker := &recordingMarker{}
		rc := NewReferralsClient(srv.Client(), srv.URL, Options{MarkRetrySafe: marker.mark})
		in := &Referral{
			Name: "Deal", Type: TypeIndependent, Qualification: QualificationSalesQualified,
			ExternalReferenceID: "3b9f2d4e-6a7c-4e8b-9d0f-a1b2c3d4e5f6",
			CustomerProfile:     &CustomerProfile{Name: "Contoso", Address: &Address{Country: "US"}, Team: []Member{{FirstName: "A", LastName: "B", Email: "a@b.example"}}},
			Consent:             &Consent{ConsentToContact: true},
			Details: &Details{DealValue: "1000.50", Currency: "USD", Requirements: &Requirements{
				Solutions: []SolutionTag{{ID: "SOL-1", Type: "Name"}},
				AdditionalRequirements: &AdditionalRequirements{Attributes: []Attribute{
					{ID: MarketplaceIntentHaveNotDecided, Type: AttributeTypeCustomerMarketplaceIntent}}},
			}},
		}
		out, err := rc.Create(context.Background(), in)
		if err != nil {
			t.Fatalf("status %d: %v", status, err)
		}
		if out.ID != "new-id" || out.ETag != `"e1"` || out.Substatus != SubstatusPending {
			t.Errorf("created = %+v", out)
		}
		r := srv.only(t)
		if r.Method != "POST" || r.Path != "/v1.0/engagements/referrals" {
			t.Errorf("%s %s", r.Method, r.Path)
		}
		assertPCHeaders(t, r, true)
		if marker.count() != 1 {
			t.Errorf("create must be marked retry-safe")
		}
		body := mustJSON(t, r.Body).(map[string]any)
		if body["type"] != "Independent" || body["qualification"] != "SalesQualified" || body["name"] != "Deal" {
			t.Errorf("body = %s", r.Body)
		}
		if _, ok := body["id"]; ok {
			t.Errorf("empty id must not be sent: %s", r.Body)
		}
		if tgt, ok := body["target"].([]any); !ok || len(tgt) != 0 {
			t.Errorf("target should be [] in a create body: %s", r.Body)
		}
		consent := body["consent"].(map[string]any)
		for _, k := range []string{"consentToToShareInfoWithOthers", "consentToContact", "consentToShareReferralWithMicrosoftSellers"} {
			if _, ok := consent[k]; !ok {
				t.Errorf("consent.%s must always be written: %v", k, consent)
			}
		}
		if !strings.Contains(string(r.Body), `"dealValue":1000.50`) {
			t.Errorf("dealValue should be a JSON number: %s", r.Body)
		}
		if !strings.Contains(string(r.Body), `"attributes":[{"id":"HaveNotDecided","type":"CustomerMarketplaceIntent"}]`) {
			t.Errorf("marketplace intent: %s", r.Body)
		}
	}
}

// retryingDoer behaves like a transport that re-sends a request once after
// an ambiguous failure: same *http.Request headers, body rewound via GetBody.
type retryingDoer struct{ inner Doer }

func (d retryingDoer) Do(req *http.Request) (*http.Response, error) {
	resp, err := d.inner.Do(req)
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	again := req.Clone(req.Context())
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	again.Body = body
	return d.inner.Do(again)
}

func TestCreateRetryReusesRequestID(t *testing.T) {
	srv := newServer(t, reply(503, `{"statusCode":503,"message":"busy"}`), reply(201, `{"id":"x"}`))
	rc := NewReferralsClient(retryingDoer{srv.Client()}, srv.URL)
	if _, err := rc.Create(context.Background(), &Referral{Name: "n"}); err != nil {
		t.Fatal(err)
	}
	reqs := srv.requests()
	if len(reqs) != 2 {
		t.Fatalf("want 2 attempts, got %d", len(reqs))
	}
	if reqs[0].Header.Get(HeaderRequestID) != reqs[1].Header.Get(HeaderRequestID) || string(reqs[0].Body) != string(reqs[1].Body) || len(reqs[1].Body) == 0 {
		t.Errorf("retry must resend the same MS-RequestId and body")
	}

	// A second logical call gets a new request id.
	srv2 := newServer(t, reply(201, `{"id":"x"}`), reply(201, `{"id":"y"}`))
	rc2 := NewReferralsClient(srv2.Client(), srv2.URL)
	_, _ = rc2.Create(context.Background(), &Referral{Name: "n"})
	_, _ = rc2.Create(context.Background(), &Referral{Name: "n"})
	if r := srv2.requests(); r[0].Header.Get(HeaderRequestID) == r[1].Header.Get(HeaderRequestID) {
		t.Errorf("each logical call needs a new MS-RequestId")
	}
}

func TestPatch(t *testing.T) {
	updated := `{"id":"r1","status":"Closed","substatus":"Won","eTag":"\"e2\""}`
	srv := newServer(t, reply(200, updated), reply(204, ""), reply(412, `{"code":"412","description":"Precondition failed"}`))
	marker := &recordingMarker{}
	rc := NewReferralsClient(srv.Client(), srv.URL, Options{MarkRetrySafe: marker.mark})
	ops := []PatchOp{Replace("/status", StatusClosed), Replace("/substatus", SubstatusWon), Replace("/details/notes", nil)}
	out, err := rc.Patch(context.Background(), "r1", ops, `"e1"`)
	if err != nil {
		t.Fatal(err)
	}
	if out == nil || out.ETag != `"e2"` || out.Substatus != SubstatusWon {
		t.Errorf("out = %+v", out)
	}
	r := srv.requests()[0]
	if r.Method != "PATCH" || r.Path != "/v1.0/engagements/referrals/r1" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertPCHeaders(t, r, true)
	assertHeader(t, r.Header, "If-Match", `"e1"`)
	assertHeader(t, r.Header, "Prefer", "return=representation")
	want := `[{"op":"replace","path":"/status","value":"Closed"},{"op":"replace","path":"/substatus","value":"Won"},{"op":"replace","path":"/details/notes","value":null}]`
	if string(r.Body) != want {
		t.Errorf("body = %s\nwant   %s", r.Body, want)
	}
	if marker.count() != 1 {
		t.Errorf("replace-only patch should be marked retry-safe")
	}

	// 204 without etag: no If-Match, nil result; append is not retry-safe.
	out, err = rc.Patch(context.Background(), "r1", []PatchOp{Append("/team", Member{Email: "x@y.example"})}, "")
	if err != nil || out != nil {
		t.Fatalf("204: out=%v err=%v", out, err)
	}
	r = srv.requests()[1]
	if _, ok := r.Header["If-Match"]; ok {
		t.Errorf("If-Match sent without an etag")
	}
	if string(r.Body) != `[{"op":"add","path":"/team/-","value":{"email":"x@y.example"}}]` {
		t.Errorf("append body = %s", r.Body)
	}
	if marker.count() != 1 {
		t.Errorf("an array append must not be marked retry-safe")
	}

	_, err = rc.Patch(context.Background(), "r1", ops, `"stale"`)
	if !IsPreconditionFailed(err) {
		t.Errorf("412 → %v", err)
	}
}

func TestPatchRejectsUnsupportedOpsWithoutCalling(t *testing.T) {
	srv := newServer(t)
	rc := NewReferralsClient(srv.Client(), srv.URL)
	for name, ops := range map[string][]PatchOp{
		"none":    nil,
		"remove":  {{Op: "remove", Path: "/notes"}},
		"move":    {Replace("/status", "New"), {Op: "move", Path: "/a"}},
		"badpath": {Replace("status", "New")},
		"root":    {Replace("/", "x")},
	} {
		if _, err := rc.Patch(context.Background(), "r1", ops, ""); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if n := len(srv.requests()); n != 0 {
		t.Errorf("%d requests sent for invalid patches", n)
	}
}

func TestErrorBodies(t *testing.T) {
	cases := []struct {
		status  int
		body    string
		headers []string
		check   func(*Error, error) bool
	}{
		{429, `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}`, []string{"Retry-After", "57"},
			func(e *Error, err error) bool {
				return IsThrottled(err) && e.RetryAfter == 57*time.Second && strings.HasPrefix(e.Description, "Rate limit")
			}},
		{400, `{"code":2055,"description":"Etag is no longer valid"}`, nil,
			func(e *Error, err error) bool { return IsETagExpired(err) && e.Code == "2055" }},
		{409, `{"code":"409","description":"conflict"}`, nil,
			func(e *Error, err error) bool { return IsConflict(err) && !IsNotFound(err) }},
		{500, `upstream exploded`, nil,
			func(e *Error, err error) bool {
				return e.Body == "upstream exploded" && strings.Contains(err.Error(), "upstream exploded")
			}},
		{403, `{"error":{"code":"Forbidden","message":"app-only tokens are not supported"}}`, nil,
			func(e *Error, err error) bool {
				return e.Code == "Forbidden" && e.Description == "app-only tokens are not supported"
			}},
	}
	for _, c := range cases {
		srv := newServer(t, reply(c.status, c.body, c.headers...))
		_, err := NewReferralsClient(srv.Client(), srv.URL).Get(context.Background(), "x")
		var e *Error
		if !errors.As(err, &e) || e.StatusCode != c.status || !c.check(e, err) {
			t.Errorf("%d %s → %+v", c.status, c.body, e)
		}
	}
}

func TestRetryAfterDate(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if d := parseRetryAfter(now.Add(90*time.Second).Format(http.TimeFormat), now); d != 90*time.Second {
		t.Errorf("http-date Retry-After = %v", d)
	}
	if d := parseRetryAfter("soon", now); d != 0 {
		t.Errorf("garbage Retry-After = %v", d)
	}
}

func TestDefaultsAndDeterministicIDs(t *testing.T) {
	if NewReferralsClient(nil, "").BaseURL() != DefaultReferralsBaseURL || NewWebhooksClient(nil, "").BaseURL() != DefaultWebhooksBaseURL {
		t.Errorf("default base URLs")
	}
	n := 0
	srv := newServer(t, reply(200, `{"id":"x"}`))
	rc := NewReferralsClient(srv.Client(), srv.URL, Options{NewID: func() string { n++; return "id-" + string(rune('0'+n)) }})
	if _, err := rc.Get(context.Background(), "x"); err != nil {
		t.Fatal(err)
	}
	h := srv.only(t).Header
	if h.Get(HeaderRequestID) != "id-1" || h.Get(HeaderCorrelationID) != "id-2" {
		t.Errorf("ids %q %q", h.Get(HeaderRequestID), h.Get(HeaderCorrelationID))
	}
}

func TestPatchOpJSON(t *testing.T) {
	b, _ := json.Marshal(Add("/details/dealValue", "10000"))
	if string(b) != `{"op":"add","path":"/details/dealValue","value":"10000"}` {
		t.Errorf("%s", b)
	}
}

func TestCreateWithRequestIDSendsTheCallersID(t *testing.T) {
	srv := newServer(t, reply(201, `{"id":"x"}`), reply(201, `{"id":"x"}`))
	rc := NewReferralsClient(srv.Client(), srv.URL)
	const rid = "5f0c3a1e-7b2d-4c9e-8a6f-1d2e3f4a5b6c"
	for range 2 {
		if _, err := rc.CreateWithRequestID(context.Background(), &Referral{Name: "n"}, rid); err != nil {
			t.Fatal(err)
		}
	}
	for i, r := range srv.requests() {
		if got := r.Header.Get(HeaderRequestID); got != rid {
			t.Errorf("request %d: MS-RequestId %q, want %q", i, got, rid)
		}
	}
}

package dataverse

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

func TestRequestLimitSlidingWindow(t *testing.T) {
	h := newDefault(t)
	h.svc.SetLimits(Limits{Requests: 3})
	for i, want := range []string{"2", "1", "0"} {
		r := h.must(h.do("GET", "WhoAmI", nil), 200)
		if got := r.header.Get("x-ms-ratelimit-burst-remaining-xrm-requests"); got != want {
			t.Fatalf("request %d: burst remaining %q, want %q", i, got, want)
		}
		if r.header.Get("x-ms-ratelimit-time-remaining-xrm-requests") == "" {
			t.Fatal("no time-remaining header")
		}
		h.clock.Advance(10 * time.Second)
	}
	r := h.mustErr(h.do("GET", "WhoAmI", nil), 429, codeRequestsLimit)
	if r.header.Get("Retry-After") != "270" || r.errMsg() != "Number of requests exceeded the limit of 3 over time window of 300 seconds." {
		t.Fatalf("Retry-After %q, message %q", r.header.Get("Retry-After"), r.errMsg())
	}
	// Another caller has its own window.
	other := h.oid
	h.oid = "a0000000-0000-4000-8000-000000000002"
	h.must(h.do("GET", "WhoAmI", nil), 200)
	h.oid = other
	// Once the first request leaves the window one more is allowed.
	h.clock.Advance(271 * time.Second)
	h.must(h.do("GET", "WhoAmI", nil), 200)
	h.mustErr(h.do("GET", "WhoAmI", nil), 429, codeRequestsLimit)
}

func TestExecutionTimeLimit(t *testing.T) {
	h := newDefault(t)
	h.svc.SetLimits(Limits{ExecutionTimeMS: 3})
	h.must(h.do("GET", "WhoAmI", nil), 200)
	for i := 0; i < 4; i++ {
		r := h.do("GET", "WhoAmI", nil)
		if r.status == 429 {
			h.mustErr(r, 429, codeTimeLimit)
			if r.header.Get("Retry-After") == "" || !strings.Contains(r.errMsg(), "Combined execution time of incoming requests exceeded limit of 3 milliseconds") {
				t.Fatalf("time limit answer %v %s", r.header, r.raw)
			}
			return
		}
	}
	t.Fatal("execution time limit never tripped")
}

func TestConcurrencyLimit(t *testing.T) {
	h := newDefault(t)
	h.svc.SetLimits(Limits{Concurrent: 1})
	h.svc.mu.Lock() // park the first request inside the handler
	done := make(chan int)
	go func() {
		req, _ := http.NewRequest("GET", h.srv.URL+"/api/data/v9.2/WhoAmI", nil)
		req.Header.Set("Authorization", "Bearer "+h.srv.URL+"|"+h.oid)
		res, err := h.srv.Client().Do(req)
		if err != nil {
			done <- 0
			return
		}
		res.Body.Close()
		done <- res.StatusCode
	}()
	for i := 0; ; i++ {
		h.svc.lim.mu.Lock()
		cs := h.svc.lim.callers[h.oid]
		inflight := cs != nil && cs.inflight == 1
		h.svc.lim.mu.Unlock()
		if inflight {
			break
		}
		if i > 2000 {
			h.svc.mu.Unlock()
			t.Fatal("first request never arrived")
		}
		time.Sleep(time.Millisecond)
	}
	r := h.do("GET", "WhoAmI", nil)
	h.svc.mu.Unlock()
	h.mustErr(r, 429, codeConcurrencyLimit)
	if r.header.Get("Retry-After") != "1" || r.errMsg() != "Number of concurrent requests exceeded the limit of 1." {
		t.Fatalf("concurrency answer %v %s", r.header, r.raw)
	}
	if status := <-done; status != 200 {
		t.Fatalf("parked request: %d", status)
	}
}

func TestLimitsFromScenario(t *testing.T) {
	sc := DefaultScenario()
	sc.Limits = Limits{Requests: 1}
	h := newHarness(t, sc)
	h.must(h.do("GET", "WhoAmI", nil), 200)
	h.mustErr(h.do("GET", "WhoAmI", nil), 429, codeRequestsLimit)
}

func TestAuthAndProtocolHeaders(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("GET", "WhoAmI", nil), 200)
	if r.header.Get("OData-Version") != "4.0" || r.header.Get("REQ_ID") == "" {
		t.Fatalf("headers %v", r.header)
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Fatalf("content type %q", r.header.Get("Content-Type"))
	}
	e := h.mustErr(h.do("GET", "opportunities(0f0f0f0f-0000-4000-8000-000000000001)", nil), 404, codeObjectNotFound)
	if e.header.Get("OData-Version") != "4.0" || e.header.Get("REQ_ID") == "" {
		t.Fatalf("error headers %v", e.header)
	}
	// Wrong audience and missing token.
	req, _ := http.NewRequest("GET", h.srv.URL+"/api/data/v9.2/WhoAmI", nil)
	req.Header.Set("Authorization", "Bearer https://api.powerplatform.com|"+h.oid)
	res, _ := h.srv.Client().Do(req)
	res.Body.Close()
	if res.StatusCode != 401 {
		t.Fatalf("wrong audience: %d", res.StatusCode)
	}
	req, _ = http.NewRequest("GET", h.srv.URL+"/api/data/v9.2/WhoAmI", nil)
	res, _ = h.srv.Client().Do(req)
	res.Body.Close()
	if res.StatusCode != 401 || res.Header.Get("WWW-Authenticate") == "" {
		t.Fatalf("no token: %d", res.StatusCode)
	}
	// User tokens are accepted too.
	h.oid = "user-0001"
	h.must(h.do("GET", "WhoAmI", nil), 200)
	// OData version, media types.
	h.mustErr(h.do("GET", "WhoAmI", nil, "OData-Version: 3.0"), 400, codeODataPayload)
	h.mustErr(h.do("GET", "accounts", nil, "Accept: application/xml"), 406, codeODataPayload)
	h.mustErr(h.do("POST", "accounts", "name=x", "Content-Type: text/plain"), 415, codeODataPayload)
	h.mustErr(h.do("POST", "accounts", "{not json"), 400, codeODataPayload)
}

func TestVersion90AndServiceDocument(t *testing.T) {
	h := newDefault(t)
	r := h.must(h.do("POST", "/api/data/v9.0/accounts", map[string]any{"name": "Old API"}), 204)
	if !strings.Contains(r.header.Get("OData-EntityId"), "/api/data/v9.0/accounts(") {
		t.Fatalf("v9.0 entity id %q", r.header.Get("OData-EntityId"))
	}
	doc := h.must(h.do("GET", "/api/data/v9.2/", nil), 200)
	found := false
	for _, v := range doc.values() {
		found = found || v["name"] == "environmentvariabledefinitions"
	}
	if !found {
		t.Fatalf("service document %s", doc.raw)
	}
	h.mustErr(h.do("GET", "/api/data/v8.2/accounts", nil), 404, codeUnknownProperty)
}

func TestMetricsSeeRoutePatterns(t *testing.T) {
	var srv *httptest.Server
	svc, err := New(fakeVerifier{}, DefaultScenario(), Options{OrgURL: func() string { return srv.URL }})
	if err != nil {
		t.Fatal(err)
	}
	m := core.NewMetrics()
	srv = httptest.NewServer(m.Middleware("dataverse", svc.Handler()))
	defer srv.Close()
	h := &harness{t: t, svc: svc, srv: srv, oid: "a0000000-0000-4000-8000-000000000001"}
	h.must(h.do("GET", "opportunities("+OpportunityTailspin+")?$select=name", nil), 200)
	h.must(h.do("GET", "EntityDefinitions(LogicalName='opportunity')/Attributes", nil), 200)
	want := map[string]bool{
		"GET /api/data/v9.2/opportunities({id})":                 false,
		"GET /api/data/v9.2/EntityDefinitions({key})/Attributes": false,
	}
	for _, c := range m.Snapshot() {
		if _, ok := want[c.Route]; ok {
			want[c.Route] = true
		}
	}
	for route, seen := range want {
		if !seen {
			t.Errorf("route %q not counted: %+v", route, m.Snapshot())
		}
	}
}

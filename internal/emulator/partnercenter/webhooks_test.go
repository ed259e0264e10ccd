package partnercenter

import (
	"bytes"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a webhook endpoint that records what Partner Center POSTs and
// answers with scripted status codes (then 200).
type receiver struct {
	srv      *httptest.Server
	mu       sync.Mutex
	requests []received
	script   []int
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, script ...int) *receiver {
	rc := &receiver{script: script}
	rc.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.requests = append(rc.requests, received{header: r.Header.Clone(), body: b})
		status := http.StatusOK
		if len(rc.script) > 0 {
			status, rc.script = rc.script[0], rc.script[1:]
		}
		rc.mu.Unlock()
		w.WriteHeader(status)
		if status >= 300 {
			_, _ = io.WriteString(w, "receiver says no")
		}
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) got() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return slices.Clone(rc.requests)
}

func (rc *receiver) url() string { return rc.srv.URL + "/webhooks/callback" }

func TestEventsList(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	r := e.do("GET", e.webhooks("/registration/events"), tokWhApp, nil)
	expectStatus(t, r, 200)
	var events []string
	if err := json.Unmarshal(r.body, &events); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(events, DocumentedEvents) {
		t.Errorf("events = %v", events)
	}
	for _, want := range []string{"referral-created", "referral-updated", "related-referral-created", "related-referral-updated", "test-created"} {
		if !slices.Contains(events, want) {
			t.Errorf("events lack %s", want)
		}
	}
}

func TestWebhooksAuth(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	expectStatus(t, e.do("GET", e.webhooks("/registration/events"), "", nil), 401)
	expectStatus(t, e.do("GET", e.webhooks("/registration/events"), tokUser, nil), 401) // referrals audience
	expectStatus(t, e.do("GET", e.webhooks("/registration/events"), tokWhUser, nil), 200)
	expectStatus(t, e.do("GET", e.webhooks("/registration/events"), tokWhApp, nil), 200)
	expectStatus(t, e.do("GET", e.webhooks("/nothing"), tokWhApp, nil), 404)
}

func TestRegistrationLifecycle(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t)
	expectPCError(t, e.do("GET", e.webhooks("/registration"), tokWhApp, nil), 404, "no webhook registration")
	expectPCError(t, e.do("PUT", e.webhooks("/registration"), tokWhApp, map[string]any{
		"WebhookUrl": rc.url(), "WebhookEvents": []string{"test-created"}}), 404, "use POST")

	// Create with camelCase keys and the connector's string-typed flag.
	r := e.do("POST", e.webhooks("/registration"), tokWhApp,
		`{"webhookUrl":"`+rc.url()+`","webhookEvents":["referral-created","test-created"],"signatureTokenToMsSignatureHeader":"true"}`)
	expectStatus(t, r, 200)
	created := r.json(t)
	if created["SubscriberId"] != DefaultTenantID || created["WebhookUrl"] != rc.url() ||
		!jsonEqual(created["WebhookEvents"], []any{"referral-created", "test-created"}) {
		t.Errorf("POST response = %s", r.body)
	}
	if reg, ok := e.svc.Registration(); !ok || !reg.SignatureTokenToMsSignatureHeader {
		t.Errorf("SignatureTokenToMsSignatureHeader not stored: %+v", reg)
	}
	got := e.do("GET", e.webhooks("/registration"), tokWhUser, nil)
	expectStatus(t, got, 200)
	if m := got.json(t); len(m) != 2 || m["WebhookUrl"] != rc.url() {
		t.Errorf("GET registration = %s, want only WebhookUrl and WebhookEvents", got.body)
	}
	expectPCError(t, e.do("POST", e.webhooks("/registration"), tokWhApp, map[string]any{
		"WebhookUrl": rc.url(), "WebhookEvents": []string{"test-created"}}), 409, "use PUT")

	// Change with PUT (a full replacement: the header flag falls back to false).
	r = e.do("PUT", e.webhooks("/registration"), tokWhApp, map[string]any{
		"WebhookUrl": rc.srv.URL + "/v2", "WebhookEvents": []string{"referral-updated"}})
	expectStatus(t, r, 200)
	if m := r.json(t); m["SubscriberId"] != DefaultTenantID || m["WebhookUrl"] != rc.srv.URL+"/v2" {
		t.Errorf("PUT response = %s", r.body)
	}
	if reg, _ := e.svc.Registration(); reg.SignatureTokenToMsSignatureHeader || !slices.Equal(reg.WebhookEvents, []string{"referral-updated"}) {
		t.Errorf("after PUT: %+v", reg)
	}

	r = e.do("DELETE", e.webhooks("/registration"), tokWhApp, nil)
	expectPCError(t, r, 405, "DELETE")
	if r.header.Get("Allow") != "GET, POST, PUT" {
		t.Errorf("Allow = %q", r.header.Get("Allow"))
	}

	for name, tc := range map[string]struct {
		body     any
		fragment string
	}{
		"http url":      {map[string]any{"WebhookUrl": "http://example.com/cb", "WebhookEvents": []string{"test-created"}}, "absolute https"},
		"relative url":  {map[string]any{"WebhookUrl": "/cb", "WebhookEvents": []string{"test-created"}}, "absolute https"},
		"no url":        {map[string]any{"WebhookEvents": []string{"test-created"}}, "WebhookUrl is required"},
		"unknown event": {map[string]any{"WebhookUrl": rc.url(), "WebhookEvents": []string{"referral-deleted"}}, "referral-deleted"},
		"wrong case":    {map[string]any{"WebhookUrl": rc.url(), "WebhookEvents": []string{"Referral-Created"}}, "Referral-Created"},
		"no events":     {map[string]any{"WebhookUrl": rc.url(), "WebhookEvents": []string{}}, "at least one"},
		"bad flag":      {map[string]any{"WebhookUrl": rc.url(), "WebhookEvents": []string{"test-created"}, "SignatureTokenToMsSignatureHeader": "maybe"}, "true or false"},
	} {
		t.Run(name, func(t *testing.T) {
			expectPCError(t, e.do("PUT", e.webhooks("/registration"), tokWhApp, tc.body), 400, tc.fragment)
		})
	}

	e.svc.ClearRegistration()
	expectStatus(t, e.do("GET", e.webhooks("/registration"), tokWhApp, nil), 404)
	expectStatus(t, e.do("POST", e.webhooks("/registration"), tokWhApp, map[string]any{
		"WebhookUrl": rc.url(), "WebhookEvents": []string{"test-created"}}), 200)
}

func TestValidationEventsThrottledAtTheThirdWithinAMinute(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t)
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"test-created"}}); err != nil {
		t.Fatal(err)
	}
	post := func(tok string) response { return e.do("POST", e.webhooks("/registration/validationEvents"), tok, nil) }
	expectStatus(t, post(tokWhApp), 200)
	e.clock.Advance(10 * time.Second)
	expectStatus(t, post(tokWhApp), 200)
	e.clock.Advance(20 * time.Second)
	third := post(tokWhApp)
	expectStatus(t, third, 429)
	if third.header.Get("Retry-After") != "30" {
		t.Errorf("Retry-After = %q, want 30 (the first request leaves the window in 30 s)", third.header.Get("Retry-After"))
	}
	if m := third.json(t); m["statusCode"] != json.Number("429") || !strings.Contains(m["message"].(string), "Try again in 30 seconds") {
		t.Errorf("throttle body = %s", third.body)
	}
	expectStatus(t, post(tokWhOther), 200) // per tenant
	e.clock.Advance(30 * time.Second)
	expectStatus(t, post(tokWhApp), 200)
	expectStatus(t, post(tokWhApp), 429)
	e.waitDeliveries()
	if n := len(e.svc.ValidationEvents()); n != 4 {
		t.Errorf("validation events = %d, want 4 accepted", n)
	}
}

func TestValidationEventNeedsTestCreatedRegistration(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	expectPCError(t, e.do("POST", e.webhooks("/registration/validationEvents"), tokWhApp, nil), 400, "test-created")
	rc := newReceiver(t)
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"referral-created"}}); err != nil {
		t.Fatal(err)
	}
	expectPCError(t, e.do("POST", e.webhooks("/registration/validationEvents"), tokWhApp, nil), 400, "test-created")
	expectStatus(t, e.do("GET", e.webhooks("/registration/validationEvents/unknown"), tokWhApp, nil), 404)
}

func TestValidationEventDeliveryAndStatus(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t, 500, 503) // two failures, then 200
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"test-created"}}); err != nil {
		t.Fatal(err)
	}
	r := e.do("POST", e.webhooks("/registration/validationEvents"), tokWhApp, nil, "MS-CorrelationId", "3ef0202b-9d00-4f75-9cff-15420f7612b3")
	expectStatus(t, r, 200)
	cid, _ := r.json(t)["correlationId"].(string)
	if !guidRE.MatchString(cid) || r.header.Get("MS-CorrelationId") != cid {
		t.Fatalf("correlationId %q, MS-CorrelationId %q", cid, r.header.Get("MS-CorrelationId"))
	}
	e.waitDeliveries()

	st := e.do("GET", e.webhooks("/registration/validationEvents/"+cid), tokWhApp, nil)
	expectStatus(t, st, 200)
	var ev ValidationEvent
	if err := json.Unmarshal(st.body, &ev); err != nil {
		t.Fatal(err)
	}
	if ev.CorrelationID != cid || ev.PartnerID != DefaultTenantID || ev.Status != "completed" || ev.CallbackURL != rc.url() {
		t.Errorf("validation event = %s", st.body)
	}
	var codes []string
	for _, res := range ev.Results {
		codes = append(codes, res.ResponseCode)
		if res.SystemError || res.DateTimeUTC != "2026-10-10T12:00:00.0000000" {
			t.Errorf("result %+v", res)
		}
	}
	if !slices.Equal(codes, []string{"InternalServerError", "ServiceUnavailable", "OK"}) {
		t.Errorf("responseCodes = %v", codes)
	}
	if ev.Results[0].ResponseMessage != "receiver says no" {
		t.Errorf("responseMessage = %q", ev.Results[0].ResponseMessage)
	}
	got := rc.got()
	if len(got) != 3 {
		t.Fatalf("receiver got %d posts, want 3", len(got))
	}
	var payload map[string]any
	if err := json.Unmarshal(got[2].body, &payload); err != nil {
		t.Fatal(err)
	}
	if payload["EventName"] != "test-created" || payload["ResourceName"] != "test" || payload["AuditUri"] != nil ||
		payload["ResourceUri"] != "http://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/"+cid {
		t.Errorf("test event payload = %s", got[2].body)
	}
	// Another tenant cannot read it; after seven days it is purged.
	expectStatus(t, e.do("GET", e.webhooks("/registration/validationEvents/"+cid), tokWhOther, nil), 404)
	e.clock.Advance(7*24*time.Hour + time.Second)
	expectStatus(t, e.do("GET", e.webhooks("/registration/validationEvents/"+cid), tokWhApp, nil), 404)
}

func TestDeliveryGivesUpAfterTenAttempts(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500, 500)
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"test-created"}}); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, e.do("POST", e.webhooks("/registration/validationEvents"), tokWhApp, nil), 200)
	e.waitDeliveries()
	ds := e.svc.Deliveries()
	if len(ds) != 1 || ds[0].State != "failed" || len(ds[0].Attempts) != 10 || len(rc.got()) != 10 {
		t.Fatalf("deliveries = %+v, receiver got %d", ds, len(rc.got()))
	}
	if ev := e.svc.ValidationEvents()[0]; ev.Status != "failed" || len(ev.Results) != 10 {
		t.Errorf("validation event %+v", ev)
	}
}

func TestTransportErrorIsASystemError(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t)
	url := rc.url()
	rc.srv.Close() // nothing listens any more
	if err := e.svc.SetRegistration(Registration{WebhookURL: url, WebhookEvents: []string{"test-created"}}); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, e.do("POST", e.webhooks("/registration/validationEvents"), tokWhApp, nil), 200)
	e.waitDeliveries()
	ev := e.svc.ValidationEvents()[0]
	if len(ev.Results) != 10 || !ev.Results[0].SystemError || ev.Results[0].ResponseCode != "" || ev.Results[0].ResponseMessage == "" {
		t.Errorf("results = %+v", ev.Results)
	}
}

// verifyCallback does what the docs tell a receiver to do (§3.4): require the
// headers, download the certificate, check its organisation, verify the
// RSA-SHA256 PKCS#1 v1.5 signature over the exact body bytes.
func verifyCallback(t *testing.T, e *env, req received, msHeader bool) {
	t.Helper()
	if req.header.Get("X-MS-Signature-Algorithm") != "rsa-sha256" || req.header.Get("Content-Type") != "application/json" {
		t.Fatalf("headers: %v", req.header)
	}
	sigHeader := req.header.Get("Authorization")
	if msHeader {
		if sigHeader != "" {
			t.Fatal("Authorization sent although SignatureTokenToMsSignatureHeader is true")
		}
		sigHeader = req.header.Get("x-ms-signature")
	} else if req.header.Get("x-ms-signature") != "" {
		t.Fatal("x-ms-signature sent by default")
	}
	scheme, b64, ok := strings.Cut(sigHeader, " ")
	if !ok || scheme != "Signature" {
		t.Fatalf("signature header %q lacks the 'Signature ' scheme", sigHeader)
	}
	certURL := req.header.Get("X-MS-Certificate-Url")
	if certURL != e.wh.URL+"/cert/pcnotifications-dispatch.microsoft.com.cer" {
		t.Fatalf("X-MS-Certificate-Url = %q", certURL)
	}
	resp, err := e.wh.Client().Get(certURL) // no bearer token: the certificate is public
	if err != nil {
		t.Fatal(err)
	}
	der, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatalf("served certificate: %v", err)
	}
	if cert.Subject.CommonName != "pcnotifications-dispatch.microsoft.com" || !strings.Contains(cert.Issuer.String(), "O=Microsoft Corporation") {
		t.Fatalf("certificate subject %q issuer %q", cert.Subject, cert.Issuer)
	}
	sig, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(req.body)
	if err := rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, sum[:], sig); err != nil {
		t.Fatalf("signature does not verify: %v", err)
	}
	tampered := sha256.Sum256(append(slices.Clone(req.body), ' '))
	if rsa.VerifyPKCS1v15(cert.PublicKey.(*rsa.PublicKey), crypto.SHA256, tampered[:], sig) == nil {
		t.Fatal("signature verifies a different body")
	}
}

func TestSignedReferralEventsOnCreateAndPatch(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{Deliver: true})
	rc := newReceiver(t)
	expectStatus(t, e.do("POST", e.webhooks("/registration"), tokWhApp, map[string]any{
		"WebhookUrl": rc.url(), "WebhookEvents": []string{"referral-created", "referral-updated"}}), 200)

	created := e.do("POST", e.referrals(""), tokUser, newReferralBody())
	expectStatus(t, created, 201)
	id := created.json(t)["id"].(string)
	e.clock.Advance(time.Minute)
	expectStatus(t, e.do("PATCH", e.referrals("/"+id), tokUser, patchOps(op("replace", "/details/notes", "hello"))), 204)
	e.waitDeliveries()

	got := rc.got()
	if len(got) != 2 {
		t.Fatalf("receiver got %d events, want 2", len(got))
	}
	// Deliveries run concurrently and Partner Center promises no order:
	// compare in the order the changes happened.
	sort.SliceStable(got, func(i, j int) bool {
		return bytes.Compare(eventDate(got[i].body), eventDate(got[j].body)) < 0
	})
	for i, want := range []struct{ name, at string }{
		{"referral-created", "2026-10-10T12:00:00.0000000+00:00"},
		{"referral-updated", "2026-10-10T12:01:00.0000000+00:00"},
	} {
		verifyCallback(t, e, got[i], false)
		var ev Event
		if err := json.Unmarshal(got[i].body, &ev); err != nil {
			t.Fatal(err)
		}
		if ev.EventName != want.name || ev.ResourceName != "referral" || ev.ResourceChangeUtcDate != want.at ||
			ev.ResourceURI != "https://api.partnercenter.microsoft.com/engagements/v1/referrals/"+id {
			t.Errorf("event %d = %s", i, got[i].body)
		}
		if !strings.HasPrefix(string(got[i].body), `{"EventName":`) || !strings.Contains(string(got[i].body), `"AuditUri":null`) {
			t.Errorf("payload layout = %s", got[i].body)
		}
	}
	ds := e.svc.Deliveries()
	if len(ds) != 2 || ds[0].State != "delivered" || ds[0].Attempts[0].StatusCode != 200 || string(ds[0].Body) != string(got[0].body) {
		t.Errorf("recorded deliveries = %+v", ds)
	}
}

func TestSignatureInMsSignatureHeaderWhenRequested(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t)
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"test-created", "referral-updated"},
		SignatureTokenToMsSignatureHeader: true}); err != nil {
		t.Fatal(err)
	}
	e.svc.SetDelivery(true)
	e.svc.UpdateReferral(r1, func(r *Referral) { _ = r.Set("/details/notes", "changed in the Partner Center UI") })
	expectStatus(t, e.do("POST", e.webhooks("/registration/validationEvents"), tokWhApp, nil), 200)
	e.waitDeliveries()
	got := rc.got()
	if len(got) != 2 {
		t.Fatalf("receiver got %d events, want 2", len(got))
	}
	for _, g := range got {
		verifyCallback(t, e, g, true)
	}
}

func TestNoDeliveryWhenDisabledOrNotRegistered(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t)
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"referral-updated"}}); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, e.do("POST", e.referrals(""), tokUser, newReferralBody()), 201) // delivery off
	e.svc.SetDelivery(true)
	expectStatus(t, e.do("POST", e.referrals(""), tokUser, newReferralBody()), 201) // referral-created not registered
	e.waitDeliveries()
	if n := len(rc.got()); n != 0 || len(e.svc.Deliveries()) != 0 {
		t.Errorf("unexpected deliveries: %d", n)
	}
	// Idempotent replays do not emit a second referral-created.
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"referral-created"}}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		expectStatus(t, e.do("POST", e.referrals(""), tokUser, newReferralBody(), "MS-RequestId", "same"), 201)
	}
	e.waitDeliveries()
	if n := len(rc.got()); n != 1 {
		t.Errorf("replayed POST delivered %d events, want 1", n)
	}
}

func TestScenarioRegistrationAndDeliverSwitch(t *testing.T) {
	rc := newReceiver(t)
	sc := DefaultScenario()
	sc.DeliverEvents = true
	sc.Registration = &Registration{WebhookURL: rc.url(), WebhookEvents: []string{"referral-updated"}}
	e := newEnv(t, sc, Options{})
	if reg, ok := e.svc.Registration(); !ok || reg.SubscriberID != DefaultTenantID {
		t.Fatalf("seeded registration = %+v", reg)
	}
	expectStatus(t, e.do("PATCH", e.referrals("/"+r3), tokUser, patchOps(op("replace", "/details/dealValue", 1))), 204)
	e.waitDeliveries()
	if n := len(rc.got()); n != 1 {
		t.Errorf("deliveries = %d, want 1", n)
	}
	bad := DefaultScenario()
	bad.Registration = &Registration{WebhookURL: "http://insecure", WebhookEvents: []string{"test-created"}}
	if _, err := New(verifier, bad, Options{SigningKey: testKey()}); err == nil {
		t.Error("a scenario with an http webhook URL should be rejected")
	}
}

// eventDate returns the ResourceChangeUtcDate of an event body (sortable text).
func eventDate(body []byte) []byte {
	var ev struct{ ResourceChangeUtcDate string }
	_ = json.Unmarshal(body, &ev)
	return []byte(ev.ResourceChangeUtcDate)
}

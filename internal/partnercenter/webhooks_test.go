package partnercenter

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestWebhookEvents(t *testing.T) {
	srv := newServer(t, reply(200, `["referral-created","referral-updated","test-created"]`))
	ev, err := NewWebhooksClient(srv.Client(), srv.URL).Events(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(ev) != 3 || ev[2] != EventTestCreated {
		t.Errorf("events = %v", ev)
	}
	r := srv.only(t)
	if r.Method != "GET" || r.Path != "/webhooks/v1/registration/events" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	assertPCHeaders(t, r, false)
}

func TestWebhookGet(t *testing.T) {
	srv := newServer(t,
		reply(200, `{"WebhookUrl":"https://hook.example/cb","WebhookEvents":["referral-created","referral-updated"]}`),
		reply(200, `{"webhookUrl":"https://hook.example/cb","webhookEvents":["test-created"],"signatureTokenToMsSignatureHeader":true}`),
		reply(404, `{"code":"404","description":"No registration"}`),
		reply(200, ``),
		reply(200, `{"WebhookUrl":"","WebhookEvents":[]}`),
		reply(204, ``),
	)
	wc := NewWebhooksClient(srv.Client(), srv.URL)
	reg, err := wc.Get(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if reg.WebhookURL != "https://hook.example/cb" || len(reg.WebhookEvents) != 2 || reg.SignatureTokenToMsSignatureHeader != nil {
		t.Errorf("reg = %+v", reg)
	}
	reg, err = wc.Get(context.Background())
	if err != nil || reg.WebhookEvents[0] != EventTestCreated || reg.SignatureTokenToMsSignatureHeader == nil || !*reg.SignatureTokenToMsSignatureHeader {
		t.Errorf("camelCase answer: %+v %v", reg, err)
	}
	for i := 0; i < 4; i++ {
		reg, err = wc.Get(context.Background())
		if reg != nil || !IsNotFound(err) {
			t.Errorf("no registration case %d: %+v %v", i, reg, err)
		}
	}
	for _, r := range srv.requests() {
		if r.Method != "GET" || r.Path != "/webhooks/v1/registration" {
			t.Errorf("%s %s", r.Method, r.Path)
		}
	}
}

func TestWebhookCreateAndUpdate(t *testing.T) {
	answer := `{"SubscriberId":"sub-1","WebhookUrl":"https://hook.example/cb","WebhookEvents":["referral-created","referral-updated"]}`
	srv := newServer(t, reply(200, answer), reply(200, answer), reply(200, ``))
	marker := &recordingMarker{}
	wc := NewWebhooksClient(srv.Client(), srv.URL, Options{MarkRetrySafe: marker.mark})
	yes := true
	in := Registration{SubscriberID: "ignored", WebhookURL: "https://hook.example/cb", WebhookEvents: []string{EventReferralCreated, EventReferralUpdated}, SignatureTokenToMsSignatureHeader: &yes}

	out, err := wc.Create(context.Background(), in)
	if err != nil {
		t.Fatal(err)
	}
	if out.SubscriberID != "sub-1" || out.SignatureTokenToMsSignatureHeader == nil || !*out.SignatureTokenToMsSignatureHeader {
		t.Errorf("create answer = %+v", out)
	}
	if marker.count() != 1 {
		t.Errorf("registration POST should be marked retry-safe")
	}
	if _, err := wc.Update(context.Background(), in); err != nil {
		t.Fatal(err)
	}
	in.SignatureTokenToMsSignatureHeader = nil
	out, err = wc.Update(context.Background(), in)
	if err != nil || out.WebhookURL != in.WebhookURL || out.SubscriberID != "" {
		t.Errorf("empty update answer: %+v %v", out, err)
	}

	reqs := srv.requests()
	wantBody := `{"WebhookUrl":"https://hook.example/cb","WebhookEvents":["referral-created","referral-updated"],"SignatureTokenToMsSignatureHeader":true}`
	for i, method := range []string{"POST", "PUT"} {
		r := reqs[i]
		if r.Method != method || r.Path != "/webhooks/v1/registration" {
			t.Errorf("%s %s", r.Method, r.Path)
		}
		assertPCHeaders(t, r, true)
		if string(r.Body) != wantBody {
			t.Errorf("%s body = %s", method, r.Body)
		}
	}
	if string(reqs[2].Body) != `{"WebhookUrl":"https://hook.example/cb","WebhookEvents":["referral-created","referral-updated"]}` {
		t.Errorf("unset flag must be omitted: %s", reqs[2].Body)
	}
	if marker.count() != 1 {
		t.Errorf("PUT needs no marking")
	}
}

func TestWebhookWriteValidation(t *testing.T) {
	srv := newServer(t)
	wc := NewWebhooksClient(srv.Client(), srv.URL)
	for _, reg := range []Registration{
		{WebhookURL: "", WebhookEvents: []string{"referral-created"}},
		{WebhookURL: "/relative", WebhookEvents: []string{"referral-created"}},
		{WebhookURL: "ftp://x/y", WebhookEvents: []string{"referral-created"}},
		{WebhookURL: "https://x/y"},
		{WebhookURL: "https://x/y", WebhookEvents: []string{" "}},
	} {
		if _, err := wc.Create(context.Background(), reg); err == nil {
			t.Errorf("accepted %+v", reg)
		}
	}
	if len(srv.requests()) != 0 {
		t.Errorf("invalid registrations reached the server")
	}
}

func TestWebhookValidationEvents(t *testing.T) {
	status := `{"correlationId":"c-1","partnerId":"p-1","status":"completed","callbackUrl":"https://hook.example/cb",
	  "results":[{"responseCode":"OK","responseMessage":"","systemError":"","dateTimeUtc":"2026-10-03T09:12:44.1234567Z"}]}`
	srv := newServer(t, reply(200, `{"correlationId":"c-1"}`), reply(200, status), reply(429, `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 30 seconds."}`, "Retry-After", "30"))
	marker := &recordingMarker{}
	wc := NewWebhooksClient(srv.Client(), srv.URL, Options{MarkRetrySafe: marker.mark})
	id, err := wc.SendValidationEvent(context.Background())
	if err != nil || id != "c-1" {
		t.Fatalf("%q %v", id, err)
	}
	st, err := wc.ValidationStatus(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if st.Status != "completed" || st.PartnerID != "p-1" || len(st.Results) != 1 || st.Results[0].ResponseCode != "OK" ||
		!st.Results[0].DateTimeUTC.Equal(time.Date(2026, 10, 3, 9, 12, 44, 123456700, time.UTC)) {
		t.Errorf("status = %+v", st)
	}
	_, err = wc.SendValidationEvent(context.Background())
	var e *Error
	if !errors.As(err, &e) || !IsThrottled(err) || e.RetryAfter != 30*time.Second {
		t.Errorf("throttled: %v", err)
	}
	reqs := srv.requests()
	if reqs[0].Method != "POST" || reqs[0].Path != "/webhooks/v1/registration/validationEvents" || len(reqs[0].Body) != 0 {
		t.Errorf("send: %s %s %q", reqs[0].Method, reqs[0].Path, reqs[0].Body)
	}
	if reqs[1].Method != "GET" || reqs[1].Path != "/webhooks/v1/registration/validationEvents/c-1" {
		t.Errorf("status: %s %s", reqs[1].Method, reqs[1].Path)
	}
	if marker.count() != 0 {
		t.Errorf("sending a test event is not retry-safe")
	}
	if _, err := wc.ValidationStatus(context.Background(), ""); err == nil {
		t.Errorf("empty correlation id accepted")
	}
}

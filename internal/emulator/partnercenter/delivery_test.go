package partnercenter

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// eventNames decodes the EventName and referral id of what the receiver got.
func eventNames(t *testing.T, got []received) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, g := range got {
		var ev Event
		if err := json.Unmarshal(g.body, &ev); err != nil {
			t.Fatal(err)
		}
		out[ev.ResourceURI[len(referralEventResourceBase):]] = ev.EventName
	}
	return out
}

// A change to an engagement's first referral is referral-*; a change to a
// referral that joined the engagement later (Microsoft's copy r7 of r3's
// engagement) or a new referral in an existing engagement is
// related-referral-*, one event per change, naming the related referral.
func TestRelatedReferralEvents(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t)
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{
		"referral-created", "referral-updated", "related-referral-created", "related-referral-updated"}}); err != nil {
		t.Fatal(err)
	}
	e.svc.SetDelivery(true)
	e.svc.UpdateReferral(r3, func(r *Referral) { _ = r.Set("/details/notes", "partner note") })
	e.svc.UpdateReferral(r7, func(r *Referral) { _ = r.Set("/details/notes", "Microsoft seller note") })
	r7doc, _ := e.svc.Referral(r7)
	joined := r7doc.Clone()
	const r8 = "61d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e60"
	_ = joined.Set("/id", r8)
	_ = joined.Set("/createdDateTime", "")
	_ = joined.Set("/updatedDateTime", "")
	_ = joined.Set("/eTag", "")
	e.clock.Advance(time.Minute) // created after r3 and r7
	if _, err := e.svc.PutReferral(joined); err != nil {
		t.Fatal(err)
	}
	e.waitDeliveries()
	got := eventNames(t, rc.got())
	want := map[string]string{r3: "referral-updated", r7: "related-referral-updated", r8: "related-referral-created"}
	if len(got) != len(want) || len(rc.got()) != 3 {
		t.Fatalf("events = %v (%d deliveries), want %v", got, len(rc.got()), want)
	}
	for id, name := range want {
		if got[id] != name {
			t.Errorf("referral %s: event %q, want %q", id, got[id], name)
		}
	}
}

// A registration without the related-referral names gets nothing for a
// related referral's change (it is not sent as referral-updated instead).
func TestRelatedReferralEventsOnlyWhenRegistered(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	rc := newReceiver(t)
	if err := e.svc.SetRegistration(Registration{WebhookURL: rc.url(), WebhookEvents: []string{"referral-updated"}}); err != nil {
		t.Fatal(err)
	}
	e.svc.SetDelivery(true)
	e.svc.UpdateReferral(r7, func(r *Referral) { _ = r.Set("/details/notes", "Microsoft seller note") })
	e.svc.UpdateReferral(r3, func(r *Referral) { _ = r.Set("/details/notes", "partner note") })
	e.waitDeliveries()
	if got := eventNames(t, rc.got()); len(got) != 1 || got[r3] != "referral-updated" {
		t.Errorf("events = %v, want only r3's referral-updated", got)
	}
}

// A 503 (or 429) with Retry-After delays the next attempt by that much
// instead of the short backoff; the attempt still counts toward the ten.
func TestDeliveryHonoursRetryAfter(t *testing.T) {
	e := newEnv(t, DefaultScenario(), Options{})
	var mu sync.Mutex
	var at []time.Time
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		mu.Lock()
		at = append(at, time.Now())
		n := len(at)
		mu.Unlock()
		switch n {
		case 1:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "1")
			w.WriteHeader(http.StatusTooManyRequests)
		default:
			w.WriteHeader(http.StatusOK)
		}
	}))
	t.Cleanup(srv.Close)
	if err := e.svc.SetRegistration(Registration{WebhookURL: srv.URL + "/cb", WebhookEvents: []string{"referral-updated"}}); err != nil {
		t.Fatal(err)
	}
	e.svc.SetDelivery(true)
	e.svc.UpdateReferral(r3, func(r *Referral) { _ = r.Set("/details/notes", "changed") })
	e.waitDeliveries()
	ds := e.svc.Deliveries()
	if len(ds) != 1 || ds[0].State != "delivered" || len(ds[0].Attempts) != 3 {
		t.Fatalf("deliveries = %+v", ds)
	}
	for i, want := range []int{http.StatusServiceUnavailable, http.StatusTooManyRequests} {
		if a := ds[0].Attempts[i]; a.StatusCode != want || a.RetryAfter != time.Second {
			t.Errorf("attempt %d = %+v, want %d with Retry-After 1s", i+1, a, want)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	for i := 1; i < len(at); i++ {
		if gap := at[i].Sub(at[i-1]); gap < time.Second {
			t.Errorf("attempt %d came %s after the previous one, before the Retry-After of 1s", i+1, gap)
		}
	}
}

func TestRetryAfterHeader(t *testing.T) {
	now := time.Date(2026, 12, 5, 12, 0, 0, 0, time.UTC)
	for v, want := range map[string]time.Duration{
		"":                              0,
		"5":                             5 * time.Second,
		"-3":                            0,
		"soon":                          0,
		"3600":                          maxDeliveryRetryAfter,
		"Sat, 05 Dec 2026 12:00:30 GMT": 30 * time.Second,
	} {
		if got := retryAfter(v, now); got != want {
			t.Errorf("retryAfter(%q) = %s, want %s", v, got, want)
		}
	}
}

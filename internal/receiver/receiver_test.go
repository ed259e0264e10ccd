package receiver

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestValidCallbackReconcilesTheReferral(t *testing.T) {
	for _, form := range []string{"authorization", "x-ms-signature with prefix", "x-ms-signature bare"} {
		t.Run(form, func(t *testing.T) {
			f := newFixture(t)
			body := eventBody("referral-updated", "ref-1", time.Now())
			h := f.signedHeaders(body)
			sig := strings.TrimPrefix(h.Get("Authorization"), "Signature ")
			switch form {
			case "x-ms-signature with prefix":
				h.Del("Authorization")
				h.Set("x-ms-signature", "Signature "+sig)
			case "x-ms-signature bare":
				h.Del("Authorization")
				h.Set("x-ms-signature", sig)
			}
			w := f.do(http.MethodPost, f.cfg.Path, h, body)
			if w.Code != http.StatusOK || w.Body.Len() != 0 {
				t.Fatalf("status %d body %q, want 200 and no body", w.Code, w.Body)
			}
			f.settle()
			if total, calls := f.eng.snapshot(); total != 1 || calls["ref-1"] != 1 {
				t.Fatalf("reconciles %v, want ref-1 once", calls)
			}
			if m := f.metric("cosell_receiver_events_received_total"); !strings.Contains(m, `event="referral-updated"} 1`) {
				t.Errorf("received metric: %s", m)
			}
			if m := f.metric("cosell_receiver_reconciles_total"); !strings.Contains(m, "cosell_receiver_reconciles_total 1") {
				t.Errorf("reconciles metric: %s", m)
			}
			if m := f.metric("cosell_receiver_event_to_written_seconds_count"); !strings.Contains(m, " 1") {
				t.Errorf("latency histogram: %s", m)
			}
		})
	}
}

// Every refusal answers 401/400 (404/405 for routing) with no body, queues
// nothing, makes no reconcile (the only path to an API call) and never logs
// the signature.
func TestRefusalsMakeNoReconcile(t *testing.T) {
	impostor := testPKI(t, 1)
	now := time.Now()
	cases := []struct {
		name   string
		method string
		path   string
		prep   func(f *fixture, body []byte) (http.Header, []byte)
		status int
		reason string
	}{
		{name: "forged signature", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			h := f.signedHeaders(b)
			h.Set("Authorization", "Signature "+impostor.sign(b))
			return h, b
		}, status: 401, reason: ReasonSignature},
		{name: "body changed after signing", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			return f.signedHeaders(b), bytes.Replace(b, []byte("ref-1"), []byte("ref-2"), 1)
		}, status: 401, reason: ReasonSignature},
		{name: "certificate from another host", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			other := newCertServer(t, f.pki) // the genuine certificate, on a host not allowed
			h := f.signedHeaders(b)
			h.Set("X-MS-Certificate-Url", other.URL+certPath)
			return h, b
		}, status: 401, reason: ReasonCertURL},
		{name: "certificate URL over http", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			h := f.signedHeaders(b)
			h.Set("X-MS-Certificate-Url", strings.Replace(f.certURL, "https://", "http://", 1))
			return h, b
		}, status: 401, reason: ReasonCertURL},
		{name: "redirecting certificate URL", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			h := f.signedHeaders(b)
			h.Set("X-MS-Certificate-Url", f.certSrv.URL+"/moved")
			return h, b
		}, status: 401, reason: ReasonCertFetch},
		{name: "certificate not chaining to the roots", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			srv := newCertServer(t, impostor) // same names, another root
			f.r.verifier.hosts = append(f.r.verifier.hosts, strings.TrimPrefix(srv.URL, "https://"))
			f.r.verifier.client.Transport = srv.Client().Transport
			h := f.signedHeaders(b)
			h.Set("Authorization", "Signature "+impostor.sign(b))
			h.Set("X-MS-Certificate-Url", srv.URL+certPath)
			return h, b
		}, status: 401, reason: ReasonCertChain},
		{name: "replayed event (outside the window)", prep: func(f *fixture, _ []byte) (http.Header, []byte) {
			b := eventBody("referral-updated", "ref-1", now.Add(-2*time.Hour))
			return f.signedHeaders(b), b
		}, status: 400, reason: ReasonReplay},
		{name: "event from the future", prep: func(f *fixture, _ []byte) (http.Header, []byte) {
			b := eventBody("referral-updated", "ref-1", now.Add(time.Hour))
			return f.signedHeaders(b), b
		}, status: 400, reason: ReasonReplay},
		{name: "oversized body", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			big := append(b[:len(b)-1:len(b)-1], []byte(`,"Pad":"`+strings.Repeat("x", MaxBodyBytes)+`"}`)...)
			return f.signedHeaders(big), big
		}, status: 400, reason: ReasonTooLarge},
		{name: "no certificate URL header", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			h := f.signedHeaders(b)
			h.Del("X-MS-Certificate-Url")
			return h, b
		}, status: 401, reason: ReasonHeaders},
		{name: "no algorithm header", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			h := f.signedHeaders(b)
			h.Del("X-MS-Signature-Algorithm")
			return h, b
		}, status: 401, reason: ReasonHeaders},
		{name: "no signature header", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			h := f.signedHeaders(b)
			h.Del("Authorization")
			return h, b
		}, status: 401, reason: ReasonHeaders},
		{name: "another algorithm", prep: func(f *fixture, b []byte) (http.Header, []byte) {
			h := f.signedHeaders(b)
			h.Set("X-MS-Signature-Algorithm", "rsa-sha1")
			return h, b
		}, status: 401, reason: ReasonSignature},
		{name: "signed but not JSON", prep: func(f *fixture, _ []byte) (http.Header, []byte) {
			b := []byte(`not json`)
			return f.signedHeaders(b), b
		}, status: 400, reason: ReasonMalformed},
		{name: "wrong method", method: http.MethodGet, status: 405, reason: ReasonMethod},
		{name: "wrong path", path: "/other", status: 404, reason: ReasonPath},
		{name: "path with a suffix", path: DefaultPath + "/x", status: 404, reason: ReasonPath},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			body := eventBody("referral-updated", "ref-1", now)
			h, sent := f.signedHeaders(body), body
			if tc.prep != nil {
				h, sent = tc.prep(f, body)
			}
			method, path := http.MethodPost, f.cfg.Path
			if tc.method != "" {
				method = tc.method
			}
			if tc.path != "" {
				path = tc.path
			}
			w := f.do(method, path, h, sent)
			if w.Code != tc.status || w.Body.Len() != 0 {
				t.Fatalf("status %d body %q, want %d and no body", w.Code, w.Body, tc.status)
			}
			time.Sleep(3 * f.cfg.CoalesceWindow)
			f.settle()
			if total, calls := f.eng.snapshot(); total != 0 {
				t.Fatalf("refused callback reconciled %v", calls)
			}
			if m := f.metric(`cosell_receiver_events_refused_total{reason="` + tc.reason + `"}`); !strings.HasSuffix(m, " 1") {
				t.Errorf("refusal metric for %s: %q", tc.reason, m)
			}
			logs := f.logs.String()
			if !strings.Contains(logs, `"reason":"`+tc.reason+`"`) {
				t.Errorf("no log line with the reason: %s", logs)
			}
			if sig := h.Get("Authorization"); sig != "" && strings.Contains(logs, strings.TrimPrefix(sig, "Signature ")) {
				t.Errorf("the signature was logged: %s", logs)
			}
		})
	}
}

func TestCertificateFetchedOnceAndCached(t *testing.T) {
	f := newFixture(t)
	fetches := 0
	inner := f.certSrv.Config.Handler
	f.certSrv.Config.Handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fetches++
		inner.ServeHTTP(w, r)
	})
	for i := range 5 {
		if w := f.deliver(eventBody("referral-updated", "ref-1", time.Now().Add(time.Duration(i)*time.Millisecond))); w.Code != 200 {
			t.Fatalf("delivery %d: %d", i, w.Code)
		}
	}
	if fetches != 1 {
		t.Fatalf("certificate fetched %d times, want 1 (cached until expiry)", fetches)
	}
}

func TestDuplicateAndOutOfOrderDeliveriesReconcileOnceWithTheLatestState(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.CoalesceWindow = 200 * time.Millisecond })
	t0 := time.Now().Add(-time.Minute)
	e1 := eventBody("referral-created", "ref-1", t0)
	e2 := eventBody("referral-updated", "ref-1", t0.Add(time.Second))
	e3 := eventBody("referral-updated", "ref-1", t0.Add(2*time.Second))
	f.eng.mu.Lock()
	f.eng.pc["ref-1"] = 3 // Partner Center already holds the third version
	f.eng.mu.Unlock()
	// Latest first, then older ones, then duplicates: all within the window.
	for _, b := range [][]byte{e3, e1, e2, e3, e1} {
		if w := f.deliver(b); w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	f.settle()
	// Late retries of the same deliveries, after the reconcile: acknowledged, not reconciled.
	for _, b := range [][]byte{e2, e1, e3} {
		if w := f.deliver(b); w.Code != http.StatusOK {
			t.Fatalf("late duplicate: status %d", w.Code)
		}
	}
	time.Sleep(3 * f.cfg.CoalesceWindow)
	f.settle()
	total, calls := f.eng.snapshot()
	if total != 1 || calls["ref-1"] != 1 {
		t.Fatalf("reconciles %v, want exactly one", calls)
	}
	f.eng.mu.Lock()
	defer f.eng.mu.Unlock()
	if len(f.eng.dv) != 1 || f.eng.dv["ref-1"] != 3 {
		t.Fatalf("dataverse %v, want one opportunity at version 3", f.eng.dv)
	}
}

func TestCoalescingAndOneReconcilePerReferralAtOnce(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.Concurrency = 3; c.CoalesceWindow = 100 * time.Millisecond })
	gate := make(chan struct{})
	f.eng.mu.Lock()
	f.eng.gate = gate
	f.eng.mu.Unlock()
	base := time.Now().Add(-time.Minute)
	// 20 events each for 5 referrals, close together.
	for i := range 20 {
		for _, id := range []string{"a", "b", "c", "d", "e"} {
			if w := f.deliver(eventBody("referral-updated", id, base.Add(time.Duration(i)*time.Millisecond))); w.Code != 200 {
				t.Fatalf("status %d", w.Code)
			}
		}
	}
	// Let the first three start, then send more for a running referral.
	deadline := time.Now().Add(5 * time.Second)
	for f.r.q.inFlight() < 3 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	for i := range 5 {
		f.deliver(eventBody("referral-updated", "a", time.Now().Add(time.Duration(i)*time.Millisecond)))
	}
	time.Sleep(3 * f.cfg.CoalesceWindow)
	close(gate)
	f.settle()
	total, calls := f.eng.snapshot()
	f.eng.mu.Lock()
	maxSame, maxFlight := f.eng.maxSame, f.eng.maxFlight
	f.eng.mu.Unlock()
	if maxSame != 1 {
		t.Errorf("a referral was reconciled %d times at once", maxSame)
	}
	if maxFlight != 3 {
		t.Errorf("at most %d reconciles ran at once, want the bound 3", maxFlight)
	}
	// 105 events → a,b,c,d,e once each, plus a again for the events that
	// arrived while a ran: at most 6 (a may not have been among the first three).
	if total < 5 || total > 6 || calls["a"] > 2 {
		t.Errorf("105 events → %d reconciles %v, want 5 or 6", total, calls)
	}
	if m := f.metric("cosell_receiver_events_coalesced_total"); !strings.Contains(m, "_total 9") && !strings.Contains(m, "_total 10") {
		t.Logf("coalesced: %s", m)
	}
}

func TestQueueFullAnswers503WithRetryAfter(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.QueueSize = 2; c.Concurrency = 1; c.CoalesceWindow = time.Hour })
	now := time.Now()
	for _, id := range []string{"a", "b"} {
		if w := f.deliver(eventBody("referral-updated", id, now)); w.Code != 200 {
			t.Fatalf("%s: %d", id, w.Code)
		}
	}
	w := f.deliver(eventBody("referral-updated", "c", now))
	if w.Code != http.StatusServiceUnavailable || w.Header().Get("Retry-After") == "" || w.Body.Len() != 0 {
		t.Fatalf("full queue: status %d Retry-After %q body %q", w.Code, w.Header().Get("Retry-After"), w.Body)
	}
	// Another event for a referral already queued needs no room.
	if w := f.deliver(eventBody("referral-updated", "a", now.Add(time.Millisecond))); w.Code != 200 {
		t.Fatalf("coalesced into a full queue: %d", w.Code)
	}
	if w := f.do(http.MethodGet, "/readyz", nil, nil); w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz with a full queue: %d", w.Code)
	}
	// The refused delivery was not remembered: Partner Center's retry gets in once there is room.
	left := f.r.Shutdown(context.Background())
	if left != 0 {
		t.Fatalf("%d left after drain", left)
	}
	if total, calls := f.eng.snapshot(); total != 2 || calls["c"] != 0 {
		t.Fatalf("reconciles %v", calls)
	}
}

func TestShutdownDrainsPendingEvents(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.CoalesceWindow = time.Hour })
	now := time.Now()
	for _, id := range []string{"a", "b", "c", "d"} {
		f.deliver(eventBody("referral-updated", id, now))
	}
	start := time.Now()
	if left := f.r.Shutdown(context.Background()); left != 0 {
		t.Fatalf("%d referrals left", left)
	}
	if total, _ := f.eng.snapshot(); total != 4 {
		t.Fatalf("%d reconciles after drain, want 4", total)
	}
	if time.Since(start) > 2*time.Second {
		t.Errorf("drain waited for the coalescing window")
	}
	if w := f.deliver(eventBody("referral-updated", "e", now)); w.Code != http.StatusServiceUnavailable {
		t.Fatalf("event after shutdown: %d, want 503", w.Code)
	}
	if w := f.do(http.MethodGet, "/readyz", nil, nil); w.Code != http.StatusServiceUnavailable {
		t.Errorf("/readyz while draining: %d", w.Code)
	}
}

func TestShutdownIsBoundedByTheDrainTimeout(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.DrainTimeout = 200 * time.Millisecond; c.CoalesceWindow = 0 })
	f.eng.mu.Lock()
	f.eng.gate = make(chan struct{}) // never opens: a stuck API
	f.eng.mu.Unlock()
	f.deliver(eventBody("referral-updated", "a", time.Now()))
	for f.r.q.inFlight() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	start := time.Now()
	left := f.r.Shutdown(context.Background())
	if left != 1 {
		t.Fatalf("left %d, want 1", left)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("shutdown took %s with a 200ms drain timeout", d)
	}
	f.eng.mu.Lock()
	defer f.eng.mu.Unlock()
	if !f.eng.sawCancel {
		t.Error("the stuck reconcile's context was not cancelled")
	}
}

func TestFailedReconcileIsRetried(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.CoalesceWindow = 0 })
	f.eng.mu.Lock()
	f.eng.failFirst["a"] = 1
	f.eng.mu.Unlock()
	f.deliver(eventBody("referral-updated", "a", time.Now()))
	select {
	case <-f.eng.reconciled:
	case <-time.After(10 * time.Second):
		t.Fatal("not retried")
	}
	if total, _ := f.eng.snapshot(); total != 2 {
		t.Fatalf("%d calls, want 2 (one error, one retry)", total)
	}
}

func TestTestCreatedAndOtherEventsAcknowledgedWithoutReconcile(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	test := []byte(`{"EventName":"test-created","ResourceUri":"http://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/c0bfd694-3075-4ec5-9a3c-733d3a890a1f","ResourceName":"test","AuditUri":null,"ResourceChangeUtcDate":"` + now.UTC().Format(time.RFC3339Nano) + `"}`)
	other := []byte(`{"EventName":"invoice-ready","ResourceUri":"https://api.partnercenter.microsoft.com/v1/invoices/1","ResourceName":"invoice","AuditUri":null,"ResourceChangeUtcDate":"` + now.UTC().Format(time.RFC3339Nano) + `"}`)
	for _, b := range [][]byte{test, other} {
		if w := f.deliver(b); w.Code != http.StatusOK {
			t.Fatalf("status %d", w.Code)
		}
	}
	time.Sleep(3 * f.cfg.CoalesceWindow)
	f.settle()
	if total, _ := f.eng.snapshot(); total != 0 {
		t.Fatal("a non-referral event was reconciled")
	}
}

func TestRelatedReferralEventsReconcileTheReferralTheyName(t *testing.T) {
	f := newFixture(t)
	now := time.Now()
	f.deliver(eventBody("related-referral-created", "rel-1", now))
	f.deliver(eventBody("related-referral-updated", "rel-2", now))
	time.Sleep(3 * f.cfg.CoalesceWindow)
	f.settle()
	if _, calls := f.eng.snapshot(); calls["rel-1"] != 1 || calls["rel-2"] != 1 {
		t.Fatalf("reconciles %v", calls)
	}
}

func TestSweepAtStartUpAndHealthEndpoints(t *testing.T) {
	f := newFixture(t, func(c *Config) { c.SweepInterval = 50 * time.Millisecond })
	time.Sleep(180 * time.Millisecond)
	f.eng.mu.Lock()
	sweeps := f.eng.sweeps
	f.eng.mu.Unlock()
	if sweeps < 2 {
		t.Fatalf("%d sweeps in 180ms with a 50ms interval (one at start-up, then periodic)", sweeps)
	}
	for _, p := range []string{"/healthz", "/readyz"} {
		if w := f.do(http.MethodGet, p, nil, nil); w.Code != 200 {
			t.Errorf("%s: %d", p, w.Code)
		}
	}
	if m := f.metric("cosell_receiver_queue_depth"); !strings.Contains(m, "cosell_receiver_queue_depth 0") {
		t.Errorf("queue depth metric: %q", m)
	}
}

package transport

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
)

func TestResendRule(t *testing.T) {
	cases := []struct {
		name      string
		method    string
		ifMatch   string
		mark      Safety
		lookup    bool
		refused   bool
		want      resend
		wantSafty Safety
	}{
		{"GET", "GET", "", ByMethod, false, false, again, Idempotent},
		{"PUT", "PUT", "", ByMethod, false, false, again, Idempotent},
		{"DELETE", "DELETE", "", ByMethod, false, false, again, Idempotent},
		{"POST", "POST", "", ByMethod, false, false, stop, Unsafe},
		{"PATCH If-Match *", "PATCH", "*", ByMethod, false, false, stop, Unsafe},
		{"PATCH ETag", "PATCH", `W/"12"`, ByMethod, false, false, again, Conditional},
		{"POST marked", "POST", "", Idempotent, false, false, again, Idempotent},
		{"POST lookup", "POST", "", ByMethod, true, false, lookupFirst, Unsafe},
		{"POST throttled", "POST", "", ByMethod, false, true, again, Unsafe},
		{"PUT marked unsafe", "PUT", "", Unsafe, false, false, stop, Unsafe},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest(c.method, "https://x", nil)
			if c.ifMatch != "" {
				req.Header.Set("If-Match", c.ifMatch)
			}
			if c.mark != ByMethod {
				req = Mark(req, c.mark)
			}
			if c.lookup {
				req = WithLookup(req, func(context.Context) (bool, error) { return false, nil })
			}
			s, l := safetyOf(req)
			if s != c.wantSafty {
				t.Fatalf("safety %v, want %v", s, c.wantSafty)
			}
			if got := resendRule(s, l != nil, c.refused); got != c.want {
				t.Fatalf("resend %v, want %v", got, c.want)
			}
		})
	}
}

// A create without a key whose answer is lost: the lookup finds it applied
// and Do stops without sending it again.
func TestLookupFindsLostCreateApplied(t *testing.T) {
	rec, srv := serve(t, hangUp, ok)
	fs := &fakeSleep{}
	var looked int32
	req := WithLookup(mustReq(t, context.Background(), "POST", srv.URL, `{"SchemaName":"x"}`), func(context.Context) (bool, error) {
		atomic.AddInt32(&looked, 1)
		return true, nil
	})
	_, _, err := do(t, newClient(srv, fs), req)
	if !WriteApplied(err) {
		t.Fatalf("err = %v, want WriteApplied", err)
	}
	if len(rec.got()) != 1 || looked != 1 {
		t.Fatalf("%d attempts, %d lookups; want 1 and 1", len(rec.got()), looked)
	}
}

// A create refused with a 503 (not applied): the lookup says so and the
// create is sent again; Retry-After is honoured.
func TestLookupNotAppliedResends(t *testing.T) {
	rec, srv := serve(t, status(503, "Retry-After", "3"), status(500), ok)
	fs := &fakeSleep{}
	var looked int32
	req := WithLookup(mustReq(t, context.Background(), "POST", srv.URL, `{"SchemaName":"x"}`), func(context.Context) (bool, error) {
		atomic.AddInt32(&looked, 1)
		return false, nil
	})
	resp, _, err := do(t, newClient(srv, fs), req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("err = %v", err)
	}
	if len(rec.got()) != 3 || looked != 2 {
		t.Fatalf("%d attempts, %d lookups; want 3 and 2", len(rec.got()), looked)
	}
	if d := fs.all(); len(d) != 2 || d[0].Seconds() != 3 {
		t.Fatalf("waits %v, want Retry-After 3s first", d)
	}
}

// A throttled create was refused before the server acted: no lookup.
func TestLookupSkippedAfter429(t *testing.T) {
	rec, srv := serve(t, status(429, "Retry-After", "1"), ok)
	var looked int32
	req := WithLookup(mustReq(t, context.Background(), "POST", srv.URL, `{}`), func(context.Context) (bool, error) {
		atomic.AddInt32(&looked, 1)
		return false, nil
	})
	resp, _, err := do(t, newClient(srv, &fakeSleep{}), req)
	if err != nil || resp.StatusCode != 200 || len(rec.got()) != 2 || looked != 0 {
		t.Fatalf("err=%v attempts=%d lookups=%d", err, len(rec.got()), looked)
	}
	if OutcomeWasUnknown(resp) {
		t.Fatal("a 429 is not an unknown outcome")
	}
}

func TestLookupErrorStops(t *testing.T) {
	_, srv := serve(t, status(502), ok)
	boom := errors.New("lookup failed")
	req := WithLookup(mustReq(t, context.Background(), "POST", srv.URL, `{}`), func(context.Context) (bool, error) { return false, boom })
	_, _, err := do(t, newClient(srv, &fakeSleep{}), req)
	if !errors.Is(err, boom) || WriteApplied(err) || !strings.Contains(err.Error(), "looking it up failed") {
		t.Fatalf("err = %v", err)
	}
}

// A conditional PATCH whose first answer is lost meets 412 on the re-send:
// the response says the outcome of the first attempt was unknown.
func TestConditionalWriteRetriedAnd412Flagged(t *testing.T) {
	rec, srv := serve(t, hangUp, status(412))
	req := mustReq(t, context.Background(), "PATCH", srv.URL, `{"a":1}`)
	req.Header.Set("If-Match", `W/"7"`)
	resp, _, err := do(t, newClient(srv, &fakeSleep{}), req)
	if err != nil || resp.StatusCode != 412 || len(rec.got()) != 2 {
		t.Fatalf("err=%v attempts=%d", err, len(rec.got()))
	}
	if !OutcomeWasUnknown(resp) {
		t.Fatal("OutcomeWasUnknown should be true after a lost answer")
	}
}

func TestUnsafePostNotRetriedOn500(t *testing.T) {
	rec, srv := serve(t, status(500), ok)
	resp, _, err := do(t, newClient(srv, &fakeSleep{}), mustReq(t, context.Background(), "POST", srv.URL, `{}`))
	if err != nil || resp.StatusCode != 500 || len(rec.got()) != 1 {
		t.Fatalf("err=%v attempts=%d", err, len(rec.got()))
	}
}

func TestReadDecideWrite(t *testing.T) {
	conflict := errors.New("412")
	isConflict := func(err error) bool { return errors.Is(err, conflict) }
	n := 0
	err := ReadDecideWrite(context.Background(), 3, isConflict, func(context.Context) error {
		n++
		if n < 3 {
			return conflict
		}
		return nil
	})
	if err != nil || n != 3 {
		t.Fatalf("err=%v rounds=%d", err, n)
	}
	n = 0
	err = ReadDecideWrite(context.Background(), 2, isConflict, func(context.Context) error { n++; return conflict })
	if !errors.Is(err, conflict) || n != 2 {
		t.Fatalf("bound: err=%v rounds=%d", err, n)
	}
	n = 0
	other := errors.New("404")
	err = ReadDecideWrite(context.Background(), 5, isConflict, func(context.Context) error { n++; return other })
	if !errors.Is(err, other) || n != 1 {
		t.Fatalf("other error: err=%v rounds=%d", err, n)
	}
}

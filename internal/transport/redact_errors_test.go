package transport

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// A transport failure comes back from net/http as a *url.Error holding the
// full request URL; the error Do returns must not carry a sig from it.
func TestTransportErrorDoesNotLeakURLSecrets(t *testing.T) {
	for name, mod := range map[string]func(*Options){
		"not retried": func(o *Options) { o.MaxRetries = NoRetries },
		"exhausted":   func(o *Options) { o.MaxRetries = 1 },
	} {
		t.Run(name, func(t *testing.T) {
			_, srv := serve(t, hangUp)
			c := newClient(srv, &fakeSleep{}, mod)
			_, _, err := do(t, c, mustReq(t, context.Background(), "GET", srv.URL+"/workflows/x/triggers/manual/run?api-version=1&sig=TOPSECRETSIG", ""))
			if err == nil {
				t.Fatal("want an error")
			}
			if msg := err.Error(); strings.Contains(msg, "TOPSECRETSIG") || !strings.Contains(msg, "sig=REDACTED") {
				t.Fatalf("error leaks or loses the URL: %s", msg)
			}
		})
	}
}

// The context ending mid-request puts the transport error into Reason.
func TestCancelledRequestDoesNotLeakURLSecrets(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	_, srv := serve(t, func(w http.ResponseWriter, r *http.Request) { cancel(); <-r.Context().Done() })
	_, _, err := do(t, newClient(srv, &fakeSleep{}), mustReq(t, ctx, "GET", srv.URL+"/x?sig=TOPSECRETSIG", ""))
	if err == nil || strings.Contains(err.Error(), "TOPSECRETSIG") {
		t.Fatalf("err = %v", err)
	}
}

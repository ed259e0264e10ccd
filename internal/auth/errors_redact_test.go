package auth

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// MSAL reports a token response it cannot decode with the raw body in the
// error text; the tokens in that body must not reach the user's screen.
func TestUndecodableTokenResponseDoesNotLeakTokens(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.Method == http.MethodGet {
			base := srv.URL + "/tenant1"
			fmt.Fprintf(w, `{"token_endpoint":%q,"authorization_endpoint":%q,"issuer":%q}`,
				base+"/oauth2/v2.0/token", base+"/oauth2/v2.0/authorize", base+"/v2.0")
			return
		}
		fmt.Fprint(w, `{"token_type":"Bearer","refresh_token":"SECRET-RT-1234567890","access_token":"SECRET-AT-1234567890","expires_in":"not a number","id_token":"x"}`)
	}))
	t.Cleanup(srv.Close)
	c := mustNew(t, Config{TenantID: "tenant1", ClientID: "client1", ClientSecret: "s", AuthorityHost: srv.URL, HTTPClient: srv.Client()})
	_, err := c.AppToken(context.Background(), AudienceWebhooks)
	if err == nil {
		t.Fatal("want an error")
	}
	if msg := err.Error(); strings.Contains(msg, "SECRET-") {
		t.Fatalf("error leaks a token: %s", msg)
	}
}

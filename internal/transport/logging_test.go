package transport

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-log/tflogtest"
)

func TestLoggingRedactsSecrets(t *testing.T) {
	const (
		bearer      = "eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwczovL2FwaSJ9.U0lHTkFUVVJF"
		urlSig      = "UrlSig-123"
		bodySig     = "BodySig-456"
		clientSec   = "client-s3cr3t"
		connSecret  = "conn-s3cr3t"
		respToken   = "resp-access-token"
		respRefresh = "resp-refresh-token"
		pw          = "hunter2-pw"
	)
	respBody := `{"access_token":"` + respToken + `","refresh_token":"` + respRefresh + `","properties":{"callbackUrl":"https://prod.logic.azure.com/workflows/1/triggers/manual/paths/invoke?api-version=1&sig=` + bodySig + `"}}`
	_, srv := serve(t, status(503), func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Location", "https://prod.logic.azure.com/x?sv=1&sig="+bodySig)
		_, _ = io.WriteString(w, respBody)
	})

	var logs bytes.Buffer
	ctx := tflogtest.RootLogger(context.Background(), &logs)
	reqBody := `{"properties":{"connectionParametersSet":{"values":{"token:clientSecret":{"value":"` + connSecret + `"},"token:clientId":{"value":"1111"}}},"client_secret":"` + clientSec + `","password":"` + pw + `"}}`
	req := mustReq(t, ctx, "PUT", srv.URL+"/connectivity/connectors/shared_commondataserviceforapps/connections/abc?api-version=1&sig="+urlSig, reqBody)
	req.Header.Set("Content-Type", "application/json")
	c := newClient(srv, &fakeSleep{}, func(o *Options) {
		o.Service = "powerplatform"
		o.Token = func(context.Context) (string, error) { return bearer, nil }
	})
	resp, body, err := do(t, c, req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("err=%v", err)
	}
	if body != respBody {
		t.Fatalf("caller got a different body after TRACE logging:\n%s", body)
	}

	out := logs.String()
	for _, secret := range []string{bearer, urlSig, bodySig, clientSec, connSecret, respToken, respRefresh, pw} {
		if strings.Contains(out, secret) {
			t.Errorf("log leaks %q", secret)
		}
	}

	entries, err := tflogtest.MultilineJSONDecode(&logs)
	if err != nil {
		t.Fatal(err)
	}
	var debugReq, debugResp, retry, traceReq, traceResp int
	for _, e := range entries {
		if e["@module"] != "provider."+LogSubsystem {
			t.Errorf("entry outside the transport subsystem: %v", e)
		}
		switch e["@message"] {
		case "HTTP request":
			debugReq++
			if e["@level"] != "debug" || e["method"] != "PUT" || e["service"] != "powerplatform" || e["correlation_id"] == "" {
				t.Errorf("request entry: %v", e)
			}
			if u, _ := e["url"].(string); !strings.Contains(u, "sig=REDACTED") || !strings.Contains(u, "api-version=1") {
				t.Errorf("url field %q", u)
			}
		case "HTTP response":
			debugResp++
			if e["@level"] != "debug" || e["status"] == nil || e["duration_ms"] == nil || e["attempt"] == nil {
				t.Errorf("response entry: %v", e)
			}
		case "retrying HTTP request":
			retry++
		case "HTTP request detail":
			traceReq++
			if e["@level"] != "trace" {
				t.Errorf("detail at %v", e["@level"])
			}
			h, _ := e["headers"].(map[string]any)
			if h["Authorization"] != "Bearer REDACTED" {
				t.Errorf("authorization header logged as %v", h["Authorization"])
			}
			if b, _ := e["body"].(string); !strings.Contains(b, `"token:clientId":{"value":"1111"}`) {
				t.Errorf("request body lost non-secret content: %s", b)
			}
		case "HTTP response detail":
			traceResp++
		}
	}
	if debugReq != 2 || debugResp != 2 || retry != 1 || traceReq != 2 || traceResp != 2 {
		t.Fatalf("entries: req=%d resp=%d retry=%d traceReq=%d traceResp=%d\n%s", debugReq, debugResp, retry, traceReq, traceResp, out)
	}
}

func TestNoLoggerIsFine(t *testing.T) {
	_, srv := serve(t, ok)
	if _, _, err := do(t, newClient(srv, &fakeSleep{}), mustReq(t, context.Background(), "GET", srv.URL, "")); err != nil {
		t.Fatal(err)
	}
}

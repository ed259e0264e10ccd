package transport

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestReadErrorShapes(t *testing.T) {
	for _, tc := range []struct {
		name     string
		status   int
		ct, body string
		headers  []string
		want     []string
		notWant  []string
	}{
		{
			name: "dataverse", status: 412, ct: "application/json",
			body: `{"error":{"code":"0x80060882","message":"The version of the existing record doesn't match the RowVersion property provided."}}`,
			want: []string{"dataverse: PATCH", "412 Precondition Failed", "0x80060882", "RowVersion"},
		},
		{
			name: "partner center", status: 400, ct: "application/json",
			body: `{"code":"600012","description":"The customer name is required.","data":[],"source":"PartnerCenter"}`,
			want: []string{"400 Bad Request", "600012", "The customer name is required."},
		},
		{
			name: "throttle", status: 429, ct: "application/json",
			body: `{"statusCode":429,"message":"Rate limit is exceeded. Try again in 57 seconds."}`,
			want: []string{"429 Too Many Requests", "Try again in 57 seconds"},
		},
		{
			name: "wrong audience", status: 401, ct: "application/json",
			headers: []string{"WWW-Authenticate", `Bearer error="invalid_token", error_description="The audience 'https://api.partnercenter.microsoft.com' is invalid; this API accepts tokens for 'https://api.partner.microsoft.com'."`},
			body:    `{"code":"InvalidAudience","description":"The audience 'https://api.partnercenter.microsoft.com' is invalid; this API accepts tokens for 'https://api.partner.microsoft.com'."}`,
			want:    []string{"401 Unauthorized", "'https://api.partnercenter.microsoft.com' is invalid", "accepts tokens for 'https://api.partner.microsoft.com'"},
		},
		{
			name: "401 with empty body", status: 401,
			headers: []string{"WWW-Authenticate", `Bearer realm="", error="invalid_token", error_description="The token expired"`},
			want:    []string{"401 Unauthorized", "(WWW-Authenticate: The token expired)"},
		},
		{
			name: "non json", status: 502, ct: "text/html",
			body: "<html>\n<body>Bad   gateway</body></html>",
			want: []string{"502 Bad Gateway: <html> <body>Bad gateway</body></html>"},
		},
		{
			name: "secret in error body", status: 400, ct: "application/json",
			body:    `{"error":{"code":"BadRequest","message":"bad trigger https://x/invoke?sv=1&sig=SECRETSIG"},"client_secret":"abc"}`,
			want:    []string{"sig=REDACTED"},
			notWant: []string{"SECRETSIG", `"abc"`},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := http.Header{}
			for i := 0; i+1 < len(tc.headers); i += 2 {
				h.Set(tc.headers[i], tc.headers[i+1])
			}
			if tc.ct != "" {
				h.Set("Content-Type", tc.ct)
			}
			req, _ := http.NewRequest("PATCH", "https://org.example/api/data/v9.2/accounts(1)?sig=x", nil)
			resp := &http.Response{StatusCode: tc.status, Header: h, Body: io.NopCloser(strings.NewReader(tc.body)), Request: req}
			e := ReadError("dataverse", resp)
			msg := e.Error()
			for _, w := range tc.want {
				if !strings.Contains(msg, w) {
					t.Errorf("%q lacks %q", msg, w)
				}
			}
			for _, w := range append(tc.notWant, "sig=x") {
				if strings.Contains(msg, w) || strings.Contains(string(e.Body), w) {
					t.Errorf("%q (body %s) leaks %q", msg, e.Body, w)
				}
			}
			if strings.Count(msg, "is invalid") > 1 {
				t.Errorf("description repeated: %q", msg)
			}
			if StatusOf(fmt.Errorf("wrapped: %w", e)) != tc.status {
				t.Errorf("StatusOf lost the status")
			}
		})
	}
}

func TestReadErrorAfterRetries(t *testing.T) {
	_, srv := serve(t, status(503))
	fs := &fakeSleep{}
	c := newClient(srv, fs, func(o *Options) { o.MaxRetries = 2; o.Service = "webhooks" })
	resp, err := c.Do(mustReq(t, context.Background(), "GET", srv.URL+"/webhooks/v1/registration", ""))
	if err != nil {
		t.Fatal(err)
	}
	e := ReadError("", resp)
	if e.Attempts != 3 || e.CorrelationID == "" || e.Service != "webhooks" {
		t.Fatalf("%+v", e)
	}
	msg := e.Error()
	for _, w := range []string{"webhooks: GET", "/webhooks/v1/registration", "503 Service Unavailable", "c503", "status 503", "3 attempts", "correlation id " + e.CorrelationID} {
		if !strings.Contains(msg, w) {
			t.Errorf("%q lacks %q", msg, w)
		}
	}
}

func TestReadErrorTruncatesBody(t *testing.T) {
	body := strings.Repeat("x", 3*maxErrorBody)
	resp := &http.Response{StatusCode: 500, Header: http.Header{}, Body: io.NopCloser(strings.NewReader(body))}
	e := ReadError("powerplatform", resp)
	if len(e.Body) > maxErrorBody+8 {
		t.Fatalf("body kept %d bytes", len(e.Body))
	}
	if len(e.Error()) > 600 {
		t.Fatalf("message too long: %d", len(e.Error()))
	}
}

func TestWWWAuthenticateParsing(t *testing.T) {
	for in, want := range map[string]string{
		`Bearer error="invalid_token", error_description="a \"quoted\" reason"`: `a "quoted" reason`,
		`Bearer error="invalid_request"`:                                        "invalid_request",
		`Bearer realm="x",error=insufficient_scope`:                             "insufficient_scope",
		`Bearer`: "",
	} {
		if got := wwwAuthenticateError([]string{in}); got != want {
			t.Errorf("%s: got %q want %q", in, got, want)
		}
	}
}

func TestRetryErrorUnwraps(t *testing.T) {
	e := &RetryError{Service: "s", Method: "GET", URL: "u", Attempts: 2, LastStatus: 429, LastStatusText: "Too Many Requests", Err: context.DeadlineExceeded, Reason: "r"}
	if !errors.Is(e, context.DeadlineExceeded) {
		t.Fatal("does not unwrap")
	}
	if got := e.Error(); got != "s: GET u: gave up after 2 attempts: r; last answer: 429 Too Many Requests" {
		t.Fatalf("got %q", got)
	}
}

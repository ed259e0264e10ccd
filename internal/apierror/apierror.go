// Package apierror holds what the typed API clients' error values have in
// common (Dataverse, Partner Center, Power Platform). Each client keeps its
// own Error type and its own parsing of its API's error body.
package apierror

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// maxBody bounds the raw body kept when it matched no known error shape.
const maxBody = 512

// Body returns the raw error body for an Error's Body field: trimmed, cut
// after 512 bytes with "…" appended; "" for a blank body.
func Body(body []byte) string {
	// An API may echo what it was sent (a trigger URL with its sig, a
	// secret parameter): error text is redacted like the request logs.
	s := strings.TrimSpace(string(transport.RedactBody("", body)))
	if len(s) > maxBody {
		s = s[:maxBody] + "…"
	}
	return s
}

// Detail is what an Error message shows after the status: the API's message,
// else the raw body, else the status text.
func Detail(message, body string, status int) string {
	switch {
	case message != "":
		return string(transport.RedactBody("text/plain", []byte(message)))
	case body != "":
		return body
	default:
		return http.StatusText(status)
	}
}

// RetryAfter reads a Retry-After value as delay-seconds or as an HTTP-date
// after now. It is 0 when the value is absent, unreadable, negative or past.
func RetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}

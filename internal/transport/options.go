// Package transport is the one HTTP stack every API client of the provider
// uses: bounded, jittered retries that honour Retry-After, a correlation id
// on every request, a fresh bearer token per attempt, and request/response
// logging through tflog with secrets redacted.
package transport

import (
	"context"
	"net/http"
	"time"
)

// Correlation headers of the APIs the provider calls (see choices.go).
const (
	// HeaderPartnerCenterCorrelation is Partner Center's optional per-call GUID.
	HeaderPartnerCenterCorrelation = "MS-CorrelationId"
	// HeaderClientRequestID is the Azure/Dataverse/Power Platform convention.
	HeaderClientRequestID = "x-ms-client-request-id"
	// DefaultCorrelationHeader is used when Options.CorrelationHeader is empty.
	DefaultCorrelationHeader = "x-ms-correlation-id"
)

// Defaults for Options fields left at their zero value.
const (
	DefaultMaxRetries = 5
	DefaultMinBackoff = 500 * time.Millisecond
	DefaultMaxBackoff = 30 * time.Second
	// NoRetries as Options.MaxRetries sends each request once.
	NoRetries = -1
)

// Options configures a Client.
type Options struct {
	// Service names the API in logs and errors: "referrals", "webhooks",
	// "dataverse", "powerplatform".
	Service string
	// Token returns the bearer token to send; it is called before every
	// attempt so a token that expires during a backoff is renewed. nil sends
	// no Authorization header.
	Token func(ctx context.Context) (string, error)
	// HTTPClient does the round trips (nil: a client on http.DefaultTransport).
	HTTPClient *http.Client
	// MaxRetries bounds the retries after the first attempt. 0 means
	// DefaultMaxRetries; NoRetries (any negative value) disables retries, so
	// a provider max_retries = 0 must be passed as NoRetries.
	MaxRetries int
	// MinBackoff and MaxBackoff bound the exponential backoff (0: defaults).
	MinBackoff, MaxBackoff time.Duration
	// UserAgent is sent unless the request already has one.
	UserAgent string
	// CorrelationHeader carries a fresh UUID per logical call (kept across
	// its retries) unless the caller set it. Empty: chosen by Service
	// (CorrelationHeaderFor).
	CorrelationHeader string
	// Sleep waits between attempts; nil uses a timer. Tests inject a fake so
	// they never sleep. It must return early with ctx.Err() when ctx ends.
	Sleep func(ctx context.Context, d time.Duration) error
}

func (o Options) withDefaults() Options {
	switch {
	case o.MaxRetries == 0:
		o.MaxRetries = DefaultMaxRetries
	case o.MaxRetries < 0:
		o.MaxRetries = 0
	}
	if o.MinBackoff <= 0 {
		o.MinBackoff = DefaultMinBackoff
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = DefaultMaxBackoff
	}
	if o.MaxBackoff < o.MinBackoff {
		o.MaxBackoff = o.MinBackoff
	}
	if o.CorrelationHeader == "" {
		o.CorrelationHeader = CorrelationHeaderFor(o.Service)
	}
	if o.HTTPClient == nil {
		o.HTTPClient = &http.Client{Transport: http.DefaultTransport}
	}
	if o.Sleep == nil {
		o.Sleep = sleepTimer
	}
	if o.Service == "" {
		o.Service = "http"
	}
	return o
}

// CorrelationHeaderFor is the correlation header of a service (see
// choices.go): MS-CorrelationId for Partner Center ("referrals",
// "webhooks"), x-ms-client-request-id for "dataverse" and "powerplatform",
// DefaultCorrelationHeader otherwise.
func CorrelationHeaderFor(service string) string {
	switch service {
	case "referrals", "webhooks":
		return HeaderPartnerCenterCorrelation
	case "dataverse", "powerplatform":
		return HeaderClientRequestID
	}
	return DefaultCorrelationHeader
}

func sleepTimer(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// MaxRetriesDoc says exactly what the provider's max_retries covers (the
// rule of choices.go §1–§2), for the provider schema and the docs.
const MaxRetriesDoc = "How many times one API request is sent again after a transient failure: a 429 (throttled), 408, 500, 502, 503 or 504 " +
	"answer, or a connection reset or dropped before the answer. `Retry-After` is honoured (capped at 5 minutes), otherwise the wait " +
	"grows exponentially with jitter. Reads are always retried; a write is retried only when a repeat is safe: PUT and DELETE, creates " +
	"that carry a key the provider chose (Dataverse record ids, Partner Center `MS-RequestId`, connection names), updates guarded by " +
	"`If-Match` (a 412 then re-reads and decides again), and creates that are first looked up by their unique name (columns, tables) " +
	"so that an answer lost after the write was applied never creates a second object. 400, 401, 403, 404 and 409 are never retried. " +
	"Defaults to `5`; `0` sends each request once."

package transport

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"math"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// resend is what Do does after a failed attempt.
type resend int

const (
	stop        resend = iota // return the failure to the caller
	again                     // send the same request again
	lookupFirst               // ask the request's Lookup, then send again if not applied
)

// resendRule is the write-retry rule (choices.go §2). refused is true for
// an answer that says the server did not act (429).
func resendRule(s Safety, hasLookup, refused bool) resend {
	switch {
	case refused, s == Idempotent, s == Conditional:
		return again
	case hasLookup:
		return lookupFirst
	}
	return stop
}

// retryableStatus reports whether an answer with this status is worth a
// retry, and whether it says the request was refused before the server
// acted on it (429: throttled), so that even an unsafe write may be re-sent.
func retryableStatus(code int) (retry, refused bool) {
	switch code {
	case http.StatusTooManyRequests:
		return true, true
	case http.StatusRequestTimeout, http.StatusInternalServerError, http.StatusBadGateway,
		http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true, false
	}
	return false, false
}

// retryableError reports whether a round-trip error (no response) is a
// dropped or reset connection worth retrying, rather than a configuration
// problem (bad certificate, unknown host, malformed URL) or the caller's
// cancellation.
func retryableError(ctx context.Context, err error) bool {
	if err == nil || ctx.Err() != nil {
		return false
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		unknownAuth x509.UnknownAuthorityError
		hostname    x509.HostnameError
		invalid     x509.CertificateInvalidError
		verify      *tls.CertificateVerificationError
		dnsErr      *net.DNSError
		recordErr   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &unknownAuth), errors.As(err, &hostname), errors.As(err, &invalid),
		errors.As(err, &verify), errors.As(err, &recordErr):
		return false
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return false
	}
	var uerr *url.Error
	if errors.As(err, &uerr) && strings.Contains(uerr.Err.Error(), "unsupported protocol scheme") {
		return false
	}
	return true
}

// maxRetryAfter caps a server's Retry-After (see choices.go).
const maxRetryAfter = 5 * time.Minute

// parseRetryAfter reads Retry-After as delay-seconds or as an HTTP-date
// (RFC 9110 §10.2.3). ok is false when the header is absent or unreadable.
func parseRetryAfter(v string, now time.Time) (d time.Duration, ok bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.ParseFloat(v, 64); err == nil {
		switch {
		case math.IsNaN(secs):
			return 0, false
		case secs < 0:
			return 0, true
		case secs >= maxRetryAfter.Seconds():
			// Compare before converting: a huge value overflows Duration.
			return maxRetryAfter, true
		}
		d = time.Duration(secs * float64(time.Second))
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
		if d < 0 {
			d = 0
		}
	} else {
		return 0, false
	}
	return min(d, maxRetryAfter), true
}

// backoff is the wait before retry number n (1-based): exponential from
// min, capped at max, with "equal jitter" (half fixed, half random) so
// parallel Terraform operations hitting the same throttle spread out.
func backoff(n int, minB, maxB time.Duration, rnd func() float64) time.Duration {
	d := minB
	for i := 1; i < n && d < maxB; i++ {
		d *= 2
	}
	d = min(d, maxB)
	half := d / 2
	return half + time.Duration(rnd()*float64(d-half))
}

func defaultRand() float64 { return rand.Float64() }

package auth

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net/url"
	"strconv"
	"time"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"
)

// MSAL Go does not retry; a token request that meets a throttled or briefly
// unavailable Entra ID (or a dropped connection) is tried again a few times.
var (
	tokenAttempts   = 3
	retryBaseDelay  = 250 * time.Millisecond
	maxTokenBackoff = 10 * time.Second
)

func withRetry[T any](ctx context.Context, f func() (T, error)) (T, error) {
	delay := retryBaseDelay
	for attempt := 1; ; attempt++ {
		v, err := f()
		if err == nil || attempt >= tokenAttempts || !transient(ctx, err) {
			return v, err
		}
		d := delay
		if ra := retryAfter(err); ra > 0 {
			d = min(ra, maxTokenBackoff)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < d {
			return v, err
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return v, err
		case <-t.C:
		}
		delay *= 2
	}
}

// transient: throttling and server-side unavailability of the token
// endpoint, and connections that failed for other reasons than TLS trust.
func transient(ctx context.Context, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		switch ce.Resp.StatusCode {
		case 408, 429, 500, 502, 503, 504:
			return true
		}
		return false
	}
	var (
		ue          *url.Error
		unknownAuth x509.UnknownAuthorityError
		hostname    x509.HostnameError
		verify      *tls.CertificateVerificationError
	)
	if errors.As(err, &unknownAuth) || errors.As(err, &hostname) || errors.As(err, &verify) {
		return false
	}
	return errors.As(err, &ue)
}

func retryAfter(err error) time.Duration {
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		if s, e := strconv.Atoi(ce.Resp.Header.Get("Retry-After")); e == nil && s > 0 {
			return time.Duration(s) * time.Second
		}
	}
	return 0
}

// Package core holds what every emulated service shares: the identity a bearer
// token proves, request authentication by audience, request counters and fault
// injection. It imports nothing from the provider's clients: the emulator is
// written from the reference documents so a client bug and an emulator bug
// cannot cancel each other out.
package core

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"
)

// Well-known token audiences (resource identifiers). Dataverse's audience is
// the organisation URL, so it is not a constant.
const (
	AudienceReferrals     = "https://api.partner.microsoft.com"
	AudienceWebhooks      = "https://api.partnercenter.microsoft.com"
	AudiencePowerPlatform = "https://api.powerplatform.com"
)

// Claims is what the emulator's Entra ID proves about the caller of an API.
type Claims struct {
	Audience string
	TenantID string
	AppID    string // client id of the application that asked for the token
	ObjectID string // object id of the user, or of the service principal when app-only
	UPN      string // user principal name; empty when app-only
	AppOnly  bool   // client-credentials token (idtyp=app, no scp)
	Scopes   []string
	Expires  time.Time
}

// TokenVerifier checks a raw bearer token's signature, issuer and expiry.
// The audience is checked by RequireToken, per API.
type TokenVerifier interface {
	Verify(raw string) (*Claims, error)
}

// ErrorWriter writes an API's own error body (each service has its own shape).
type ErrorWriter func(w http.ResponseWriter, status int, code, message string)

// AuthPolicy says which tokens an API accepts.
type AuthPolicy struct {
	// Audience returns the audience this API accepts (a func because the
	// Dataverse org URL is only known once the listener is bound).
	Audience func() string
	// UserOnly refuses app-only tokens (the Referrals API supports App+User only).
	UserOnly bool
}

type claimsKey struct{}

// ClaimsFrom returns the claims RequireToken attached to the request context.
func ClaimsFrom(ctx context.Context) *Claims {
	c, _ := ctx.Value(claimsKey{}).(*Claims)
	return c
}

// ErrNoToken is returned by BearerToken when no Authorization header is sent.
var ErrNoToken = errors.New("no bearer token")

// BearerToken extracts the token from "Authorization: Bearer <token>".
func BearerToken(r *http.Request) (string, error) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "", ErrNoToken
	}
	scheme, tok, ok := strings.Cut(h, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(tok) == "" {
		return "", errors.New("malformed Authorization header: expected 'Bearer <token>'")
	}
	return strings.TrimSpace(tok), nil
}

// RequireToken authenticates every request of next: 401 for a missing,
// invalid, expired or wrong-audience token, 403 for an app-only token where
// the API needs a user. The WWW-Authenticate header follows RFC 6750.
func RequireToken(v TokenVerifier, p AuthPolicy, writeErr ErrorWriter, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, err := BearerToken(r)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_request"`)
			writeErr(w, http.StatusUnauthorized, "Unauthorized", err.Error())
			return
		}
		c, err := v.Verify(raw)
		if err != nil {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+escapeQuoted(err.Error())+`"`)
			writeErr(w, http.StatusUnauthorized, "InvalidAuthenticationToken", err.Error())
			return
		}
		want := strings.TrimRight(p.Audience(), "/")
		if strings.TrimRight(c.Audience, "/") != want {
			msg := "The audience '" + c.Audience + "' is invalid; this API accepts tokens for '" + want + "'."
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_token", error_description="`+escapeQuoted(msg)+`"`)
			writeErr(w, http.StatusUnauthorized, "InvalidAudience", msg)
			return
		}
		if p.UserOnly && c.AppOnly {
			writeErr(w, http.StatusForbidden, "Forbidden",
				"This API currently supports only user access (App+User); app-only tokens are not supported.")
			return
		}
		r2 := r.WithContext(context.WithValue(r.Context(), claimsKey{}, c))
		next.ServeHTTP(w, r2)
		// A ServeMux inside sets Pattern on the copy; carry it back so
		// Metrics.Middleware (outside) can key its counter by route.
		if r.Pattern == "" {
			r.Pattern = r2.Pattern
		}
	})
}

func escapeQuoted(s string) string { return strings.ReplaceAll(s, `"`, `'`) }

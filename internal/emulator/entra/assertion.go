package entra

import (
	"crypto/x509"
	"encoding/base64"
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// assertionClockSkew is the clock skew tolerated on client assertions
// (Entra allows five minutes).
const assertionClockSkew = 5 * time.Minute

const (
	clientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
	federatedAudience   = "api://AzureADTokenExchange"
)

// verifyAssertion authenticates a client by a signed JWT. Like Entra, an
// assertion whose iss and sub are the client id is a certificate credential
// (signed with the app's private key); anything else is a federated
// credential from a trusted external issuer. tenant is the one in the path.
func (s *Service) verifyAssertion(a *app, raw, tenant string) (string, *stsError) {
	unverified, _, err := jwt.NewParser().ParseUnverified(raw, jwt.MapClaims{})
	if err != nil {
		return "", newErr(http.StatusUnauthorized, "invalid_client", 50027, "JWT token is invalid or malformed.")
	}
	mc := unverified.Claims.(jwt.MapClaims)
	iss, _ := mc["iss"].(string)
	sub, _ := mc["sub"].(string)
	if strings.EqualFold(iss, a.ClientID) && strings.EqualFold(sub, a.ClientID) {
		return "certificate", s.verifyCertAssertion(a, raw, unverified.Header, tenant)
	}
	return "federated", s.verifyFederatedAssertion(a, raw)
}

func (s *Service) verifyCertAssertion(a *app, raw string, hdr map[string]any, tenant string) *stsError {
	cert := findCert(a.certs, hdr)
	if cert == nil {
		return newErr(http.StatusUnauthorized, "invalid_client", 700027,
			"The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found., Thumbprint of key used by client: '%s'] ", thumbprintHeader(hdr))
	}
	// The audience is the token endpoint the assertion is presented to
	// (MSAL sets it to the resolved token_endpoint).
	auds := []string{s.base() + "/" + tenant + "/oauth2/v2.0/token", s.TokenEndpoint()}
	mc := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, mc, func(*jwt.Token) (any, error) { return cert.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256", "PS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(assertionClockSkew),
	)
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		return newErr(http.StatusUnauthorized, "invalid_client", 700024, "Client assertion is not within its valid time range.")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		return newErr(http.StatusUnauthorized, "invalid_client", 700027, "Client assertion failed signature validation.")
	default:
		return newErr(http.StatusUnauthorized, "invalid_client", 50027, "JWT token is invalid or malformed. %v", err)
	}
	aud, _ := mc.GetAudience()
	if !slices.ContainsFunc(aud, func(v string) bool { return slices.Contains(auds, v) }) {
		return newErr(http.StatusUnauthorized, "invalid_client", 700027,
			"Client assertion contains an invalid audience %q; expected the token endpoint %q.", strings.Join(aud, " "), auds[0])
	}
	return nil
}

// findCert matches the x5t#S256, x5t or x5c header against the app's
// registered certificates.
func findCert(certs []*x509.Certificate, hdr map[string]any) *x509.Certificate {
	for _, key := range []string{"x5t#S256", "x5t"} {
		if v, _ := hdr[key].(string); v != "" {
			for _, c := range certs {
				if slices.Contains(certThumbprints(c), v) {
					return c
				}
			}
		}
	}
	if chain, ok := hdr["x5c"].([]any); ok && len(chain) > 0 {
		if b64, _ := chain[0].(string); b64 != "" {
			der, err := base64.StdEncoding.DecodeString(b64)
			if err == nil {
				for _, c := range certs {
					if string(c.Raw) == string(der) {
						return c
					}
				}
			}
		}
	}
	return nil
}

func thumbprintHeader(hdr map[string]any) string {
	for _, key := range []string{"x5t#S256", "x5t"} {
		if v, _ := hdr[key].(string); v != "" {
			return v
		}
	}
	return ""
}

func (s *Service) verifyFederatedAssertion(a *app, raw string) *stsError {
	mc := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, mc, func(*jwt.Token) (any, error) { return &s.federated.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
		jwt.WithLeeway(assertionClockSkew),
	)
	iss, _ := mc["iss"].(string)
	sub, _ := mc["sub"].(string)
	aud, _ := mc.GetAudience()
	switch {
	case err == nil:
	case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenNotValidYet):
		return newErr(http.StatusUnauthorized, "invalid_client", 700024, "Client assertion is not within its valid time range.")
	case errors.Is(err, jwt.ErrTokenSignatureInvalid), errors.Is(err, jwt.ErrTokenUnverifiable):
		if iss != s.FederatedIssuer() {
			return newErr(http.StatusUnauthorized, "invalid_client", 700211,
				"No matching federated identity record found for presented assertion issuer '%s'.", iss)
		}
		return newErr(http.StatusUnauthorized, "invalid_client", 700213,
			"The federated assertion failed signature validation against the keys of issuer '%s'.", iss)
	default:
		return newErr(http.StatusUnauthorized, "invalid_client", 50027, "JWT token is invalid or malformed. %v", err)
	}
	if iss != s.FederatedIssuer() {
		return newErr(http.StatusUnauthorized, "invalid_client", 700211,
			"No matching federated identity record found for presented assertion issuer '%s'.", iss)
	}
	if !slices.Contains(aud, federatedAudience) {
		return newErr(http.StatusUnauthorized, "invalid_client", 700212,
			"No matching federated identity record found for presented assertion audience '%s'.", strings.Join(aud, " "))
	}
	if !slices.Contains(a.FederatedSubjects, sub) {
		return newErr(http.StatusUnauthorized, "invalid_client", 70021,
			"No matching federated identity record found for presented assertion. Assertion Issuer: '%s'. Assertion Subject: '%s'. Assertion Audience: '%s'.",
			iss, sub, strings.Join(aud, " "))
	}
	return nil
}

// Package auth obtains Entra ID access tokens for the APIs the provider
// calls, every one through MSAL Go: app-only tokens (client secret,
// certificate or federated workload identity) and App+User tokens (a Secure
// Application Model refresh token, or username/password for accounts
// without MFA). Tokens are cached per audience by MSAL and renewed before
// they expire.
package auth

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// DefaultAuthorityHost is Entra ID's public cloud login host.
const DefaultAuthorityHost = "https://login.microsoftonline.com"

// Well-known token audiences of the APIs the provider calls.
const (
	AudienceReferrals     = "https://api.partner.microsoft.com"
	AudienceWebhooks      = "https://api.partnercenter.microsoft.com"
	AudiencePowerPlatform = "https://api.powerplatform.com"
)

// Config is the authentication part of the provider configuration, after
// attributes and environment variables have been merged.
type Config struct {
	TenantID, ClientID string

	ClientSecret string
	// ClientCertificate is PEM (certificate and unencrypted key) or PKCS#12,
	// raw or base64-encoded; the password is for PKCS#12.
	ClientCertificate         []byte
	ClientCertificatePassword string
	// OIDCToken / OIDCTokenFilePath: federated workload identity. The file
	// is read again for every assertion because CI systems rotate it.
	OIDCToken, OIDCTokenFilePath string

	// RefreshToken of a Secure Application Model consent. The rotated token
	// is kept in TokenCacheFile (optional, 0600) and preferred next time.
	RefreshToken, TokenCacheFile string
	// Username/Password: ROPC, only for accounts without MFA.
	Username, Password string

	// AuthorityHost defaults to DefaultAuthorityHost; MSAL requires https.
	AuthorityHost string
	// HTTPClient is used by MSAL (nil: a client on http.DefaultTransport,
	// which trusts the system roots and SSL_CERT_FILE).
	HTTPClient *http.Client
}

func (c Config) hasAppCredential() bool {
	return c.ClientSecret != "" || len(c.ClientCertificate) > 0 || c.OIDCToken != "" || c.OIDCTokenFilePath != ""
}

func (c Config) hasROPC() bool { return c.Username != "" || c.Password != "" }

func (c Config) authority() (string, error) {
	host := strings.TrimRight(strings.TrimSpace(c.AuthorityHost), "/")
	if host == "" {
		host = DefaultAuthorityHost
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" {
		return "", fmt.Errorf("%s %q is not a URL", Hint(AttrAuthorityHost), c.AuthorityHost)
	}
	if u.Scheme != "https" {
		return "", fmt.Errorf("%s must use https (MSAL accepts only https authorities), got %q", Hint(AttrAuthorityHost), c.AuthorityHost)
	}
	return host, nil
}

// Errors for missing configuration. Each names the attribute and its
// environment variables.
var (
	errNoTenant = errors.New(AttrTenantID + " is required (" + envList(AttrTenantID) + ")")
	errNoClient = errors.New(AttrClientID + " is required (" + envList(AttrClientID) + ")")
)

// ErrNoAppCredential: no client secret, certificate or federated token.
var ErrNoAppCredential = errors.New("no application credential configured: set " +
	Hint(AttrClientSecret) + ", " + Hint(AttrClientCertificate) + " / " + Hint(AttrClientCertificatePath) + ", or " +
	Hint(AttrOIDCToken) + " / " + Hint(AttrOIDCTokenFilePath))

// noUserCredential explains that an App+User token needs a user credential.
func noUserCredential(audience string) error {
	what := "no user credential configured for " + audience + " (App+User token required)"
	if sameAudience(audience, AudienceReferrals) {
		what = "the Partner Center Referrals API accepts only App+User tokens"
	}
	return errors.New(what + ": set " + Hint(AttrRefreshToken) +
		" to a Secure Application Model refresh token, or " + Hint(AttrUsername) + " and " + Hint(AttrPassword) +
		" of an account without MFA")
}

func sameAudience(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

// scopeFor turns a resource ("https://api.partner.microsoft.com") into the
// v2.0 scope "<resource>/.default"; a full scope is kept.
func scopeFor(audience string) []string {
	a := strings.TrimSpace(audience)
	if strings.HasSuffix(a, "/.default") {
		return []string{a}
	}
	return []string{strings.TrimRight(a, "/") + "/.default"}
}

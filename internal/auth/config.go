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
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
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
	// ClientCertificatePath is the file ClientCertificate was read from
	// ("" when given inline): messages then name client_certificate_path.
	ClientCertificatePath string
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

// certificateAttr is the attribute the certificate came from.
func (c Config) certificateAttr() string {
	if c.ClientCertificatePath != "" {
		return AttrClientCertificatePath
	}
	return AttrClientCertificate
}

// oidcAttr is the attribute the federated token comes from (the file wins).
func (c Config) oidcAttr() string {
	if c.OIDCTokenFilePath != "" {
		return AttrOIDCTokenFilePath
	}
	return AttrOIDCToken
}

// Credential kinds, as error messages label the token request.
const (
	kindSecret      = "client secret"
	kindCertificate = "certificate"
	kindFederated   = "federated token"
	kindRefresh     = "refresh token"
	kindPassword    = "password"
)

// appCredentialUsed returns the kind and attribute of the application
// credential the precedence picks (see choices.go §6); "" when none.
func (c Config) appCredentialUsed() (kind, attr string) {
	switch {
	case len(c.ClientCertificate) > 0:
		return kindCertificate, c.certificateAttr()
	case c.ClientSecret != "":
		return kindSecret, AttrClientSecret
	case c.OIDCToken != "" || c.OIDCTokenFilePath != "":
		return kindFederated, c.oidcAttr()
	}
	return "", ""
}

func (c Config) authority() (string, error) {
	host := strings.TrimSpace(c.AuthorityHost)
	if host == "" {
		host = DefaultAuthorityHost
	}
	norm, msg := AuthorityHostEndpoint.Normalize(host)
	if msg != "" {
		return "", fmt.Errorf("%s %s", Hint(AttrAuthorityHost), msg)
	}
	return norm, nil
}

// AuthorityHostEndpoint is how authority_host is parsed: MSAL accepts only
// https authorities, and the provider appends "/<tenant_id>" itself.
var AuthorityHostEndpoint = validate.Endpoint{
	Example:  DefaultAuthorityHost,
	PathHint: "the tenant goes in tenant_id; the provider builds the authority <authority_host>/<tenant_id> itself",
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

// noAppCredential explains that an API takes the app credential.
func noAppCredential(r TokenRule) error {
	if r.Name == "" {
		return ErrNoAppCredential
	}
	return fmt.Errorf("the %s API takes the application credential only (%s): %w", r.Name, r.Source, ErrNoAppCredential)
}

// noUserCredential explains that an App+User token needs a user credential.
func noUserCredential(r TokenRule, audience string) error {
	what := "no user credential configured for " + audience + " (App+User token required)"
	if r.API == APIReferrals || sameAudience(audience, AudienceReferrals) {
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

package auth

import (
	"os"
	"strings"
)

// Attribute is a provider configuration attribute for authentication and the
// environment variables that can supply it, in order of precedence. This is
// the one table of those names: the provider schema, its docs and the error
// messages of this package all read it.
type Attribute struct {
	Name        string
	EnvVars     []string
	Sensitive   bool
	Description string
}

// Attribute names.
const (
	AttrTenantID                  = "tenant_id"
	AttrClientID                  = "client_id"
	AttrClientSecret              = "client_secret"
	AttrClientCertificate         = "client_certificate"
	AttrClientCertificatePath     = "client_certificate_path"
	AttrClientCertificatePassword = "client_certificate_password"
	AttrOIDCToken                 = "oidc_token"
	AttrOIDCTokenFilePath         = "oidc_token_file_path"
	AttrRefreshToken              = "refresh_token"
	AttrTokenCacheFile            = "token_cache_file"
	AttrUsername                  = "username"
	AttrPassword                  = "password"
	AttrAuthorityHost             = "authority_host"
)

// Attributes lists every authentication attribute.
var Attributes = []Attribute{
	{AttrTenantID, []string{"COSELL_TENANT_ID", "ARM_TENANT_ID"}, false,
		"Entra ID tenant (directory) id of the partner organisation."},
	{AttrClientID, []string{"COSELL_CLIENT_ID", "ARM_CLIENT_ID"}, false,
		"Application (client) id of the app registration."},
	{AttrClientSecret, []string{"COSELL_CLIENT_SECRET", "ARM_CLIENT_SECRET"}, true,
		"Client secret of the app registration."},
	{AttrClientCertificate, []string{"COSELL_CLIENT_CERTIFICATE", "ARM_CLIENT_CERTIFICATE"}, true,
		"Client certificate with its private key: PEM (certificate and unencrypted key) or base64-encoded PKCS#12."},
	{AttrClientCertificatePath, []string{"COSELL_CLIENT_CERTIFICATE_PATH", "ARM_CLIENT_CERTIFICATE_PATH"}, false,
		"File holding the client certificate with its private key (PEM or PKCS#12); the provider reads it into client_certificate."},
	{AttrClientCertificatePassword, []string{"COSELL_CLIENT_CERTIFICATE_PASSWORD", "ARM_CLIENT_CERTIFICATE_PASSWORD"}, true,
		"Password of a PKCS#12 client certificate."},
	{AttrOIDCToken, []string{"COSELL_OIDC_TOKEN", "ARM_OIDC_TOKEN"}, true,
		"Federated workload identity token (e.g. from a CI OIDC provider) used as the client assertion."},
	{AttrOIDCTokenFilePath, []string{"COSELL_OIDC_TOKEN_FILE_PATH", "ARM_OIDC_TOKEN_FILE_PATH"}, false,
		"File holding a federated workload identity token; read again for every assertion because CI systems rotate it."},
	{AttrRefreshToken, []string{"COSELL_REFRESH_TOKEN"}, true,
		"Refresh token of a Secure Application Model consent (App+User), redeemed for user tokens."},
	{AttrTokenCacheFile, []string{"COSELL_TOKEN_CACHE_FILE"}, false,
		"File (mode 0600) where the rotated refresh token is kept; preferred over refresh_token on the next run."},
	{AttrUsername, []string{"COSELL_USERNAME"}, false,
		"User principal name for the username/password (ROPC) flow; accounts without MFA only."},
	{AttrPassword, []string{"COSELL_PASSWORD"}, true,
		"Password for the username/password (ROPC) flow."},
	{AttrAuthorityHost, []string{"COSELL_AUTHORITY_HOST", "ARM_AUTHORITY_HOST"}, false,
		"Entra ID authority host (default " + DefaultAuthorityHost + "); must be https."},
}

// AttributeByName returns the table entry for name (zero value if unknown).
func AttributeByName(name string) Attribute {
	for _, a := range Attributes {
		if a.Name == name {
			return a
		}
	}
	return Attribute{Name: name}
}

// Hint names an attribute and its environment variables, as error messages
// show it: "client_secret (COSELL_CLIENT_SECRET or ARM_CLIENT_SECRET)".
func Hint(name string) string {
	a := AttributeByName(name)
	if len(a.EnvVars) == 0 {
		return a.Name
	}
	return a.Name + " (" + envList(name) + ")"
}

func envList(name string) string { return strings.Join(AttributeByName(name).EnvVars, " or ") }

// FromEnv returns the value of the first of the attribute's environment
// variables that is set and not empty.
func FromEnv(name string) (string, bool) {
	for _, env := range AttributeByName(name).EnvVars {
		if v, ok := os.LookupEnv(env); ok && v != "" {
			return v, true
		}
	}
	return "", false
}

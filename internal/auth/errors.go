package auth

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// EntraError is a failed token request, with the parts of Entra's OAuth
// error body that matter to a user. MSAL reports these as a long string
// holding the URL and the raw body; this type makes them one clear line.
type EntraError struct {
	ClientID, Audience string
	// Flow is the kind of credential the request used: "client secret",
	// "certificate", "federated token", "refresh token" or "password".
	Flow          string
	StatusCode    int
	Code          string // OAuth error: invalid_client, invalid_grant, ...
	Description   string // "AADSTS7000215: Invalid client secret provided. ..."
	TraceID       string
	CorrelationID string
	Hint          string // what to do about it, when known
	Err           error  // what MSAL returned
}

func (e *EntraError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "authenticating to Entra ID as client %s for %s", e.ClientID, e.Audience)
	if e.Flow != "" {
		fmt.Fprintf(&b, " (%s)", e.Flow)
	}
	b.WriteString(": ")
	switch {
	case e.Description != "":
		b.WriteString(e.Description)
	case e.Code != "":
		b.WriteString(e.Code)
	default:
		b.WriteString(trimMSAL(redactSecrets(e.Err.Error())))
	}
	var ids []string
	if e.Code != "" && e.Description != "" {
		ids = append(ids, e.Code)
	}
	if e.TraceID != "" {
		ids = append(ids, "trace id "+e.TraceID)
	}
	if e.CorrelationID != "" {
		ids = append(ids, "correlation id "+e.CorrelationID)
	}
	if len(ids) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(ids, ", "))
	}
	if e.Hint != "" {
		b.WriteString(". " + e.Hint)
	}
	return b.String()
}

func (e *EntraError) Unwrap() error { return e.Err }

// AADSTS returns the AADSTS error number of the description ("" if none).
func (e *EntraError) AADSTS() string {
	return reAADSTS.FindString(e.Description)
}

var reAADSTS = regexp.MustCompile(`AADSTS\d+`)

// entraError turns an MSAL error into an *EntraError. Errors that are not
// about the token endpoint's answer (network, TLS, bad certificate) keep
// MSAL's text under the same prefix.
func entraError(err error, r tokenRequest) *EntraError {
	e := &EntraError{ClientID: r.cfg.ClientID, Audience: r.audience, Flow: r.kind, Err: err}
	var ce msalerrors.CallErr
	if errors.As(err, &ce) && ce.Resp != nil {
		e.StatusCode = ce.Resp.StatusCode
		if ce.Resp.Body != nil {
			raw, _ := io.ReadAll(io.LimitReader(ce.Resp.Body, 64<<10))
			var body struct {
				Error         string `json:"error"`
				Description   string `json:"error_description"`
				TraceID       string `json:"trace_id"`
				CorrelationID string `json:"correlation_id"`
			}
			if json.Unmarshal(raw, &body) == nil {
				e.Code, e.TraceID, e.CorrelationID = body.Error, body.TraceID, body.CorrelationID
				e.Description = trimDescription(body.Description)
			}
		}
		if e.Description == "" && e.Code == "" {
			e.Description = fmt.Sprintf("HTTP %d from the token endpoint %s", e.StatusCode, ce.Req.URL.Redacted())
		}
	} else {
		// MSAL puts the raw token response in the text of a decoding error
		// ("raw message was: {...access_token...}"): redact before showing.
		e.Description = trimMSAL(redactSecrets(err.Error()))
	}
	e.Hint = hintFor(e.AADSTS(), r)
	var unknownAuth x509.UnknownAuthorityError
	var verify *tls.CertificateVerificationError
	if e.Hint == "" && (errors.As(err, &unknownAuth) || errors.As(err, &verify)) {
		e.Hint = "This machine does not trust the TLS certificate of the authority host: add its CA to the system roots or point SSL_CERT_FILE at it"
	}
	return e
}

// redactSecrets hides tokens, secrets and sig= values in free text with the
// transport's redaction rules (the same ones its logs and errors use).
func redactSecrets(s string) string {
	return string(transport.RedactBody("text/plain", []byte(s)))
}

// trimDescription drops the trace/correlation/timestamp tail Entra appends
// to error_description (they are reported separately).
func trimDescription(d string) string {
	if i := strings.Index(d, "Trace ID:"); i > 0 {
		d = d[:i]
	}
	return strings.Join(strings.Fields(d), " ")
}

// trimMSAL makes MSAL's multi-line errors one line of bounded length.
func trimMSAL(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 600 {
		s = s[:600] + "…"
	}
	return s
}

// tokenRequest describes a token request for its error message: which
// credential kind was used, from which attribute, for which API.
type tokenRequest struct {
	cfg      Config
	rule     TokenRule
	audience string
	kind     string // kindSecret, kindCertificate, ...
	attr     string // the attribute holding the credential used
	origin   string // refresh tokens: AttrRefreshToken or AttrTokenCacheFile
}

// entraHint is one row of the hint table: the AADSTS codes, the credential
// kinds it applies to (none: any) and the advice.
type entraHint struct {
	codes []string
	kinds []string
	hint  func(r tokenRequest) string
}

// entraHints is the one table from Entra error codes to what the user
// should change. Each hint names the attribute actually used (with its
// environment variables) and the fix; the first row that matches wins.
var entraHints = []entraHint{
	{codes: []string{"AADSTS7000215"}, hint: func(r tokenRequest) string {
		return "Check " + Hint(AttrClientSecret) + ": use the secret's value (not its id) from the app registration's Certificates & secrets, and make sure it has not expired"
	}},
	{codes: []string{"AADSTS7000222"}, hint: func(r tokenRequest) string {
		return "The client secret has expired: create a new secret on the app registration (Certificates & secrets) and set " + Hint(AttrClientSecret) + " to its value"
	}},
	{codes: []string{"AADSTS700027"}, hint: func(r tokenRequest) string {
		return "The certificate in " + Hint(r.cfg.certificateAttr()) + " is not registered on app registration " + r.cfg.ClientID +
			" (or its key does not match): upload its public certificate under Certificates & secrets → Certificates, or point " + r.cfg.certificateAttr() + " at the registered certificate with its private key"
	}},
	{codes: []string{"AADSTS50027"}, kinds: []string{kindFederated}, hint: func(r tokenRequest) string {
		return Hint(r.cfg.oidcAttr()) + " does not hold a valid JWT: give the raw token your CI system issued (for GitHub Actions the `value` field of the ID token response, not the whole JSON), with no quotes or extra text"
	}},
	{codes: []string{"AADSTS50027"}, hint: func(r tokenRequest) string {
		return "The client assertion is not a valid JWT: check " + Hint(r.attr)
	}},
	{codes: []string{"AADSTS700024"}, hint: func(r tokenRequest) string {
		return "The federated token in " + Hint(r.cfg.oidcAttr()) + " has expired: fetch a fresh one from your CI system just before the run (a file in " + AttrOIDCTokenFilePath + " is re-read for every exchange, so the CI system may keep replacing it)"
	}},
	{codes: []string{"AADSTS700211", "AADSTS700212", "AADSTS700213", "AADSTS70021"}, hint: func(r tokenRequest) string {
		return "No federated identity credential of app registration " + r.cfg.ClientID + " matches the issuer, subject and audience (api://AzureADTokenExchange) of the token in " +
			Hint(r.cfg.oidcAttr()) + ": add one for your CI subject (Certificates & secrets → Federated credentials), or give the token of the subject that is registered"
	}},
	{codes: []string{"AADSTS50076", "AADSTS50079", "AADSTS50074", "AADSTS50158", "AADSTS53003"}, hint: func(r tokenRequest) string {
		return "The account requires multi-factor authentication or conditional access, which username/password (ROPC) cannot satisfy: complete a Secure Application Model consent and set " + Hint(AttrRefreshToken) + " instead"
	}},
	{codes: []string{"AADSTS50126"}, hint: func(r tokenRequest) string {
		return "Check " + Hint(AttrUsername) + " and " + Hint(AttrPassword)
	}},
	{codes: []string{"AADSTS50034"}, hint: func(r tokenRequest) string {
		return "The user in " + Hint(AttrUsername) + " does not exist in tenant " + r.cfg.TenantID + ": give the user principal name (e.g. admin@contoso.onmicrosoft.com) of a member of that tenant, or check " + Hint(AttrTenantID)
	}},
	{codes: []string{"AADSTS7000218"}, hint: func(r tokenRequest) string {
		return "The app registration is not a public client, so this grant needs the application credential: set " +
			Hint(AttrClientSecret) + " or " + Hint(AttrClientCertificate) + " (or allow public client flows on the app registration)"
	}},
	{codes: []string{"AADSTS50173", "AADSTS9002313", "AADSTS70000", "AADSTS700082", "AADSTS70008", "AADSTS700084"}, kinds: []string{kindRefresh}, hint: func(r tokenRequest) string {
		from := Hint(AttrRefreshToken)
		if r.origin == AttrTokenCacheFile {
			from = "the token saved in " + Hint(AttrTokenCacheFile) + " (" + r.cfg.TokenCacheFile + ")"
		}
		return "The refresh token from " + from + " was refused: it was revoked, expired or is not one this tenant issued to client " + r.cfg.ClientID +
			". Repeat the Secure Application Model consent and set " + Hint(AttrRefreshToken) + " to the new token" +
			" (a newly configured token takes precedence over the one in token_cache_file, which is then replaced)"
	}},
	{codes: []string{"AADSTS65001"}, kinds: []string{kindRefresh, kindPassword}, hint: func(r tokenRequest) string {
		return "The user has not consented to app registration " + r.cfg.ClientID + " for " + r.audience +
			": add the API's delegated permission (for Partner Center, Microsoft Partner → user_impersonation) to the app registration, grant admin consent, then repeat the Secure Application Model consent and set " + Hint(AttrRefreshToken)
	}},
	{codes: []string{"AADSTS65001"}, hint: func(r tokenRequest) string {
		return "App registration " + r.cfg.ClientID + " (" + Hint(AttrClientID) + ") lacks consent for " + r.audience + ": grant admin consent for the API's permissions on the app registration (API permissions → Grant admin consent)"
	}},
	{codes: []string{"AADSTS70011"}, hint: func(r tokenRequest) string {
		return "The scope " + strings.Join(scopeFor(r.audience), " ") + " is not valid: check " + audienceHint(r.rule)
	}},
	{codes: []string{"AADSTS500011"}, hint: func(r tokenRequest) string {
		if r.rule.API == APIDataverse {
			return "Tenant " + r.cfg.TenantID + " has no Dataverse organisation at " + r.audience + ": check that " + audienceHint(r.rule) +
				" is an organisation of the tenant in " + Hint(AttrTenantID) + " (another tenant's organisation cannot be used)"
		}
		return "The resource " + r.audience + " is not known in tenant " + r.cfg.TenantID + ": check " + audienceHint(r.rule) + " and " + Hint(AttrTenantID)
	}},
	{codes: []string{"AADSTS700016"}, hint: func(r tokenRequest) string {
		return "App registration " + r.cfg.ClientID + " is not in tenant " + r.cfg.TenantID + ": check " + Hint(AttrClientID) + " and " + Hint(AttrTenantID)
	}},
	{codes: []string{"AADSTS90002", "AADSTS90013", "AADSTS900023"}, hint: func(r tokenRequest) string {
		return "Tenant " + r.cfg.TenantID + " does not exist: check " + Hint(AttrTenantID) + " (the Directory ID of the partner tenant)"
	}},
	{codes: []string{"AADSTS7000112", "AADSTS700025"}, hint: func(r tokenRequest) string {
		return "App registration " + r.cfg.ClientID + " is disabled or cannot use this credential kind: check the app registration and " + Hint(r.attr)
	}},
}

// audienceHint names the setting behind an API's token audience.
func audienceHint(r TokenRule) string {
	if r.AudienceAttr == "" {
		return "the API's audience setting"
	}
	return r.AudienceAttr + " (" + audienceEnv(r.AudienceAttr) + ")"
}

// audienceEnv names the environment variable of an audience setting (these
// are provider settings, not authentication attributes, but follow the
// COSELL_<NAME> convention).
func audienceEnv(attr string) string { return "COSELL_" + strings.ToUpper(attr) }

// hintFor returns the advice of the first row of entraHints that matches.
func hintFor(aadsts string, r tokenRequest) string {
	if aadsts == "" {
		return ""
	}
	for _, h := range entraHints {
		if !slices.Contains(h.codes, aadsts) {
			continue
		}
		if len(h.kinds) > 0 && !slices.Contains(h.kinds, r.kind) {
			continue
		}
		return h.hint(r)
	}
	return ""
}

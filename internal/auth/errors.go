package auth

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	msalerrors "github.com/AzureAD/microsoft-authentication-library-for-go/apps/errors"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// EntraError is a failed token request, with the parts of Entra's OAuth
// error body that matter to a user. MSAL reports these as a long string
// holding the URL and the raw body; this type makes them one clear line.
type EntraError struct {
	ClientID, Audience string
	Flow               string // "client credentials", "refresh token", "username/password"
	StatusCode         int
	Code               string // OAuth error: invalid_client, invalid_grant, ...
	Description        string // "AADSTS7000215: Invalid client secret provided. ..."
	TraceID            string
	CorrelationID      string
	Hint               string // what to do about it, when known
	Err                error  // what MSAL returned
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
func entraError(err error, clientID, audience, flow string) *EntraError {
	e := &EntraError{ClientID: clientID, Audience: audience, Flow: flow, Err: err}
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
	e.Hint = hintFor(e.AADSTS(), flow)
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

func hintFor(aadsts, flow string) string {
	switch aadsts {
	case "AADSTS50076", "AADSTS50079", "AADSTS50074", "AADSTS50158", "AADSTS53003":
		return "The account requires multi-factor authentication or conditional access, which username/password (ROPC) cannot satisfy: complete a Secure Application Model consent and set " + Hint(AttrRefreshToken) + " instead"
	case "AADSTS50126":
		return "Check " + Hint(AttrUsername) + " and " + Hint(AttrPassword)
	case "AADSTS7000215", "AADSTS7000222":
		return "Check " + Hint(AttrClientSecret) + ": use the secret's value (not its id) and make sure it has not expired"
	case "AADSTS7000218":
		return "The app registration is not a public client, so this grant needs the application credential: set " +
			Hint(AttrClientSecret) + " or " + Hint(AttrClientCertificate) + " (or allow public client flows on the app registration)"
	case "AADSTS50173", "AADSTS9002313", "AADSTS70000", "AADSTS700082", "AADSTS70008", "AADSTS700084":
		if flow == flowRefresh {
			return "The refresh token is no longer valid: repeat the Secure Application Model consent and set " + Hint(AttrRefreshToken) +
				" (and remove a stale " + AttrTokenCacheFile + ")"
		}
	case "AADSTS700016":
		return "Check " + Hint(AttrClientID) + " and " + Hint(AttrTenantID)
	case "AADSTS90002", "AADSTS90013":
		return "Check " + Hint(AttrTenantID)
	case "AADSTS700024", "AADSTS700211", "AADSTS700212", "AADSTS700213", "AADSTS70021":
		return "Check the federated identity credential of the app registration against the issuer, subject and audience of " + Hint(AttrOIDCToken) + " / " + Hint(AttrOIDCTokenFilePath)
	}
	return ""
}

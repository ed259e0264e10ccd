package transport

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// Redacted replaces every secret value in logs and errors.
const Redacted = "REDACTED"

// sensitiveNames are keys (JSON, form fields, query parameters) whose value
// is a credential, compared case-insensitively. Any key containing "secret"
// or "password" is sensitive too (e.g. Power Platform "token:clientSecret").
var sensitiveNames = map[string]bool{
	"authorization":    true,
	"client_secret":    true,
	"client_assertion": true,
	"assertion":        true,
	"refresh_token":    true,
	"access_token":     true,
	"id_token":         true,
	"password":         true,
	"token":            true,
	"sig":              true, // SAS signature of Power Automate trigger URLs
	"api_key":          true,
	"apikey":           true,
}

// IsSensitiveName reports whether a field, parameter or header with this
// name carries a secret.
func IsSensitiveName(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return sensitiveNames[n] || strings.Contains(n, "secret") || strings.Contains(n, "password")
}

// sensitiveHeader: credentials plus anything whose name says it is one.
func sensitiveHeader(name string) bool {
	n := strings.ToLower(name)
	switch n {
	case "authorization", "proxy-authorization", "cookie", "set-cookie", "x-ms-signature", "api-key", "x-api-key":
		return true
	}
	return IsSensitiveName(n) || strings.Contains(n, "token")
}

var (
	reSigParam   = regexp.MustCompile(`(?i)((?:[?&]|\\u0026)(?:amp;)?sig=)[^&"'\s<>\\]*`)
	reBearer     = regexp.MustCompile(`(?i)\b(bearer\s+)[A-Za-z0-9\-._~+/]{16,}=*`)
	reJWT        = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*`)
	reJSONSecret = regexp.MustCompile(`(?i)("(?:[^"\\]*(?:secret|password)[^"\\]*|client_assertion|assertion|refresh_token|access_token|id_token|authorization|token|sig|api_key|apikey)"\s*:\s*)"(?:[^"\\]|\\.)*"`)
	reFormSecret = regexp.MustCompile(`(?i)(^|[&\s?])((?:client_secret|client_assertion|refresh_token|access_token|id_token|password|assertion)=)[^&\s"]*`)
)

// redactText is the pattern-based fallback for text that is not (valid)
// JSON or a form: embedded URLs' sig, bearer tokens, JWTs, JSON and form
// pairs with secret keys.
func redactText(s string) string {
	if s == "" {
		return s
	}
	s = reSigParam.ReplaceAllString(s, "${1}"+Redacted)
	s = reBearer.ReplaceAllString(s, "${1}"+Redacted)
	s = reJWT.ReplaceAllString(s, Redacted)
	s = reJSONSecret.ReplaceAllString(s, `${1}"`+Redacted+`"`)
	s = reFormSecret.ReplaceAllString(s, "${1}${2}"+Redacted)
	return s
}

// RedactURL hides the values of sensitive query parameters (sig, tokens,
// secrets) and any userinfo password, keeping the rest of the URL as is.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return redactText(raw)
	}
	if u.User != nil {
		if _, has := u.User.Password(); has {
			u.User = url.UserPassword(u.User.Username(), Redacted)
		}
	}
	if u.RawQuery != "" {
		u.RawQuery = redactQuery(u.RawQuery)
	}
	return u.String()
}

// redactQuery rewrites sensitive pairs in place so parameter order and
// encoding of the others are untouched.
func redactQuery(q string) string {
	parts := strings.Split(q, "&")
	for i, p := range parts {
		k, _, hasVal := strings.Cut(p, "=")
		key, err := url.QueryUnescape(k)
		if err != nil {
			key = k
		}
		if hasVal && IsSensitiveName(key) {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// RedactHeaders returns a copy of h with credential headers replaced and
// secrets embedded in other values (URLs with sig, bearer tokens) hidden.
func RedactHeaders(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		cp := make([]string, len(vs))
		for i, v := range vs {
			switch {
			case sensitiveHeader(k):
				cp[i] = redactCredential(v)
			default:
				cp[i] = redactText(v)
			}
		}
		out[k] = cp
	}
	return out
}

// redactCredential keeps an auth scheme visible ("Bearer REDACTED") because
// it helps debugging and tells nothing secret.
func redactCredential(v string) string {
	if scheme, _, ok := strings.Cut(v, " "); ok {
		switch strings.ToLower(scheme) {
		case "bearer", "basic", "signature", "sharedaccesssignature":
			return scheme + " " + Redacted
		}
	}
	return Redacted
}

// RedactBody returns body with secrets hidden: JSON is walked (secret keys,
// embedded URLs' sig, tokens in strings), forms have their secret fields
// hidden, anything else goes through the pattern-based fallback.
func RedactBody(contentType string, body []byte) []byte {
	if len(body) == 0 {
		return body
	}
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := bytes.TrimSpace(body)
	switch {
	case mt == "application/x-www-form-urlencoded":
		return []byte(redactForm(string(body)))
	case strings.Contains(mt, "json") || (mt == "" && len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')):
		if out, ok := redactJSON(trimmed); ok {
			return out
		}
	}
	return []byte(redactText(string(body)))
}

func redactForm(s string) string {
	if _, err := url.ParseQuery(s); err != nil {
		return redactText(s)
	}
	return redactText(redactQuery(s))
}

func redactJSON(b []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil || dec.More() {
		return nil, false
	}
	v = redactValue(v)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false) // keep "&" in URLs readable
	if err := enc.Encode(v); err != nil {
		return nil, false
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), true
}

func redactValue(v any) any {
	switch t := v.(type) {
	case map[string]any:
		for k, val := range t {
			if IsSensitiveName(k) && val != nil {
				if _, isBool := val.(bool); !isBool {
					t[k] = Redacted
					continue
				}
			}
			t[k] = redactValue(val)
		}
		return t
	case []any:
		for i := range t {
			t[i] = redactValue(t[i])
		}
		return t
	case string:
		return redactText(t)
	default:
		return v
	}
}

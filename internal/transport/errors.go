package transport

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// RetryError is returned by Do when it gives up without a usable response.
type RetryError struct {
	Service, Method string
	URL             string // redacted
	Attempts        int
	CorrelationID   string
	// LastStatus is the status of the last answer that was retried (0 when
	// the last attempt got no answer).
	LastStatus     int
	LastStatusText string
	// Err is the last transport error, or the context's error when the
	// deadline or a cancellation stopped the retries.
	Err    error
	Reason string
	// Applied: the write's answer was lost, and its Lookup found it
	// applied (WriteApplied). The caller reads the created object.
	Applied bool
}

// WriteApplied reports whether err says a write marked WithLookup was
// applied although its answer was lost: the caller treats the write as
// done and reads what it created.
func WriteApplied(err error) bool {
	var re *RetryError
	return errors.As(err, &re) && re.Applied
}

func (e *RetryError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s: %s %s: ", e.Service, e.Method, e.URL)
	switch {
	case e.Attempts == 1 && e.LastStatus == 0 && e.Err != nil:
		fmt.Fprintf(&b, "%v (%s)", e.Err, e.Reason)
	default:
		fmt.Fprintf(&b, "gave up after %d attempt%s: %s", e.Attempts, plural(e.Attempts), e.Reason)
		if e.LastStatus != 0 {
			fmt.Fprintf(&b, "; last answer: %d %s", e.LastStatus, e.LastStatusText)
		} else if e.Err != nil && !strings.Contains(e.Reason, e.Err.Error()) {
			fmt.Fprintf(&b, "; last error: %v", e.Err)
		}
	}
	if e.CorrelationID != "" {
		fmt.Fprintf(&b, " (correlation id %s)", e.CorrelationID)
	}
	return b.String()
}

func (e *RetryError) Unwrap() error { return e.Err }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// maxErrorBody bounds the body kept in an HTTPError.
const maxErrorBody = 4 << 10

// HTTPError is a non-success answer, for the typed clients to return after
// they have looked at the body themselves.
type HTTPError struct {
	Service, Method string
	URL             string // redacted
	StatusCode      int
	Body            []byte // redacted and truncated
	CorrelationID   string
	Attempts        int
	// Code and Message come from the usual Microsoft error shapes, if any.
	Code, Message string
	// AuthError is the error_description (or error) of WWW-Authenticate.
	AuthError string
}

// ReadError reads and closes resp.Body and describes the failure. The body
// is redacted before it is kept, so the error is safe to show and log.
func ReadError(service string, resp *http.Response) *HTTPError {
	e := &HTTPError{Service: service, StatusCode: resp.StatusCode}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		if resp.Request.URL != nil {
			e.URL = RedactURL(resp.Request.URL.String())
		}
	}
	if ci := infoOf(resp); ci != nil {
		e.Attempts, e.CorrelationID = ci.attempt, ci.correlationID
		if e.Service == "" {
			e.Service = ci.service
		}
	}
	if resp.Body != nil {
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
		_ = resp.Body.Close()
		e.Code, e.Message = errorMessage(raw)
		red := RedactBody(resp.Header.Get("Content-Type"), raw)
		if len(red) > maxErrorBody {
			red = append(red[:maxErrorBody:maxErrorBody], "…"...)
		}
		e.Body = red
		e.Message = redactText(e.Message)
	}
	e.AuthError = wwwAuthenticateError(resp.Header.Values("WWW-Authenticate"))
	return e
}

func (e *HTTPError) Error() string {
	var b strings.Builder
	if e.Service != "" {
		b.WriteString(e.Service + ": ")
	}
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.URL)
	}
	fmt.Fprintf(&b, "%d %s", e.StatusCode, http.StatusText(e.StatusCode))
	msg := e.Message
	if msg == "" && e.AuthError == "" {
		msg = oneLine(string(e.Body), 300)
	}
	if e.Code != "" && !strings.Contains(msg, e.Code) {
		fmt.Fprintf(&b, ": %s", e.Code)
	}
	if msg != "" {
		fmt.Fprintf(&b, ": %s", msg)
	}
	if e.AuthError != "" && !strings.Contains(msg, e.AuthError) {
		fmt.Fprintf(&b, " (WWW-Authenticate: %s)", e.AuthError)
	}
	var extra []string
	if e.CorrelationID != "" {
		extra = append(extra, "correlation id "+e.CorrelationID)
	}
	if e.Attempts > 1 {
		extra = append(extra, fmt.Sprintf("%d attempts", e.Attempts))
	}
	if len(extra) > 0 {
		fmt.Fprintf(&b, " [%s]", strings.Join(extra, ", "))
	}
	return b.String()
}

// StatusOf returns the status code of the *HTTPError in err's chain, or 0.
func StatusOf(err error) int {
	var he *HTTPError
	if errors.As(err, &he) {
		return he.StatusCode
	}
	return 0
}

// errorMessage understands the error bodies of the APIs the provider calls:
// Dataverse and Power Platform {"error":{"code","message"}}, Partner Center
// {"code","description"} and {"statusCode","message"}, plain {"message"}.
func errorMessage(raw []byte) (code, msg string) {
	var v struct {
		Error json.RawMessage `json:"error"`
		Code  any             `json:"code"`
		Desc  string          `json:"description"`
		Msg   string          `json:"message"`
		Msg2  string          `json:"Message"`
		EDesc string          `json:"error_description"`
	}
	if json.Unmarshal(raw, &v) != nil {
		return "", ""
	}
	if len(v.Error) > 0 {
		var inner struct {
			Code any    `json:"code"`
			Msg  string `json:"message"`
		}
		if json.Unmarshal(v.Error, &inner) == nil && (inner.Msg != "" || inner.Code != nil) {
			return scalar(inner.Code), inner.Msg
		}
		var s string
		if json.Unmarshal(v.Error, &s) == nil { // OAuth: {"error":"invalid_grant","error_description":"…"}
			return s, v.EDesc
		}
	}
	for _, m := range []string{v.Desc, v.Msg, v.Msg2} {
		if m != "" {
			return scalar(v.Code), m
		}
	}
	return scalar(v.Code), ""
}

func scalar(v any) string {
	switch t := v.(type) {
	case nil:
		return ""
	case string:
		return t
	case float64:
		return fmt.Sprintf("%g", t)
	default:
		return fmt.Sprint(t)
	}
}

// wwwAuthenticateError extracts error_description (else error) from
// RFC 6750 challenges, e.g. Bearer error="invalid_token", error_description="…".
func wwwAuthenticateError(values []string) string {
	for _, v := range values {
		params := authParams(v)
		if d := params["error_description"]; d != "" {
			return d
		}
		if e := params["error"]; e != "" {
			return e
		}
	}
	return ""
}

func authParams(h string) map[string]string {
	out := map[string]string{}
	// skip the scheme token
	if i := strings.IndexByte(h, ' '); i >= 0 && !strings.Contains(h[:i], "=") {
		h = h[i+1:]
	}
	for len(h) > 0 {
		h = strings.TrimLeft(h, " ,")
		eq := strings.IndexByte(h, '=')
		if eq < 0 {
			break
		}
		key := strings.ToLower(strings.TrimSpace(h[:eq]))
		h = strings.TrimLeft(h[eq+1:], " ")
		var val string
		if strings.HasPrefix(h, `"`) {
			h = h[1:]
			var sb strings.Builder
			i := 0
			for ; i < len(h); i++ {
				if h[i] == '\\' && i+1 < len(h) {
					i++
					sb.WriteByte(h[i])
					continue
				}
				if h[i] == '"' {
					break
				}
				sb.WriteByte(h[i])
			}
			val = sb.String()
			if i < len(h) {
				i++
			}
			h = h[i:]
		} else {
			end := strings.IndexByte(h, ',')
			if end < 0 {
				end = len(h)
			}
			val = strings.TrimSpace(h[:end])
			h = h[end:]
		}
		out[key] = val
	}
	return out
}

func oneLine(s string, max int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > max {
		s = s[:max] + "…"
	}
	return s
}

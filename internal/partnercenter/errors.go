package partnercenter

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/apierror"
)

// ErrNotFound is returned (wrapped) when an object is absent without the server
// answering 404, e.g. a webhook registration read that comes back empty.
// IsNotFound reports true for it as well as for HTTP 404.
var ErrNotFound = errors.New("partnercenter: not found")

// Error is a non-2xx answer from Partner Center.
type Error struct {
	StatusCode    int
	Code          string // PC error code ("2055", …); "" when the body had none
	Description   string // PC description, or the throttling body's message
	Source        string
	Data          []json.RawMessage
	CorrelationID string        // MS-CorrelationId (response header, else the one sent)
	RequestID     string        // MS-RequestId (response header, else the one sent)
	RetryAfter    time.Duration // from Retry-After on 429/503; 0 when absent
	Body          string        // raw body when it matched no known shape (truncated)
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "partnercenter: HTTP %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " code %s", e.Code)
	}
	fmt.Fprintf(&b, ": %s", apierror.Detail(e.Description, e.Body, e.StatusCode))
	if e.CorrelationID != "" {
		fmt.Fprintf(&b, " (correlation id %s", e.CorrelationID)
		if e.RequestID != "" {
			fmt.Fprintf(&b, ", request id %s", e.RequestID)
		}
		b.WriteString(")")
	}
	return b.String()
}

// wireError is the union of the error bodies seen: the general Partner Center
// body {code, description, data, source}, the throttling body
// {statusCode, message} and, defensively, an OData {error:{code,message}}.
type wireError struct {
	Code        json.RawMessage   `json:"code"`
	Description string            `json:"description"`
	Data        []json.RawMessage `json:"data"`
	Source      string            `json:"source"`
	StatusCode  json.RawMessage   `json:"statusCode"`
	Message     string            `json:"message"`
	OData       *struct {
		Code    json.RawMessage `json:"code"`
		Message string          `json:"message"`
	} `json:"error"`
}

func newError(req *http.Request, resp *http.Response, body []byte) *Error {
	e := &Error{
		StatusCode:    resp.StatusCode,
		CorrelationID: firstNonEmpty(resp.Header.Get(HeaderCorrelationID), req.Header.Get(HeaderCorrelationID)),
		RequestID:     firstNonEmpty(resp.Header.Get(HeaderRequestID), req.Header.Get(HeaderRequestID)),
		RetryAfter:    parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
	}
	var w wireError
	if json.Unmarshal(body, &w) == nil {
		e.Code = rawScalar(w.Code)
		e.Description = firstNonEmpty(w.Description, w.Message)
		e.Data = w.Data
		e.Source = w.Source
		if w.OData != nil {
			e.Code = firstNonEmpty(e.Code, rawScalar(w.OData.Code))
			e.Description = firstNonEmpty(e.Description, w.OData.Message)
		}
	}
	if e.Code == "" && e.Description == "" {
		e.Body = apierror.Body(body)
	}
	return e
}

// rawScalar renders a JSON string or number as text ("2055" and 2055 alike).
func rawScalar(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// parseRetryAfter reads Retry-After: seconds or an HTTP-date (shared with the
// Dataverse client).
var parseRetryAfter = apierror.RetryAfter

func firstNonEmpty(vs ...string) string {
	for _, v := range vs {
		if v != "" {
			return v
		}
	}
	return ""
}

func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// IsNotFound reports a 404 or ErrNotFound.
func IsNotFound(err error) bool {
	return statusOf(err) == http.StatusNotFound || errors.Is(err, ErrNotFound)
}

// IsPreconditionFailed reports a 412 (If-Match ETag mismatch).
func IsPreconditionFailed(err error) bool { return statusOf(err) == http.StatusPreconditionFailed }

// IsConflict reports a 409.
func IsConflict(err error) bool { return statusOf(err) == http.StatusConflict }

// IsThrottled reports a 429.
func IsThrottled(err error) bool { return statusOf(err) == http.StatusTooManyRequests }

// IsETagExpired reports Partner Center's "Etag is no longer valid" (400, code 2055):
// like a 412, the cure is to GET a fresh ETag and decide again.
func IsETagExpired(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.StatusCode == http.StatusBadRequest && e.Code == CodeETagNoLongerValid
}

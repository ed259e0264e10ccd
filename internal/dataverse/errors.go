package dataverse

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/apierror"
)

// ErrNotFound is returned (wrapped) when a lookup by something other than the
// primary key (a $filter) matches nothing. IsNotFound is true for it and for
// HTTP 404.
var ErrNotFound = errors.New("dataverse: not found")

// Error is a non-2xx answer from the Web API: {"error":{"code","message"}}.
// Code is Dataverse's hex code (e.g. 0x80040237), unrelated to the HTTP status
// and often empty.
type Error struct {
	StatusCode int
	Code       string
	Message    string
	RetryAfter time.Duration // from Retry-After (service protection 429)
	// Annotations holds @Microsoft.PowerApps.CDS.* error details when the
	// request asked for them with odata.include-annotations.
	Annotations map[string]json.RawMessage
	Body        string // raw body when it was not the OData error shape (truncated)
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "dataverse: HTTP %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " (%s)", e.Code)
	}
	fmt.Fprintf(&b, ": %s", apierror.Detail(e.Message, e.Body, e.StatusCode))
	return b.String()
}

func newError(status int, h http.Header, body []byte) *Error {
	e := &Error{StatusCode: status}
	if h != nil {
		e.RetryAfter = apierror.RetryAfter(h.Get("Retry-After"), time.Now())
	}
	var w struct {
		Error map[string]json.RawMessage `json:"error"`
	}
	if json.Unmarshal(body, &w) == nil && w.Error != nil {
		for k, raw := range w.Error {
			switch k {
			case "code":
				_ = json.Unmarshal(raw, &e.Code)
			case "message":
				_ = json.Unmarshal(raw, &e.Message)
			default:
				if strings.HasPrefix(k, "@") {
					if e.Annotations == nil {
						e.Annotations = map[string]json.RawMessage{}
					}
					e.Annotations[k] = raw
				}
			}
		}
		return e
	}
	e.Body = apierror.Body(body)
	return e
}

// AsError returns the *Error in err's chain, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func status(err error) int {
	if e, ok := AsError(err); ok {
		return e.StatusCode
	}
	return 0
}

func hasCode(err error, codes ...string) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	for _, c := range codes {
		if strings.EqualFold(e.Code, c) {
			return true
		}
	}
	return false
}

// IsNotFound reports a 404 or ErrNotFound.
func IsNotFound(err error) bool {
	return status(err) == http.StatusNotFound || errors.Is(err, ErrNotFound)
}

// IsDuplicate reports "a record with matching key values already exists":
// 412 with the duplicate code or message (If-None-Match: * upsert guard,
// client-chosen primary key reused), or 409.
func IsDuplicate(err error) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	switch e.StatusCode {
	case http.StatusConflict:
		return true
	case http.StatusPreconditionFailed:
		return hasCode(err, CodeDuplicateRecord, CodeDuplicateKey) ||
			strings.Contains(strings.ToLower(e.Message), "already exists")
	}
	return false
}

// IsPreconditionFailed reports a 412 that is not a duplicate: the If-Match
// ETag no longer matches (ConcurrencyVersionMismatch).
func IsPreconditionFailed(err error) bool {
	return status(err) == http.StatusPreconditionFailed && !IsDuplicate(err)
}

// IsThrottled reports a service protection limit (429).
func IsThrottled(err error) bool { return status(err) == http.StatusTooManyRequests }

// IsForbidden reports a 403 (e.g. PrivilegeDenied, or the caller is not yet an
// application user of a new organization).
func IsForbidden(err error) bool { return status(err) == http.StatusForbidden }

// IsBadRequest reports a 400.
func IsBadRequest(err error) bool { return status(err) == http.StatusBadRequest }

// CodeNameNotUnique is "The schema name … for type … is not unique": a
// column, table or relationship of that name already exists.
const CodeNameNotUnique = "0x80044363"

// IsNameNotUnique reports a metadata create refused because the name is
// taken.
func IsNameNotUnique(err error) bool {
	return hasCode(err, CodeNameNotUnique) || (IsBadRequest(err) && strings.Contains(strings.ToLower(err.Error()), "is not unique"))
}

// ErrorCode is the Dataverse error code of err ("0x80044363"), or "HTTP <status>".
func ErrorCode(err error) string {
	if e, ok := AsError(err); ok {
		if e.Code != "" {
			return e.Code
		}
		return fmt.Sprintf("HTTP %d", e.StatusCode)
	}
	return "an error"
}

package powerplatform

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/apierror"
)

// Error codes the connectivity API returns.
const (
	CodeConnectionNotFound                  = "ConnectionNotFound"
	CodeServiceToServiceEnvironmentNotFound = "ServiceToServiceEnvironmentNotFound"
)

// Error is a non-2xx answer: {"error":{"code","message"}}.
type Error struct {
	StatusCode int
	Code       string
	Message    string
	RetryAfter time.Duration
	Body       string // raw body when it was not the error shape (truncated)
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "powerplatform: HTTP %d", e.StatusCode)
	if e.Code != "" {
		fmt.Fprintf(&b, " %s", e.Code)
	}
	fmt.Fprintf(&b, ": %s", apierror.Detail(e.Message, e.Body, e.StatusCode))
	return b.String()
}

func newError(resp *http.Response, body []byte) *Error {
	e := &Error{StatusCode: resp.StatusCode}
	if secs, err := strconv.Atoi(strings.TrimSpace(resp.Header.Get("Retry-After"))); err == nil && secs >= 0 {
		e.RetryAfter = time.Duration(secs) * time.Second
	}
	var w struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(body, &w) == nil && w.Error != nil {
		e.Code, e.Message = w.Error.Code, w.Error.Message
		return e
	}
	e.Body = apierror.Body(body)
	return e
}

func asError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsNotFound reports a missing connection: 404 or ConnectionNotFound, but not
// an environment that is not provisioned yet (see IsEnvironmentNotFound).
func IsNotFound(err error) bool {
	e, ok := asError(err)
	if !ok || strings.EqualFold(e.Code, CodeServiceToServiceEnvironmentNotFound) {
		return false
	}
	return e.StatusCode == http.StatusNotFound || strings.EqualFold(e.Code, CodeConnectionNotFound)
}

// IsEnvironmentNotFound reports ServiceToServiceEnvironmentNotFound: the
// environment is not (yet) known to the connectivity service; retryable.
func IsEnvironmentNotFound(err error) bool {
	e, ok := asError(err)
	return ok && strings.EqualFold(e.Code, CodeServiceToServiceEnvironmentNotFound)
}

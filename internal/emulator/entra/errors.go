package entra

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/google/uuid"
)

// stsError is an OAuth 2.0 error as Entra reports it: an `error` code, an
// AADSTS number and a description starting with "AADSTS<n>: ".
type stsError struct {
	status  int
	code    string // OAuth error: invalid_client, invalid_grant, ...
	aadsts  int
	message string
}

func (e *stsError) Error() string {
	return fmt.Sprintf("%s: AADSTS%d: %s", e.code, e.aadsts, e.message)
}

func newErr(status int, code string, aadsts int, format string, args ...any) *stsError {
	return &stsError{status: status, code: code, aadsts: aadsts, message: fmt.Sprintf(format, args...)}
}

// Errors used by more than one grant.
func errMissingParam(name string) *stsError {
	return newErr(http.StatusBadRequest, "invalid_request", 900144,
		"The request body must contain the following parameter: '%s'.", name)
}

func errInvalidTenant(t string) *stsError {
	return newErr(http.StatusBadRequest, "invalid_tenant", 90002,
		"Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.", t)
}

// errorBody is the JSON body of an Entra token endpoint error.
type errorBody struct {
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
	ErrorCodes       []int  `json:"error_codes"`
	Timestamp        string `json:"timestamp"`
	TraceID          string `json:"trace_id"`
	CorrelationID    string `json:"correlation_id"`
	ErrorURI         string `json:"error_uri,omitempty"`
}

func (s *Service) writeSTSError(w http.ResponseWriter, r *http.Request, e *stsError) {
	now := s.now().UTC()
	trace := uuid.NewString()
	corr := r.Header.Get("client-request-id")
	if corr == "" {
		corr = uuid.NewString()
	}
	ts := now.Format("2006-01-02 15:04:05Z")
	desc := fmt.Sprintf("AADSTS%d: %s Trace ID: %s Correlation ID: %s Timestamp: %s", e.aadsts, e.message, trace, corr, ts)
	noStore(w)
	w.Header().Set("client-request-id", corr)
	w.Header().Set("x-ms-request-id", trace)
	if e.status == http.StatusUnauthorized {
		// RFC 6749 §5.2: a 401 for a failed client authentication.
		w.Header().Set("WWW-Authenticate", `Basic realm="`+s.base()+`"`)
	}
	core.WriteJSON(w, e.status, errorBody{
		Error:            e.code,
		ErrorDescription: desc,
		ErrorCodes:       []int{e.aadsts},
		Timestamp:        ts,
		TraceID:          trace,
		CorrelationID:    corr,
		ErrorURI:         fmt.Sprintf("%s/error?code=%d", s.base(), e.aadsts),
	})
}

// WriteError satisfies core.ErrorWriter: the fault injector uses it to answer
// in Entra's error shape. The OAuth error code is derived from the status.
func (s *Service) WriteError(w http.ResponseWriter, status int, code, message string) {
	oauth := "invalid_request"
	switch {
	case status == http.StatusTooManyRequests || status >= 500 || status == http.StatusRequestTimeout:
		oauth = "temporarily_unavailable"
	case status == http.StatusUnauthorized:
		oauth = "invalid_client"
	}
	now := s.now().UTC()
	noStore(w)
	core.WriteJSON(w, status, errorBody{
		Error:            oauth,
		ErrorDescription: strings.TrimSpace(code + ": " + message),
		ErrorCodes:       []int{},
		Timestamp:        now.Format("2006-01-02 15:04:05Z"),
		TraceID:          uuid.NewString(),
		CorrelationID:    uuid.NewString(),
	})
}

func noStore(w http.ResponseWriter) {
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.Header().Set("Pragma", "no-cache")
	w.Header().Set("Expires", time.Unix(0, 0).UTC().Format(http.TimeFormat))
}

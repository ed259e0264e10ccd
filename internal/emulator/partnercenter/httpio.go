package partnercenter

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"

	"github.com/google/uuid"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// pcError is the general Partner Center error body (§4).
type pcError struct {
	Code        string   `json:"code"`
	Description string   `json:"description"`
	Data        []string `json:"data"`
	Source      string   `json:"source"`
}

// WriteError writes the Partner Center error body {"code","description","data","source"};
// it satisfies core.ErrorWriter.
func (s *Service) WriteError(w http.ResponseWriter, status int, code, message string) {
	writePCError(w, status, code, message, nil)
}

func writePCError(w http.ResponseWriter, status int, code, message string, data []string) {
	if len(message) > maxDescription {
		message = message[:maxDescription]
	}
	if data == nil {
		data = []string{}
	}
	writeJSON(w, status, pcError{Code: code, Description: message, Data: data, Source: errorSource})
}

// writeThrottled answers 429 with Retry-After and the throttling body of §4.
func writeThrottled(w http.ResponseWriter, retryAfter int) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"statusCode": http.StatusTooManyRequests,
		"message":    fmt.Sprintf("Rate limit is exceeded. Try again in %d seconds.", retryAfter),
	})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	err := core.EncodeJSON(v, func(b []byte) {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		w.WriteHeader(status)
		_, _ = w.Write(b)
	})
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
	}
}

// withMSHeaders echoes MS-CorrelationId and MS-RequestId (or generates them)
// on every response. It must not replace the request: the metrics middleware
// reads the route pattern the mux sets on it in place.
func withMSHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cid := r.Header.Get("MS-CorrelationId")
		if cid == "" {
			cid = uuid.NewString()
		}
		rid := r.Header.Get("MS-RequestId")
		if rid == "" {
			rid = uuid.NewString()
		}
		w.Header().Set("MS-CorrelationId", cid)
		w.Header().Set("MS-RequestId", rid)
		next.ServeHTTP(w, r)
	})
}

// httpError carries a status and PC error code out of request parsing.
type httpError struct {
	status int
	code   string
	msg    string
	data   []string
}

func (e *httpError) Error() string { return e.msg }

func badRequest(code, format string, a ...any) *httpError {
	return &httpError{status: http.StatusBadRequest, code: code, msg: fmt.Sprintf(format, a...)}
}

func writeHTTPError(w http.ResponseWriter, err error) {
	var he *httpError
	if errors.As(err, &he) {
		writePCError(w, he.status, he.code, he.msg, he.data)
		return
	}
	writePCError(w, http.StatusInternalServerError, "InternalServerError", err.Error(), nil)
}

// readJSONBody checks Content-Type (application/json or a +json type), the
// size limit and the JSON syntax, decoding numbers as json.Number.
func readJSONBody(r *http.Request, v any) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil || !(mt == "application/json" || (len(mt) > 5 && mt[len(mt)-5:] == "+json")) {
		return &httpError{status: http.StatusUnsupportedMediaType, code: "UnsupportedMediaType",
			msg: fmt.Sprintf("Content-Type '%s' is not supported; send application/json.", ct)}
	}
	b, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes+1))
	if err != nil {
		return badRequest("InvalidRequestBody", "could not read the request body: %v", err)
	}
	if len(b) > maxBodyBytes {
		return &httpError{status: http.StatusRequestEntityTooLarge, code: "RequestEntityTooLarge",
			msg: fmt.Sprintf("The request body exceeds %d bytes.", maxBodyBytes)}
	}
	if len(b) == 0 {
		return badRequest("InvalidRequestBody", "the request body is empty")
	}
	if err := decodeJSON(b, v); err != nil {
		return badRequest("InvalidRequestBody", "the request body is not valid JSON: %v", err)
	}
	return nil
}

package dataverse

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
)

// apiError is an error answer in Dataverse's shape. Handlers return it and
// the dispatcher writes it, so business rules stay free of HTTP plumbing.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("%d %s: %s", e.Status, e.Code, e.Message) }

func errf(status int, code, format string, args ...any) *apiError {
	return &apiError{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}

// WriteError writes {"error":{"code":"0x…","message":"…"}}; it satisfies
// core.ErrorWriter so auth and fault injection answer in the same shape.
func (s *Service) WriteError(w http.ResponseWriter, status int, code, message string) {
	h := w.Header()
	h.Set("Content-Type", "application/json; odata.metadata=minimal")
	setRawHeader(h, "OData-Version", "4.0")
	if rawHeader(h, "REQ_ID") == "" {
		setRawHeader(h, "REQ_ID", newGUID())
	}
	w.WriteHeader(status)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(map[string]any{"error": map[string]any{"code": code, "message": message}})
	_, _ = w.Write(bytes.TrimRight(buf.Bytes(), "\n"))
}

func (s *Service) writeAPIError(w http.ResponseWriter, e *apiError) {
	s.WriteError(w, e.Status, e.Code, e.Message)
}

// Frequently used errors, worded as Dataverse words them (see facts.go).

func errUnknownProperty(table, prop string) *apiError {
	return errf(http.StatusBadRequest, codeUnknownProperty,
		"Could not find a property named '%s' on type 'Microsoft.Dynamics.CRM.%s'.", prop, table)
}

func errRecordNotFound(table, id string) *apiError {
	return errf(http.StatusNotFound, codeObjectNotFound, "%s With Id = %s Does Not Exist", table, id)
}

func errUndeclaredProperty(prop string) *apiError {
	return errf(http.StatusBadRequest, codeODataPayload,
		"An undeclared property '%s' which only has property annotations in the payload but no property value was found in the payload. "+
			"In OData, only declared navigation properties and declared named streams can be represented as properties without values.", prop)
}

func errVersionMismatch() *apiError {
	return errf(http.StatusPreconditionFailed, codeVersionMismatch,
		"The version of the existing record doesn't match the RowVersion property provided.")
}

func errDuplicate() *apiError {
	return errf(http.StatusPreconditionFailed, codeDuplicateRecord, "A record with matching key values already exists.")
}

func errSegment(seg string) *apiError {
	return errf(http.StatusNotFound, codeUnknownProperty, "Resource not found for the segment '%s'.", seg)
}

func errBadKey(table string) *apiError {
	return errf(http.StatusBadRequest, codeUnknownProperty,
		"The key in the request URI is not valid for resource 'Microsoft.Dynamics.CRM.%s'. Ensure that the names and number of key properties match the declared or alternate key properties for the resource 'Microsoft.Dynamics.CRM.%s'.",
		table, table)
}

func errValidation(format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, codeValidation, "A validation error occurred.  "+format, args...)
}

func errConvert(literal, edmType string) *apiError {
	return errf(http.StatusBadRequest, codeODataPayload, "Cannot convert the literal '%s' to the expected type '%s'.", literal, edmType)
}

func errNotImplemented(what string) *apiError {
	return errf(http.StatusNotImplemented, codeNotImplemented, "The Dataverse emulator does not implement %s.", what)
}

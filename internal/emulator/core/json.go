package core

import (
	"encoding/json"
	"net/http"
)

// WriteJSON writes v as an application/json body with the given status.
// Encoding errors after the header is sent cannot be reported to the client,
// so they are dropped.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

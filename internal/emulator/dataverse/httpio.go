package dataverse

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

const maxBodyBytes = 64 << 20

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; odata.metadata=minimal")
	err := core.EncodeJSON(v, func(b []byte) {
		w.WriteHeader(status)
		_, _ = w.Write(b)
	})
	if err != nil { // as encoding/json left it: the status, no body
		w.WriteHeader(status)
	}
}

// readObject decodes a JSON object body, keeping numbers as json.Number so
// integers and decimals can be told apart. An empty body is an empty object.
func readObject(r *http.Request) (map[string]any, *apiError) {
	raw, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return nil, errf(http.StatusBadRequest, codeODataPayload, "Stream was not readable.")
	}
	return decodeObject(raw)
}

func decodeObject(raw []byte) (map[string]any, *apiError) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return map[string]any{}, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var m map[string]any
	if err := dec.Decode(&m); err != nil || m == nil {
		msg := "The request body is not a JSON object."
		if err != nil {
			msg = "Invalid JSON. " + err.Error()
		}
		return nil, errf(http.StatusBadRequest, codeODataPayload, "%s", msg)
	}
	return m, nil
}

// prefer is the parsed Prefer header(s).
type prefer struct {
	ReturnRepresentation bool
	MaxPageSize          int
	Annotations          string // the include-annotations value, unquoted; "" = none
	ContinueOnError      bool
}

func parsePrefer(h http.Header) prefer {
	var p prefer
	for _, line := range h.Values("Prefer") {
		for _, item := range splitOutsideQuotes(line, ',') {
			k, v, _ := strings.Cut(strings.TrimSpace(item), "=")
			k = strings.ToLower(strings.TrimSpace(k))
			v = strings.Trim(strings.TrimSpace(v), `"`)
			switch k {
			case "return":
				p.ReturnRepresentation = v == "representation"
			case "odata.maxpagesize":
				p.MaxPageSize, _ = strconv.Atoi(v)
			case "odata.include-annotations":
				p.Annotations = v
			case "odata.continue-on-error":
				p.ContinueOnError = v == "" || v == "true"
			}
		}
	}
	return p
}

func splitOutsideQuotes(s string, sep byte) []string {
	var out []string
	inQ, start := false, 0
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '"':
			inQ = !inQ
		case s[i] == sep && !inQ:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// annotationWanted reports whether an annotation (e.g.
// "OData.Community.Display.V1.FormattedValue") was asked for; patterns may
// end in "*".
func (p prefer) annotationWanted(name string) bool {
	if p.Annotations == "" {
		return false
	}
	for _, pat := range strings.Split(p.Annotations, ",") {
		pat = strings.TrimSpace(pat)
		if pat == "*" || pat == name || (strings.HasSuffix(pat, "*") && strings.HasPrefix(name, strings.TrimSuffix(pat, "*"))) {
			return true
		}
	}
	return false
}

func (p prefer) anyAnnotations() bool { return p.Annotations != "" }

const (
	annFormatted  = "OData.Community.Display.V1.FormattedValue"
	annLookupName = "Microsoft.Dynamics.CRM.lookuplogicalname"
	annNavProp    = "Microsoft.Dynamics.CRM.associatednavigationproperty"
)

// setRawHeader stores a header under its exact spelling (OData-Version,
// OData-EntityId, REQ_ID as Dataverse writes them) instead of Go's
// canonical form; HTTP header names are case-insensitive either way.
func setRawHeader(h http.Header, key, value string) {
	h.Del(key)
	h[key] = []string{value}
}

// rawHeader reads a header stored by setRawHeader or canonically.
func rawHeader(h http.Header, key string) string {
	if v := h[key]; len(v) > 0 {
		return v[0]
	}
	return h.Get(key)
}

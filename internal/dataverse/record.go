package dataverse

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Record is one Dataverse row as JSON: column logical names, lookup values
// (_x_value), annotations (@odata.etag, x@OData.Community.Display.V1.FormattedValue)
// and, when writing, "<nav>@odata.bind" references. Numbers decoded by this
// package are json.Number; use the typed getters.
type Record map[string]any

// Annotation names.
const (
	AnnotationETag           = "@odata.etag"
	AnnotationFormattedValue = "@OData.Community.Display.V1.FormattedValue"
	AnnotationLookupLogical  = "@Microsoft.Dynamics.CRM.lookuplogicalname"
	AnnotationAssociatedNav  = "@Microsoft.Dynamics.CRM.associatednavigationproperty"
	annotationBind           = "@odata.bind"
)

// ETag returns the record's weak ETag (W/"123"), or "".
func (r Record) ETag() string { return r.String(AnnotationETag) }

// String returns a string column ("" when absent, null or not a string).
func (r Record) String(key string) string {
	s, _ := r[key].(string)
	return s
}

// Has reports whether the key is present with a non-null value.
func (r Record) Has(key string) bool { return r[key] != nil }

// LookupKey returns the read-side property of a lookup column: _col_value.
func LookupKey(column string) string { return "_" + column + "_value" }

// Lookup returns the GUID a lookup column points at (from _col_value).
func (r Record) Lookup(column string) string { return r.String(LookupKey(column)) }

// FormattedValue returns key's formatted-value annotation (needs
// IncludeAnnotations on the query).
func (r Record) FormattedValue(key string) string { return r.String(key + AnnotationFormattedValue) }

// Int returns an integer column (choice values, statecode, …).
func (r Record) Int(key string) (int64, bool) {
	switch v := r[key].(type) {
	case json.Number:
		if i, err := v.Int64(); err == nil {
			return i, true
		}
		if f, err := v.Float64(); err == nil && f == float64(int64(f)) {
			return int64(f), true
		}
	case float64:
		if v == float64(int64(v)) {
			return int64(v), true
		}
	case int:
		return int64(v), true
	case int64:
		return v, true
	case int32:
		return int64(v), true
	}
	return 0, false
}

// Float returns a numeric column (money, decimal, float).
func (r Record) Float(key string) (float64, bool) {
	switch v := r[key].(type) {
	case json.Number:
		f, err := v.Float64()
		return f, err == nil
	case float64:
		return v, true
	case int:
		return float64(v), true
	case int64:
		return float64(v), true
	}
	return 0, false
}

// Number returns a numeric column's exact text (decimal-safe), e.g. "48000.0".
func (r Record) Number(key string) (string, bool) {
	switch v := r[key].(type) {
	case json.Number:
		return v.String(), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	case int:
		return strconv.Itoa(v), true
	case int64:
		return strconv.FormatInt(v, 10), true
	}
	return "", false
}

// Bool returns a Yes/No column.
func (r Record) Bool(key string) (bool, bool) {
	b, ok := r[key].(bool)
	return b, ok
}

// BindValue returns the @odata.bind reference "/<set>(<id>)".
func BindValue(entitySet, id string) string { return fmt.Sprintf("/%s(%s)", entitySet, id) }

// Bind sets "<nav>@odata.bind": "/<set>(<id>)" (nav is the case-sensitive
// navigation property, e.g. customerid_account) and returns r.
func (r Record) Bind(nav, entitySet, id string) Record {
	r[nav+annotationBind] = BindValue(entitySet, id)
	return r
}

// Unbind sets "<nav>@odata.bind": null, clearing a lookup, and returns r.
func (r Record) Unbind(nav string) Record {
	r[nav+annotationBind] = nil
	return r
}

// writable returns a copy of r without top-level instance annotations
// (keys starting with "@"), which are read-only.
func (r Record) writable() Record {
	out := make(Record, len(r))
	for k, v := range r {
		if len(k) > 0 && k[0] == '@' {
			continue
		}
		out[k] = v
	}
	return out
}

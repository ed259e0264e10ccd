// Package wirejson keeps the JSON properties a wire type does not model, so
// that a read-modify-write (GET, edit, PUT/PATCH) sends them back unchanged
// instead of silently dropping or resetting them. Types that carry an
// `Extra map[string]json.RawMessage` call these helpers from their own
// (Un)MarshalJSON methods, through a local method-less "plain" type.
package wirejson

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

var knownKeyCache sync.Map // reflect.Type -> map[string]bool (lower-cased JSON names)

// knownKeys lists the JSON names of t's exported fields, lower-cased.
func knownKeys(t reflect.Type) map[string]bool {
	if m, ok := knownKeyCache.Load(t); ok {
		return m.(map[string]bool)
	}
	m := map[string]bool{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		m[strings.ToLower(name)] = true
	}
	knownKeyCache.Store(t, m)
	return m
}

// UnmarshalKeepingExtra decodes b into v (a pointer to a method-less struct
// type) and stores in *extra every top-level key v has no field for, except
// the keys in drop (matched exactly; nil drops nothing), which are never kept.
// encoding/json matches keys case-insensitively, so the field comparison here
// is too.
func UnmarshalKeepingExtra(b []byte, v any, extra *map[string]json.RawMessage, drop map[string]bool) error {
	// Fast path, the common case: no key v lacks. One strict pass instead
	// of a struct pass and a map pass (which nested types repeat at every
	// level: a page of referrals was mostly re-scanning).
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && len(bytes.TrimSpace(b[dec.InputOffset():])) == 0 {
		*extra = nil
		return nil
	}
	reflect.ValueOf(v).Elem().SetZero()
	if err := json.Unmarshal(b, v); err != nil {
		return err
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(b, &all); err != nil {
		return err
	}
	known := knownKeys(reflect.TypeOf(v).Elem())
	*extra = nil
	for k, raw := range all {
		if known[strings.ToLower(k)] || drop[k] {
			continue
		}
		if *extra == nil {
			*extra = map[string]json.RawMessage{}
		}
		(*extra)[k] = raw
	}
	return nil
}

// MarshalWithExtra encodes v and adds the extra keys that v does not already
// carry. Known fields always win over a stale extra entry of the same name.
func MarshalWithExtra(v any, extra map[string]json.RawMessage) ([]byte, error) {
	b, err := json.Marshal(v)
	if err != nil || len(extra) == 0 {
		return b, err
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, err
	}
	present := make(map[string]bool, len(m))
	for k := range m {
		present[strings.ToLower(k)] = true
	}
	for k, raw := range extra {
		if !present[strings.ToLower(k)] {
			m[k] = raw
		}
	}
	return json.Marshal(m)
}

package partnercenter

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Unknown-field preservation. Partner Center's schema grows (2024 added
// referralSource, callToAction, …) and payloads carry undocumented fields; a
// read-modify-write must not silently drop them. Types that embed an
// `Extra map[string]json.RawMessage` use these helpers from their own
// (Un)MarshalJSON methods.

var knownKeyCache sync.Map // reflect.Type -> map[string]bool (lower-cased JSON names)

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

// unmarshalKeepingExtra decodes b into v (a pointer to a method-less struct
// type) and stores in *extra every top-level key v has no field for.
// encoding/json matches keys case-insensitively, so the comparison here is too.
func unmarshalKeepingExtra(b []byte, v any, extra *map[string]json.RawMessage) error {
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
		if known[strings.ToLower(k)] {
			continue
		}
		if *extra == nil {
			*extra = map[string]json.RawMessage{}
		}
		(*extra)[k] = raw
	}
	return nil
}

// marshalWithExtra encodes v and adds the extra keys that v does not already
// carry. Known fields always win over a stale extra entry of the same name.
func marshalWithExtra(v any, extra map[string]json.RawMessage) ([]byte, error) {
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

package dataverse

import (
	"encoding/json"
	"reflect"
	"strings"
	"sync"
)

// Unknown-property preservation for metadata types. Updating a column or a
// table is GET full definition → edit → PUT full definition; the definitions
// carry dozens of properties this package does not model, and a PUT without
// them would reset them. Types with an Extra map keep those properties.

var knownKeyCache sync.Map // reflect.Type -> map[string]bool

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

// readOnlyAnnotations are response-only and never written back.
var readOnlyAnnotations = map[string]bool{"@odata.context": true, "@odata.etag": true}

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
		if known[strings.ToLower(k)] || readOnlyAnnotations[k] {
			continue
		}
		if *extra == nil {
			*extra = map[string]json.RawMessage{}
		}
		(*extra)[k] = raw
	}
	return nil
}

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

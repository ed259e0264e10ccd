package wirejson

import (
	"encoding/json"
	"reflect"
	"testing"
)

type sample struct {
	ID     string `json:"id"`
	Name   string `json:"name,omitempty"`
	Plain  int
	Hidden string                     `json:"-"`
	Extra  map[string]json.RawMessage `json:"-"`
	hidden string
}

func keys(m map[string]json.RawMessage) map[string]string {
	out := map[string]string{}
	for k, v := range m {
		out[k] = string(v)
	}
	return out
}

func TestUnmarshalKeepsUnknownKeys(t *testing.T) {
	in := `{"id":"1","NAME":"n","plain":2,"Hidden":"h","future":{"a":[1]},"@odata.etag":"W/\"1\"","@OData.Etag":"x"}`
	var s sample
	if err := UnmarshalKeepingExtra([]byte(in), &s, &s.Extra, map[string]bool{"@odata.etag": true}); err != nil {
		t.Fatal(err)
	}
	if s.ID != "1" || s.Name != "n" || s.Plain != 2 {
		t.Errorf("known fields: %+v", s)
	}
	// "-" fields are not known keys; drop matches the exact key only.
	want := map[string]string{"Hidden": `"h"`, "future": `{"a":[1]}`, "@OData.Etag": `"x"`}
	if got := keys(s.Extra); !reflect.DeepEqual(got, want) {
		t.Errorf("extra = %v, want %v", got, want)
	}
}

func TestUnmarshalNilDropKeepsEverythingUnknown(t *testing.T) {
	s := sample{Extra: map[string]json.RawMessage{"stale": json.RawMessage(`1`)}}
	if err := UnmarshalKeepingExtra([]byte(`{"id":"1","@odata.etag":"e"}`), &s, &s.Extra, nil); err != nil {
		t.Fatal(err)
	}
	if got := keys(s.Extra); !reflect.DeepEqual(got, map[string]string{"@odata.etag": `"e"`}) {
		t.Errorf("extra = %v", got)
	}
	// Nothing unknown: Extra is reset to nil, not left stale or made empty.
	if err := UnmarshalKeepingExtra([]byte(`{"id":"2"}`), &s, &s.Extra, nil); err != nil {
		t.Fatal(err)
	}
	if s.Extra != nil {
		t.Errorf("extra = %v, want nil", s.Extra)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	var s sample
	if err := UnmarshalKeepingExtra([]byte(`{"id":1}`), &s, &s.Extra, nil); err == nil {
		t.Error("type mismatch: no error")
	}
	if err := UnmarshalKeepingExtra([]byte(`{`), &s, &s.Extra, nil); err == nil {
		t.Error("bad JSON: no error")
	}
}

func TestMarshalAddsExtraKnownFieldsWin(t *testing.T) {
	s := sample{ID: "1", Plain: 3}
	extra := map[string]json.RawMessage{"future": json.RawMessage(`true`), "ID": json.RawMessage(`"stale"`)}
	b, err := MarshalWithExtra(s, extra)
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"id": "1", "Plain": float64(3), "future": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %s, want %v", b, want)
	}
}

func TestMarshalWithoutExtraIsPlainJSON(t *testing.T) {
	s := sample{ID: "1"}
	b, err := MarshalWithExtra(s, nil)
	if err != nil {
		t.Fatal(err)
	}
	plain, _ := json.Marshal(s)
	if string(b) != string(plain) {
		t.Errorf("got %s, want %s", b, plain)
	}
}

func TestRoundTripPreservesUnknown(t *testing.T) {
	in := `{"id":"1","Plain":0,"future":{"x":1}}`
	var s sample
	if err := UnmarshalKeepingExtra([]byte(in), &s, &s.Extra, nil); err != nil {
		t.Fatal(err)
	}
	s.ID = "2"
	b, err := MarshalWithExtra(s, s.Extra)
	if err != nil {
		t.Fatal(err)
	}
	if string(b) != `{"Plain":0,"future":{"x":1},"id":"2"}` {
		t.Errorf("got %s", b)
	}
}

package partnercenter

import (
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Referral is one referral as the Referrals API stores it: a JSON document
// (camelCase keys, unknown fields kept) with typed accessors for the fields
// the emulator filters and validates on. The zero value is an empty document.
// Values returned by Service methods are copies; changing them does not
// change the service until passed back (PutReferral, UpdateReferral).
type Referral struct {
	doc map[string]any
}

// ParseReferral reads a referral JSON object.
func ParseReferral(b []byte) (Referral, error) {
	var r Referral
	err := r.UnmarshalJSON(b)
	return r, err
}

// MustParseReferral is ParseReferral for literals in tests and seeds.
func MustParseReferral(s string) Referral {
	r, err := ParseReferral([]byte(s))
	if err != nil {
		panic(err)
	}
	return r
}

func (r Referral) MarshalJSON() ([]byte, error) {
	if r.doc == nil {
		return []byte("{}"), nil
	}
	return encodeJSON(r.doc)
}

// AppendJSON appends the encoding MarshalJSON returns (core.JSONAppender).
func (r Referral) AppendJSON(dst []byte) ([]byte, error) {
	if r.doc == nil {
		return append(dst, "{}"...), nil
	}
	return core.AppendJSON(dst, r.doc)
}

func (r *Referral) UnmarshalJSON(b []byte) error {
	var m map[string]any
	if err := decodeJSON(b, &m); err != nil {
		return err
	}
	if m == nil {
		return errors.New("a referral must be a JSON object")
	}
	r.doc = m
	return nil
}

// Clone returns an independent copy.
func (r Referral) Clone() Referral {
	if r.doc == nil {
		return Referral{doc: map[string]any{}}
	}
	return Referral{doc: deepCopy(r.doc).(map[string]any)}
}

// Map returns a copy of the document as a generic JSON tree.
func (r Referral) Map() map[string]any { return r.Clone().doc }

// Get returns the value at a JSON Pointer such as "/details/dealValue".
func (r Referral) Get(pointer string) (any, bool) {
	toks, err := parsePointer(pointer)
	if err != nil {
		return nil, false
	}
	return lookup(r.doc, toks)
}

// String returns the string at pointer, or "" when absent, null or not a string.
func (r Referral) String(pointer string) string {
	v, _ := r.Get(pointer)
	s, _ := v.(string)
	return s
}

// Set stores v (any JSON-marshalable Go value) at pointer, creating missing
// intermediate objects; "/team/-" appends to an array.
func (r *Referral) Set(pointer string, v any) error {
	toks, err := parsePointer(pointer)
	if err != nil {
		return err
	}
	if len(toks) == 0 {
		return errors.New("cannot replace the whole document with Set")
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	var generic any
	if err := decodeJSON(b, &generic); err != nil {
		return err
	}
	if r.doc == nil {
		r.doc = map[string]any{}
	}
	_, err = setAt(r.doc, toks, generic, len(toks) > 0 && toks[len(toks)-1] == "-", true)
	return err
}

// Delete removes the top-level or nested member at pointer (test helper for
// "field disappeared" drift); it reports whether something was removed.
func (r *Referral) Delete(pointer string) bool {
	toks, err := parsePointer(pointer)
	if err != nil || len(toks) == 0 {
		return false
	}
	parent, ok := lookup(r.doc, toks[:len(toks)-1])
	if !ok {
		return false
	}
	m, ok := parent.(map[string]any)
	if !ok {
		return false
	}
	if _, ok := m[toks[len(toks)-1]]; !ok {
		return false
	}
	delete(m, toks[len(toks)-1])
	return true
}

func (r Referral) ID() string                  { return r.String("/id") }
func (r Referral) EngagementID() string        { return r.String("/engagementId") }
func (r Referral) Name() string                { return r.String("/name") }
func (r Referral) ExternalReferenceID() string { return r.String("/externalReferenceId") }
func (r Referral) Status() string              { return r.String("/status") }
func (r Referral) Substatus() string           { return r.String("/substatus") }
func (r Referral) Type() string                { return r.String("/type") }
func (r Referral) Qualification() string       { return r.String("/qualification") }
func (r Referral) Direction() string           { return r.String("/direction") }
func (r Referral) Country() string             { return r.String("/customerProfile/address/country") }
func (r Referral) Currency() string            { return r.String("/details/currency") }

// ETag returns the eTag field including its literal quotes, e.g. "\"0a00…0000\"".
func (r Referral) ETag() string { return r.String("/eTag") }

func (r Referral) CreatedDateTime() time.Time { return r.time("/createdDateTime") }
func (r Referral) UpdatedDateTime() time.Time { return r.time("/updatedDateTime") }

func (r Referral) time(p string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, r.String(p))
	return t
}

// DealValue returns details.dealValue; ok is false when absent or not numeric.
func (r Referral) DealValue() (float64, bool) {
	v, _ := r.Get("/details/dealValue")
	return numberOf(v)
}

// numberOf reads a JSON number (json.Number or float64) or a numeric string.
func numberOf(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	case string:
		f, err := strconv.ParseFloat(n, 64)
		return f, err == nil
	}
	return 0, false
}

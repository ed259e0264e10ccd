package partnercenter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Time is a UTC timestamp as Partner Center writes it (ISO 8601). It accepts
// RFC 3339 with or without fractional seconds, values with no zone (taken as
// UTC, see facts.go) and null; it writes RFC 3339 in UTC.
type Time struct{ time.Time }

var timeLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999", // no zone
	"2006-01-02",
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *Time) UnmarshalJSON(b []byte) error {
	if string(bytes.TrimSpace(b)) == "null" {
		t.Time = time.Time{}
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("partnercenter: timestamp %s: %w", b, err)
	}
	if s == "" {
		t.Time = time.Time{}
		return nil
	}
	for _, layout := range timeLayouts {
		if v, err := time.Parse(layout, s); err == nil {
			t.Time = v.UTC()
			return nil
		}
	}
	return fmt.Errorf("partnercenter: unrecognised timestamp %q", s)
}

// MarshalJSON implements json.Marshaler.
func (t Time) MarshalJSON() ([]byte, error) {
	if t.IsZero() {
		return []byte("null"), nil
	}
	return json.Marshal(t.UTC().Format(time.RFC3339Nano))
}

// TimeOf returns a *Time for t, or nil when t is zero (so omitempty drops it).
func TimeOf(t time.Time) *Time {
	if t.IsZero() {
		return nil
	}
	return &Time{t.UTC()}
}

// FlexString holds a scalar whose JSON type differs between sources: it
// accepts a string, a number or a boolean (kept as its literal text) and null
// (""). It is written back as a JSON string.
type FlexString string

// UnmarshalJSON implements json.Unmarshaler.
func (f *FlexString) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case string(b) == "null":
		*f = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*f = FlexString(s)
	case len(b) > 0 && (b[0] == '{' || b[0] == '['):
		return fmt.Errorf("partnercenter: expected a scalar, got %.40s", b)
	default:
		*f = FlexString(strings.TrimSpace(string(b)))
	}
	return nil
}

// SalesStage is the referral's sales stage. The connector swagger declares an
// enum (Qualify, Develop, Propose, Close) while real payloads carry "100" or
// null; SalesStage accepts all of these (see FlexString).
type SalesStage = FlexString

// Sales stage values from the connector swagger.
const (
	SalesStageQualify SalesStage = "Qualify"
	SalesStageDevelop SalesStage = "Develop"
	SalesStagePropose SalesStage = "Propose"
	SalesStageClose   SalesStage = "Close"
)

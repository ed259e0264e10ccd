package partnercenter

import (
	"strings"
	"time"
)

// QuoteString returns s as an OData string literal: single-quoted, with each
// single quote inside doubled, as OData requires.
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// DateTimeLiteral renders t as an OData DateTimeOffset literal (unquoted, UTC,
// whole seconds; see facts.go): 2026-09-20T16:45:12Z.
func DateTimeLiteral(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format("2006-01-02T15:04:05Z")
}

// Filter builds a $filter expression whose clauses are joined with "and".
// It is a value type: each method returns a new Filter.
//
//	partnercenter.NewFilter().Status("New").Direction("Incoming").UpdatedSince(t).String()
//	// status eq 'New' and direction eq 'Incoming' and updatedDateTime ge 2026-09-20T16:45:12Z
type Filter struct{ clauses []string }

// NewFilter returns an empty filter.
func NewFilter() Filter { return Filter{} }

func (f Filter) with(clause string) Filter {
	if clause == "" {
		return f
	}
	c := make([]string, len(f.clauses), len(f.clauses)+1)
	copy(c, f.clauses)
	return Filter{clauses: append(c, clause)}
}

// In adds "field eq 'v'" for one value, or "(field eq 'a' or field eq 'b')"
// for several; no values adds nothing.
func (f Filter) In(field string, values ...string) Filter {
	switch len(values) {
	case 0:
		return f
	case 1:
		return f.with(field + " eq " + QuoteString(values[0]))
	}
	ors := make([]string, len(values))
	for i, v := range values {
		ors[i] = field + " eq " + QuoteString(v)
	}
	return f.with("(" + strings.Join(ors, " or ") + ")")
}

// Eq adds "field eq 'value'".
func (f Filter) Eq(field, value string) Filter { return f.In(field, value) }

// Status matches any of the given statuses.
func (f Filter) Status(values ...string) Filter { return f.In("status", values...) }

// Substatus matches any of the given substatuses.
func (f Filter) Substatus(values ...string) Filter { return f.In("substatus", values...) }

// Direction matches Incoming or Outgoing.
func (f Filter) Direction(values ...string) Filter { return f.In("direction", values...) }

// EngagementID matches the referrals of one engagement (the related-referrals query).
func (f Filter) EngagementID(id string) Filter { return f.In("engagementId", id) }

// UpdatedSince adds "updatedDateTime ge <t>"; a zero t adds nothing.
func (f Filter) UpdatedSince(t time.Time) Filter {
	if t.IsZero() {
		return f
	}
	return f.with("updatedDateTime ge " + DateTimeLiteral(t))
}

// UpdatedBefore adds "updatedDateTime lt <t>"; a zero t adds nothing.
// With UpdatedSince at the same t it splits a listing without overlap or
// gap (both truncate t to the second the same way).
func (f Filter) UpdatedBefore(t time.Time) Filter {
	if t.IsZero() {
		return f
	}
	return f.with("updatedDateTime lt " + DateTimeLiteral(t))
}

// Raw adds a hand-written clause, parenthesised so its own "or"s stay inside.
func (f Filter) Raw(expr string) Filter {
	if strings.TrimSpace(expr) == "" {
		return f
	}
	return f.with("(" + expr + ")")
}

// String returns the $filter expression ("" when empty).
func (f Filter) String() string { return strings.Join(f.clauses, " and ") }

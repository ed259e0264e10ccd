// Package odata holds the query-string encoding shared by the OData clients
// (Dataverse Web API, Partner Center Referrals API).
package odata

import (
	"fmt"
	"strings"
)

// Query writes OData system query options in the order they are added, with
// "$" left literal. Options with an empty value are left out.
type Query struct{ parts []string }

// Add appends key=value, the value escaped by EscapeQueryValue; an empty value
// adds nothing.
func (q *Query) Add(key, value string) {
	if value == "" {
		return
	}
	q.parts = append(q.parts, key+"="+EscapeQueryValue(value))
}

// String returns the options joined with "&".
func (q *Query) String() string { return strings.Join(q.parts, "&") }

// EscapeQueryValue percent-encodes a query value but keeps the OData
// punctuation readable (as in the docs: $select=a,b, name eq 'x'). Spaces
// become %20, never "+" (which OData may read literally), and & = + ; # % ?
// are always encoded.
func EscapeQueryValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~,'()/:$*@!", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

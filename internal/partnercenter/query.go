package partnercenter

import (
	"fmt"
	"strings"
)

// queryBuilder writes OData system query options in a stable order with "$"
// left literal.
type queryBuilder struct{ parts []string }

func (q *queryBuilder) add(key, value string) {
	if value == "" {
		return
	}
	q.parts = append(q.parts, key+"="+escapeQueryValue(value))
}

func (q *queryBuilder) String() string { return strings.Join(q.parts, "&") }

// escapeQueryValue percent-encodes a query value but keeps the OData
// punctuation readable ($select=id,status; status eq 'New'). Spaces become
// %20, never "+" (which OData may read literally), and & = + ; # % ? are
// always encoded.
func escapeQueryValue(v string) string {
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

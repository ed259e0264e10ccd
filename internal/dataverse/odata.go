package dataverse

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/odata"
)

// Quote returns s as an OData string literal: single-quoted, with each single
// quote inside doubled.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// EqString returns "column eq '<value>'" with value quoted.
func EqString(column, value string) string { return column + " eq " + Quote(value) }

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// IsGUID reports whether s is a GUID in 8-4-4-4-12 form.
func IsGUID(s string) bool { return guidRE.MatchString(s) }

// EqGUID returns "column eq <guid>" (GUIDs are unquoted in Dataverse filters);
// it fails for a value that is not a GUID, which would otherwise inject text.
func EqGUID(column, id string) (string, error) {
	if !IsGUID(id) {
		return "", fmt.Errorf("dataverse: %q is not a GUID", id)
	}
	return column + " eq " + strings.ToLower(id), nil
}

// keyPath returns "<set>(<key>)". key is a GUID or an alternate-key
// expression (accountnumber='ABC'); characters not allowed in a path are
// percent-encoded, the OData punctuation is kept.
func keyPath(set, key string) string { return set + "(" + escapeKey(key) + ")" }

func escapeKey(k string) string {
	var b strings.Builder
	for i := 0; i < len(k); i++ {
		c := k[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~'()=,:@!$*+", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// queryBuilder is the shared OData query writer (odata.Query) under this
// package's name for it.
type queryBuilder struct{ odata.Query }

func (q *queryBuilder) add(key, value string) { q.Add(key, value) }

// idFromEntityURL returns the key inside the last "(…)" of an OData-EntityId
// or Location value: …/opportunities(<guid>) → <guid>.
func idFromEntityURL(u string) string {
	open := strings.LastIndexByte(u, '(')
	if open < 0 {
		return ""
	}
	end := strings.IndexByte(u[open:], ')')
	if end < 0 {
		return ""
	}
	return u[open+1 : open+end]
}

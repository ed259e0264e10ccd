package dataverse

import (
	"errors"
	"regexp"
	"strings"
)

// segment is one OData path segment: name or name(key).
type segment struct {
	Name   string
	Key    string
	HasKey bool
}

// splitPath splits an OData resource path on '/' outside quotes and
// parentheses, and each segment into name and key.
func splitPath(p string) ([]segment, error) {
	p = strings.Trim(p, "/")
	if p == "" {
		return nil, nil
	}
	var parts []string
	depth, inQuote, start := 0, false, 0
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case c == '\'':
			inQuote = !inQuote
		case inQuote:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == '/' && depth == 0:
			parts = append(parts, p[start:i])
			start = i + 1
		}
	}
	parts = append(parts, p[start:])
	segs := make([]segment, 0, len(parts))
	for _, part := range parts {
		open := strings.IndexByte(part, '(')
		if open < 0 {
			segs = append(segs, segment{Name: part})
			continue
		}
		if !strings.HasSuffix(part, ")") {
			return nil, errors.New("Bad Request - Error in query syntax: unbalanced parentheses in segment '" + part + "'.")
		}
		segs = append(segs, segment{Name: part[:open], Key: part[open+1 : len(part)-1], HasKey: true})
	}
	return segs, nil
}

// routeName is the path with keys replaced by placeholders, for metrics.
func routeName(segs []segment) string {
	names := make([]string, len(segs))
	for i, sg := range segs {
		switch {
		case !sg.HasKey:
			names[i] = sg.Name
		case sg.Key == "":
			names[i] = sg.Name + "()"
		case guidRe.MatchString(sg.Key):
			names[i] = sg.Name + "({id})"
		default:
			names[i] = sg.Name + "({key})"
		}
	}
	return strings.Join(names, "/")
}

var guidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func isGUID(s string) bool { return guidRe.MatchString(s) }

// parseGUIDKey accepts "guid" and "{guid}".
func parseGUIDKey(k string) (string, bool) {
	k = strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(k), "{"), "}")
	if !isGUID(k) {
		return "", false
	}
	return strings.ToLower(k), true
}

// parseNamedKey parses Name='value' (metadata keys such as LogicalName='x').
func parseNamedKey(k, name string) (string, bool) {
	pre := name + "='"
	if !strings.HasPrefix(k, pre) || !strings.HasSuffix(k, "'") || len(k) < len(pre)+1 {
		return "", false
	}
	return strings.ReplaceAll(k[len(pre):len(k)-1], "''", "'"), true
}

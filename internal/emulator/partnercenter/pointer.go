package partnercenter

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Referrals are stored as generic JSON trees (map[string]any, []any,
// json.Number, string, bool, nil) so that fields the emulator does not know
// round-trip unchanged. This file holds the JSON Pointer (RFC 6901) helpers
// used by typed accessors, JSON Patch and the test helpers.

// parsePointer splits a JSON Pointer into unescaped reference tokens.
func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if !strings.HasPrefix(p, "/") {
		return nil, fmt.Errorf("JSON pointer %q must start with '/'", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, t := range parts {
		parts[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	return parts, nil
}

// lookup walks tokens from node; ok is false when a step is missing.
func lookup(node any, toks []string) (any, bool) {
	for _, t := range toks {
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[t]
			if !ok {
				return nil, false
			}
			node = v
		case []any:
			i, err := arrayIndex(t, len(n)-1)
			if err != nil {
				return nil, false
			}
			node = n[i]
		default:
			return nil, false
		}
	}
	return node, true
}

// arrayIndex parses an RFC 6901 array index no larger than max.
func arrayIndex(tok string, max int) (int, error) {
	if tok == "" || (len(tok) > 1 && tok[0] == '0') {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	i, err := strconv.Atoi(tok)
	if err != nil || i < 0 {
		return 0, fmt.Errorf("invalid array index %q", tok)
	}
	if i > max {
		return 0, fmt.Errorf("array index %d is out of range", i)
	}
	return i, nil
}

// errPathNotFound is wrapped by setAt when an intermediate location is absent.
type errPathNotFound struct{ tok string }

func (e errPathNotFound) Error() string {
	return fmt.Sprintf("the target location specified by path segment '%s' was not found", e.tok)
}

// setAt performs a JSON Patch "add" (insert=true) or "replace" (insert=false)
// at toks below node and returns the possibly re-allocated node (arrays grow).
// Object members may be replaced even when absent: the real service binds the
// patch to a typed model on which every documented property exists.
func setAt(node any, toks []string, val any, insert bool, create bool) (any, error) {
	if len(toks) == 0 {
		return val, nil
	}
	tok := toks[0]
	switch n := node.(type) {
	case map[string]any:
		if len(toks) == 1 {
			n[tok] = val
			return n, nil
		}
		child, ok := n[tok]
		if !ok || child == nil {
			if !create {
				return n, errPathNotFound{tok}
			}
			child = map[string]any{}
			if toks[1] == "-" {
				child = []any{} // Set("/team/-", …) on a referral without a team
			}
		}
		nc, err := setAt(child, toks[1:], val, insert, create)
		if err != nil {
			return n, err
		}
		n[tok] = nc
		return n, nil
	case []any:
		if len(toks) == 1 {
			if insert {
				if tok == "-" {
					return append(n, val), nil
				}
				i, err := arrayIndex(tok, len(n))
				if err != nil {
					return n, err
				}
				n = append(n, nil)
				copy(n[i+1:], n[i:])
				n[i] = val
				return n, nil
			}
			i, err := arrayIndex(tok, len(n)-1)
			if err != nil {
				return n, err
			}
			n[i] = val
			return n, nil
		}
		i, err := arrayIndex(tok, len(n)-1)
		if err != nil {
			return n, err
		}
		nc, err := setAt(n[i], toks[1:], val, insert, create)
		if err != nil {
			return n, err
		}
		n[i] = nc
		return n, nil
	default:
		return node, errPathNotFound{tok}
	}
}

// decodeJSON decodes with json.Number so deal values keep their precision.
func decodeJSON(b []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	if err := d.Decode(v); err != nil {
		return err
	}
	if d.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

// encodeJSON marshals without HTML escaping ('&' in notes stays readable).
func encodeJSON(v any) ([]byte, error) { return core.AppendJSON(nil, v) }

// deepCopy clones a generic JSON tree.
func deepCopy(v any) any {
	switch n := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(n))
		for k, x := range n {
			m[k] = deepCopy(x)
		}
		return m
	case []any:
		s := make([]any, len(n))
		for i, x := range n {
			s[i] = deepCopy(x)
		}
		return s
	default:
		return v
	}
}

package partnercenter

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// The $filter subset used in the Referrals docs (§1.4): comparisons
// (eq ne gt ge lt le) of a property with a literal, combined with and/or and
// parentheses, plus a lambda any() over a few collections. Anything else is
// rejected with a description, so a client that relies on more OData than
// the docs show fails loudly against the emulator.

type filterKind int

const (
	kindString filterKind = iota
	kindDateTime
	kindNumber
	kindAny // lambda element fields: compared by the literal's type
)

type filterExpr interface {
	eval(env filterEnv) bool
}

// filterEnv is the referral being tested plus the lambda variable binding.
type filterEnv struct {
	doc     map[string]any
	lambdaV string
	elem    any
}

type tokKind int

const (
	tEOF tokKind = iota
	tIdent
	tString
	tBare // unquoted literal: number or datetime
	tLParen
	tRParen
	tColon
	tComma
)

type token struct {
	kind tokKind
	text string
	pos  int
}

func lexFilter(s string) ([]token, error) {
	var out []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			out = append(out, token{tLParen, "(", i})
			i++
		case c == ')':
			out = append(out, token{tRParen, ")", i})
			i++
		case c == ':':
			out = append(out, token{tColon, ":", i})
			i++
		case c == ',':
			out = append(out, token{tComma, ",", i})
			i++
		case c == '\'':
			start := i
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' { // '' escapes a quote
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, fmt.Errorf("unterminated string literal at position %d", start)
			}
			out = append(out, token{tString, b.String(), start})
		case isIdentStart(c):
			start := i
			for i < len(s) && (isIdentPart(s[i]) || (s[i] == '/' && i+1 < len(s) && isIdentStart(s[i+1]))) {
				i++
			}
			out = append(out, token{tIdent, s[start:i], start})
		case c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.':
			start := i
			for i < len(s) && (isIdentPart(s[i]) || strings.IndexByte(":.-+", s[i]) >= 0) {
				i++
			}
			out = append(out, token{tBare, s[start:i], start})
		default:
			return nil, fmt.Errorf("unexpected character %q at position %d", c, i)
		}
	}
	return append(out, token{tEOF, "", len(s)}), nil
}

func isIdentStart(c byte) bool { return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
func isIdentPart(c byte) bool  { return isIdentStart(c) || c >= '0' && c <= '9' }

type filterParser struct {
	toks    []token
	i       int
	lambdaV string // variable name while parsing inside any()
}

// parseFilter compiles a $filter expression; "" matches everything.
func parseFilter(s string) (filterExpr, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	toks, err := lexFilter(s)
	if err != nil {
		return nil, fmt.Errorf("invalid $filter: %v", err)
	}
	p := &filterParser{toks: toks}
	e, err := p.parseOr()
	if err != nil {
		return nil, fmt.Errorf("invalid $filter: %v", err)
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, fmt.Errorf("invalid $filter: unexpected %q at position %d", t.text, t.pos)
	}
	return e, nil
}

func (p *filterParser) peek() token { return p.toks[p.i] }
func (p *filterParser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *filterParser) parseOr() (filterExpr, error) {
	left, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tIdent && p.peek().text == "or" {
		p.next()
		right, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		left = orExpr{left, right}
	}
	return left, nil
}

func (p *filterParser) parseAnd() (filterExpr, error) {
	left, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	for p.peek().kind == tIdent && p.peek().text == "and" {
		p.next()
		right, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		left = andExpr{left, right}
	}
	return left, nil
}

func (p *filterParser) parsePrimary() (filterExpr, error) {
	t := p.next()
	switch t.kind {
	case tLParen:
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if c := p.next(); c.kind != tRParen {
			return nil, fmt.Errorf("expected ')' at position %d", c.pos)
		}
		return e, nil
	case tIdent:
		if t.text == "not" {
			return nil, fmt.Errorf("the 'not' operator is not supported")
		}
		if p.peek().kind == tLParen {
			return p.parseCall(t)
		}
		return p.parseComparison(t)
	case tEOF:
		return nil, fmt.Errorf("unexpected end of expression")
	default:
		return nil, fmt.Errorf("expected a property name at position %d, found %q", t.pos, t.text)
	}
}

// parseCall handles "collection/any(v: expr)"; other functions are unsupported.
func (p *filterParser) parseCall(name token) (filterExpr, error) {
	coll, fn, ok := cutLast(name.text, "/")
	if !ok || (fn != "any" && fn != "all") {
		return nil, fmt.Errorf("the function '%s' is not supported", name.text)
	}
	if fn == "all" {
		return nil, fmt.Errorf("the lambda operator 'all' is not supported; use 'any'")
	}
	if p.lambdaV != "" {
		return nil, fmt.Errorf("nested lambda expressions are not supported")
	}
	if !filterCollections[coll] {
		return nil, fmt.Errorf("'%s' is not a collection that supports any()", coll)
	}
	p.next() // (
	v := p.next()
	if v.kind != tIdent || strings.Contains(v.text, "/") {
		return nil, fmt.Errorf("expected a lambda variable name at position %d", v.pos)
	}
	if c := p.next(); c.kind != tColon {
		return nil, fmt.Errorf("expected ':' after lambda variable at position %d", c.pos)
	}
	p.lambdaV = v.text
	body, err := p.parseOr()
	p.lambdaV = ""
	if err != nil {
		return nil, err
	}
	if c := p.next(); c.kind != tRParen {
		return nil, fmt.Errorf("expected ')' at position %d", c.pos)
	}
	return anyExpr{path: strings.Split(coll, "/"), v: v.text, body: body}, nil
}

func (p *filterParser) parseComparison(prop token) (filterExpr, error) {
	op := p.next()
	switch op.text {
	case "eq", "ne", "gt", "ge", "lt", "le":
	case "":
		return nil, fmt.Errorf("expected a comparison operator after '%s'", prop.text)
	default:
		return nil, fmt.Errorf("the operator '%s' is not supported (supported: eq, ne, gt, ge, lt, le, and, or)", op.text)
	}
	if op.kind != tIdent {
		return nil, fmt.Errorf("expected a comparison operator after '%s' at position %d", prop.text, op.pos)
	}
	c := compareExpr{op: op.text}
	if p.lambdaV != "" {
		v, field, ok := strings.Cut(prop.text, "/")
		if !ok || v != p.lambdaV || field == "" {
			return nil, fmt.Errorf("inside any(), properties must be written as '%s/<property>'", p.lambdaV)
		}
		c.elemPath, c.kind = strings.Split(field, "/"), kindAny
	} else {
		kind, ok := filterProperties[prop.text]
		if !ok {
			return nil, fmt.Errorf("could not find a property named '%s' on type 'Referral' that supports filtering", prop.text)
		}
		c.path, c.kind = strings.Split(prop.text, "/"), kind
	}
	lit, err := p.parseLiteral(c.kind)
	if err != nil {
		return nil, err
	}
	if lit.null && c.op != "eq" && c.op != "ne" {
		return nil, fmt.Errorf("null can only be compared with eq or ne")
	}
	c.lit = lit
	return c, nil
}

// literal is a parsed right-hand side.
type literal struct {
	null bool
	str  string
	num  float64
	isN  bool
	t    time.Time
	isT  bool
	b    bool
	isB  bool
}

func (p *filterParser) parseLiteral(kind filterKind) (literal, error) {
	t := p.next()
	switch t.kind {
	case tIdent:
		switch t.text {
		case "null":
			return literal{null: true}, nil
		case "true", "false":
			if kind != kindAny {
				return literal{}, fmt.Errorf("a boolean literal cannot be compared with this property")
			}
			return literal{b: t.text == "true", isB: true}, nil
		}
		return literal{}, fmt.Errorf("expected a literal at position %d, found '%s' (string literals need single quotes)", t.pos, t.text)
	case tString:
		switch kind {
		case kindDateTime:
			tm, err := time.Parse(time.RFC3339Nano, t.text)
			if err != nil {
				return literal{}, fmt.Errorf("'%s' is not a valid ISO-8601 date-time (expected e.g. 2026-01-31T00:00:00Z)", t.text)
			}
			return literal{t: tm, isT: true}, nil
		case kindNumber:
			return literal{}, fmt.Errorf("a string literal cannot be compared with a numeric property")
		}
		return literal{str: t.text}, nil
	case tBare:
		switch kind {
		case kindDateTime:
			tm, err := time.Parse(time.RFC3339Nano, t.text)
			if err != nil {
				return literal{}, fmt.Errorf("'%s' is not a valid ISO-8601 date-time (expected e.g. 2026-01-31T00:00:00Z)", t.text)
			}
			return literal{t: tm, isT: true}, nil
		case kindString:
			return literal{}, fmt.Errorf("'%s' must be quoted: string literals use single quotes", t.text)
		}
		f, err := strconv.ParseFloat(t.text, 64)
		if err != nil {
			if tm, terr := time.Parse(time.RFC3339Nano, t.text); terr == nil && kind == kindAny {
				return literal{t: tm, isT: true}, nil
			}
			return literal{}, fmt.Errorf("'%s' is not a valid literal", t.text)
		}
		return literal{num: f, isN: true}, nil
	default:
		return literal{}, fmt.Errorf("expected a literal at position %d", t.pos)
	}
}

type andExpr struct{ l, r filterExpr }
type orExpr struct{ l, r filterExpr }

func (e andExpr) eval(env filterEnv) bool { return e.l.eval(env) && e.r.eval(env) }
func (e orExpr) eval(env filterEnv) bool  { return e.l.eval(env) || e.r.eval(env) }

type anyExpr struct {
	path []string
	v    string
	body filterExpr
}

func (e anyExpr) eval(env filterEnv) bool {
	coll, _ := lookup(env.doc, e.path)
	items, _ := coll.([]any)
	for _, it := range items {
		if e.body.eval(filterEnv{doc: env.doc, lambdaV: e.v, elem: it}) {
			return true
		}
	}
	return false
}

type compareExpr struct {
	path     []string // from the referral root
	elemPath []string // from the lambda element
	kind     filterKind
	op       string
	lit      literal
}

func (e compareExpr) eval(env filterEnv) bool {
	var v any
	if e.elemPath != nil {
		v, _ = lookup(env.elem, e.elemPath)
	} else {
		v, _ = lookup(env.doc, e.path)
	}
	if e.lit.null || v == nil {
		switch e.op {
		case "eq":
			return e.lit.null && v == nil
		case "ne":
			return (v == nil) != e.lit.null
		}
		return false
	}
	c, ok := e.compare(v)
	if !ok {
		return e.op == "ne"
	}
	switch e.op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	default: // le
		return c <= 0
	}
}

// compare orders the document value against the literal; ok is false when
// the two cannot be compared (wrong type in the document).
func (e compareExpr) compare(v any) (int, bool) {
	switch {
	case e.lit.isT:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			return 0, false
		}
		return t.Compare(e.lit.t), true
	case e.lit.isN:
		f, ok := numberOf(v)
		if !ok {
			return 0, false
		}
		switch {
		case f < e.lit.num:
			return -1, true
		case f > e.lit.num:
			return 1, true
		}
		return 0, true
	case e.lit.isB:
		b, ok := v.(bool)
		if !ok {
			return 0, false
		}
		if b == e.lit.b {
			return 0, true
		}
		if b {
			return 1, true
		}
		return -1, true
	default:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		return core.CompareFold(s, e.lit.str), true
	}
}

func cutLast(s, sep string) (before, after string, found bool) {
	i := strings.LastIndex(s, sep)
	if i < 0 {
		return s, "", false
	}
	return s[:i], s[i+len(sep):], true
}

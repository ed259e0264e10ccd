package dataverse

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// The $filter subset: eq ne gt ge lt le, and or not, parentheses,
// contains/startswith/endswith, null/true/false, numbers, 'strings' ('' is a
// quote), unquoted GUIDs, dates and date-times. Property paths are columns,
// _x_value lookups, or nav/column through a single-valued navigation
// property. String comparisons ignore case, as Dataverse's do.

type fexpr interface {
	eval(get func(*fProp) any) bool
}

type fAnd struct{ l, r fexpr }
type fOr struct{ l, r fexpr }
type fNot struct{ e fexpr }

// fCmp is "prop op literal" (a literal on the left is swapped to the right).
type fCmp struct {
	op   string
	prop *fProp
	lit  fLit
}

type fFunc struct {
	name string
	prop *fProp
	arg  string
}

// fProp is a bound property path. attr is nil for untyped (metadata) paths.
type fProp struct {
	path   string
	attr   *attribute
	nav    *navProp
	edm    string
	untype bool
}

type litKind int

const (
	litNull litKind = iota
	litString
	litNumber
	litBool
	litGUID
	litDate
)

type fLit struct {
	kind litKind
	str  string
	num  float64
	b    bool
	tm   time.Time
	text string
}

func (e fAnd) eval(g func(*fProp) any) bool { return e.l.eval(g) && e.r.eval(g) }
func (e fOr) eval(g func(*fProp) any) bool  { return e.l.eval(g) || e.r.eval(g) }
func (e fNot) eval(g func(*fProp) any) bool { return !e.e.eval(g) }

func (e fFunc) eval(g func(*fProp) any) bool {
	v, ok := g(e.prop).(string)
	if !ok {
		return false
	}
	v, arg := strings.ToLower(v), strings.ToLower(e.arg)
	switch e.name {
	case "contains":
		return strings.Contains(v, arg)
	case "startswith":
		return strings.HasPrefix(v, arg)
	default:
		return strings.HasSuffix(v, arg)
	}
}

func (e fCmp) eval(g func(*fProp) any) bool {
	v := g(e.prop)
	if e.lit.kind == litNull || v == nil {
		bothNull := e.lit.kind == litNull && v == nil
		switch e.op {
		case "eq":
			return bothNull
		case "ne":
			return !bothNull
		}
		return false
	}
	if s, isStr := v.(string); isStr && (e.op == "eq" || e.op == "ne") && (e.lit.kind == litString || e.lit.kind == litGUID) {
		// Equality needs no ordering: EqualFold is Dataverse's
		// case-insensitive comparison without lowering both strings (long
		// OR chains of ids are evaluated against every row).
		return strings.EqualFold(s, e.lit.str) == (e.op == "eq")
	}
	c, ok := compareToLit(v, e.lit)
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
	default:
		return c <= 0
	}
}

// compareToLit compares a stored value with a literal.
func compareToLit(v any, l fLit) (int, bool) {
	switch l.kind {
	case litString, litGUID:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		return core.CompareFold(s, l.str), true
	case litNumber:
		f, ok := toFloat(v)
		if !ok {
			return 0, false
		}
		return cmpFloat(f, l.num), true
	case litBool:
		b, ok := v.(bool)
		if !ok {
			return 0, false
		}
		return cmpBool(b, l.b), true
	case litDate:
		s, ok := v.(string)
		if !ok {
			return 0, false
		}
		tm, err := parseDateTime(s)
		if err != nil {
			return 0, false
		}
		return tm.Compare(l.tm), true
	}
	return 0, false
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpBool(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// --- lexer -------------------------------------------------------------

type token struct {
	kind byte // '(' ')' ',' 's' (string) 'w' (word) 0 (end)
	text string
}

func lexFilter(s string) ([]token, *apiError) {
	var toks []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\r' || c == '\n':
			i++
		case c == '(' || c == ')' || c == ',':
			toks = append(toks, token{kind: c, text: string(c)})
			i++
		case c == '\'':
			var b strings.Builder
			j := i + 1
			for {
				if j >= len(s) {
					return nil, syntaxError("unterminated string literal", s)
				}
				if s[j] == '\'' {
					if j+1 < len(s) && s[j+1] == '\'' {
						b.WriteByte('\'')
						j += 2
						continue
					}
					break
				}
				b.WriteByte(s[j])
				j++
			}
			toks = append(toks, token{kind: 's', text: b.String()})
			i = j + 1
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n(),'", rune(s[j])) {
				j++
			}
			toks = append(toks, token{kind: 'w', text: s[i:j]})
			i = j
		}
	}
	return append(toks, token{kind: 0}), nil
}

func syntaxError(what, filter string) *apiError {
	return errf(http.StatusBadRequest, codeUnknownProperty, "Syntax error: %s in $filter '%s'.", what, filter)
}

// --- parser ------------------------------------------------------------

var (
	dateRe     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	dateTimeRe = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$`)
	numberRe   = regexp.MustCompile(`^-?\d+(\.\d+)?([eE][+-]?\d+)?[mMdDfFlL]?$`)
	pathRe     = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*(/[A-Za-z_][A-Za-z0-9_]*)*$`)
)

var cmpOps = map[string]string{"eq": "Equal", "ne": "NotEqual", "gt": "GreaterThan", "ge": "GreaterThanOrEqual", "lt": "LessThan", "le": "LessThanOrEqual"}

// propBinder resolves a property path for one entity type.
type propBinder func(path string) (*fProp, *apiError)

type filterParser struct {
	toks []token
	pos  int
	src  string
	bind propBinder
}

func parseFilter(src string, bind propBinder) (fexpr, *apiError) {
	toks, e := lexFilter(src)
	if e != nil {
		return nil, e
	}
	p := &filterParser{toks: toks, src: src, bind: bind}
	ex, e := p.or()
	if e != nil {
		return nil, e
	}
	if p.peek().kind != 0 {
		return nil, syntaxError("unexpected '"+p.peek().text+"'", src)
	}
	return indexOrs(ex), nil
}

// fIn is an OR chain of "prop eq 'text'" on one property, evaluated with a
// set: the same answer as the chain, without comparing every row with every
// literal (clients look records up by key in chains of hundreds).
type fIn struct {
	prop *fProp
	set  map[string]bool // lower-cased literals
}

func (e fIn) eval(g func(*fProp) any) bool {
	s, ok := g(e.prop).(string)
	return ok && e.set[strings.ToLower(s)]
}

// indexOrs replaces OR chains of string equalities on one property by fIn.
func indexOrs(e fexpr) fexpr {
	switch x := e.(type) {
	case fAnd:
		return fAnd{indexOrs(x.l), indexOrs(x.r)}
	case fNot:
		return fNot{indexOrs(x.e)}
	case fOr:
		var leaves []fexpr
		var walk func(fexpr)
		walk = func(e fexpr) {
			if o, ok := e.(fOr); ok {
				walk(o.l)
				walk(o.r)
				return
			}
			leaves = append(leaves, e)
		}
		walk(x)
		in := fIn{set: map[string]bool{}}
		for _, l := range leaves {
			c, ok := l.(fCmp)
			if !ok || c.op != "eq" || (c.lit.kind != litString && c.lit.kind != litGUID) || (in.prop != nil && in.prop.path != c.prop.path) {
				return fOr{indexOrs(x.l), indexOrs(x.r)}
			}
			in.prop = c.prop
			in.set[strings.ToLower(c.lit.str)] = true
		}
		return in
	}
	return e
}

func (p *filterParser) peek() token { return p.toks[p.pos] }
func (p *filterParser) next() token { t := p.toks[p.pos]; p.pos++; return t }
func (p *filterParser) isWord(w string) bool {
	t := p.peek()
	return t.kind == 'w' && t.text == w
}

func (p *filterParser) or() (fexpr, *apiError) {
	l, e := p.and()
	for e == nil && p.isWord("or") {
		p.next()
		var r fexpr
		if r, e = p.and(); e == nil {
			l = fOr{l, r}
		}
	}
	return l, e
}

func (p *filterParser) and() (fexpr, *apiError) {
	l, e := p.unary()
	for e == nil && p.isWord("and") {
		p.next()
		var r fexpr
		if r, e = p.unary(); e == nil {
			l = fAnd{l, r}
		}
	}
	return l, e
}

func (p *filterParser) unary() (fexpr, *apiError) {
	if p.isWord("not") {
		p.next()
		e, err := p.unary()
		return fNot{e}, err
	}
	return p.primary()
}

func (p *filterParser) primary() (fexpr, *apiError) {
	t := p.peek()
	if t.kind == '(' {
		p.next()
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.next().kind != ')' {
			return nil, syntaxError("')' expected", p.src)
		}
		return e, nil
	}
	if t.kind == 'w' && p.toks[p.pos+1].kind == '(' {
		return p.call()
	}
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	opTok := p.next()
	opKind, ok := cmpOps[opTok.text]
	if opTok.kind != 'w' || !ok {
		return nil, syntaxError("comparison operator expected after '"+t.text+"'", p.src)
	}
	right, err := p.operand()
	if err != nil {
		return nil, err
	}
	op := opTok.text
	switch {
	case left.prop != nil && right.prop == nil:
	case left.prop == nil && right.prop != nil:
		left, right = right, left
		op = map[string]string{"eq": "eq", "ne": "ne", "gt": "lt", "ge": "le", "lt": "gt", "le": "ge"}[op]
	default:
		return nil, errNotImplemented("$filter comparisons that are not between a property and a literal")
	}
	if e := checkOperandTypes(left.prop, right.lit, opKind); e != nil {
		return nil, e
	}
	return fCmp{op: op, prop: left.prop, lit: right.lit}, nil
}

func (p *filterParser) call() (fexpr, *apiError) {
	name := p.next().text
	p.next() // (
	switch name {
	case "contains", "startswith", "endswith":
	default:
		return nil, errNotImplemented("the $filter function '" + name + "'")
	}
	a1, err := p.operand()
	if err != nil {
		return nil, err
	}
	if p.next().kind != ',' {
		return nil, syntaxError("',' expected in "+name+"()", p.src)
	}
	a2, err := p.operand()
	if err != nil {
		return nil, err
	}
	if p.next().kind != ')' {
		return nil, syntaxError("')' expected after "+name+"()", p.src)
	}
	if a1.prop == nil || a2.prop != nil || a2.lit.kind != litString || (!a1.prop.untype && a1.prop.edm != "Edm.String") {
		return nil, errf(http.StatusBadRequest, codeUnknownProperty,
			"No function signature for the function with name '%s' matches the specified arguments. The function signatures considered are: %s(Edm.String Nullable=true, Edm.String Nullable=true).",
			name, name)
	}
	return fFunc{name: name, prop: a1.prop, arg: a2.lit.str}, nil
}

type operand struct {
	prop *fProp
	lit  fLit
}

func (p *filterParser) operand() (operand, *apiError) {
	t := p.next()
	switch t.kind {
	case 's':
		return operand{lit: fLit{kind: litString, str: t.text, text: "'" + t.text + "'"}}, nil
	case 'w':
	default:
		return operand{}, syntaxError("operand expected", p.src)
	}
	w := t.text
	switch {
	case strings.HasPrefix(w, crmNS) && p.peek().kind == 's':
		// enum literal, e.g. Microsoft.Dynamics.CRM.AttributeTypeCode'Picklist'
		v := p.next().text
		return operand{lit: fLit{kind: litString, str: v, text: w + "'" + v + "'"}}, nil
	case w == "null":
		return operand{lit: fLit{kind: litNull, text: w}}, nil
	case w == "true" || w == "false":
		return operand{lit: fLit{kind: litBool, b: w == "true", text: w}}, nil
	case isGUID(w):
		return operand{lit: fLit{kind: litGUID, str: strings.ToLower(w), text: w}}, nil
	case dateRe.MatchString(w) || dateTimeRe.MatchString(w):
		tm, err := parseDateTime(w)
		if err != nil {
			return operand{}, syntaxError("invalid date '"+w+"'", p.src)
		}
		return operand{lit: fLit{kind: litDate, tm: tm, text: w}}, nil
	case numberRe.MatchString(w):
		f, err := strconv.ParseFloat(strings.TrimRight(w, "mMdDfFlL"), 64)
		if err != nil {
			return operand{}, syntaxError("invalid number '"+w+"'", p.src)
		}
		return operand{lit: fLit{kind: litNumber, num: f, text: w}}, nil
	case pathRe.MatchString(w):
		fp, e := p.bind(w)
		if e != nil {
			return operand{}, e
		}
		return operand{prop: fp}, nil
	}
	return operand{}, syntaxError("unexpected '"+w+"'", p.src)
}

func litEdm(l fLit) string {
	switch l.kind {
	case litString:
		return "Edm.String"
	case litNumber:
		if strings.ContainsAny(l.text, ".eE") {
			return "Edm.Decimal"
		}
		return "Edm.Int32"
	case litBool:
		return "Edm.Boolean"
	case litGUID:
		return "Edm.Guid"
	case litDate:
		if dateRe.MatchString(l.text) {
			return "Edm.Date"
		}
		return "Edm.DateTimeOffset"
	}
	return "null"
}

// checkOperandTypes rejects comparisons OData would reject.
func checkOperandTypes(p *fProp, l fLit, opKind string) *apiError {
	if p.untype || l.kind == litNull {
		return nil
	}
	ok := false
	switch p.edm {
	case "Edm.String":
		ok = l.kind == litString
	case "Edm.Int32", "Edm.Int64", "Edm.Decimal":
		ok = l.kind == litNumber
	case "Edm.Boolean":
		ok = l.kind == litBool
	case "Edm.Guid":
		ok = l.kind == litGUID
	case "Edm.Date", "Edm.DateTimeOffset":
		ok = l.kind == litDate
	}
	if !ok {
		return errf(http.StatusBadRequest, codeUnknownProperty,
			"A binary operator with incompatible types was detected. Found operand types '%s' and '%s' for operator kind '%s'.",
			p.edm, litEdm(l), opKind)
	}
	return nil
}

// recordBinder binds paths of a table's rows.
func (s *Service) recordBinder(t *table) propBinder {
	return func(path string) (*fProp, *apiError) {
		if first, rest, ok := strings.Cut(path, "/"); ok {
			nav, ok := t.navs[first]
			if !ok {
				return nil, errUnknownProperty(t.LogicalName, first)
			}
			target := s.schema.tables[nav.Target]
			if target == nil || strings.Contains(rest, "/") {
				return nil, errUnknownProperty(t.LogicalName, path)
			}
			a := target.byWireName(rest)
			if a == nil {
				return nil, errUnknownProperty(target.LogicalName, rest)
			}
			return &fProp{path: path, attr: a, nav: &nav, edm: edmOfWire(a)}, nil
		}
		a := t.byWireName(path)
		if a == nil {
			return nil, errUnknownProperty(t.LogicalName, path)
		}
		return &fProp{path: path, attr: a, edm: edmOfWire(a)}, nil
	}
}

func edmOfWire(a *attribute) string {
	if a.isLookup() || a.Type == typeUniqueID {
		return "Edm.Guid"
	}
	return edmType(a)
}

// recordValue reads a bound property of a row (for $filter and $orderby).
func (s *Service) recordValue(rec record, p *fProp) any {
	if p.nav != nil {
		rf, ok := rec[p.nav.Attr].(ref)
		if !ok || rf.Table != p.nav.Target {
			return nil
		}
		if p.attr.IsPrimaryID {
			return rf.ID
		}
		trec, ok := s.getRec(rf.Table, rf.ID)
		if !ok {
			return nil
		}
		return scalar(trec[p.attr.LogicalName])
	}
	return scalar(rec[p.attr.LogicalName])
}

func scalar(v any) any {
	switch x := v.(type) {
	case ref:
		return x.ID
	case json.Number:
		f, _ := x.Float64()
		return f
	}
	return v
}

// untypedBinder binds any simple property name (metadata queries).
func untypedBinder(path string) (*fProp, *apiError) {
	return &fProp{path: path, untype: true}, nil
}

package dataverse

import (
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"
)

// Tables are indexed the way a database indexes them, so that a query
// costs what it returns rather than the table's size: the primary key order
// of the rows (the default $orderby) and, built on first use, an index per
// column that $filter compares by string equality (the key chains clients
// send: "x eq 'a' or x eq 'b' …"). Indexes belong to one version of a
// table; every row change bumps it (putRec, delRec, dropTableData and their
// undo), and the next query rebuilds what it needs. Indexes only choose the
// rows a query examines: each chosen row is still tested with the whole
// $filter, in primary key order, so answers are the same as a full scan.

// tableIndex holds the indexes of one table at one version.
type tableIndex struct {
	version uint64
	ids     []string                       // primary keys in order (nil until asked)
	columns map[string]map[string][]string // column → ASCII-lower-cased string value → ids
	other   map[string][]string            // column → ids whose value is a non-ASCII string
}

// indexCache is guarded by its own mutex: queries run under the store's
// shared lock, several at once.
type indexCache struct {
	mu     sync.Mutex
	tables map[string]*tableIndex
}

// touchTable records a change of table's rows. The caller holds s.mu
// exclusively.
func (s *Service) touchTable(table string) {
	if s.tableVersions == nil {
		s.tableVersions = map[string]uint64{}
	}
	s.tableVersions[table]++
}

// tableIndexLocked returns table's indexes for its current version. The
// caller holds s.mu (shared or exclusive) and s.idx.mu.
func (s *Service) tableIndexLocked(table string) *tableIndex {
	v := s.tableVersions[table]
	ti := s.idx.tables[table]
	if ti == nil || ti.version != v {
		if s.idx.tables == nil {
			s.idx.tables = map[string]*tableIndex{}
		}
		ti = &tableIndex{version: v}
		s.idx.tables[table] = ti
	}
	return ti
}

// sortedIDs returns a table's row ids in primary key order (the order
// Dataverse uses when no $orderby is given). The slice is shared: callers
// must not modify it.
func (s *Service) sortedIDs(table string) []string {
	s.idx.mu.Lock()
	defer s.idx.mu.Unlock()
	ti := s.tableIndexLocked(table)
	if ti.ids == nil {
		m := s.data[table]
		ids := make([]string, 0, len(m))
		for id := range m {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		ti.ids = ids
	}
	return ti.ids
}

// candidateIDs returns, in primary key order, the only rows of t that can
// match f, when f narrows them through the primary key or a column index:
// a string equality (fCmp eq, fIn) on a column of t, an "or" of narrowings,
// or an "and" with one. ok is false when every row must be tested.
func (s *Service) candidateIDs(t *table, f fexpr) (ids []string, ok bool) {
	s.idx.mu.Lock()
	defer s.idx.mu.Unlock()
	set, ok := s.candidatesLocked(t, f)
	if !ok {
		return nil, false
	}
	ids = make([]string, 0, len(set))
	for id := range set {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids, true
}

func (s *Service) candidatesLocked(t *table, f fexpr) (map[string]bool, bool) {
	switch e := f.(type) {
	case fIn:
		vals := make([]string, 0, len(e.set))
		for v := range e.set {
			vals = append(vals, v)
		}
		return s.lookupLocked(t, e.prop, vals)
	case fCmp:
		if e.op != "eq" || (e.lit.kind != litString && e.lit.kind != litGUID) {
			return nil, false
		}
		return s.lookupLocked(t, e.prop, []string{e.lit.str})
	case fOr:
		l, ok := s.candidatesLocked(t, e.l)
		if !ok {
			return nil, false
		}
		r, ok := s.candidatesLocked(t, e.r)
		if !ok {
			return nil, false
		}
		for id := range r {
			l[id] = true
		}
		return l, true
	case fAnd:
		l, lok := s.candidatesLocked(t, e.l)
		r, rok := s.candidatesLocked(t, e.r)
		switch {
		case lok && rok && len(r) < len(l):
			return r, true
		case lok:
			return l, true
		}
		return r, rok
	}
	return nil, false
}

// lookupLocked returns the rows whose column p may equal one of vals,
// ignoring case. Equality is strings.EqualFold (fCmp) or equal lower-cased
// strings (fIn); for ASCII literals both hold only for values with the same
// ASCII lower-casing or values with non-ASCII characters (e.g. the Kelvin
// sign folds to 'k'), so the index keys ASCII values by their lower-casing
// and returns every non-ASCII value as a candidate. A non-ASCII literal is
// not narrowed (ok false).
func (s *Service) lookupLocked(t *table, p *fProp, vals []string) (map[string]bool, bool) {
	if p.nav != nil || p.attr == nil || t.attr(p.attr.LogicalName) != p.attr {
		return nil, false
	}
	for _, v := range vals {
		if !isASCII(v) {
			return nil, false
		}
	}
	out := make(map[string]bool, len(vals))
	rows := s.data[t.LogicalName]
	if p.attr.IsPrimaryID {
		// Rows are stored under their primary key, a lower-case GUID
		// (parseGUIDKey, newGUID), which is also the column's value.
		for _, v := range vals {
			if k := asciiLower(v); hasKey(rows, k) {
				out[k] = true
			}
		}
		return out, true
	}
	ti := s.tableIndexLocked(t.LogicalName)
	col := p.attr.LogicalName
	ix, built := ti.columns[col]
	if !built {
		ix = map[string][]string{}
		var other []string
		for id, rec := range rows {
			str, ok := scalar(rec[col]).(string)
			switch {
			case !ok:
			case isASCII(str):
				k := asciiLower(str)
				ix[k] = append(ix[k], id)
			default:
				other = append(other, id)
			}
		}
		if ti.columns == nil {
			ti.columns, ti.other = map[string]map[string][]string{}, map[string][]string{}
		}
		ti.columns[col], ti.other[col] = ix, other
	}
	for _, v := range vals {
		for _, id := range ix[asciiLower(v)] {
			out[id] = true
		}
	}
	for _, id := range ti.other[col] {
		out[id] = true
	}
	return out, true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// asciiLower lower-cases an ASCII string (strings.ToLower returns s itself
// when there is nothing to change).
func asciiLower(s string) string { return strings.ToLower(s) }

func hasKey(rows map[string]record, id string) bool {
	_, ok := rows[id]
	return ok
}

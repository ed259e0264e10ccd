package dataverse

import (
	"strconv"
	"strings"
	"time"
)

// record is one row: attribute logical name → value. Values are string,
// float64 (money, decimal), int64 (integer, choice, state, status, bigint),
// bool, ref (lookups) or nil. Rows are never changed in place: writers copy,
// change and put back, so a transaction can restore the old pointer.
type record map[string]any

// ref is a lookup value.
type ref struct {
	Table string
	ID    string
}

func (r record) clone() record {
	c := make(record, len(r))
	for k, v := range r {
		c[k] = v
	}
	return c
}

func (r record) version() int64 {
	v, _ := r["versionnumber"].(int64)
	return v
}

func (r record) etag() string { return `W/"` + strconv.FormatInt(r.version(), 10) + `"` }

const defaultRowVersionStart = 4481000

// nextVersion returns the next global row version (never rolled back: a
// version only has to be unique and increasing).
func (s *Service) nextVersion() int64 {
	s.rowVersion++
	return s.rowVersion
}

func timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// txn is an undo log. Data changes log closures; the schema is cloned once,
// on first change, and swapped back on rollback.
type txn struct {
	undo       []func()
	savedSch   *schema
	schemaCopy bool
}

func (s *Service) begin() { s.tx = &txn{} }

func (s *Service) commit() { s.tx = nil }

func (s *Service) rollback() {
	if s.tx == nil {
		return
	}
	for i := len(s.tx.undo) - 1; i >= 0; i-- {
		s.tx.undo[i]()
	}
	if s.tx.schemaCopy {
		s.schema = s.tx.savedSch
	}
	s.tx = nil
}

func (s *Service) journal(f func()) {
	if s.tx != nil {
		s.tx.undo = append(s.tx.undo, f)
	}
}

// touchSchema must be called before any metadata change: inside a
// transaction it keeps a copy to restore, and the live schema is a fresh
// clone so that the saved one is never mutated.
func (s *Service) touchSchema() {
	if s.tx != nil && !s.tx.schemaCopy {
		s.tx.savedSch = s.schema
		s.schema = s.schema.clone()
		s.tx.schemaCopy = true
	}
}

func (s *Service) rows(table string) map[string]record {
	m := s.data[table]
	if m == nil {
		m = map[string]record{}
		s.data[table] = m
	}
	return m
}

func (s *Service) getRec(table, id string) (record, bool) {
	r, ok := s.data[table][strings.ToLower(id)]
	return r, ok
}

func (s *Service) putRec(table, id string, rec record) {
	m := s.rows(table)
	old, had := m[id]
	m[id] = rec
	s.touchTable(table)
	s.journal(func() {
		s.touchTable(table)
		if had {
			s.rows(table)[id] = old
		} else {
			delete(s.rows(table), id)
		}
	})
}

func (s *Service) delRec(table, id string) {
	m := s.rows(table)
	old, had := m[id]
	if !had {
		return
	}
	delete(m, id)
	s.touchTable(table)
	s.journal(func() {
		s.touchTable(table)
		s.rows(table)[id] = old
	})
}

// dropTableData removes all rows of a deleted table.
func (s *Service) dropTableData(table string) {
	old, had := s.data[table]
	delete(s.data, table)
	s.touchTable(table)
	s.journal(func() {
		s.touchTable(table)
		if had {
			s.data[table] = old
		}
	})
}

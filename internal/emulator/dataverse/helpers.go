package dataverse

import (
	"errors"
	"strings"
)

// Go methods for tests that read or change the organisation in place (drift
// and "disappears" tests). Writes are type-checked like Web API writes but
// skip the business rules (closed opportunities, flow activation checks),
// and each runs as one transaction.

func (s *Service) tableBySet(entitySet string) (*table, error) {
	t := s.schema.bySet(entitySet)
	if t == nil {
		return nil, errors.New("dataverse: unknown entity set " + entitySet)
	}
	return t, nil
}

// inTx runs f as one transaction, rolled back when it fails.
func (s *Service) inTx(f func() *apiError) error {
	s.begin()
	if e := f(); e != nil {
		s.rollback()
		return e
	}
	s.commit()
	return nil
}

// Record returns a row as GET /<set>(<id>) would (no annotations).
func (s *Service) Record(entitySet, id string) (map[string]any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.schema.bySet(entitySet)
	if t == nil {
		return nil, false
	}
	rec, ok := s.getRec(t.LogicalName, id)
	if !ok {
		return nil, false
	}
	return s.render(t, rec, renderOpts{}), true
}

// Records returns all rows of an entity set in primary key order.
func (s *Service) Records(entitySet string) []map[string]any {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.schema.bySet(entitySet)
	if t == nil {
		return nil
	}
	var out []map[string]any
	for _, id := range s.sortedIDs(t.LogicalName) {
		out = append(out, s.render(t, s.data[t.LogicalName][id], renderOpts{}))
	}
	return out
}

// CreateRecord inserts a row given in Web API shape (columns,
// "<nav>@odata.bind", optionally the primary key) and returns its id.
func (s *Service) CreateRecord(entitySet string, rec map[string]any) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.tableBySet(entitySet)
	if err != nil {
		return "", err
	}
	var id string
	err = s.inTx(func() *apiError {
		var e *apiError
		id, e = s.createRecord(t, rec, writeOpts{trusted: true})
		return e
	})
	return id, err
}

// PatchRecord changes a row in place (Web API shape); it bumps the row
// version (ETag) and modifiedon like any update.
func (s *Service) PatchRecord(entitySet, id string, changes map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.tableBySet(entitySet)
	if err != nil {
		return err
	}
	return s.inTx(func() *apiError {
		return s.updateRecord(t, strings.ToLower(id), changes, writeOpts{trusted: true})
	})
}

// DeleteRecord deletes a row with the relationships' cascade behaviour.
func (s *Service) DeleteRecord(entitySet, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, err := s.tableBySet(entitySet)
	if err != nil {
		return err
	}
	id = strings.ToLower(id)
	if _, ok := s.getRec(t.LogicalName, id); !ok {
		return errRecordNotFound(t.LogicalName, id)
	}
	return s.inTx(func() *apiError { return s.deleteRecord(t, id) })
}

// Attribute returns a column's definition as the Web API renders it,
// with OptionSet expanded.
func (s *Service) Attribute(table, logicalName string) (map[string]any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.schema.tables[table]
	if t == nil {
		return nil, false
	}
	a := t.attr(logicalName)
	if a == nil {
		return nil, false
	}
	return attrJSON(t, a, true), true
}

// UpdateAttribute changes a column's definition in place: changes are
// merged over its current definition and applied like a PUT with
// MSCRM.MergeLabels (e.g. {"MaxLength": 50}).
func (s *Service) UpdateAttribute(table, logicalName string, changes map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inTx(func() *apiError {
		s.touchSchema()
		t := s.schema.tables[table]
		if t == nil {
			return errTableNotFound(table)
		}
		a, e := attrByKey(t, "LogicalName='"+logicalName+"'")
		if e != nil {
			return e
		}
		body := attrJSON(t, a, true)
		for k, v := range changes {
			body[k] = v
		}
		_, e = s.replaceAttribute(t, a, body, true, "")
		return e
	})
}

// DeleteAttribute removes a column (any column but the primary ones, lookups
// included: their relationship goes too) and its values.
func (s *Service) DeleteAttribute(table, logicalName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inTx(func() *apiError {
		s.touchSchema()
		t := s.schema.tables[table]
		if t == nil {
			return errTableNotFound(table)
		}
		a, e := attrByKey(t, "LogicalName='"+logicalName+"'")
		if e != nil {
			return e
		}
		if a.IsPrimaryID || a.IsPrimaryName {
			return metaBad("the primary columns of %s cannot be deleted", table)
		}
		for key, rel := range s.schema.rels {
			if rel.ReferencingEntity == t.LogicalName && rel.ReferencingAttribute == a.LogicalName {
				delete(s.schema.rels, key)
			}
		}
		s.dropColumn(t, a)
		return nil
	})
}

// Table returns a table's definition as the Web API renders it.
func (s *Service) Table(logicalName string) (map[string]any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	t := s.schema.tables[logicalName]
	if t == nil {
		return nil, false
	}
	return entityJSON(t), true
}

// UpdateTable changes a table's definition in place: changes are merged over
// its current definition and applied like a PUT with MSCRM.MergeLabels
// (e.g. {"DisplayName": {"LocalizedLabels": [{"Label": "x", "LanguageCode": 1033}]}}).
func (s *Service) UpdateTable(logicalName string, changes map[string]any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inTx(func() *apiError {
		s.touchSchema()
		t := s.schema.tables[logicalName]
		if t == nil {
			return errTableNotFound(logicalName)
		}
		body := entityJSON(t)
		for k, v := range changes {
			body[k] = v
		}
		return s.replaceTable(t, body, true, "")
	})
}

// DeleteTable deletes a custom table, its rows and relationships.
func (s *Service) DeleteTable(logicalName string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inTx(func() *apiError {
		s.touchSchema()
		t := s.schema.tables[logicalName]
		if t == nil {
			return errTableNotFound(logicalName)
		}
		return s.removeTable(t)
	})
}

// Relationship returns a relationship's definition by schema name.
func (s *Service) Relationship(schemaName string) (map[string]any, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	rel := s.schema.rels[strings.ToLower(schemaName)]
	if rel == nil {
		return nil, false
	}
	return relationshipJSON(rel), true
}

// SetLimits replaces the service protection limits and forgets all callers'
// windows (zero fields take the defaults).
func (s *Service) SetLimits(l Limits) { s.lim.set(l) }

// Concurrency reports the concurrency limit's peak and refusals since the
// limits were set or ResetConcurrency was called.
func (s *Service) Concurrency() ConcurrencyStats { return s.lim.concurrency() }

// ResetConcurrency starts the concurrency figures afresh.
func (s *Service) ResetConcurrency() { s.lim.resetConcurrency() }

// PublishCount is how many PublishXml and PublishAllXml calls succeeded.
func (s *Service) PublishCount() int {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.publishes
}

// PublishedXML returns the ParameterXml of each successful PublishXml call.
func (s *Service) PublishedXML() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]string(nil), s.publishedXML...)
}

// SolutionComponents lists the metadata components created or updated with
// MSCRM.SolutionUniqueName: <solution> (and still existing).
func (s *Service) SolutionComponents(solution string) []SolutionComponent {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return append([]SolutionComponent(nil), s.solutions[solution]...)
}

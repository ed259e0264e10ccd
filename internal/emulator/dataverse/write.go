package dataverse

import (
	"net/http"
	"strings"
)

// writeOpts says how a write is made.
type writeOpts struct {
	// trusted writes (scenario seeding, test helpers) skip the business
	// rules (closed opportunities, flow activation checks) but are still
	// type-checked.
	trusted bool
	// ids maps change-set Content-IDs to entity URLs ($n references).
	ids map[string]string
}

// createRecord validates body and inserts a row; it returns the new id.
func (s *Service) createRecord(t *table, body map[string]any, wo writeOpts) (string, *apiError) {
	changes, pk, e := s.parseBody(t, body, wo.ids)
	if e != nil {
		return "", e
	}
	return s.insert(t, pk, changes, wo)
}

func (s *Service) insert(t *table, pk string, changes map[string]any, wo writeOpts) (string, *apiError) {
	if pk == "" {
		pk = newGUID()
	} else if _, exists := s.getRec(t.LogicalName, pk); exists {
		return "", errDuplicate()
	}
	rec := record{}
	for _, a := range t.attrs {
		if a.Type == typeBoolean && a.DefaultBool != nil {
			rec[a.LogicalName] = *a.DefaultBool
		}
	}
	for k, v := range changes {
		rec[k] = v
	}
	if e := s.finishWrite(t, pk, nil, rec, changes, wo); e != nil {
		return "", e
	}
	now := timestamp(s.now())
	rec[t.PrimaryIDAttribute] = pk
	rec["createdon"] = now
	rec["modifiedon"] = now
	rec["versionnumber"] = s.nextVersion()
	s.putRec(t.LogicalName, pk, rec)
	return pk, nil
}

// updateRecord applies body to an existing row.
func (s *Service) updateRecord(t *table, id string, body map[string]any, wo writeOpts) *apiError {
	changes, pk, e := s.parseBody(t, body, wo.ids)
	if e != nil {
		return e
	}
	if e := checkBodyKey(t, pk, id); e != nil {
		return e
	}
	return s.update(t, id, changes, wo)
}

// checkBodyKey refuses a primary key in the body that differs from the URL's.
func checkBodyKey(t *table, bodyKey, urlKey string) *apiError {
	if bodyKey != "" && bodyKey != urlKey {
		return errf(http.StatusBadRequest, codeInvalidArgument,
			"The value of '%s' in the request body (%s) does not match the key in the URL (%s).", t.PrimaryIDAttribute, bodyKey, urlKey)
	}
	return nil
}

func (s *Service) update(t *table, id string, changes map[string]any, wo writeOpts) *apiError {
	old, ok := s.getRec(t.LogicalName, id)
	if !ok {
		return errRecordNotFound(t.LogicalName, id)
	}
	rec := old.clone()
	for k, v := range changes {
		rec[k] = v
	}
	if e := s.finishWrite(t, id, old, rec, changes, wo); e != nil {
		return e
	}
	rec["modifiedon"] = timestamp(s.now())
	rec["versionnumber"] = s.nextVersion()
	s.putRec(t.LogicalName, id, rec)
	return nil
}

// finishWrite completes and validates the new row state: state/status,
// computed columns, default currency, required columns, alternate keys and
// the table's business rules. old is nil on create.
func (s *Service) finishWrite(t *table, id string, old, rec record, changes map[string]any, wo writeOpts) *apiError {
	if e := resolveState(t, old, rec, changes); e != nil {
		return e
	}
	if a := t.attr("fullname"); a != nil && a.ReadOnly && t.attr("lastname") != nil {
		rec["fullname"] = fullName(rec)
	}
	s.defaultCurrency(t, rec)
	if e := checkRequired(t, old, rec, changes); e != nil {
		return e
	}
	if e := s.checkUniqueKeys(t, id, rec); e != nil {
		return e
	}
	if wo.trusted {
		return nil
	}
	return s.businessRules(t, old, rec, changes)
}

func fullName(rec record) any {
	first, _ := rec["firstname"].(string)
	last, _ := rec["lastname"].(string)
	name := strings.TrimSpace(first + " " + last)
	if name == "" {
		return nil
	}
	return name
}

// resolveState keeps statecode and statuscode consistent: a status implies
// its state, a state alone gets its default status.
func resolveState(t *table, old, rec record, changes map[string]any) *apiError {
	stateAttr, statusAttr := t.attr("statecode"), t.attr("statuscode")
	if stateAttr == nil || statusAttr == nil {
		return nil
	}
	newState, hasState := changes["statecode"]
	newStatus, hasStatus := changes["statuscode"]
	if hasState && newState == nil {
		return errf(http.StatusBadRequest, codeInvalidArgument, "The statecode of '%s' cannot be null.", t.LogicalName)
	}
	state, _ := rec["statecode"].(int64)
	if old == nil && !hasState {
		state = 0
	}
	switch {
	case hasStatus && newStatus != nil:
		o, _ := statusAttr.option(int(newStatus.(int64)))
		if hasState && int64(o.State) != state {
			return errf(http.StatusBadRequest, codeInvalidArgument,
				"The status code %d is not valid for state code %d of '%s'.", o.Value, state, t.LogicalName)
		}
		state = int64(o.State)
		rec["statuscode"] = int64(o.Value)
	case hasState || old == nil || (hasStatus && newStatus == nil):
		so, _ := stateAttr.option(int(state))
		rec["statuscode"] = int64(so.DefaultOf)
	}
	rec["statecode"] = state
	return nil
}

// defaultCurrency gives a row with money values the base currency, as
// Dataverse does when no transactioncurrencyid is bound.
func (s *Service) defaultCurrency(t *table, rec record) {
	if t.attr("transactioncurrencyid") == nil || rec["transactioncurrencyid"] != nil {
		return
	}
	for _, a := range t.attrs {
		if a.Type == typeMoney && rec[a.LogicalName] != nil {
			if id := s.baseCurrencyID(); id != "" {
				rec["transactioncurrencyid"] = ref{Table: "transactioncurrency", ID: id}
			}
			return
		}
	}
}

// baseCurrencyID is the organisation's base currency: USD when present,
// else the first currency row.
func (s *Service) baseCurrencyID() string {
	ids := s.sortedIDs("transactioncurrency")
	for _, id := range ids {
		if code, _ := s.data["transactioncurrency"][id]["isocurrencycode"].(string); strings.EqualFold(code, "USD") {
			return id
		}
	}
	if len(ids) > 0 {
		return ids[0]
	}
	return ""
}

// checkRequired enforces SystemRequired columns, and ApplicationRequired ones
// on built-in tables (see facts.go), on create and when a write clears them.
func checkRequired(t *table, old, rec record, changes map[string]any) *apiError {
	for _, a := range t.attrs {
		if a.IsPrimaryID || a.ReadOnly || a.Type == typeState || a.Type == typeStatus {
			continue
		}
		required := a.RequiredLevel == "SystemRequired" || (a.RequiredLevel == "ApplicationRequired" && !a.IsCustom && !t.IsCustom)
		if !required {
			continue
		}
		if _, changed := changes[a.LogicalName]; old != nil && !changed {
			continue
		}
		if v := rec[a.LogicalName]; v == nil || v == "" {
			return errf(http.StatusBadRequest, codeInvalidArgument,
				"A value for the required column '%s' of '%s' must be provided.", a.LogicalName, t.LogicalName)
		}
	}
	return nil
}

// checkUniqueKeys enforces the table's alternate keys.
func (s *Service) checkUniqueKeys(t *table, id string, rec record) *apiError {
	for _, key := range t.uniqueKeys {
		complete := true
		for _, col := range key {
			complete = complete && rec[col] != nil
		}
		if !complete {
			continue
		}
		for otherID, other := range s.data[t.LogicalName] {
			if otherID == id {
				continue
			}
			same := true
			for _, col := range key {
				same = same && equalValues(rec[col], other[col])
			}
			if same {
				return errf(http.StatusPreconditionFailed, codeDuplicateKey,
					"A record that has the attribute values %s already exists. The entity key for '%s' requires that this set of attributes contains unique values. Select unique values and try again.",
					strings.Join(key, ", "), t.LogicalName)
			}
		}
	}
	return nil
}

func equalValues(a, b any) bool {
	as, aok := a.(string)
	bs, bok := b.(string)
	if aok && bok {
		return strings.EqualFold(as, bs)
	}
	return a == b
}

// deleteRecord deletes a row and applies each relationship's cascade-delete
// behaviour to rows that refer to it: Cascade deletes them, RemoveLink
// clears the lookup, Restrict refuses (the caller's transaction then rolls
// back whatever was already done).
func (s *Service) deleteRecord(t *table, id string) *apiError {
	if _, ok := s.getRec(t.LogicalName, id); !ok {
		return nil // already deleted by an earlier cascade step
	}
	s.delRec(t.LogicalName, id)
	for _, rel := range s.schema.sortedRels() {
		if rel.ReferencedEntity != t.LogicalName {
			continue
		}
		child := s.schema.tables[rel.ReferencingEntity]
		if child == nil {
			continue
		}
		for _, cid := range s.sortedIDs(child.LogicalName) {
			crec := s.data[child.LogicalName][cid]
			rf, ok := crec[rel.ReferencingAttribute].(ref)
			if !ok || rf.Table != t.LogicalName || rf.ID != id {
				continue
			}
			switch rel.Cascade["Delete"] {
			case "Restrict":
				return errf(http.StatusMethodNotAllowed, codeCannotDeleteAssociation,
					"The object you tried to delete is associated with another object and cannot be deleted. (%s %s refers to it through %s.)",
					child.LogicalName, cid, rel.SchemaName)
			case "Cascade":
				if e := s.deleteRecord(child, cid); e != nil {
					return e
				}
			default:
				nc := crec.clone()
				nc[rel.ReferencingAttribute] = nil
				nc["modifiedon"] = timestamp(s.now())
				nc["versionnumber"] = s.nextVersion()
				s.putRec(child.LogicalName, cid, nc)
			}
		}
	}
	return nil
}

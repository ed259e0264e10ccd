package dataverse

import (
	"net/http"
)

// Collection-valued navigation properties (dataverse-api.md §1.6): the "many"
// side of a one-to-many relationship, named by its
// ReferencedEntityNavigationPropertyName (case-sensitive), e.g.
// /accounts(<id>)/contact_customer_accounts.

// collectionNav finds the relationship whose collection-valued navigation
// property on t is name.
func (s *Service) collectionNav(t *table, name string) *relationship {
	for _, rel := range s.schema.sortedRels() {
		if rel.ReferencedEntity == t.LogicalName && rel.ReferencedNav == name {
			return rel
		}
	}
	return nil
}

// relatedTo reports whether a child row's lookup of rel points to the parent.
func relatedTo(rel *relationship, parent *table, parentID string) func(record) bool {
	return func(rec record) bool {
		rf, ok := rec[rel.ReferencingAttribute].(ref)
		return ok && rf.Table == parent.LogicalName && rf.ID == parentID
	}
}

// relatedHTTP serves GET (list related rows, or one by key) and POST (create
// a row already linked to the parent) on /<set>(id)/<collection nav>.
func (s *Service) relatedHTTP(w http.ResponseWriter, r *http.Request, t *table, id string, rel *relationship, seg segment) *apiError {
	child := s.schema.tables[rel.ReferencingEntity]
	if _, ok := s.getRec(t.LogicalName, id); !ok || child == nil {
		return errRecordNotFound(t.LogicalName, id)
	}
	related := relatedTo(rel, t, id)
	if seg.HasKey {
		cid, ok := parseGUIDKey(seg.Key)
		if !ok {
			return errBadKey(child.LogicalName)
		}
		if rec, ok := s.getRec(child.LogicalName, cid); !ok || !related(rec) {
			return errRecordNotFound(child.LogicalName, cid)
		}
		if r.Method != http.MethodGet {
			return errMethod(r.Method, []segment{{Name: t.EntitySetName, Key: id, HasKey: true}, seg})
		}
		return s.getHTTP(w, r, child, cid)
	}
	switch r.Method {
	case http.MethodGet:
		return s.queryCollection(w, r, child, related)
	case http.MethodPost:
		o, e := s.parseRecordQuery(r.URL.Query(), child)
		if e != nil {
			return e
		}
		body, e := readObject(r)
		if e != nil {
			return e
		}
		wo := writeOpts{ids: contentIDs(r)}
		changes, pk, e := s.parseBody(child, body, wo.ids)
		if e != nil {
			return e
		}
		changes[rel.ReferencingAttribute] = ref{Table: t.LogicalName, ID: id}
		cid, e := s.insert(child, pk, changes, wo)
		if e != nil {
			return e
		}
		s.writeWriteResult(w, r, child, cid, o, http.StatusCreated)
		return nil
	}
	return errMethod(r.Method, []segment{{Name: t.EntitySetName, Key: id, HasKey: true}, seg})
}

// relatedRefHTTP serves POST /<set>(id)/<nav>/$ref {"@odata.id": url}
// (associate) and DELETE /<set>(id)/<nav>(<child id>)/$ref (disassociate).
func (s *Service) relatedRefHTTP(w http.ResponseWriter, r *http.Request, t *table, id string, rel *relationship, seg segment) *apiError {
	child := s.schema.tables[rel.ReferencingEntity]
	if _, ok := s.getRec(t.LogicalName, id); !ok || child == nil {
		return errRecordNotFound(t.LogicalName, id)
	}
	parentRef := ref{Table: t.LogicalName, ID: id}
	switch {
	case r.Method == http.MethodPost && !seg.HasKey:
		in, e := readObject(r)
		if e != nil {
			return e
		}
		target, _ := in["@odata.id"].(string)
		if target == "" {
			return errf(http.StatusBadRequest, codeODataPayload, "The body of a $ref POST must contain '@odata.id'.")
		}
		set, cid, e := s.parseEntityRef(target, contentIDs(r))
		if e != nil {
			return e
		}
		if set != child.EntitySetName {
			return errf(http.StatusBadRequest, codeODataPayload, "'%s' is not a row of '%s', the table of '%s'.", target, child.EntitySetName, seg.Name)
		}
		if _, ok := s.getRec(child.LogicalName, cid); !ok {
			return errRecordNotFound(child.LogicalName, cid)
		}
		if e := s.update(child, cid, map[string]any{rel.ReferencingAttribute: parentRef}, writeOpts{}); e != nil {
			return e
		}
	case r.Method == http.MethodDelete && seg.HasKey:
		cid, ok := parseGUIDKey(seg.Key)
		if !ok {
			return errBadKey(child.LogicalName)
		}
		if rec, ok := s.getRec(child.LogicalName, cid); !ok || !relatedTo(rel, t, id)(rec) {
			return errRecordNotFound(child.LogicalName, cid)
		}
		if e := s.update(child, cid, map[string]any{rel.ReferencingAttribute: nil}, writeOpts{}); e != nil {
			return e
		}
	default:
		return errf(http.StatusMethodNotAllowed, codeUnknownProperty,
			"Use POST …/%s/$ref to associate and DELETE …/%s(<id>)/$ref to disassociate.", seg.Name, seg.Name)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

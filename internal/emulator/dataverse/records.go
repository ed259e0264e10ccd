package dataverse

import (
	"context"
	"net/http"
	"strings"
)

type contentIDsKey struct{}

// contentIDs returns the $n references of the enclosing change set.
func contentIDs(r *http.Request) map[string]string {
	m, _ := r.Context().Value(contentIDsKey{}).(map[string]string)
	return m
}

func withContentIDs(ctx context.Context, ids map[string]string) context.Context {
	return context.WithValue(ctx, contentIDsKey{}, ids)
}

// handleRecords serves /<set>, /<set>(id), /<set>(id)/<column> and
// /<set>(id)/<nav>/$ref.
func (s *Service) handleRecords(w http.ResponseWriter, r *http.Request, segs []segment) *apiError {
	t := s.schema.bySet(segs[0].Name)
	if t == nil {
		return errSegment(segs[0].Name)
	}
	if !segs[0].HasKey {
		if len(segs) > 1 {
			if segs[1].Name == "$count" {
				return errNotImplemented("the /$count path segment (use $count=true)")
			}
			return errSegment(segs[1].Name)
		}
		switch r.Method {
		case http.MethodGet:
			return s.queryCollection(w, r, t, nil)
		case http.MethodPost:
			return s.createHTTP(w, r, t)
		}
		return errMethod(r.Method, segs)
	}
	id, ok := parseGUIDKey(segs[0].Key)
	if !ok {
		return errBadKey(t.LogicalName)
	}
	switch {
	case len(segs) == 1:
		switch r.Method {
		case http.MethodGet:
			return s.getHTTP(w, r, t, id)
		case http.MethodPatch:
			return s.patchHTTP(w, r, t, id)
		case http.MethodDelete:
			return s.deleteHTTP(w, r, t, id)
		}
	case len(segs) == 2:
		if rel := s.collectionNav(t, segs[1].Name); rel != nil {
			return s.relatedHTTP(w, r, t, id, rel, segs[1])
		}
		return s.propertyHTTP(w, r, t, id, segs[1].Name)
	case len(segs) == 3 && segs[2].Name == "$ref":
		if rel := s.collectionNav(t, segs[1].Name); rel != nil {
			return s.relatedRefHTTP(w, r, t, id, rel, segs[1])
		}
		return s.refHTTP(w, r, t, id, segs[1].Name)
	default:
		return errSegment(segs[len(segs)-1].Name)
	}
	return errMethod(r.Method, segs)
}

func errMethod(method string, segs []segment) *apiError {
	return errf(http.StatusMethodNotAllowed, codeUnknownProperty, "The HTTP method '%s' is not allowed on '%s'.", method, routeName(segs))
}

func (s *Service) entityURL(r *http.Request, t *table, id string) string {
	return s.serviceRoot(r) + t.EntitySetName + "(" + id + ")"
}

func (s *Service) createHTTP(w http.ResponseWriter, r *http.Request, t *table) *apiError {
	o, e := s.parseRecordQuery(r.URL.Query(), t)
	if e != nil {
		return e
	}
	body, e := readObject(r)
	if e != nil {
		return e
	}
	id, e := s.createRecord(t, body, writeOpts{ids: contentIDs(r)})
	if e != nil {
		return e
	}
	s.writeWriteResult(w, r, t, id, o, http.StatusCreated)
	return nil
}

// writeWriteResult answers a create or update: 204 with OData-EntityId, or
// the row itself with Prefer: return=representation (then no OData-EntityId).
func (s *Service) writeWriteResult(w http.ResponseWriter, r *http.Request, t *table, id string, o *queryOpts, reprStatus int) {
	pref := parsePrefer(r.Header)
	if !pref.ReturnRepresentation {
		setRawHeader(w.Header(), "OData-EntityId", s.entityURL(r, t, id))
		w.WriteHeader(http.StatusNoContent)
		return
	}
	rec, _ := s.getRec(t.LogicalName, id)
	body := s.render(t, rec, renderOpts{sel: o.sel, pref: pref})
	body["@odata.context"] = s.contextURL(s.serviceRoot(r), t, o.selList, true)
	applied := []string{"return=representation"}
	if pref.anyAnnotations() {
		applied = append(applied, `odata.include-annotations="`+pref.Annotations+`"`)
	}
	w.Header().Set("Preference-Applied", strings.Join(applied, ","))
	w.Header().Set("ETag", rec.etag())
	writeJSON(w, reprStatus, body)
}

func (s *Service) getHTTP(w http.ResponseWriter, r *http.Request, t *table, id string) *apiError {
	o, e := s.parseRecordQuery(r.URL.Query(), t)
	if e != nil {
		return e
	}
	rec, ok := s.getRec(t.LogicalName, id)
	if !ok {
		return errRecordNotFound(t.LogicalName, id)
	}
	pref := parsePrefer(r.Header)
	if inm := r.Header.Get("If-None-Match"); inm != "" && !pref.anyAnnotations() && etagMatches(inm, rec) {
		w.WriteHeader(http.StatusNotModified)
		return nil
	}
	body := s.render(t, rec, renderOpts{sel: o.sel, pref: pref})
	body["@odata.context"] = s.contextURL(s.serviceRoot(r), t, o.selList, true)
	if pref.anyAnnotations() {
		w.Header().Set("Preference-Applied", `odata.include-annotations="`+pref.Annotations+`"`)
	}
	w.Header().Set("ETag", rec.etag())
	writeJSON(w, http.StatusOK, body)
	return nil
}

// etagMatches compares an If-Match/If-None-Match value with a row's ETag;
// "null" (sent on every request to avoid cached expansions) matches nothing.
func etagMatches(header string, rec record) bool {
	for _, tag := range strings.Split(header, ",") {
		tag = strings.TrimSpace(tag)
		if tag == "*" || tag == rec.etag() {
			return true
		}
	}
	return false
}

// patchHTTP is update, or upsert when the row does not exist (unless
// If-Match forbids creating).
func (s *Service) patchHTTP(w http.ResponseWriter, r *http.Request, t *table, id string) *apiError {
	o, e := s.parseRecordQuery(r.URL.Query(), t)
	if e != nil {
		return e
	}
	body, e := readObject(r)
	if e != nil {
		return e
	}
	ifMatch, ifNoneMatch := r.Header.Get("If-Match"), r.Header.Get("If-None-Match")
	wo := writeOpts{ids: contentIDs(r)}
	old, exists := s.getRec(t.LogicalName, id)
	if !exists {
		if ifMatch != "" {
			return errRecordNotFound(t.LogicalName, id)
		}
		changes, pk, e := s.parseBody(t, body, wo.ids)
		if e != nil {
			return e
		}
		if e := checkBodyKey(t, pk, id); e != nil {
			return e
		}
		if _, e := s.insert(t, id, changes, wo); e != nil {
			return e
		}
		s.writeWriteResult(w, r, t, id, o, http.StatusCreated)
		return nil
	}
	if strings.TrimSpace(ifNoneMatch) == "*" {
		return errDuplicate()
	}
	if ifMatch != "" && !etagMatches(ifMatch, old) {
		return errVersionMismatch()
	}
	if e := s.updateRecord(t, id, body, wo); e != nil {
		return e
	}
	s.writeWriteResult(w, r, t, id, o, http.StatusOK)
	return nil
}

func (s *Service) deleteHTTP(w http.ResponseWriter, r *http.Request, t *table, id string) *apiError {
	old, ok := s.getRec(t.LogicalName, id)
	if !ok {
		return errRecordNotFound(t.LogicalName, id)
	}
	if im := r.Header.Get("If-Match"); im != "" && !etagMatches(im, old) {
		return errVersionMismatch()
	}
	if e := s.deleteRecord(t, id); e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// propertyHTTP serves a single property: GET its value (or the related row
// for a navigation property), PUT {"value":…}, DELETE to clear.
func (s *Service) propertyHTTP(w http.ResponseWriter, r *http.Request, t *table, id, prop string) *apiError {
	if err := checkQueryOptions(r.URL.Query()); err != nil {
		return err
	}
	rec, ok := s.getRec(t.LogicalName, id)
	if !ok {
		return errRecordNotFound(t.LogicalName, id)
	}
	nav, isNav := t.navs[prop]
	a := t.byWireName(prop)
	if !isNav && a == nil {
		return errUnknownProperty(t.LogicalName, prop)
	}
	if im := r.Header.Get("If-Match"); im != "" && r.Method != http.MethodGet && !etagMatches(im, rec) {
		return errVersionMismatch()
	}
	switch r.Method {
	case http.MethodGet:
		if isNav {
			rf, ok := rec[nav.Attr].(ref)
			if !ok || rf.Table != nav.Target {
				w.WriteHeader(http.StatusNoContent)
				return nil
			}
			target := s.schema.tables[rf.Table]
			trec, ok := s.getRec(rf.Table, rf.ID)
			if target == nil || !ok {
				return errRecordNotFound(rf.Table, rf.ID)
			}
			body := s.render(target, trec, renderOpts{pref: parsePrefer(r.Header)})
			body["@odata.context"] = s.contextURL(s.serviceRoot(r), target, nil, true)
			writeJSON(w, http.StatusOK, body)
			return nil
		}
		v := scalar(rec[a.LogicalName])
		if v == nil {
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		writeJSON(w, http.StatusOK, map[string]any{
			"@odata.context": s.serviceRoot(r) + "$metadata#" + t.EntitySetName + "(" + id + ")/" + prop, "value": v})
		return nil
	case http.MethodPut:
		if isNav || a.isLookup() {
			return errf(http.StatusBadRequest, codeODataPayload, "Use PUT %s/$ref with {\"@odata.id\":…} to set a lookup.", prop)
		}
		body, e := readObject(r)
		if e != nil {
			return e
		}
		v, ok := body["value"]
		if !ok {
			return errf(http.StatusBadRequest, codeODataPayload, "A single-property PUT needs a body of the form {\"value\": …}.")
		}
		if e := s.updateRecord(t, id, map[string]any{prop: v}, writeOpts{ids: contentIDs(r)}); e != nil {
			return e
		}
	case http.MethodDelete:
		if a != nil && a.isLookup() {
			return errUnknownProperty(t.LogicalName, prop)
		}
		if e := s.updateRecord(t, id, map[string]any{prop: nil}, writeOpts{ids: contentIDs(r)}); e != nil {
			return e
		}
	default:
		return errf(http.StatusMethodNotAllowed, codeUnknownProperty, "The HTTP method '%s' is not allowed on a property.", r.Method)
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// refHTTP serves /<set>(id)/<nav>/$ref: PUT {"@odata.id": url} sets the
// lookup, DELETE clears it.
func (s *Service) refHTTP(w http.ResponseWriter, r *http.Request, t *table, id, navName string) *apiError {
	if _, ok := t.navs[navName]; !ok {
		return errUnknownProperty(t.LogicalName, navName)
	}
	if _, ok := s.getRec(t.LogicalName, id); !ok {
		return errRecordNotFound(t.LogicalName, id)
	}
	var body map[string]any
	switch r.Method {
	case http.MethodPut:
		in, e := readObject(r)
		if e != nil {
			return e
		}
		target, ok := in["@odata.id"]
		if !ok || target == nil {
			return errf(http.StatusBadRequest, codeODataPayload, "The body of a $ref PUT must contain '@odata.id'.")
		}
		body = map[string]any{navName + "@odata.bind": target}
	case http.MethodDelete:
		body = map[string]any{navName: nil}
	default:
		return errf(http.StatusMethodNotAllowed, codeUnknownProperty, "The HTTP method '%s' is not allowed on $ref.", r.Method)
	}
	if e := s.updateRecord(t, id, body, writeOpts{ids: contentIDs(r)}); e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

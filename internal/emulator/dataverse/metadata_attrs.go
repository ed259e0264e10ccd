package dataverse

import (
	"net/http"
	"strings"
)

// handleAttributes serves /EntityDefinitions(k)/Attributes[(k)][/<cast>].
func (s *Service) handleAttributes(w http.ResponseWriter, r *http.Request, t *table, segs []segment) *apiError {
	cast := ""
	if len(segs) == 3 {
		if !strings.HasPrefix(segs[2].Name, crmNS) || segs[2].HasKey {
			return errSegment(segs[2].Name)
		}
		cast = strings.TrimPrefix(segs[2].Name, crmNS)
		if _, ok := attrTypeByOData[crmNS+cast]; !ok {
			return errf(http.StatusBadRequest, codeUnknownProperty, "The type '%s' is not an attribute metadata type.", segs[2].Name)
		}
	} else if len(segs) > 3 {
		return errSegment(segs[3].Name)
	}
	if !segs[1].HasKey {
		switch r.Method {
		case http.MethodGet:
			return s.listAttributes(w, r, t, cast)
		case http.MethodPost:
			if cast != "" {
				return errMethod(r.Method, segs)
			}
			return s.createAttribute(w, r, t)
		}
		return errMethod(r.Method, segs)
	}
	a, e := attrByKey(t, segs[1].Key)
	if e != nil {
		return e
	}
	if cast != "" && odataTypeByAttrType[a.Type] != cast {
		return errf(http.StatusNotFound, codeObjectNotFound, "The attribute '%s' of '%s' is a %s, not a %s.",
			a.LogicalName, t.LogicalName, odataTypeByAttrType[a.Type], cast)
	}
	switch r.Method {
	case http.MethodGet:
		return s.getAttribute(w, r, t, a, cast)
	case http.MethodPut:
		return s.putAttribute(w, r, t, a)
	case http.MethodDelete:
		if e := s.removeAttribute(t, a); e != nil {
			return e
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return errMethod(r.Method, segs)
}

func attrByKey(t *table, key string) (*attribute, *apiError) {
	if ln, ok := parseNamedKey(key, "LogicalName"); ok {
		if a := t.attr(strings.ToLower(ln)); a != nil {
			return a, nil
		}
		return nil, errf(http.StatusNotFound, codeObjectNotFound, "Could not find attribute with LogicalName '%s' on entity '%s'.", ln, t.LogicalName)
	}
	if id, ok := parseGUIDKey(key); ok {
		if a := t.attrByID(id); a != nil {
			return a, nil
		}
		return nil, errf(http.StatusNotFound, codeObjectNotFound, "Could not find attribute with MetadataId '%s' on entity '%s'.", id, t.LogicalName)
	}
	return nil, errBadKey("AttributeMetadata")
}

// castKeys are the properties selectable on a cast path: those of the type
// (rendered for a sample attribute) plus its navigation properties.
func castKeys(cast string) map[string]bool {
	if cast == "" {
		return baseAttrKeys
	}
	typ := attrTypeByOData[crmNS+cast]
	keys := map[string]bool{}
	for k := range attrJSON(&table{}, &attribute{Type: typ}, true) {
		keys[k] = true
	}
	return keys
}

func (s *Service) renderAttribute(t *table, a *attribute, mq *metaQuery) map[string]any {
	_, expandOS := mq.expand["OptionSet"]
	m := attrJSON(t, a, expandOS)
	if _, ok := mq.expand["GlobalOptionSet"]; ok {
		m["GlobalOptionSet"] = nil
	}
	keep := []string{"MetadataId", "@odata.type"}
	for n := range mq.expand {
		keep = append(keep, n)
	}
	return selectKeys(m, mq.sel, keep...)
}

func (s *Service) listAttributes(w http.ResponseWriter, r *http.Request, t *table, cast string) *apiError {
	mq, e := parseMetaQuery(r.URL.Query())
	if e != nil {
		return e
	}
	if e := checkSelect(mq, castKeys(cast), orDefault(cast, "AttributeMetadata")); e != nil {
		return e
	}
	list := []any{}
	for _, a := range t.attrs {
		if cast != "" && odataTypeByAttrType[a.Type] != cast {
			continue
		}
		if mq.matches(attrJSON(t, a, false)) {
			list = append(list, s.renderAttribute(t, a, mq))
		}
	}
	ctx := s.serviceRoot(r) + "$metadata#EntityDefinitions('" + t.MetadataID + "')/Attributes"
	if cast != "" {
		ctx += "/" + crmNS + cast
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": ctx, "value": list})
	return nil
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func (s *Service) getAttribute(w http.ResponseWriter, r *http.Request, t *table, a *attribute, cast string) *apiError {
	mq, e := parseMetaQuery(r.URL.Query())
	if e != nil {
		return e
	}
	if e := checkSelect(mq, castKeys(cast), orDefault(cast, "AttributeMetadata")); e != nil {
		return e
	}
	m := s.renderAttribute(t, a, mq)
	ctx := s.serviceRoot(r) + "$metadata#EntityDefinitions('" + t.MetadataID + "')/Attributes"
	if cast != "" {
		ctx += "/" + crmNS + cast
	}
	m["@odata.context"] = ctx + "/$entity"
	writeJSON(w, http.StatusOK, m)
	return nil
}

// createAttribute serves POST .../Attributes: a custom column that record
// endpoints accept at once (the emulator is always strongly consistent).
func (s *Service) createAttribute(w http.ResponseWriter, r *http.Request, t *table) *apiError {
	body, e := readObject(r)
	if e != nil {
		return e
	}
	a, e := s.addAttribute(t, body, solutionOf(r))
	if e != nil {
		return e
	}
	setRawHeader(w.Header(), "OData-EntityId", s.serviceRoot(r)+"EntityDefinitions("+t.MetadataID+")/Attributes("+a.MetadataID+")")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) addAttribute(t *table, body map[string]any, solution string) (*attribute, *apiError) {
	a, e := parseAttribute(body, nil)
	if e != nil {
		return nil, e
	}
	if a.Type == typeLookup {
		return nil, metaBad("Lookup columns are created with POST /RelationshipDefinitions (OneToManyRelationshipMetadata with a Lookup).")
	}
	if a.IsPrimaryName {
		return nil, metaBad("A table's primary name column is created with the table.")
	}
	if t.attr(a.LogicalName) != nil || t.navs[a.LogicalName].Name != "" {
		return nil, errNotUnique("Attribute", a.SchemaName)
	}
	a.Solution = solution
	t.addAttr(a)
	if a.Type == typeMoney {
		s.ensureCurrencyLookup(t)
	}
	s.recordComponent(solution, "Attribute", t.LogicalName, a.LogicalName, a.MetadataID)
	return a, nil
}

// putAttribute replaces a column definition. The body must be the full
// definition: properties left out fall back to their defaults, labels in
// languages left out are dropped unless MSCRM.MergeLabels is true, options
// are not changed (use the option value actions), the type cannot change.
func (s *Service) putAttribute(w http.ResponseWriter, r *http.Request, t *table, old *attribute) *apiError {
	body, e := readObject(r)
	if e != nil {
		return e
	}
	na, e := s.replaceAttribute(t, old, body, headerTrue(r, "MSCRM.MergeLabels"), solutionOf(r))
	if e != nil {
		return e
	}
	s.recordComponent(solutionOf(r), "Attribute", t.LogicalName, na.LogicalName, na.MetadataID)
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) replaceAttribute(t *table, old *attribute, body map[string]any, mergeLabels bool, solution string) (*attribute, *apiError) {
	if _, ok := body["AttributeType"]; !ok {
		if _, ok := body["@odata.type"]; !ok {
			return nil, metaBad("A PUT must send the full attribute definition, including @odata.type or AttributeType.")
		}
	}
	na, e := parseAttribute(body, old)
	if e != nil {
		return nil, e
	}
	if na.LogicalName != old.LogicalName {
		return nil, metaBad("The SchemaName of a column cannot be changed (was '%s', got '%s').", old.SchemaName, na.SchemaName)
	}
	if na.Type != old.Type && !(old.Type == typeCustomer && na.Type == typeLookup) {
		return nil, errf(http.StatusBadRequest, codeInvalidArgument,
			"The AttributeType of the column '%s' cannot be changed from %s to %s.", old.LogicalName, old.Type, na.Type)
	}
	na.Type = old.Type
	na.MetadataID, na.SchemaName, na.IsCustom, na.IsPrimaryID, na.IsPrimaryName, na.ReadOnly =
		old.MetadataID, old.SchemaName, old.IsCustom, old.IsPrimaryID, old.IsPrimaryName, old.ReadOnly
	na.Targets, na.OptionSetName, na.OptionSetID = old.Targets, old.OptionSetName, old.OptionSetID
	switch old.Type {
	case typeBoolean:
		na.TrueOption, na.FalseOption = old.TrueOption, old.FalseOption
	case typePicklist, typeState, typeStatus:
		na.Options = old.Options
	case typeUniqueID, typeBigInt, typeLookup, typeCustomer:
		na.MinValue, na.MaxValue = old.MinValue, old.MaxValue
	}
	if old.IsPrimaryID {
		na.RequiredLevel = old.RequiredLevel
	}
	if mergeLabels {
		na.DisplayName = old.DisplayName.merge(na.DisplayName)
		na.Description = old.Description.merge(na.Description)
	}
	na.Solution = old.Solution
	if solution != "" {
		na.Solution = solution
	}
	for i, a := range t.attrs {
		if a == old {
			t.attrs[i] = na
		}
	}
	return na, nil
}

// removeAttribute deletes a custom, non-lookup column and its values.
func (s *Service) removeAttribute(t *table, a *attribute) *apiError {
	switch {
	case !a.IsCustom:
		return metaBad("The column '%s' of '%s' is a system column and cannot be deleted.", a.LogicalName, t.LogicalName)
	case a.IsPrimaryName || a.IsPrimaryID:
		return metaBad("The column '%s' is the primary column of '%s' and cannot be deleted.", a.LogicalName, t.LogicalName)
	case a.isLookup():
		return metaBad("The lookup column '%s' belongs to a relationship; delete the relationship with DELETE /RelationshipDefinitions.", a.LogicalName)
	}
	s.dropColumn(t, a)
	return nil
}

// dropColumn removes a column from the table and every row.
func (s *Service) dropColumn(t *table, a *attribute) {
	t.removeAttr(a.LogicalName)
	for _, id := range s.sortedIDs(t.LogicalName) {
		rec := s.data[t.LogicalName][id]
		if _, has := rec[a.LogicalName]; has {
			nr := rec.clone()
			delete(nr, a.LogicalName)
			s.putRec(t.LogicalName, id, nr)
		}
	}
	s.forgetComponent(a.MetadataID)
}

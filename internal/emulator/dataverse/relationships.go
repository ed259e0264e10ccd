package dataverse

import (
	"net/http"
	"strings"
)

var cascadeValues = map[string]bool{"Cascade": true, "NoCascade": true, "RemoveLink": true, "Restrict": true, "Active": true, "UserOwned": true}

// handleRelationshipDefinitions serves /RelationshipDefinitions[(k)][/<cast>].
func (s *Service) handleRelationshipDefinitions(w http.ResponseWriter, r *http.Request, segs []segment) *apiError {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.touchSchema()
	}
	if len(segs) > 2 || (len(segs) == 2 && segs[1].Name != crmNS+"OneToManyRelationshipMetadata" && segs[1].Name != crmNS+"RelationshipMetadataBase") {
		return errSegment(segs[len(segs)-1].Name)
	}
	if !segs[0].HasKey {
		switch r.Method {
		case http.MethodGet:
			mq, e := parseMetaQuery(r.URL.Query())
			if e != nil {
				return e
			}
			list := []any{}
			for _, rel := range s.schema.sortedRels() {
				if m := relationshipJSON(rel); mq.matches(m) {
					list = append(list, selectKeys(m, mq.sel, "MetadataId", "@odata.type"))
				}
			}
			writeJSON(w, http.StatusOK, map[string]any{"@odata.context": s.serviceRoot(r) + "$metadata#RelationshipDefinitions", "value": list})
			return nil
		case http.MethodPost:
			body, e := readObject(r)
			if e != nil {
				return e
			}
			rel, e := s.addRelationship(body, solutionOf(r))
			if e != nil {
				return e
			}
			setRawHeader(w.Header(), "OData-EntityId", s.serviceRoot(r)+"RelationshipDefinitions("+rel.MetadataID+")")
			w.WriteHeader(http.StatusNoContent)
			return nil
		}
		return errMethod(r.Method, segs)
	}
	rel, e := s.relByKey(segs[0].Key)
	if e != nil {
		return e
	}
	switch r.Method {
	case http.MethodGet:
		mq, e := parseMetaQuery(r.URL.Query())
		if e != nil {
			return e
		}
		m := selectKeys(relationshipJSON(rel), mq.sel, "MetadataId", "@odata.type")
		m["@odata.context"] = s.serviceRoot(r) + "$metadata#RelationshipDefinitions/$entity"
		writeJSON(w, http.StatusOK, m)
		return nil
	case http.MethodPut:
		body, e := readObject(r)
		if e != nil {
			return e
		}
		if e := s.updateRelationship(rel, body); e != nil {
			return e
		}
		s.recordComponent(solutionOf(r), "Relationship", rel.ReferencingEntity, rel.SchemaName, rel.MetadataID)
		w.WriteHeader(http.StatusNoContent)
		return nil
	case http.MethodDelete:
		if e := s.removeRelationship(rel); e != nil {
			return e
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	return errMethod(r.Method, segs)
}

func (s *Service) relByKey(key string) (*relationship, *apiError) {
	if name, ok := parseNamedKey(key, "SchemaName"); ok {
		if rel := s.schema.rels[strings.ToLower(name)]; rel != nil {
			return rel, nil
		}
		return nil, errf(http.StatusNotFound, codeObjectNotFound, "Could not find a relationship with SchemaName '%s'.", name)
	}
	if id, ok := parseGUIDKey(key); ok {
		if rel := s.schema.relByID(id); rel != nil {
			return rel, nil
		}
		return nil, errf(http.StatusNotFound, codeObjectNotFound, "Could not find a relationship with MetadataId '%s'.", id)
	}
	return nil, errBadKey("RelationshipMetadataBase")
}

func parseCascade(body map[string]any, old map[string]string) (map[string]string, *apiError) {
	cc := cascade("RemoveLink")
	for k, v := range old {
		cc[k] = v
	}
	raw := obj(body, "CascadeConfiguration")
	for k, v := range raw {
		if strings.HasPrefix(k, "@") {
			continue
		}
		sv, _ := v.(string)
		if !cascadeValues[sv] {
			return nil, metaBad("CascadeConfiguration.%s '%v' is not valid; use Cascade, NoCascade, RemoveLink or Restrict.", k, v)
		}
		cc[k] = sv
	}
	return cc, nil
}

// addRelationship creates a 1:N relationship and its lookup column plus
// navigation property on the referencing table.
func (s *Service) addRelationship(body map[string]any, solution string) (*relationship, *apiError) {
	od := strings.TrimPrefix(str(body, "@odata.type"), "#")
	switch od {
	case crmNS + "OneToManyRelationshipMetadata":
	case crmNS + "ManyToManyRelationshipMetadata":
		return nil, errNotImplemented("many-to-many relationships")
	default:
		return nil, metaBad("The relationship needs \"@odata.type\": \"Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata\".")
	}
	rel := &relationship{SchemaName: str(body, "SchemaName"), ReferencedEntity: strings.ToLower(str(body, "ReferencedEntity")),
		ReferencingEntity: strings.ToLower(str(body, "ReferencingEntity")), IsCustom: true, Solution: solution}
	if e := checkSchemaName("relationship", rel.SchemaName); e != nil {
		return nil, e
	}
	if s.schema.rels[strings.ToLower(rel.SchemaName)] != nil {
		return nil, errNotUnique("Relationship", rel.SchemaName)
	}
	referenced, referencing := s.schema.tables[rel.ReferencedEntity], s.schema.tables[rel.ReferencingEntity]
	if referenced == nil {
		return nil, errTableNotFound(rel.ReferencedEntity)
	}
	if referencing == nil {
		return nil, errTableNotFound(rel.ReferencingEntity)
	}
	rel.ReferencedAttribute = referenced.PrimaryIDAttribute
	if ra := str(body, "ReferencedAttribute"); ra != "" && !strings.EqualFold(ra, referenced.PrimaryIDAttribute) {
		return nil, metaBad("ReferencedAttribute must be the primary key '%s' of '%s'.", referenced.PrimaryIDAttribute, referenced.LogicalName)
	}
	lm := obj(body, "Lookup")
	if lm == nil {
		return nil, metaBad("A OneToManyRelationshipMetadata needs a Lookup (LookupAttributeMetadata).")
	}
	if _, ok := lm["AttributeType"]; !ok {
		if _, ok := lm["@odata.type"]; !ok {
			lm["AttributeType"] = typeLookup
		}
	}
	a, e := parseAttribute(lm, nil)
	if e != nil {
		return nil, e
	}
	if a.Type != typeLookup {
		return nil, metaBad("The Lookup of a relationship must be a LookupAttributeMetadata.")
	}
	if referencing.attr(a.LogicalName) != nil {
		return nil, errNotUnique("Attribute", a.SchemaName)
	}
	a.Targets, a.Solution = []string{referenced.LogicalName}, solution
	rel.ReferencingAttribute = a.LogicalName
	rel.ReferencingNav = str(body, "ReferencingEntityNavigationPropertyName")
	if rel.ReferencingNav == "" {
		rel.ReferencingNav = a.SchemaName
	}
	if _, taken := referencing.navs[rel.ReferencingNav]; taken {
		return nil, errNotUnique("NavigationProperty", rel.ReferencingNav)
	}
	rel.ReferencedNav = str(body, "ReferencedEntityNavigationPropertyName")
	if rel.ReferencedNav == "" {
		rel.ReferencedNav = rel.SchemaName
	}
	cc, e := parseCascade(body, nil)
	if e != nil {
		return nil, e
	}
	rel.Cascade = cc
	rel.MenuConfig = obj(body, "AssociatedMenuConfiguration")
	referencing.addAttr(a)
	s.schema.addRelationship(rel)
	s.recordComponent(solution, "Relationship", referencing.LogicalName, rel.SchemaName, rel.MetadataID)
	s.recordComponent(solution, "Attribute", referencing.LogicalName, a.LogicalName, a.MetadataID)
	return rel, nil
}

// updateRelationship applies a PUT: cascade and menu configuration may
// change; the tables and the lookup may not.
func (s *Service) updateRelationship(rel *relationship, body map[string]any) *apiError {
	for k, cur := range map[string]string{"SchemaName": rel.SchemaName, "ReferencedEntity": rel.ReferencedEntity, "ReferencingEntity": rel.ReferencingEntity} {
		if v := str(body, k); v != "" && !strings.EqualFold(v, cur) {
			return metaBad("The %s of a relationship cannot be changed (was '%s', got '%s').", k, cur, v)
		}
	}
	cc, e := parseCascade(body, rel.Cascade)
	if e != nil {
		return e
	}
	rel.Cascade = cc
	if menu := obj(body, "AssociatedMenuConfiguration"); menu != nil {
		rel.MenuConfig = menu
	}
	return nil
}

// removeRelationship deletes a custom relationship with its lookup column.
func (s *Service) removeRelationship(rel *relationship) *apiError {
	if !rel.IsCustom {
		return metaBad("The relationship '%s' is a system relationship and cannot be deleted.", rel.SchemaName)
	}
	delete(s.schema.rels, strings.ToLower(rel.SchemaName))
	s.forgetComponent(rel.MetadataID)
	if t := s.schema.tables[rel.ReferencingEntity]; t != nil {
		if a := t.attr(rel.ReferencingAttribute); a != nil {
			s.dropColumn(t, a)
		}
	}
	return nil
}

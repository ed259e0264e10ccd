package dataverse

import (
	"net/http"
	"net/url"
	"strings"
)

// metaQuery holds the options of a metadata GET ($select, $filter, $expand).
// Metadata queries are not paged.
type metaQuery struct {
	sel    []string
	filter fexpr
	expand map[string]*metaQuery
}

func parseMetaQuery(q url.Values) (*metaQuery, *apiError) {
	if e := checkQueryOptions(q); e != nil {
		return nil, e
	}
	for _, k := range []string{"$top", "$orderby", "$skiptoken", "$count"} {
		if _, ok := q[k]; ok {
			return nil, errf(http.StatusBadRequest, codeUnknownProperty, "The query option '%s' is not supported for metadata queries.", k)
		}
	}
	return buildMetaQuery(q.Get("$select"), q.Get("$filter"), q.Get("$expand"))
}

func buildMetaQuery(sel, filter, expand string) (*metaQuery, *apiError) {
	mq := &metaQuery{}
	if sel != "" {
		for _, s := range strings.Split(sel, ",") {
			mq.sel = append(mq.sel, strings.TrimSpace(s))
		}
	}
	if filter != "" {
		f, e := parseFilter(filter, untypedBinder)
		if e != nil {
			return nil, e
		}
		mq.filter = f
	}
	if expand != "" {
		mq.expand = map[string]*metaQuery{}
		for _, item := range splitTopLevel(expand, ',') {
			item = strings.TrimSpace(item)
			name, opts := item, ""
			if i := strings.IndexByte(item, '('); i >= 0 && strings.HasSuffix(item, ")") {
				name, opts = item[:i], item[i+1:len(item)-1]
			}
			var nsel, nfilter, nexpand string
			for _, o := range splitTopLevel(opts, ';') {
				k, v, _ := strings.Cut(strings.TrimSpace(o), "=")
				switch k {
				case "":
				case "$select":
					nsel = v
				case "$filter":
					nfilter = v
				case "$expand":
					nexpand = v
				default:
					return nil, errf(http.StatusBadRequest, codeUnknownProperty, "The query option '%s' is not supported inside $expand.", k)
				}
			}
			sub, e := buildMetaQuery(nsel, nfilter, nexpand)
			if e != nil {
				return nil, e
			}
			mq.expand[name] = sub
		}
	}
	return mq, nil
}

func splitTopLevel(s string, sep byte) []string {
	var out []string
	depth, inQ, start := 0, false, 0
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\'':
			inQ = !inQ
		case inQ:
		case c == '(':
			depth++
		case c == ')':
			depth--
		case c == sep && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

func (mq *metaQuery) matches(m map[string]any) bool {
	return mq.filter == nil || mq.filter.eval(func(p *fProp) any { return metadataValue(m, p.path) })
}

// checkSelect rejects $select/$expand names the (cast) type does not have.
func checkSelect(mq *metaQuery, allowed map[string]bool, typeName string) *apiError {
	for _, s := range mq.sel {
		if !allowed[s] {
			return errf(http.StatusBadRequest, codeUnknownProperty, "Could not find a property named '%s' on type '%s'.", s, crmNS+typeName)
		}
	}
	for n := range mq.expand {
		if !allowed[n] {
			return errf(http.StatusBadRequest, codeUnknownProperty, "Could not find a property named '%s' on type '%s'.", n, crmNS+typeName)
		}
	}
	return nil
}

var entityNavs = []string{"Attributes", "OneToManyRelationships", "ManyToOneRelationships"}

func entityKeys() map[string]bool {
	keys := map[string]bool{}
	for k := range entityJSON(&table{}) {
		keys[k] = true
	}
	for _, n := range entityNavs {
		keys[n] = true
	}
	return keys
}

func headerTrue(r *http.Request, name string) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get(name)), "true")
}

func solutionOf(r *http.Request) string {
	return strings.TrimSpace(r.Header.Get("MSCRM.SolutionUniqueName"))
}

// handleEntityDefinitions serves /EntityDefinitions[...].
func (s *Service) handleEntityDefinitions(w http.ResponseWriter, r *http.Request, segs []segment) *apiError {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.touchSchema() // before any table pointer is taken
	}
	if !segs[0].HasKey {
		if len(segs) != 1 {
			return errSegment(segs[1].Name)
		}
		switch r.Method {
		case http.MethodGet:
			return s.listTables(w, r)
		case http.MethodPost:
			return s.createTable(w, r)
		}
		return errMethod(r.Method, segs)
	}
	t, e := s.tableByKey(segs[0].Key)
	if e != nil {
		return e
	}
	if len(segs) == 1 {
		switch r.Method {
		case http.MethodGet:
			return s.getTable(w, r, t)
		case http.MethodPut:
			return s.putTable(w, r, t)
		case http.MethodDelete:
			return s.deleteTable(w, t)
		}
		return errMethod(r.Method, segs)
	}
	switch segs[1].Name {
	case "Attributes":
		return s.handleAttributes(w, r, t, segs)
	case "OneToManyRelationships", "ManyToOneRelationships":
		if len(segs) != 2 || segs[1].HasKey || r.Method != http.MethodGet {
			return errMethod(r.Method, segs)
		}
		mq, e := parseMetaQuery(r.URL.Query())
		if e != nil {
			return e
		}
		var list []any
		for _, rel := range s.schema.sortedRels() {
			if (segs[1].Name == "OneToManyRelationships" && rel.ReferencedEntity == t.LogicalName) ||
				(segs[1].Name == "ManyToOneRelationships" && rel.ReferencingEntity == t.LogicalName) {
				if m := relationshipJSON(rel); mq.matches(m) {
					list = append(list, selectKeys(m, mq.sel, "MetadataId", "@odata.type"))
				}
			}
		}
		writeJSON(w, http.StatusOK, map[string]any{"@odata.context": s.serviceRoot(r) + "$metadata#RelationshipDefinitions", "value": nonNil(list)})
		return nil
	}
	return errSegment(segs[1].Name)
}

func nonNil(l []any) []any {
	if l == nil {
		return []any{}
	}
	return l
}

func errTableNotFound(key string) *apiError {
	return errf(http.StatusNotFound, codeObjectNotFound,
		"Entity with a name = '%s' with namemapping = 'Logical' was not found in the MetadataCache.", key)
}

// tableByKey resolves LogicalName='x' or a MetadataId.
func (s *Service) tableByKey(key string) (*table, *apiError) {
	if ln, ok := parseNamedKey(key, "LogicalName"); ok {
		if t := s.schema.tables[strings.ToLower(ln)]; t != nil {
			return t, nil
		}
		return nil, errTableNotFound(ln)
	}
	if id, ok := parseGUIDKey(key); ok {
		if t := s.schema.tableByID(id); t != nil {
			return t, nil
		}
		return nil, errf(http.StatusNotFound, codeObjectNotFound, "Entity with id = '%s' was not found in the MetadataCache.", id)
	}
	return nil, errBadKey("EntityMetadata")
}

func (s *Service) renderTable(t *table, mq *metaQuery) (map[string]any, *apiError) {
	m := entityJSON(t)
	if sub, ok := mq.expand["Attributes"]; ok {
		if e := checkSelect(sub, baseAttrKeys, "AttributeMetadata"); e != nil {
			return nil, e
		}
		attrs := []any{}
		for _, a := range t.attrs {
			if am := attrJSON(t, a, false); sub.matches(am) {
				attrs = append(attrs, selectKeys(am, sub.sel, "MetadataId", "@odata.type"))
			}
		}
		m["Attributes"] = attrs
	}
	for _, nav := range []string{"OneToManyRelationships", "ManyToOneRelationships"} {
		sub, ok := mq.expand[nav]
		if !ok {
			continue
		}
		rels := []any{}
		for _, rel := range s.schema.sortedRels() {
			if (nav == "OneToManyRelationships" && rel.ReferencedEntity == t.LogicalName) ||
				(nav == "ManyToOneRelationships" && rel.ReferencingEntity == t.LogicalName) {
				if rm := relationshipJSON(rel); sub.matches(rm) {
					rels = append(rels, selectKeys(rm, sub.sel, "MetadataId"))
				}
			}
		}
		m[nav] = rels
	}
	keep := []string{"MetadataId"}
	for n := range mq.expand {
		keep = append(keep, n)
	}
	return selectKeys(m, mq.sel, keep...), nil
}

func (s *Service) listTables(w http.ResponseWriter, r *http.Request) *apiError {
	mq, e := parseMetaQuery(r.URL.Query())
	if e != nil {
		return e
	}
	if e := checkSelect(mq, entityKeys(), "EntityMetadata"); e != nil {
		return e
	}
	list := []any{}
	for _, t := range s.schema.sortedTables() {
		if !mq.matches(entityJSON(t)) {
			continue
		}
		m, e := s.renderTable(t, mq)
		if e != nil {
			return e
		}
		list = append(list, m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"@odata.context": s.serviceRoot(r) + "$metadata#EntityDefinitions", "value": list})
	return nil
}

func (s *Service) getTable(w http.ResponseWriter, r *http.Request, t *table) *apiError {
	mq, e := parseMetaQuery(r.URL.Query())
	if e != nil {
		return e
	}
	if e := checkSelect(mq, entityKeys(), "EntityMetadata"); e != nil {
		return e
	}
	m, e := s.renderTable(t, mq)
	if e != nil {
		return e
	}
	m["@odata.context"] = s.serviceRoot(r) + "$metadata#EntityDefinitions/$entity"
	writeJSON(w, http.StatusOK, m)
	return nil
}

func (s *Service) recordComponent(solution, kind, tableName, logical, id string) {
	if solution == "" {
		return
	}
	for _, c := range s.solutions[solution] {
		if c.MetadataID == id {
			return
		}
	}
	old := s.solutions[solution]
	s.solutions[solution] = append(old[:len(old):len(old)], SolutionComponent{Kind: kind, Table: tableName, LogicalName: logical, MetadataID: id})
	s.journal(func() { s.solutions[solution] = old })
}

func (s *Service) forgetComponent(id string) {
	for sol, list := range s.solutions {
		out := make([]SolutionComponent, 0, len(list))
		for _, c := range list {
			if !strings.EqualFold(c.MetadataID, id) {
				out = append(out, c)
			}
		}
		if len(out) != len(list) {
			old := list
			s.solutions[sol] = out
			s.journal(func() { s.solutions[sol] = old })
		}
	}
}

// createTable serves POST /EntityDefinitions: a custom table with its
// primary name column, statecode/statuscode and an entity set for records.
func (s *Service) createTable(w http.ResponseWriter, r *http.Request) *apiError {
	body, e := readObject(r)
	if e != nil {
		return e
	}
	t, e := s.addTable(body, solutionOf(r))
	if e != nil {
		return e
	}
	setRawHeader(w.Header(), "OData-EntityId", s.serviceRoot(r)+"EntityDefinitions("+t.MetadataID+")")
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Service) addTable(body map[string]any, solution string) (*table, *apiError) {
	nt, e := parseTable(body, nil)
	if e != nil {
		return nil, e
	}
	if s.schema.tables[nt.LogicalName] != nil || s.schema.bySet(nt.EntitySetName) != nil {
		return nil, errNotUnique("Entity", nt.SchemaName)
	}
	raw, _ := body["Attributes"].([]any)
	var primary *attribute
	var others []*attribute
	for i, x := range raw {
		am, ok := x.(map[string]any)
		if !ok {
			return nil, metaBad("Attributes[%d] must be an attribute definition.", i)
		}
		a, e := parseAttribute(am, nil)
		if e != nil {
			return nil, e
		}
		if a.Type == typeLookup {
			return nil, metaBad("Lookup columns are created with POST /RelationshipDefinitions, not inside a table definition.")
		}
		if a.IsPrimaryName {
			if primary != nil || a.Type != typeString {
				return nil, metaBad("A table needs exactly one primary name column: a StringAttributeMetadata with IsPrimaryName true.")
			}
			primary = a
			continue
		}
		others = append(others, a)
	}
	if primary == nil {
		return nil, metaBad("The table '%s' needs a primary name column: a StringAttributeMetadata with IsPrimaryName true in Attributes.", nt.SchemaName)
	}
	t := newTable(nt.LogicalName, nt.SchemaName, "", "", nt.OwnershipType, 10000+len(s.schema.tables))
	t.DisplayName, t.DisplayCollectionName, t.Description = nt.DisplayName, nt.DisplayCollectionName, nt.Description
	t.EntitySetName, t.IsCustom, t.HasNotes, t.HasActivities, t.Solution = nt.EntitySetName, true, nt.HasNotes, nt.HasActivities, solution
	t.attrs[0].DisplayName = nt.DisplayName
	activeInactive(t)
	primary.Solution = solution
	withPrimaryName(t, primary)
	for _, a := range others {
		if t.attr(a.LogicalName) != nil {
			return nil, errNotUnique("Attribute", a.SchemaName)
		}
		a.Solution = solution
		t.addAttr(a)
	}
	s.schema.tables[t.LogicalName] = t
	if _, had := s.data[t.LogicalName]; !had {
		s.data[t.LogicalName] = map[string]record{}
		s.touchTable(t.LogicalName)
		name := t.LogicalName
		s.journal(func() {
			s.touchTable(name)
			delete(s.data, name)
		})
	}
	for _, a := range t.attrs {
		if a.Type == typeMoney {
			s.ensureCurrencyLookup(t)
		}
	}
	s.recordComponent(solution, "Entity", t.LogicalName, t.LogicalName, t.MetadataID)
	return t, nil
}

func (s *Service) putTable(w http.ResponseWriter, r *http.Request, t *table) *apiError {
	body, e := readObject(r)
	if e != nil {
		return e
	}
	if e := s.replaceTable(t, body, headerTrue(r, "MSCRM.MergeLabels"), solutionOf(r)); e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// replaceTable applies a full table definition (PUT semantics) to t.
func (s *Service) replaceTable(t *table, body map[string]any, mergeLabels bool, solution string) *apiError {
	nt, e := parseTable(body, t)
	if e != nil {
		return e
	}
	if nt.LogicalName != t.LogicalName {
		return metaBad("The SchemaName of a table cannot be changed (was '%s', got '%s').", t.SchemaName, nt.SchemaName)
	}
	if nt.OwnershipType != t.OwnershipType {
		return metaBad("The OwnershipType of a table cannot be changed (was %s, got %s).", t.OwnershipType, nt.OwnershipType)
	}
	if str(body, "EntitySetName") != "" && nt.EntitySetName != t.EntitySetName {
		if other := s.schema.bySet(nt.EntitySetName); other != nil && other != t {
			return errNotUnique("Entity", nt.EntitySetName)
		}
		t.EntitySetName = nt.EntitySetName
	}
	if mergeLabels {
		t.DisplayName = t.DisplayName.merge(nt.DisplayName)
		t.DisplayCollectionName = t.DisplayCollectionName.merge(nt.DisplayCollectionName)
		t.Description = t.Description.merge(nt.Description)
	} else {
		t.DisplayName, t.DisplayCollectionName, t.Description = nt.DisplayName, nt.DisplayCollectionName, nt.Description
	}
	t.HasNotes = t.HasNotes || nt.HasNotes // cannot be turned off once on
	t.HasActivities = t.HasActivities || nt.HasActivities
	s.recordComponent(solution, "Entity", t.LogicalName, t.LogicalName, t.MetadataID)
	return nil
}

func (s *Service) deleteTable(w http.ResponseWriter, t *table) *apiError {
	if e := s.removeTable(t); e != nil {
		return e
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// removeTable deletes a custom table, its rows and its own lookups. A table
// another table's lookup refers to cannot be deleted (delete that
// relationship first).
func (s *Service) removeTable(t *table) *apiError {
	if !t.IsCustom {
		return metaBad("The table '%s' is a system table and cannot be deleted.", t.LogicalName)
	}
	for _, rel := range s.schema.sortedRels() {
		if rel.ReferencedEntity == t.LogicalName && rel.ReferencingEntity != t.LogicalName {
			return errf(http.StatusBadRequest, codeDependency,
				"The Entity(%s) component cannot be deleted because it is referenced by 1 other components: relationship %s from %s.",
				t.MetadataID, rel.SchemaName, rel.ReferencingEntity)
		}
	}
	for key, rel := range s.schema.rels {
		if rel.ReferencingEntity == t.LogicalName || rel.ReferencedEntity == t.LogicalName {
			delete(s.schema.rels, key)
			s.forgetComponent(rel.MetadataID)
		}
	}
	for _, a := range t.attrs {
		s.forgetComponent(a.MetadataID)
	}
	s.forgetComponent(t.MetadataID)
	s.dropTableData(t.LogicalName)
	delete(s.schema.tables, t.LogicalName)
	return nil
}

// ensureCurrencyLookup gives a table with money columns its
// transactioncurrencyid lookup, as Dataverse does.
func (s *Service) ensureCurrencyLookup(t *table) {
	if t.attr("transactioncurrencyid") != nil {
		return
	}
	nav := "TransactionCurrencyId" // custom tables' navigation property
	if !t.IsCustom {
		nav = "transactioncurrencyid" // as on opportunity
	}
	t.addAttr(lookupAttr("transactioncurrencyid", "TransactionCurrencyId", "Currency", "transactioncurrency"))
	s.schema.addRelationship(&relationship{SchemaName: "TransactionCurrency_" + t.SchemaName, ReferencedEntity: "transactioncurrency",
		ReferencedAttribute: "transactioncurrencyid", ReferencingEntity: t.LogicalName, ReferencingAttribute: "transactioncurrencyid",
		ReferencingNav: nav, ReferencedNav: "TransactionCurrency_" + t.SchemaName, Cascade: cascade("Restrict")})
}

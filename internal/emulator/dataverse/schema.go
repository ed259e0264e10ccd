package dataverse

import (
	"sort"
	"strings"
)

// Attribute types (AttributeMetadata.AttributeType values).
const (
	typeString   = "String"
	typeMemo     = "Memo"
	typeBoolean  = "Boolean"
	typePicklist = "Picklist"
	typeState    = "State"
	typeStatus   = "Status"
	typeMoney    = "Money"
	typeDateTime = "DateTime"
	typeInteger  = "Integer"
	typeDecimal  = "Decimal"
	typeLookup   = "Lookup"
	typeCustomer = "Customer"
	typeUniqueID = "Uniqueidentifier"
	typeBigInt   = "BigInt"
)

const langEnglish = 1033

type localizedLabel struct {
	Label        string
	LanguageCode int
	MetadataID   string
}

// label is a Microsoft.Dynamics.CRM.Label: one text per language.
type label struct{ Localized []localizedLabel }

func englishLabel(text string) label {
	if text == "" {
		return label{}
	}
	return label{Localized: []localizedLabel{{Label: text, LanguageCode: langEnglish, MetadataID: newGUID()}}}
}

// text returns the user's (English) label, else the first one.
func (l label) text() string {
	for _, ll := range l.Localized {
		if ll.LanguageCode == langEnglish {
			return ll.Label
		}
	}
	if len(l.Localized) > 0 {
		return l.Localized[0].Label
	}
	return ""
}

// merge implements MSCRM.MergeLabels: true — languages absent from upd keep
// their old text.
func (l label) merge(upd label) label {
	out := label{Localized: append([]localizedLabel(nil), upd.Localized...)}
	for _, old := range l.Localized {
		found := false
		for _, n := range upd.Localized {
			found = found || n.LanguageCode == old.LanguageCode
		}
		if !found {
			out.Localized = append(out.Localized, old)
		}
	}
	return out
}

type option struct {
	Value       int
	Label       label
	Description label
	State       int // Status options: the statecode they belong to
	DefaultOf   int // State options: their default statuscode
	Color       string
}

// attribute is one column's definition.
type attribute struct {
	MetadataID    string
	LogicalName   string
	SchemaName    string
	Type          string
	DisplayName   label
	Description   label
	RequiredLevel string
	IsCustom      bool
	IsPrimaryID   bool
	IsPrimaryName bool
	ReadOnly      bool // not valid for create/update (createdon, versionnumber, …): writes are ignored

	MaxLength        int    // String, Memo
	FormatName       string // String: Text, Email, Url, Phone, …
	Format           string // Memo: TextArea; DateTime: DateOnly / DateAndTime
	DateTimeBehavior string // UserLocal, DateOnly, TimeZoneIndependent
	Precision        int    // Money, Decimal
	PrecisionSource  int    // Money
	MinValue         float64
	MaxValue         float64
	Options          []option // Picklist, State, Status
	OptionSetName    string
	OptionSetID      string
	TrueOption       option // Boolean
	FalseOption      option
	DefaultBool      *bool // Boolean DefaultValue
	DefaultFormValue *int  // Picklist
	Targets          []string
	Solution         string
}

func (a *attribute) isLookup() bool {
	return a.Type == typeLookup || a.Type == typeCustomer
}

// wireName is how the column appears in record JSON (_x_value for lookups).
func (a *attribute) wireName() string {
	if a.isLookup() {
		return "_" + a.LogicalName + "_value"
	}
	return a.LogicalName
}

func (a *attribute) option(v int) (option, bool) {
	for _, o := range a.Options {
		if o.Value == v {
			return o, true
		}
	}
	return option{}, false
}

func (a *attribute) clone() *attribute {
	c := *a
	c.Options = append([]option(nil), a.Options...)
	c.Targets = append([]string(nil), a.Targets...)
	c.DisplayName.Localized = append([]localizedLabel(nil), a.DisplayName.Localized...)
	c.Description.Localized = append([]localizedLabel(nil), a.Description.Localized...)
	return &c
}

// navProp is a single-valued navigation property used with @odata.bind.
type navProp struct {
	Name   string // case-sensitive
	Attr   string // lookup column it writes
	Target string // table it points to
	Rel    string // relationship schema name
}

type table struct {
	MetadataID            string
	LogicalName           string
	SchemaName            string
	EntitySetName         string
	PrimaryIDAttribute    string
	PrimaryNameAttribute  string
	OwnershipType         string
	DisplayName           label
	DisplayCollectionName label
	Description           label
	IsCustom              bool
	IsActivity            bool
	HasNotes              bool
	HasActivities         bool
	ObjectTypeCode        int
	Solution              string

	attrs      []*attribute
	navs       map[string]navProp
	uniqueKeys [][]string // alternate keys enforced on write
}

func (t *table) attr(logical string) *attribute {
	for _, a := range t.attrs {
		if a.LogicalName == logical {
			return a
		}
	}
	return nil
}

func (t *table) attrByID(id string) *attribute {
	for _, a := range t.attrs {
		if strings.EqualFold(a.MetadataID, id) {
			return a
		}
	}
	return nil
}

// byWireName resolves a $select/$filter/$orderby name: plain columns by
// logical name, lookups only as _x_value.
func (t *table) byWireName(name string) *attribute {
	if strings.HasPrefix(name, "_") && strings.HasSuffix(name, "_value") {
		a := t.attr(strings.TrimSuffix(strings.TrimPrefix(name, "_"), "_value"))
		if a != nil && a.isLookup() {
			return a
		}
		return nil
	}
	a := t.attr(name)
	if a == nil || a.isLookup() {
		return nil
	}
	return a
}

func (t *table) addAttr(a *attribute) {
	if a.MetadataID == "" {
		a.MetadataID = newGUID()
	}
	t.attrs = append(t.attrs, a)
}

func (t *table) removeAttr(logical string) {
	out := t.attrs[:0:0]
	for _, a := range t.attrs {
		if a.LogicalName != logical {
			out = append(out, a)
		}
	}
	t.attrs = out
	for n, nav := range t.navs {
		if nav.Attr == logical {
			delete(t.navs, n)
		}
	}
}

// navFor returns the navigation property that writes attr with target.
func (t *table) navFor(attr, target string) string {
	names := make([]string, 0, len(t.navs))
	for n := range t.navs {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if nv := t.navs[n]; nv.Attr == attr && nv.Target == target {
			return n
		}
	}
	return ""
}

func (t *table) clone() *table {
	c := *t
	c.attrs = make([]*attribute, len(t.attrs))
	for i, a := range t.attrs {
		c.attrs[i] = a.clone()
	}
	c.navs = make(map[string]navProp, len(t.navs))
	for k, v := range t.navs {
		c.navs[k] = v
	}
	c.uniqueKeys = append([][]string(nil), t.uniqueKeys...)
	c.DisplayName.Localized = append([]localizedLabel(nil), t.DisplayName.Localized...)
	c.DisplayCollectionName.Localized = append([]localizedLabel(nil), t.DisplayCollectionName.Localized...)
	c.Description.Localized = append([]localizedLabel(nil), t.Description.Localized...)
	return &c
}

// relationship is a one-to-many relationship (the only kind emulated).
type relationship struct {
	MetadataID           string
	SchemaName           string
	ReferencedEntity     string
	ReferencedAttribute  string
	ReferencingEntity    string
	ReferencingAttribute string
	ReferencingNav       string
	ReferencedNav        string
	Cascade              map[string]string
	MenuConfig           map[string]any
	IsCustom             bool
	Solution             string
}

func (r *relationship) clone() *relationship {
	c := *r
	c.Cascade = make(map[string]string, len(r.Cascade))
	for k, v := range r.Cascade {
		c.Cascade[k] = v
	}
	return &c
}

// schema is all table metadata; it is cloned whole at the start of a
// transaction that changes it, so rollback is a pointer swap.
type schema struct {
	tables map[string]*table        // by logical name
	rels   map[string]*relationship // by lower-case schema name
}

func (sc *schema) clone() *schema {
	c := &schema{tables: make(map[string]*table, len(sc.tables)), rels: make(map[string]*relationship, len(sc.rels))}
	for k, t := range sc.tables {
		c.tables[k] = t.clone()
	}
	for k, r := range sc.rels {
		c.rels[k] = r.clone()
	}
	return c
}

func (sc *schema) bySet(set string) *table {
	for _, t := range sc.tables {
		if t.EntitySetName == set {
			return t
		}
	}
	return nil
}

func (sc *schema) tableByID(id string) *table {
	for _, t := range sc.tables {
		if strings.EqualFold(t.MetadataID, id) {
			return t
		}
	}
	return nil
}

func (sc *schema) relByID(id string) *relationship {
	for _, r := range sc.rels {
		if strings.EqualFold(r.MetadataID, id) {
			return r
		}
	}
	return nil
}

func (sc *schema) sortedTables() []*table {
	out := make([]*table, 0, len(sc.tables))
	for _, t := range sc.tables {
		out = append(out, t)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].LogicalName < out[j].LogicalName })
	return out
}

func (sc *schema) sortedRels() []*relationship {
	out := make([]*relationship, 0, len(sc.rels))
	for _, r := range sc.rels {
		out = append(out, r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].SchemaName < out[j].SchemaName })
	return out
}

// addRelationship registers rel and the navigation property it gives the
// referencing table.
func (sc *schema) addRelationship(rel *relationship) {
	if rel.MetadataID == "" {
		rel.MetadataID = newGUID()
	}
	sc.rels[strings.ToLower(rel.SchemaName)] = rel
	if t := sc.tables[rel.ReferencingEntity]; t != nil {
		t.navs[rel.ReferencingNav] = navProp{Name: rel.ReferencingNav, Attr: rel.ReferencingAttribute, Target: rel.ReferencedEntity, Rel: rel.SchemaName}
	}
}

// entitySetName pluralises a logical name as the brief fixes it: "+es" after
// s, x, ch, sh, else "+s" (see facts.go).
func entitySetName(logical string) string {
	for _, suf := range []string{"s", "x", "ch", "sh"} {
		if strings.HasSuffix(logical, suf) {
			return logical + "es"
		}
	}
	return logical + "s"
}

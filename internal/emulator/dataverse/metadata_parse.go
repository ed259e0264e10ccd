package dataverse

import (
	"net/http"
	"regexp"
	"strings"
)

// Parsing and validation of metadata bodies (EntityMetadata,
// AttributeMetadata, OneToManyRelationshipMetadata).

var (
	// prefix_Name: prefix 2–8 lower-case letters/digits starting with a letter.
	schemaNameRe = regexp.MustCompile(`^([a-z][a-z0-9]{1,7})_[A-Za-z0-9_]*[A-Za-z0-9]$`)
	setNameRe    = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

func metaBad(format string, args ...any) *apiError {
	return errf(http.StatusBadRequest, codeInvalidArgument, format, args...)
}

// checkSchemaName validates a custom component's SchemaName.
func checkSchemaName(kind, name string) *apiError {
	m := schemaNameRe.FindStringSubmatch(name)
	if m == nil || m[1] == "mscrm" {
		return metaBad("The schema name '%s' of the %s is not valid: it must start with a customization prefix of 2 to 8 lower-case letters or digits (starting with a letter, not 'mscrm') followed by '_' and the name, e.g. 'pfx_Name'.", name, kind)
	}
	return nil
}

func errNotUnique(kind, schemaName string) *apiError {
	return errf(http.StatusBadRequest, codeSchemaNotUnique,
		"The schema name %s for type %s is not unique. An %s with the same name already exists.", schemaName, kind, strings.ToLower(kind))
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func obj(m map[string]any, k string) map[string]any {
	o, _ := m[k].(map[string]any)
	return o
}

// valueField reads {"Value": …} wrappers such as RequiredLevel or FormatName.
func valueField(m map[string]any, k string) (any, bool) {
	o := obj(m, k)
	if o == nil {
		return nil, false
	}
	v, ok := o["Value"]
	return v, ok
}

func boolField(m map[string]any, k string) (bool, *apiError) {
	v, ok := m[k]
	if !ok || v == nil {
		return false, nil
	}
	b, ok := v.(bool)
	if !ok {
		if o, isObj := v.(map[string]any); isObj { // managed property {"Value": true}
			b, ok = o["Value"].(bool)
		}
	}
	if !ok {
		return false, metaBad("The property '%s' must be a boolean.", k)
	}
	return b, nil
}

func numField(m map[string]any, k string) (float64, bool, *apiError) {
	v, ok := m[k]
	if !ok || v == nil {
		return 0, false, nil
	}
	f, ok := toFloat(v)
	if !ok {
		return 0, false, metaBad("The property '%s' must be a number.", k)
	}
	return f, true, nil
}

// parseLabel reads a Label: only LocalizedLabels counts (UserLocalizedLabel
// is read-only).
func parseLabel(m map[string]any, k string) (label, *apiError) {
	v, ok := m[k]
	if !ok || v == nil {
		return label{}, nil
	}
	o, ok := v.(map[string]any)
	if !ok {
		return label{}, metaBad("The property '%s' must be a Label object.", k)
	}
	var l label
	locs, _ := o["LocalizedLabels"].([]any)
	for _, x := range locs {
		lm, ok := x.(map[string]any)
		if !ok {
			return label{}, metaBad("'%s.LocalizedLabels' must contain LocalizedLabel objects.", k)
		}
		code, ok := toInt(lm["LanguageCode"])
		if !ok {
			return label{}, metaBad("Each LocalizedLabel in '%s' needs a LanguageCode.", k)
		}
		text, _ := lm["Label"].(string)
		id, _ := lm["MetadataId"].(string)
		if id == "" {
			id = newGUID()
		}
		l.Localized = append(l.Localized, localizedLabel{Label: text, LanguageCode: int(code), MetadataID: id})
	}
	return l, nil
}

var attrTypeByOData = func() map[string]string {
	m := map[string]string{}
	for typ, od := range odataTypeByAttrType {
		if typ != typeCustomer {
			m[crmNS+od] = typ
		}
	}
	return m
}()

// attrTypeOf determines the attribute type from @odata.type and/or
// AttributeType, which must agree.
func attrTypeOf(m map[string]any) (string, *apiError) {
	od := strings.TrimPrefix(str(m, "@odata.type"), "#")
	at := str(m, "AttributeType")
	fromOD := ""
	if od != "" {
		t, ok := attrTypeByOData[od]
		if !ok {
			if strings.HasPrefix(od, crmNS) && strings.HasSuffix(od, "AttributeMetadata") {
				return "", errNotImplemented("attributes of type " + od)
			}
			return "", metaBad("The @odata.type '%s' is not an attribute metadata type.", od)
		}
		fromOD = t
	}
	switch {
	case fromOD == "" && at == "":
		return "", metaBad("The attribute definition needs @odata.type or AttributeType.")
	case fromOD == typeLookup && at == typeCustomer:
		fromOD = typeCustomer // customer lookups are LookupAttributeMetadata too
	case fromOD != "" && at != "" && !strings.EqualFold(fromOD, at):
		return "", metaBad("AttributeType '%s' does not match @odata.type '%s'.", at, od)
	case fromOD == "":
		for typ := range odataTypeByAttrType {
			if strings.EqualFold(typ, at) && typ != typeCustomer {
				fromOD = typ
			}
		}
		if fromOD == "" {
			return "", errNotImplemented("attributes of type " + at)
		}
	}
	if v, ok := valueField(m, "AttributeTypeName"); ok {
		if s, _ := v.(string); !strings.EqualFold(s, fromOD+"Type") {
			return "", metaBad("AttributeTypeName '%v' does not match the attribute type '%s'.", v, fromOD)
		}
	}
	return fromOD, nil
}

var requiredLevels = map[string]bool{"None": true, "SystemRequired": true, "ApplicationRequired": true, "Recommended": true}

// parseAttribute validates an AttributeMetadata body. For a PUT, old is the
// current definition; identity properties are carried over by the caller.
func parseAttribute(m map[string]any, old *attribute) (*attribute, *apiError) {
	typ, e := attrTypeOf(m)
	if e != nil {
		return nil, e
	}
	a := &attribute{Type: typ, SchemaName: str(m, "SchemaName"), RequiredLevel: "None", IsCustom: true}
	if a.SchemaName == "" {
		return nil, metaBad("The attribute definition needs a SchemaName.")
	}
	if old == nil {
		if e := checkSchemaName("attribute", a.SchemaName); e != nil {
			return nil, e
		}
	}
	a.LogicalName = strings.ToLower(a.SchemaName)
	if ln := str(m, "LogicalName"); ln != "" && ln != a.LogicalName {
		return nil, metaBad("The LogicalName '%s' must be the lower-case SchemaName '%s'.", ln, a.LogicalName)
	}
	if a.DisplayName, e = parseLabel(m, "DisplayName"); e != nil {
		return nil, e
	}
	if len(a.DisplayName.Localized) == 0 {
		return nil, metaBad("The attribute '%s' needs a DisplayName with at least one LocalizedLabel.", a.SchemaName)
	}
	if a.Description, e = parseLabel(m, "Description"); e != nil {
		return nil, e
	}
	if v, ok := valueField(m, "RequiredLevel"); ok {
		s, _ := v.(string)
		if !requiredLevels[s] {
			return nil, metaBad("RequiredLevel '%v' is not valid; use None, SystemRequired, ApplicationRequired or Recommended.", v)
		}
		a.RequiredLevel = s
	}
	if a.IsPrimaryName, e = boolField(m, "IsPrimaryName"); e != nil {
		return nil, e
	}
	switch typ {
	case typeString:
		e = parseStringAttr(m, a)
	case typeMemo:
		e = parseLength(m, a, 2000, 1048576)
		a.Format = "TextArea"
	case typeBoolean:
		e = parseBooleanAttr(m, a)
	case typePicklist:
		e = parsePicklistAttr(m, a, old)
	case typeMoney:
		e = parseMoneyAttr(m, a)
	case typeDateTime:
		e = parseDateTimeAttr(m, a)
	case typeInteger:
		e = parseRange(m, a, -2147483648, 2147483647, true)
		a.Format = "None"
	case typeDecimal:
		e = parseDecimalAttr(m, a)
	case typeLookup:
		// Lookups are made through RelationshipDefinitions; the relationship
		// handler fills Targets (and a PUT keeps them).
	default:
		if old == nil {
			e = metaBad("Attributes of type %s cannot be created.", typ)
		}
	}
	if e != nil {
		return nil, e
	}
	return a, nil
}

func parseLength(m map[string]any, a *attribute, def, maxAllowed int) *apiError {
	a.MaxLength = def
	f, ok, e := numField(m, "MaxLength")
	if e != nil {
		return e
	}
	if ok {
		if f != float64(int(f)) || f < 1 || int(f) > maxAllowed {
			return errf(http.StatusBadRequest, codeInvalidArgument,
				"MaxLength %s of the %s attribute '%s' is out of range: it must be between 1 and %d.", formatPlain(f), a.Type, a.SchemaName, maxAllowed)
		}
		a.MaxLength = int(f)
	}
	return nil
}

var stringFormats = map[string]bool{"Text": true, "Email": true, "Url": true, "Phone": true, "TextArea": true,
	"TickerSymbol": true, "PhoneticGuide": true, "VersionNumber": true, "Json": true, "RichText": true}

func parseStringAttr(m map[string]any, a *attribute) *apiError {
	if e := parseLength(m, a, 100, 4000); e != nil {
		return e
	}
	a.FormatName = "Text"
	if v, ok := valueField(m, "FormatName"); ok {
		s, _ := v.(string)
		if !stringFormats[s] {
			return metaBad("FormatName '%v' is not a valid string format.", v)
		}
		a.FormatName = s
	}
	return nil
}

func parseBooleanAttr(m map[string]any, a *attribute) *apiError {
	def, e := boolField(m, "DefaultValue")
	if e != nil {
		return e
	}
	a.DefaultBool = &def
	a.TrueOption, a.FalseOption = opt(1, "Yes"), opt(0, "No")
	os := obj(m, "OptionSet")
	if os == nil {
		return nil
	}
	for _, side := range []struct {
		key  string
		dst  *option
		want int
	}{{"TrueOption", &a.TrueOption, 1}, {"FalseOption", &a.FalseOption, 0}} {
		om := obj(os, side.key)
		if om == nil {
			continue
		}
		if v, ok := toInt(om["Value"]); ok && int(v) != side.want {
			return metaBad("The %s of a Boolean attribute must have Value %d.", side.key, side.want)
		}
		l, e := parseLabel(om, "Label")
		if e != nil {
			return e
		}
		if len(l.Localized) > 0 {
			side.dst.Label = l
		}
	}
	return nil
}

// parsePicklistAttr reads a local option set. On PUT the options are kept
// (they change through InsertOptionValue & co.).
func parsePicklistAttr(m map[string]any, a *attribute, old *attribute) *apiError {
	if v, ok := m["DefaultFormValue"]; ok && v != nil {
		n, ok := toInt(v)
		if !ok {
			return metaBad("DefaultFormValue must be an integer.")
		}
		if n != -1 {
			d := int(n)
			a.DefaultFormValue = &d
		}
	}
	if old != nil {
		a.Options, a.OptionSetName, a.OptionSetID = old.Options, old.OptionSetName, old.OptionSetID
		return nil
	}
	if m["GlobalOptionSet@odata.bind"] != nil || m["GlobalOptionSet"] != nil {
		return errNotImplemented("global choices (GlobalOptionSet)")
	}
	os := obj(m, "OptionSet")
	if os == nil {
		return metaBad("A Picklist attribute needs an OptionSet with its Options.")
	}
	if g, _ := os["IsGlobal"].(bool); g {
		return errNotImplemented("global choices (IsGlobal true)")
	}
	raw, _ := os["Options"].([]any)
	seen := map[int]bool{}
	next := firstOptionValue
	for i, x := range raw {
		om, ok := x.(map[string]any)
		if !ok {
			return metaBad("OptionSet.Options[%d] must be an OptionMetadata object.", i)
		}
		o := option{}
		if v, ok := om["Value"]; ok && v != nil {
			n, ok := toInt(v)
			if !ok {
				return metaBad("OptionSet.Options[%d].Value must be an integer.", i)
			}
			o.Value = int(n)
		} else {
			for seen[next] {
				next++
			}
			o.Value = next
		}
		if seen[o.Value] {
			return errf(http.StatusBadRequest, codeInvalidArgument,
				"The option value %d appears more than once in the option set of '%s'.", o.Value, a.SchemaName)
		}
		seen[o.Value] = true
		var e *apiError
		if o.Label, e = parseLabel(om, "Label"); e != nil {
			return e
		}
		if len(o.Label.Localized) == 0 {
			return metaBad("OptionSet.Options[%d] needs a Label.", i)
		}
		if o.Description, e = parseLabel(om, "Description"); e != nil {
			return e
		}
		o.Color = str(om, "Color")
		a.Options = append(a.Options, o)
	}
	if a.DefaultFormValue != nil && !seen[*a.DefaultFormValue] {
		return metaBad("DefaultFormValue %d is not one of the options.", *a.DefaultFormValue)
	}
	a.OptionSetName = strings.ToLower(a.SchemaName)
	if n := str(os, "Name"); n != "" {
		a.OptionSetName = n
	}
	a.OptionSetID = newGUID()
	return nil
}

// firstOptionValue is the first value given to options sent without one
// (the default publisher's option value prefix 10000 × 10000).
const firstOptionValue = 100000000

func parseRange(m map[string]any, a *attribute, lo, hi float64, integral bool) *apiError {
	a.MinValue, a.MaxValue = lo, hi
	for _, k := range []string{"MinValue", "MaxValue"} {
		f, ok, e := numField(m, k)
		if e != nil {
			return e
		}
		if !ok {
			continue
		}
		if f < lo || f > hi || (integral && f != float64(int64(f))) {
			return metaBad("%s %s of '%s' is out of range: it must be between %s and %s.", k, formatPlain(f), a.SchemaName, formatPlain(lo), formatPlain(hi))
		}
		if k == "MinValue" {
			a.MinValue = f
		} else {
			a.MaxValue = f
		}
	}
	if a.MinValue > a.MaxValue {
		return metaBad("MinValue of '%s' is greater than MaxValue.", a.SchemaName)
	}
	return nil
}

func parsePrecision(m map[string]any, a *attribute, def, hi int) *apiError {
	a.Precision = def
	f, ok, e := numField(m, "Precision")
	if e != nil {
		return e
	}
	if ok {
		if f != float64(int(f)) || f < 0 || int(f) > hi {
			return metaBad("Precision %s of '%s' is out of range: it must be between 0 and %d.", formatPlain(f), a.SchemaName, hi)
		}
		a.Precision = int(f)
	}
	return nil
}

func parseDecimalAttr(m map[string]any, a *attribute) *apiError {
	if e := parsePrecision(m, a, 2, 10); e != nil {
		return e
	}
	return parseRange(m, a, -100000000000, 100000000000, false)
}

func parseMoneyAttr(m map[string]any, a *attribute) *apiError {
	if e := parsePrecision(m, a, 2, 4); e != nil {
		return e
	}
	a.PrecisionSource = 2
	if f, ok, e := numField(m, "PrecisionSource"); e != nil {
		return e
	} else if ok {
		if f != 0 && f != 1 && f != 2 {
			return metaBad("PrecisionSource must be 0 (Precision), 1 (organization pricing precision) or 2 (currency precision).")
		}
		a.PrecisionSource = int(f)
	}
	return parseRange(m, a, -922337203685477, 922337203685477, false)
}

func parseDateTimeAttr(m map[string]any, a *attribute) *apiError {
	a.Format = "DateAndTime"
	if f := str(m, "Format"); f != "" {
		if f != "DateOnly" && f != "DateAndTime" {
			return metaBad("Format '%s' of a DateTime attribute must be DateOnly or DateAndTime.", f)
		}
		a.Format = f
	}
	a.DateTimeBehavior = "UserLocal"
	if v, ok := valueField(m, "DateTimeBehavior"); ok {
		s, _ := v.(string)
		switch s {
		case "UserLocal", "DateOnly", "TimeZoneIndependent":
			a.DateTimeBehavior = s
		default:
			return metaBad("DateTimeBehavior '%v' must be UserLocal, DateOnly or TimeZoneIndependent.", v)
		}
	}
	if a.DateTimeBehavior == "DateOnly" && a.Format != "DateOnly" {
		return metaBad("DateTimeBehavior DateOnly requires Format DateOnly.")
	}
	return nil
}

var ownershipTypes = map[string]bool{"UserOwned": true, "OrganizationOwned": true}

// parseTable validates an EntityMetadata body (create, or PUT with old).
func parseTable(m map[string]any, old *table) (*table, *apiError) {
	t := &table{SchemaName: str(m, "SchemaName"), OwnershipType: str(m, "OwnershipType"), IsCustom: true}
	if t.SchemaName == "" {
		return nil, metaBad("The table definition needs a SchemaName.")
	}
	if old == nil {
		if e := checkSchemaName("table", t.SchemaName); e != nil {
			return nil, e
		}
	}
	t.LogicalName = strings.ToLower(t.SchemaName)
	if ln := str(m, "LogicalName"); ln != "" && ln != t.LogicalName {
		return nil, metaBad("The LogicalName '%s' must be the lower-case SchemaName '%s'.", ln, t.LogicalName)
	}
	if !ownershipTypes[t.OwnershipType] {
		return nil, metaBad("OwnershipType '%s' is not valid; use UserOwned or OrganizationOwned.", t.OwnershipType)
	}
	var e *apiError
	if t.DisplayName, e = parseLabel(m, "DisplayName"); e != nil {
		return nil, e
	}
	if t.DisplayCollectionName, e = parseLabel(m, "DisplayCollectionName"); e != nil {
		return nil, e
	}
	if t.Description, e = parseLabel(m, "Description"); e != nil {
		return nil, e
	}
	if len(t.DisplayName.Localized) == 0 || len(t.DisplayCollectionName.Localized) == 0 {
		return nil, metaBad("The table '%s' needs a DisplayName and a DisplayCollectionName.", t.SchemaName)
	}
	for _, f := range []struct {
		k   string
		dst *bool
	}{{"IsActivity", &t.IsActivity}, {"HasNotes", &t.HasNotes}, {"HasActivities", &t.HasActivities}} {
		if *f.dst, e = boolField(m, f.k); e != nil {
			return nil, e
		}
	}
	if t.IsActivity {
		return nil, errNotImplemented("activity tables (IsActivity true)")
	}
	t.EntitySetName = entitySetName(t.LogicalName)
	if es := str(m, "EntitySetName"); es != "" {
		if !setNameRe.MatchString(es) {
			return nil, metaBad("EntitySetName '%s' is not valid.", es)
		}
		t.EntitySetName = es
	}
	return t, nil
}

package dataverse

import "strings"

// Rendering of metadata in the Web API's JSON shapes.

const crmNS = "Microsoft.Dynamics.CRM."

var odataTypeByAttrType = map[string]string{
	typeString: "StringAttributeMetadata", typeMemo: "MemoAttributeMetadata", typeBoolean: "BooleanAttributeMetadata",
	typePicklist: "PicklistAttributeMetadata", typeState: "StateAttributeMetadata", typeStatus: "StatusAttributeMetadata",
	typeMoney: "MoneyAttributeMetadata", typeDateTime: "DateTimeAttributeMetadata", typeInteger: "IntegerAttributeMetadata",
	typeDecimal: "DecimalAttributeMetadata", typeLookup: "LookupAttributeMetadata", typeCustomer: "LookupAttributeMetadata",
	typeUniqueID: "UniqueIdentifierAttributeMetadata", typeBigInt: "BigIntAttributeMetadata",
}

func labelJSON(l label) map[string]any {
	locs := make([]any, 0, len(l.Localized))
	var user any
	for _, ll := range l.Localized {
		m := map[string]any{"Label": ll.Label, "LanguageCode": ll.LanguageCode, "IsManaged": false, "MetadataId": ll.MetadataID, "HasChanged": nil}
		locs = append(locs, m)
		if ll.LanguageCode == langEnglish || user == nil {
			user = m
		}
	}
	return map[string]any{"LocalizedLabels": locs, "UserLocalizedLabel": user}
}

func optionJSON(a *attribute, o option) map[string]any {
	m := map[string]any{"Value": o.Value, "Label": labelJSON(o.Label), "Description": labelJSON(o.Description),
		"Color": nilIfEmpty(o.Color), "IsManaged": false, "MetadataId": nil, "HasChanged": nil}
	switch a.Type {
	case typeStatus:
		m["@odata.type"] = "#" + crmNS + "StatusOptionMetadata"
		m["State"] = o.State
	case typeState:
		m["@odata.type"] = "#" + crmNS + "StateOptionMetadata"
		m["DefaultStatus"] = o.DefaultOf
		m["InvariantName"] = o.Label.text()
	}
	return m
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func optionSetJSON(a *attribute) map[string]any {
	id := a.OptionSetID
	if id == "" {
		id = a.MetadataID
	}
	m := map[string]any{"MetadataId": id, "Name": a.OptionSetName, "IsGlobal": false, "IsCustomOptionSet": a.IsCustom,
		"DisplayName": labelJSON(a.DisplayName), "Description": labelJSON(label{}), "IsManaged": false}
	switch a.Type {
	case typeBoolean:
		m["@odata.type"] = "#" + crmNS + "BooleanOptionSetMetadata"
		m["OptionSetType"] = "Boolean"
		m["TrueOption"] = optionJSON(a, a.TrueOption)
		m["FalseOption"] = optionJSON(a, a.FalseOption)
	default:
		m["@odata.type"] = "#" + crmNS + "OptionSetMetadata"
		m["OptionSetType"] = a.Type
		opts := make([]any, len(a.Options))
		for i, o := range a.Options {
			opts[i] = optionJSON(a, o)
		}
		m["Options"] = opts
	}
	return m
}

// baseAttrKeys are the AttributeMetadata properties (selectable without a cast).
var baseAttrKeys = map[string]bool{}

func init() {
	for k := range attrJSON(&table{}, &attribute{Type: typeUniqueID}, false) {
		baseAttrKeys[k] = true
	}
}

// attrJSON renders an attribute; expandOptionSet adds OptionSet (which the
// Web API only returns through $expand on a cast path).
func attrJSON(t *table, a *attribute, expandOptionSet bool) map[string]any {
	m := map[string]any{
		"@odata.type":       "#" + crmNS + odataTypeByAttrType[a.Type],
		"MetadataId":        a.MetadataID,
		"LogicalName":       a.LogicalName,
		"SchemaName":        a.SchemaName,
		"EntityLogicalName": t.LogicalName,
		"AttributeType":     a.Type,
		"AttributeTypeName": map[string]any{"Value": a.Type + "Type"},
		"DisplayName":       labelJSON(a.DisplayName),
		"Description":       labelJSON(a.Description),
		"RequiredLevel": map[string]any{"Value": a.RequiredLevel, "CanBeChanged": !a.IsPrimaryID,
			"ManagedPropertyLogicalName": "canmodifyrequirementlevelsettings"},
		"IsCustomAttribute": a.IsCustom,
		"IsPrimaryId":       a.IsPrimaryID,
		"IsPrimaryName":     a.IsPrimaryName,
		"IsValidForCreate":  !a.ReadOnly,
		"IsValidForUpdate":  !a.ReadOnly && !a.IsPrimaryID,
		"IsValidForRead":    true,
		"IsManaged":         false,
		"IsLogical":         false,
		"AttributeOf":       nil,
		"IntroducedVersion": "1.0",
	}
	switch a.Type {
	case typeString:
		m["MaxLength"] = a.MaxLength
		m["DatabaseLength"] = a.MaxLength * 2
		m["FormatName"] = map[string]any{"Value": a.FormatName}
		m["Format"] = legacyStringFormat(a.FormatName)
		m["ImeMode"] = "Auto"
	case typeMemo:
		m["MaxLength"] = a.MaxLength
		m["Format"] = a.Format
		m["ImeMode"] = "Auto"
	case typeBoolean:
		def := false
		if a.DefaultBool != nil {
			def = *a.DefaultBool
		}
		m["DefaultValue"] = def
		if expandOptionSet {
			m["OptionSet"] = optionSetJSON(a)
		}
	case typePicklist, typeState, typeStatus:
		def := -1
		if a.DefaultFormValue != nil {
			def = *a.DefaultFormValue
		}
		m["DefaultFormValue"] = def
		if expandOptionSet {
			m["OptionSet"] = optionSetJSON(a)
			m["GlobalOptionSet"] = nil
		}
	case typeMoney:
		m["Precision"] = a.Precision
		m["PrecisionSource"] = a.PrecisionSource
		m["MinValue"] = a.MinValue
		m["MaxValue"] = a.MaxValue
		m["IsBaseCurrency"] = false
		m["ImeMode"] = "Auto"
	case typeDateTime:
		m["Format"] = a.Format
		m["DateTimeBehavior"] = map[string]any{"Value": a.DateTimeBehavior}
		m["CanChangeDateTimeBehavior"] = map[string]any{"Value": a.IsCustom}
		m["ImeMode"] = "Auto"
	case typeInteger:
		m["Format"] = "None"
		m["MinValue"] = int64(a.MinValue)
		m["MaxValue"] = int64(a.MaxValue)
	case typeBigInt:
		m["MinValue"] = int64(a.MinValue)
		m["MaxValue"] = int64(a.MaxValue)
	case typeDecimal:
		m["Precision"] = a.Precision
		m["MinValue"] = a.MinValue
		m["MaxValue"] = a.MaxValue
		m["ImeMode"] = "Auto"
	case typeLookup, typeCustomer:
		m["Targets"] = append([]string{}, a.Targets...)
		m["Format"] = "None"
	}
	return m
}

func legacyStringFormat(formatName string) string {
	switch formatName {
	case "Email", "Url", "Phone", "TextArea", "TickerSymbol":
		return formatName
	}
	return "Text"
}

func entityJSON(t *table) map[string]any {
	return map[string]any{
		"MetadataId":             t.MetadataID,
		"LogicalName":            t.LogicalName,
		"SchemaName":             t.SchemaName,
		"EntitySetName":          t.EntitySetName,
		"LogicalCollectionName":  t.EntitySetName,
		"CollectionSchemaName":   t.SchemaName + "s",
		"PrimaryIdAttribute":     t.PrimaryIDAttribute,
		"PrimaryNameAttribute":   t.PrimaryNameAttribute,
		"OwnershipType":          t.OwnershipType,
		"ObjectTypeCode":         t.ObjectTypeCode,
		"IsCustomEntity":         t.IsCustom,
		"IsActivity":             t.IsActivity,
		"HasNotes":               t.HasNotes,
		"HasActivities":          t.HasActivities,
		"IsManaged":              false,
		"IsValidForAdvancedFind": true,
		"TableType":              "Standard",
		"IntroducedVersion":      "1.0",
		"DisplayName":            labelJSON(t.DisplayName),
		"DisplayCollectionName":  labelJSON(t.DisplayCollectionName),
		"Description":            labelJSON(t.Description),
	}
}

func relationshipJSON(r *relationship) map[string]any {
	cc := map[string]any{}
	for k, v := range r.Cascade {
		cc[k] = v
	}
	menu := r.MenuConfig
	if menu == nil {
		menu = map[string]any{"Behavior": "UseCollectionName", "Group": "Details", "Label": labelJSON(label{}), "Order": 10000}
	}
	return map[string]any{
		"@odata.type":                             "#" + crmNS + "OneToManyRelationshipMetadata",
		"MetadataId":                              r.MetadataID,
		"SchemaName":                              r.SchemaName,
		"RelationshipType":                        "OneToManyRelationship",
		"ReferencedEntity":                        r.ReferencedEntity,
		"ReferencedAttribute":                     r.ReferencedAttribute,
		"ReferencingEntity":                       r.ReferencingEntity,
		"ReferencingAttribute":                    r.ReferencingAttribute,
		"ReferencedEntityNavigationPropertyName":  r.ReferencedNav,
		"ReferencingEntityNavigationPropertyName": r.ReferencingNav,
		"CascadeConfiguration":                    cc,
		"AssociatedMenuConfiguration":             menu,
		"IsCustomRelationship":                    r.IsCustom,
		"IsManaged":                               false,
		"IsValidForAdvancedFind":                  true,
		"SecurityTypes":                           "None",
	}
}

// selectKeys keeps only the $select-ed properties (plus identity ones).
func selectKeys(m map[string]any, sel []string, keep ...string) map[string]any {
	if sel == nil {
		return m
	}
	out := map[string]any{}
	for _, k := range append(keep, sel...) {
		if v, ok := m[k]; ok {
			out[k] = v
		}
	}
	return out
}

// metadataValue reads a '/'-separated property path from rendered metadata
// (for $filter).
func metadataValue(m map[string]any, path string) any {
	var cur any = m
	for _, p := range strings.Split(path, "/") {
		mm, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = mm[p]
	}
	switch x := cur.(type) {
	case int:
		return float64(x)
	case int64:
		return float64(x)
	}
	return cur
}

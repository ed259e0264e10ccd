package dataverse

import (
	"encoding/json"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/wirejson"
)

// OData type names of metadata objects.
const (
	ODataTypeLabel                 = "Microsoft.Dynamics.CRM.Label"
	ODataTypeLocalizedLabel        = "Microsoft.Dynamics.CRM.LocalizedLabel"
	ODataTypeEntityMetadata        = "Microsoft.Dynamics.CRM.EntityMetadata"
	ODataTypeOptionSetMetadata     = "Microsoft.Dynamics.CRM.OptionSetMetadata"
	ODataTypeBooleanOptionSet      = "Microsoft.Dynamics.CRM.BooleanOptionSetMetadata"
	ODataTypeOneToManyRelationship = "Microsoft.Dynamics.CRM.OneToManyRelationshipMetadata"
	odataTypePrefix                = "Microsoft.Dynamics.CRM."
)

// LanguageEnglish is the LCID used by the docs' examples.
const LanguageEnglish = 1033

// Label is a localizable text. Only LocalizedLabels is written; the
// read-only UserLocalizedLabel is decoded but never sent.
type Label struct {
	LocalizedLabels    []LocalizedLabel `json:"LocalizedLabels"`
	UserLocalizedLabel *LocalizedLabel  `json:"UserLocalizedLabel,omitempty"`
}

// LocalizedLabel is a label in one language.
type LocalizedLabel struct {
	Label        string `json:"Label"`
	LanguageCode int    `json:"LanguageCode"`
	MetadataID   string `json:"MetadataId,omitempty"`
	IsManaged    *bool  `json:"IsManaged,omitempty"`
}

// NewLabel returns a label with one localized text (lang 0 = 1033).
func NewLabel(text string, lang int) *Label {
	if lang == 0 {
		lang = LanguageEnglish
	}
	return &Label{LocalizedLabels: []LocalizedLabel{{Label: text, LanguageCode: lang}}}
}

// Text returns the label in lang, else the user label, else the first one.
func (l *Label) Text(lang int) string {
	if l == nil {
		return ""
	}
	for _, ll := range l.LocalizedLabels {
		if ll.LanguageCode == lang {
			return ll.Label
		}
	}
	if l.UserLocalizedLabel != nil {
		return l.UserLocalizedLabel.Label
	}
	if len(l.LocalizedLabels) > 0 {
		return l.LocalizedLabels[0].Label
	}
	return ""
}

// MarshalJSON writes @odata.type and LocalizedLabels only.
func (l Label) MarshalJSON() ([]byte, error) {
	type wireLocalized struct {
		ODataType string `json:"@odata.type"`
		LocalizedLabel
	}
	labels := make([]wireLocalized, len(l.LocalizedLabels))
	for i, ll := range l.LocalizedLabels {
		labels[i] = wireLocalized{ODataTypeLocalizedLabel, ll}
	}
	return json.Marshal(struct {
		ODataType       string          `json:"@odata.type"`
		LocalizedLabels []wireLocalized `json:"LocalizedLabels"`
	}{ODataTypeLabel, labels})
}

// Required levels.
const (
	RequiredNone                = "None"
	RequiredSystemRequired      = "SystemRequired"
	RequiredApplicationRequired = "ApplicationRequired"
	RequiredRecommended         = "Recommended"
)

// RequiredLevel is a managed property: {"Value","CanBeChanged","ManagedPropertyLogicalName"}.
type RequiredLevel struct {
	Value                      string `json:"Value"`
	CanBeChanged               bool   `json:"CanBeChanged"`
	ManagedPropertyLogicalName string `json:"ManagedPropertyLogicalName,omitempty"`
}

// Required returns the RequiredLevel the docs send for a new column.
func Required(level string) *RequiredLevel {
	return &RequiredLevel{Value: level, CanBeChanged: true, ManagedPropertyLogicalName: "canmodifyrequirementlevelsettings"}
}

// ValueName is the {"Value": "..."} wrapper of AttributeTypeName, FormatName
// and DateTimeBehavior.
type ValueName struct {
	Value string `json:"Value"`
}

// AttributeKind names one attribute metadata type: its @odata.type,
// AttributeType and AttributeTypeName.Value.
type AttributeKind struct {
	ODataType     string
	AttributeType string
	TypeName      string
}

// The attribute kinds the provider creates.
var (
	KindString   = AttributeKind{odataTypePrefix + "StringAttributeMetadata", "String", "StringType"}
	KindMemo     = AttributeKind{odataTypePrefix + "MemoAttributeMetadata", "Memo", "MemoType"}
	KindBoolean  = AttributeKind{odataTypePrefix + "BooleanAttributeMetadata", "Boolean", "BooleanType"}
	KindPicklist = AttributeKind{odataTypePrefix + "PicklistAttributeMetadata", "Picklist", "PicklistType"}
	KindMoney    = AttributeKind{odataTypePrefix + "MoneyAttributeMetadata", "Money", "MoneyType"}
	KindDateTime = AttributeKind{odataTypePrefix + "DateTimeAttributeMetadata", "DateTime", "DateTimeType"}
	KindInteger  = AttributeKind{odataTypePrefix + "IntegerAttributeMetadata", "Integer", "IntegerType"}
	KindDecimal  = AttributeKind{odataTypePrefix + "DecimalAttributeMetadata", "Decimal", "DecimalType"}
	KindLookup   = AttributeKind{odataTypePrefix + "LookupAttributeMetadata", "Lookup", "LookupType"}
)

// AttributeKinds lists the kinds above.
func AttributeKinds() []AttributeKind {
	return []AttributeKind{KindString, KindMemo, KindBoolean, KindPicklist, KindMoney, KindDateTime, KindInteger, KindDecimal, KindLookup}
}

// CastName is the type segment used to cast an attribute URI, e.g.
// "Microsoft.Dynamics.CRM.StringAttributeMetadata".
func (k AttributeKind) CastName() string { return k.ODataType }

// AttributeMetadata is a column definition. Common properties plus those of
// the supported kinds are modelled; everything else the server returns is
// kept in Extra so GET → edit → PUT preserves it.
type AttributeMetadata struct {
	ODataType         string         `json:"@odata.type,omitempty"`
	MetadataID        string         `json:"MetadataId,omitempty"`
	LogicalName       string         `json:"LogicalName,omitempty"`
	SchemaName        string         `json:"SchemaName,omitempty"`
	EntityLogicalName string         `json:"EntityLogicalName,omitempty"`
	AttributeType     string         `json:"AttributeType,omitempty"`
	AttributeTypeName *ValueName     `json:"AttributeTypeName,omitempty"`
	DisplayName       *Label         `json:"DisplayName,omitempty"`
	Description       *Label         `json:"Description,omitempty"`
	RequiredLevel     *RequiredLevel `json:"RequiredLevel,omitempty"`
	IsPrimaryName     *bool          `json:"IsPrimaryName,omitempty"`
	IsCustomAttribute *bool          `json:"IsCustomAttribute,omitempty"`

	// String, Memo
	MaxLength  *int       `json:"MaxLength,omitempty"`
	FormatName *ValueName `json:"FormatName,omitempty"` // String: {"Value":"Text"}
	// Format: Memo "TextArea", DateTime "DateOnly"/"DateAndTime", Integer "None".
	Format string `json:"Format,omitempty"`

	// Boolean
	DefaultValue *bool `json:"DefaultValue,omitempty"`
	// Boolean, Picklist
	OptionSet *OptionSetMetadata `json:"OptionSet,omitempty"`
	// Picklist bound to a global choice: "/GlobalOptionSetDefinitions(<id>)".
	GlobalOptionSetBind string `json:"GlobalOptionSet@odata.bind,omitempty"`
	DefaultFormValue    *int   `json:"DefaultFormValue,omitempty"`

	// Money, Decimal, Integer
	PrecisionSource *int        `json:"PrecisionSource,omitempty"` // Money: 2 = currency precision
	Precision       *int        `json:"Precision,omitempty"`
	MinValue        json.Number `json:"MinValue,omitempty"`
	MaxValue        json.Number `json:"MaxValue,omitempty"`

	// DateTime
	DateTimeBehavior *ValueName `json:"DateTimeBehavior,omitempty"`

	// Lookup
	Targets []string `json:"Targets,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// NewAttribute returns a column definition of kind with the type fields,
// schema name, display name (1033) and RequiredLevel None filled in.
func NewAttribute(kind AttributeKind, schemaName, displayName string) AttributeMetadata {
	return AttributeMetadata{
		ODataType:         kind.ODataType,
		SchemaName:        schemaName,
		AttributeType:     kind.AttributeType,
		AttributeTypeName: &ValueName{kind.TypeName},
		DisplayName:       NewLabel(displayName, LanguageEnglish),
		RequiredLevel:     Required(RequiredNone),
	}
}

// Kind returns the attribute's kind when it is one of AttributeKinds. Reads
// write @odata.type with a leading "#", requests without; both match.
func (a AttributeMetadata) Kind() (AttributeKind, bool) {
	t := strings.TrimPrefix(a.ODataType, "#")
	for _, k := range AttributeKinds() {
		if t == k.ODataType || (t == "" && strings.EqualFold(a.AttributeType, k.AttributeType)) {
			return k, true
		}
	}
	return AttributeKind{}, false
}

// logicalName is LogicalName, else the lower-cased SchemaName.
func (a AttributeMetadata) logicalName() string {
	if a.LogicalName != "" {
		return a.LogicalName
	}
	return strings.ToLower(a.SchemaName)
}

// OptionSetMetadata is the option set of a Picklist (Options) or a Boolean
// (TrueOption/FalseOption) column.
type OptionSetMetadata struct {
	ODataType     string           `json:"@odata.type,omitempty"`
	MetadataID    string           `json:"MetadataId,omitempty"`
	Name          string           `json:"Name,omitempty"`
	IsGlobal      *bool            `json:"IsGlobal,omitempty"`
	OptionSetType string           `json:"OptionSetType,omitempty"` // "Picklist" | "Boolean"
	Options       []OptionMetadata `json:"Options,omitempty"`
	TrueOption    *OptionMetadata  `json:"TrueOption,omitempty"`
	FalseOption   *OptionMetadata  `json:"FalseOption,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// OptionMetadata is one choice value.
type OptionMetadata struct {
	Value       int    `json:"Value"`
	Label       *Label `json:"Label,omitempty"`
	Description *Label `json:"Description,omitempty"`
	Color       string `json:"Color,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// NewPicklistOptionSet returns a local option set for a Picklist column.
func NewPicklistOptionSet(options ...OptionMetadata) *OptionSetMetadata {
	f := false
	return &OptionSetMetadata{ODataType: ODataTypeOptionSetMetadata, IsGlobal: &f, OptionSetType: "Picklist", Options: options}
}

// NewBooleanOptionSet returns the option set of a Yes/No column.
func NewBooleanOptionSet(trueLabel, falseLabel string) *OptionSetMetadata {
	return &OptionSetMetadata{
		ODataType:     ODataTypeBooleanOptionSet,
		OptionSetType: "Boolean",
		TrueOption:    &OptionMetadata{Value: 1, Label: NewLabel(trueLabel, LanguageEnglish)},
		FalseOption:   &OptionMetadata{Value: 0, Label: NewLabel(falseLabel, LanguageEnglish)},
	}
}

// EntityMetadata is a table definition.
type EntityMetadata struct {
	ODataType             string              `json:"@odata.type,omitempty"`
	MetadataID            string              `json:"MetadataId,omitempty"`
	LogicalName           string              `json:"LogicalName,omitempty"`
	SchemaName            string              `json:"SchemaName,omitempty"`
	EntitySetName         string              `json:"EntitySetName,omitempty"`
	DisplayName           *Label              `json:"DisplayName,omitempty"`
	DisplayCollectionName *Label              `json:"DisplayCollectionName,omitempty"`
	Description           *Label              `json:"Description,omitempty"`
	OwnershipType         string              `json:"OwnershipType,omitempty"` // "UserOwned" | "OrganizationOwned"
	IsActivity            *bool               `json:"IsActivity,omitempty"`
	HasActivities         *bool               `json:"HasActivities,omitempty"`
	HasNotes              *bool               `json:"HasNotes,omitempty"`
	IsCustomEntity        *bool               `json:"IsCustomEntity,omitempty"`
	PrimaryIDAttribute    string              `json:"PrimaryIdAttribute,omitempty"`
	PrimaryNameAttribute  string              `json:"PrimaryNameAttribute,omitempty"`
	Attributes            []AttributeMetadata `json:"Attributes,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// NewTable returns a user-owned custom table definition without activities
// or notes, with primary as its primary name column (IsPrimaryName set).
func NewTable(schemaName, displayName, displayCollectionName string, primary AttributeMetadata) EntityMetadata {
	f, t := false, true
	primary.IsPrimaryName = &t
	if primary.FormatName == nil && primary.AttributeType == KindString.AttributeType {
		primary.FormatName = &ValueName{"Text"}
	}
	return EntityMetadata{
		ODataType:             ODataTypeEntityMetadata,
		SchemaName:            schemaName,
		DisplayName:           NewLabel(displayName, LanguageEnglish),
		DisplayCollectionName: NewLabel(displayCollectionName, LanguageEnglish),
		OwnershipType:         "UserOwned",
		IsActivity:            &f,
		HasActivities:         &f,
		HasNotes:              &f,
		Attributes:            []AttributeMetadata{primary},
	}
}

func (e EntityMetadata) logicalName() string {
	if e.LogicalName != "" {
		return e.LogicalName
	}
	return strings.ToLower(e.SchemaName)
}

// Cascade behaviours.
const (
	CascadeCascade    = "Cascade"
	CascadeNoCascade  = "NoCascade"
	CascadeRemoveLink = "RemoveLink"
	CascadeRestrict   = "Restrict"
)

// CascadeConfiguration of a relationship.
type CascadeConfiguration struct {
	Assign   string `json:"Assign,omitempty"`
	Delete   string `json:"Delete,omitempty"`
	Merge    string `json:"Merge,omitempty"`
	Reparent string `json:"Reparent,omitempty"`
	Share    string `json:"Share,omitempty"`
	Unshare  string `json:"Unshare,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// AssociatedMenuConfiguration of a relationship.
type AssociatedMenuConfiguration struct {
	Behavior string `json:"Behavior,omitempty"` // "UseCollectionName" | "UseLabel" | "DoNotDisplay"
	Group    string `json:"Group,omitempty"`    // "Details", …
	Label    *Label `json:"Label,omitempty"`
	Order    *int   `json:"Order,omitempty"`
}

// OneToManyRelationship is a 1:N relationship definition; Lookup is the
// referencing column created with it.
type OneToManyRelationship struct {
	ODataType                               string                       `json:"@odata.type,omitempty"`
	MetadataID                              string                       `json:"MetadataId,omitempty"`
	SchemaName                              string                       `json:"SchemaName,omitempty"`
	ReferencedEntity                        string                       `json:"ReferencedEntity,omitempty"`
	ReferencedAttribute                     string                       `json:"ReferencedAttribute,omitempty"`
	ReferencingEntity                       string                       `json:"ReferencingEntity,omitempty"`
	ReferencingAttribute                    string                       `json:"ReferencingAttribute,omitempty"`
	ReferencedEntityNavigationPropertyName  string                       `json:"ReferencedEntityNavigationPropertyName,omitempty"`
	ReferencingEntityNavigationPropertyName string                       `json:"ReferencingEntityNavigationPropertyName,omitempty"`
	RelationshipType                        string                       `json:"RelationshipType,omitempty"`
	IsCustomRelationship                    *bool                        `json:"IsCustomRelationship,omitempty"`
	CascadeConfiguration                    *CascadeConfiguration        `json:"CascadeConfiguration,omitempty"`
	AssociatedMenuConfiguration             *AssociatedMenuConfiguration `json:"AssociatedMenuConfiguration,omitempty"`
	Lookup                                  *AttributeMetadata           `json:"Lookup,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// (Un)marshalers keeping unknown properties in Extra. Updating a column or a
// table is GET full definition → edit → PUT full definition; the definitions
// carry dozens of properties this package does not model, and a PUT without
// them would reset them.

// readOnlyAnnotations are response-only and never written back.
var readOnlyAnnotations = map[string]bool{"@odata.context": true, "@odata.etag": true}

// UnmarshalJSON implements json.Unmarshaler.
func (a *AttributeMetadata) UnmarshalJSON(b []byte) error {
	type plain AttributeMetadata
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(a), &a.Extra, readOnlyAnnotations)
}

// MarshalJSON implements json.Marshaler.
func (a AttributeMetadata) MarshalJSON() ([]byte, error) {
	type plain AttributeMetadata
	return wirejson.MarshalWithExtra(plain(a), a.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OptionSetMetadata) UnmarshalJSON(b []byte) error {
	type plain OptionSetMetadata
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(o), &o.Extra, readOnlyAnnotations)
}

// MarshalJSON implements json.Marshaler.
func (o OptionSetMetadata) MarshalJSON() ([]byte, error) {
	type plain OptionSetMetadata
	return wirejson.MarshalWithExtra(plain(o), o.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (o *OptionMetadata) UnmarshalJSON(b []byte) error {
	type plain OptionMetadata
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(o), &o.Extra, readOnlyAnnotations)
}

// MarshalJSON implements json.Marshaler.
func (o OptionMetadata) MarshalJSON() ([]byte, error) {
	type plain OptionMetadata
	return wirejson.MarshalWithExtra(plain(o), o.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (e *EntityMetadata) UnmarshalJSON(b []byte) error {
	type plain EntityMetadata
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(e), &e.Extra, readOnlyAnnotations)
}

// MarshalJSON implements json.Marshaler.
func (e EntityMetadata) MarshalJSON() ([]byte, error) {
	type plain EntityMetadata
	return wirejson.MarshalWithExtra(plain(e), e.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *CascadeConfiguration) UnmarshalJSON(b []byte) error {
	type plain CascadeConfiguration
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(c), &c.Extra, readOnlyAnnotations)
}

// MarshalJSON implements json.Marshaler.
func (c CascadeConfiguration) MarshalJSON() ([]byte, error) {
	type plain CascadeConfiguration
	return wirejson.MarshalWithExtra(plain(c), c.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *OneToManyRelationship) UnmarshalJSON(b []byte) error {
	type plain OneToManyRelationship
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(r), &r.Extra, readOnlyAnnotations)
}

// MarshalJSON implements json.Marshaler.
func (r OneToManyRelationship) MarshalJSON() ([]byte, error) {
	type plain OneToManyRelationship
	return wirejson.MarshalWithExtra(plain(r), r.Extra)
}

package crmfield

import (
	"math"
	"math/big"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

// Column types as the `type` attribute spells them.
const (
	typeBoolean  = "boolean"
	typeString   = "string"
	typeMemo     = "memo"
	typeChoice   = "choice"
	typeMoney    = "money"
	typeDate     = "date"
	typeDateTime = "datetime"
	typeInteger  = "integer"
	typeDecimal  = "decimal"
	typeLookup   = "lookup"
)

var columnTypes = []string{typeBoolean, typeString, typeMemo, typeChoice, typeMoney, typeDate, typeDateTime, typeInteger, typeDecimal, typeLookup}

// kindOf maps a column type to its Dataverse attribute kind.
func kindOf(typ string) (dataverse.AttributeKind, bool) {
	switch typ {
	case typeBoolean:
		return dataverse.KindBoolean, true
	case typeString:
		return dataverse.KindString, true
	case typeMemo:
		return dataverse.KindMemo, true
	case typeChoice:
		return dataverse.KindPicklist, true
	case typeMoney:
		return dataverse.KindMoney, true
	case typeDate, typeDateTime:
		return dataverse.KindDateTime, true
	case typeInteger:
		return dataverse.KindInteger, true
	case typeDecimal:
		return dataverse.KindDecimal, true
	case typeLookup:
		return dataverse.KindLookup, true
	}
	return dataverse.AttributeKind{}, false
}

// typeOf is the column type of a definition read from Dataverse; ok is false
// for kinds this resource does not manage (BigInt, Customer, …).
func typeOf(a *dataverse.AttributeMetadata) (string, bool) {
	k, ok := a.Kind()
	if !ok {
		return "", false
	}
	switch k {
	case dataverse.KindBoolean:
		return typeBoolean, true
	case dataverse.KindString:
		return typeString, true
	case dataverse.KindMemo:
		return typeMemo, true
	case dataverse.KindPicklist:
		return typeChoice, true
	case dataverse.KindMoney:
		return typeMoney, true
	case dataverse.KindDateTime:
		if a.Format == dateOnly {
			return typeDate, true
		}
		return typeDateTime, true
	case dataverse.KindInteger:
		return typeInteger, true
	case dataverse.KindDecimal:
		return typeDecimal, true
	case dataverse.KindLookup:
		if a.AttributeType != "" && !strings.EqualFold(a.AttributeType, dataverse.KindLookup.AttributeType) {
			return "", false // Customer and Owner lookups are not made by this resource
		}
		return typeLookup, true
	}
	return "", false
}

// Wire values of DateTime columns (facts.go §2).
const (
	dateOnly      = "DateOnly"
	dateAndTime   = "DateAndTime"
	userLocal     = "UserLocal"
	moneyCurrency = 2 // PrecisionSource: currency precision
	moneyFixed    = 0 // PrecisionSource: the column's Precision
)

// Type-specific attributes and the column types each one applies to.
var typedAttributes = []struct {
	name  string
	types []string
}{
	{"true_label", []string{typeBoolean}},
	{"false_label", []string{typeBoolean}},
	{"default_value", []string{typeBoolean}},
	{"max_length", []string{typeString, typeMemo}},
	{"format", []string{typeString}},
	{"options", []string{typeChoice}},
	{"default_option", []string{typeChoice}},
	{"precision", []string{typeMoney, typeDecimal}},
	{"min_value", []string{typeMoney, typeInteger, typeDecimal}},
	{"max_value", []string{typeMoney, typeInteger, typeDecimal}},
	{"target_table", []string{typeLookup}},
	{"relationship_schema_name", []string{typeLookup}},
}

func typesOf(attribute string) []string {
	for _, t := range typedAttributes {
		if t.name == attribute {
			return t.types
		}
	}
	return nil
}

func appliesTo(attribute, typ string) bool {
	for _, t := range typesOf(attribute) {
		if t == typ {
			return true
		}
	}
	return false
}

// quotedList renders ["string","memo"] as `"string" or "memo"`.
func quotedList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = `"` + v + `"`
	}
	switch len(q) {
	case 0:
		return ""
	case 1:
		return q[0]
	}
	return strings.Join(q[:len(q)-1], ", ") + " or " + q[len(q)-1]
}

// intRange is an inclusive range of a whole-number attribute.
type intRange struct{ lo, hi int64 }

// maxLengthRange and precisionRange are Dataverse's limits per column type.
var (
	maxLengthRange = map[string]intRange{typeString: {1, 4000}, typeMemo: {1, 1048576}}
	precisionRange = map[string]intRange{typeDecimal: {0, 10}, typeMoney: {0, 4}}
)

// numRange is the allowed (and default) value range of min_value/max_value.
type numRange struct {
	lo, hi   float64
	integral bool
}

var valueRange = map[string]numRange{
	typeInteger: {math.MinInt32, math.MaxInt32, true},
	typeDecimal: {-100000000000, 100000000000, false},
	typeMoney:   {-922337203685477, 922337203685477, false},
}

func (r numRange) contains(f *big.Float) bool {
	return f.Cmp(big.NewFloat(r.lo)) >= 0 && f.Cmp(big.NewFloat(r.hi)) <= 0 && (!r.integral || f.IsInt())
}

// Defaults when a type-specific attribute is left out (facts.go §3).
const (
	defaultStringMaxLength = 100
	defaultMemoMaxLength   = 2000
	defaultFormat          = "text"
	defaultTrueLabel       = "Yes"
	defaultFalseLabel      = "No"
	defaultDecimalPrec     = 2
)

// String formats: attribute value ↔ FormatName.Value.
var formats = map[string]string{"text": "Text", "url": "Url", "email": "Email", "phone": "Phone"}

func formatName(f string) string { return formats[f] }

func formatFromWire(v string) string {
	for k, w := range formats {
		if strings.EqualFold(w, v) {
			return k
		}
	}
	return strings.ToLower(v)
}

// Required levels: attribute value ↔ RequiredLevel.Value.
var requiredLevels = map[string]string{
	"none":                 dataverse.RequiredNone,
	"recommended":          dataverse.RequiredRecommended,
	"application_required": dataverse.RequiredApplicationRequired,
}

func requiredLevelFromWire(v string) string {
	for k, w := range requiredLevels {
		if strings.EqualFold(w, v) {
			return k
		}
	}
	if strings.EqualFold(v, dataverse.RequiredSystemRequired) {
		return "system_required"
	}
	return strings.ToLower(v)
}

package dataverse

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// parseBody turns a Web API entity body into column changes: plain columns
// are type-checked, "<nav>@odata.bind" becomes a lookup ref, annotations are
// ignored. ids resolves $n Content-ID references inside a change set.
func (s *Service) parseBody(t *table, body map[string]any, ids map[string]string) (map[string]any, string, *apiError) {
	keys := make([]string, 0, len(body))
	for k := range body {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	changes := map[string]any{}
	pk := ""
	for _, k := range keys {
		v := body[k]
		if strings.HasPrefix(k, "@") {
			continue // instance annotations such as @odata.type, @odata.etag
		}
		if name, ann, ok := strings.Cut(k, "@"); ok {
			if ann != "odata.bind" {
				if _, present := body[name]; present || t.attr(name) != nil {
					continue // property annotation next to its property
				}
				return nil, "", errUndeclaredProperty(name)
			}
			nav, ok := t.navs[name]
			if !ok {
				return nil, "", errUndeclaredProperty(name)
			}
			rf, e := s.resolveBind(nav, v, ids)
			if e != nil {
				return nil, "", e
			}
			if rf == nil {
				changes[nav.Attr] = nil
			} else {
				changes[nav.Attr] = *rf
			}
			continue
		}
		if k == t.PrimaryIDAttribute {
			str, _ := v.(string)
			id, ok := parseGUIDKey(str)
			if !ok {
				return nil, "", errConvert(fmt.Sprint(v), "Edm.Guid")
			}
			pk = id
			continue
		}
		if nav, ok := t.navs[k]; ok {
			switch v.(type) {
			case nil:
				changes[nav.Attr] = nil
				continue
			case map[string]any, []any:
				return nil, "", errNotImplemented("deep insert through navigation property '" + k + "'")
			default:
				return nil, "", errf(http.StatusBadRequest, codeODataPayload,
					"A 'PrimitiveValue' node with non-null value was found when trying to read the value of the navigation property '%s'; however, a 'StartArray' node, a 'StartObject' node, or a 'PrimitiveValue' node with null value was expected.", k)
			}
		}
		a := t.attr(k)
		if a == nil || a.isLookup() {
			return nil, "", errUnknownProperty(t.LogicalName, k)
		}
		if a.ReadOnly {
			continue // Dataverse ignores columns not valid for create/update
		}
		val, e := coerce(t, a, v)
		if e != nil {
			return nil, "", e
		}
		changes[a.LogicalName] = val
	}
	return changes, pk, nil
}

// resolveBind resolves "/set(id)", "set(id)", an absolute URL or "$n".
func (s *Service) resolveBind(nav navProp, v any, ids map[string]string) (*ref, *apiError) {
	if v == nil {
		return nil, nil
	}
	str, ok := v.(string)
	if !ok {
		return nil, errf(http.StatusBadRequest, codeODataPayload, "The value of '%s@odata.bind' must be a URL string.", nav.Name)
	}
	target := s.schema.tables[nav.Target]
	set, id, e := s.parseEntityRef(str, ids)
	if e != nil {
		return nil, e
	}
	if target == nil || set != target.EntitySetName {
		return nil, errf(http.StatusBadRequest, codeODataPayload,
			"The entity set '%s' in the URL '%s' is not valid for the navigation property '%s', which refers to '%s'.", set, str, nav.Name, nav.Target)
	}
	if _, ok := s.getRec(target.LogicalName, id); !ok {
		return nil, errRecordNotFound(target.LogicalName, id)
	}
	return &ref{Table: target.LogicalName, ID: id}, nil
}

// parseEntityRef parses an entity URL into entity set and GUID key.
func (s *Service) parseEntityRef(str string, ids map[string]string) (string, string, *apiError) {
	orig := str
	if strings.HasPrefix(str, "$") {
		u, ok := ids[strings.TrimPrefix(str, "$")]
		if !ok {
			return "", "", errf(http.StatusBadRequest, codeODataPayload, "Content-ID Reference: '%s' does not exist in the batch context.", str)
		}
		str = u
	}
	if u, err := url.Parse(str); err == nil && u.IsAbs() {
		str = u.Path
	}
	str = strings.TrimPrefix(str, "/")
	for _, ver := range []string{"api/data/v9.2/", "api/data/v9.0/"} {
		str = strings.TrimPrefix(str, ver)
	}
	segs, err := splitPath(str)
	if err != nil || len(segs) != 1 || !segs[0].HasKey {
		return "", "", errf(http.StatusBadRequest, codeODataPayload, "The URL '%s' is not a valid entity reference; expected '/<entityset>(<id>)'.", orig)
	}
	t := s.schema.bySet(segs[0].Name)
	if t == nil {
		return "", "", errSegment(segs[0].Name)
	}
	id, ok := parseGUIDKey(segs[0].Key)
	if !ok {
		return "", "", errBadKey(t.LogicalName)
	}
	return segs[0].Name, id, nil
}

// edmType is the OData type name of a column, for error messages and filters.
func edmType(a *attribute) string {
	switch a.Type {
	case typeString, typeMemo:
		return "Edm.String"
	case typeBoolean:
		return "Edm.Boolean"
	case typePicklist, typeState, typeStatus, typeInteger:
		return "Edm.Int32"
	case typeBigInt:
		return "Edm.Int64"
	case typeMoney, typeDecimal:
		return "Edm.Decimal"
	case typeDateTime:
		if a.Format == "DateOnly" {
			return "Edm.Date"
		}
		return "Edm.DateTimeOffset"
	default:
		return "Edm.Guid"
	}
}

// coerce type-checks one written value and returns its stored form.
func coerce(t *table, a *attribute, v any) (any, *apiError) {
	if v == nil {
		return nil, nil
	}
	switch a.Type {
	case typeString, typeMemo:
		str, ok := v.(string)
		if !ok {
			return nil, errConvert(literal(v), "Edm.String")
		}
		if a.MaxLength > 0 && utf8.RuneCountInString(str) > a.MaxLength {
			return nil, errValidation("The length of the '%s' attribute of the '%s' entity exceeded the maximum allowed length of '%d'.",
				a.LogicalName, t.LogicalName, a.MaxLength)
		}
		return str, nil
	case typeBoolean:
		b, ok := v.(bool)
		if !ok {
			return nil, errConvert(literal(v), "Edm.Boolean")
		}
		return b, nil
	case typePicklist, typeState, typeStatus:
		n, ok := toInt(v)
		if !ok {
			return nil, errConvert(literal(v), "Edm.Int32")
		}
		if _, ok := a.option(int(n)); !ok {
			vals := make([]string, len(a.Options))
			for i, o := range a.Options {
				vals[i] = strconv.Itoa(o.Value)
			}
			return nil, errf(http.StatusBadRequest, codeValidation,
				"A validation error occurred. The value %d of '%s' on record of type '%s' is outside the valid range. Accepted Values: %s",
				n, a.LogicalName, t.LogicalName, strings.Join(vals, ","))
		}
		return n, nil
	case typeInteger, typeBigInt:
		n, ok := toInt(v)
		if !ok {
			return nil, errConvert(literal(v), edmType(a))
		}
		if a.Type == typeInteger && (float64(n) < a.MinValue || float64(n) > a.MaxValue) {
			return nil, errOutOfRange(t, a, literal(v))
		}
		return n, nil
	case typeMoney, typeDecimal:
		f, ok := toFloat(v)
		if !ok {
			return nil, errConvert(literal(v), "Edm.Decimal")
		}
		if f < a.MinValue || f > a.MaxValue {
			return nil, errOutOfRange(t, a, literal(v))
		}
		p := math.Pow(10, float64(a.Precision))
		return math.Round(f*p) / p, nil
	case typeDateTime:
		str, ok := v.(string)
		tm, err := parseDateTime(str)
		if !ok || err != nil {
			return nil, errConvert(literal(v), edmType(a))
		}
		if a.Format == "DateOnly" {
			return tm.Format("2006-01-02"), nil
		}
		return timestamp(tm), nil
	case typeUniqueID:
		str, _ := v.(string)
		id, ok := parseGUIDKey(str)
		if !ok {
			return nil, errConvert(literal(v), "Edm.Guid")
		}
		return id, nil
	}
	return nil, errUnknownProperty(t.LogicalName, a.LogicalName)
}

func errOutOfRange(t *table, a *attribute, lit string) *apiError {
	return errf(http.StatusBadRequest, codeValidation,
		"A validation error occurred. The value %s of '%s' on record of type '%s' is outside the valid range. Accepted range: %s to %s",
		lit, a.LogicalName, t.LogicalName, formatPlain(a.MinValue), formatPlain(a.MaxValue))
}

func formatPlain(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func literal(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	default:
		b, _ := json.Marshal(v)
		return string(b)
	}
}

// parseDateTime accepts "2026-09-30" and RFC 3339 timestamps.
func parseDateTime(s string) (time.Time, error) {
	if tm, err := time.Parse("2006-01-02", s); err == nil {
		return tm, nil
	}
	tm, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, err
	}
	return tm.UTC(), nil
}

func toInt(v any) (int64, bool) {
	switch x := v.(type) {
	case json.Number:
		n, err := x.Int64()
		return n, err == nil
	case int:
		return int64(x), true
	case int64:
		return x, true
	case int32:
		return int64(x), true
	case float64:
		if x == math.Trunc(x) {
			return int64(x), true
		}
	}
	return 0, false
}

func toFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case json.Number:
		f, err := x.Float64()
		return f, err == nil
	case float64:
		return x, true
	case int:
		return float64(x), true
	case int64:
		return float64(x), true
	}
	return 0, false
}

package dataverse

import (
	"math"
	"strconv"
	"strings"
	"time"
)

// renderOpts selects what a record's JSON contains.
type renderOpts struct {
	sel  map[string]bool // wire names; nil = all columns
	pref prefer          // annotations wanted
}

// render turns a row into Web API JSON: @odata.etag, the primary key, the
// selected columns (lookups as _x_value; money also brings
// _transactioncurrencyid_value) and, if asked, annotations.
func (s *Service) render(t *table, rec record, ro renderOpts) map[string]any {
	size := len(t.attrs) + 1
	if ro.sel != nil {
		size = len(ro.sel) + 3 // + etag, key, currency
	}
	if ro.pref.anyAnnotations() {
		size *= 2
	}
	out := make(map[string]any, size) // sized once: rows of big pages are built by the thousand
	out["@odata.etag"], out[t.PrimaryIDAttribute] = rec.etag(), rec[t.PrimaryIDAttribute]
	want := func(a *attribute) bool { return ro.sel == nil || ro.sel[a.wireName()] }
	needCurrency := false
	for _, a := range t.attrs {
		if a.IsPrimaryID || !want(a) {
			continue
		}
		s.renderAttr(out, t, a, rec, ro.pref)
		needCurrency = needCurrency || a.Type == typeMoney
	}
	if cur := t.attr("transactioncurrencyid"); needCurrency && cur != nil && ro.sel != nil && !ro.sel[cur.wireName()] {
		s.renderAttr(out, t, cur, rec, ro.pref)
	}
	return out
}

func (s *Service) renderAttr(out map[string]any, t *table, a *attribute, rec record, p prefer) {
	v := rec[a.LogicalName]
	name := a.wireName()
	if rf, ok := v.(ref); ok {
		out[name] = rf.ID
		if p.annotationWanted(annLookupName) {
			out[name+"@"+annLookupName] = rf.Table
		}
		if p.annotationWanted(annNavProp) {
			out[name+"@"+annNavProp] = t.navFor(a.LogicalName, rf.Table)
		}
		if p.annotationWanted(annFormatted) {
			if target := s.schema.tables[rf.Table]; target != nil {
				if trec, ok := s.getRec(rf.Table, rf.ID); ok && target.PrimaryNameAttribute != "" {
					if n, ok := trec[target.PrimaryNameAttribute].(string); ok {
						out[name+"@"+annFormatted] = n
					}
				}
			}
		}
		return
	}
	out[name] = v
	if v != nil && p.annotationWanted(annFormatted) {
		if f, ok := s.formatted(a, rec, v); ok {
			out[name+"@"+annFormatted] = f
		}
	}
}

// formatted is the FormattedValue annotation of a value (en-US formats).
func (s *Service) formatted(a *attribute, rec record, v any) (string, bool) {
	switch a.Type {
	case typePicklist, typeState, typeStatus:
		if o, ok := a.option(int(v.(int64))); ok {
			return o.Label.text(), true
		}
	case typeBoolean:
		if v.(bool) {
			return a.TrueOption.Label.text(), true
		}
		return a.FalseOption.Label.text(), true
	case typeMoney:
		symbol, precision := "$", 2
		if rf, ok := rec["transactioncurrencyid"].(ref); ok {
			if cur, ok := s.getRec(rf.Table, rf.ID); ok {
				if sym, ok := cur["currencysymbol"].(string); ok {
					symbol = sym
				}
				if p, ok := cur["currencyprecision"].(int64); ok {
					precision = int(p)
				}
			}
		}
		f := v.(float64)
		sign := ""
		if f < 0 {
			sign, f = "-", -f
		}
		return sign + symbol + groupThousands(f, precision), true
	case typeInteger, typeBigInt:
		return groupThousands(float64(v.(int64)), 0), true
	case typeDecimal:
		return groupThousands(v.(float64), a.Precision), true
	case typeDateTime:
		str, _ := v.(string)
		tm, err := parseDateTime(str)
		if err != nil {
			return "", false
		}
		if a.Format == "DateOnly" {
			return tm.Format("1/2/2006"), true
		}
		return tm.In(time.UTC).Format("1/2/2006 3:04 PM"), true
	}
	return "", false
}

// groupThousands formats 48000 as "48,000.00" (precision 2).
func groupThousands(f float64, precision int) string {
	s := strconv.FormatFloat(math.Abs(f), 'f', precision, 64)
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteString("." + frac)
	}
	if f < 0 {
		return "-" + b.String()
	}
	return b.String()
}

// contextURL builds @odata.context for an entity set with an optional
// $select list.
func (s *Service) contextURL(root string, t *table, sel []string, entity bool) string {
	c := root + "$metadata#" + t.EntitySetName
	if len(sel) > 0 {
		c += "(" + strings.Join(sel, ",") + ")"
	}
	if entity {
		c += "/$entity"
	}
	return c
}

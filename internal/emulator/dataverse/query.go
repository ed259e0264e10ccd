package dataverse

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

const maxPageSize = 5000

// queryOpts are the parsed system query options of a record request.
type queryOpts struct {
	selList   []string
	sel       map[string]bool
	filter    fexpr
	order     []orderKey
	top       int
	count     bool
	skiptoken string
}

type orderKey struct {
	prop *fProp
	desc bool
}

var knownQueryOptions = map[string]bool{
	"$select": true, "$filter": true, "$orderby": true, "$top": true, "$count": true, "$skiptoken": true,
	"$expand": true, "$apply": true, "$skip": true,
}

// checkQueryOptions rejects unknown system query options; option names are
// case-sensitive ("$Select" is unknown).
func checkQueryOptions(q url.Values) *apiError {
	names := make([]string, 0, len(q))
	for k := range q {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if strings.HasPrefix(k, "$") && !knownQueryOptions[k] {
			return errf(http.StatusBadRequest, codeUnknownProperty, "The query parameter '%s' is not supported.", k)
		}
	}
	if _, ok := q["$skip"]; ok {
		return errf(http.StatusBadRequest, codeUnknownProperty, "The query parameter $skip is not supported; use paging with odata.maxpagesize and @odata.nextLink.")
	}
	if _, ok := q["$apply"]; ok {
		return errNotImplemented("$apply")
	}
	return nil
}

// parseRecordQuery parses the options of a record or record-collection
// request against the table's columns.
func (s *Service) parseRecordQuery(q url.Values, t *table) (*queryOpts, *apiError) {
	if e := checkQueryOptions(q); e != nil {
		return nil, e
	}
	if _, ok := q["$expand"]; ok {
		return nil, errNotImplemented("$expand on records")
	}
	o := &queryOpts{}
	if v, ok := q["$select"]; ok {
		o.sel = map[string]bool{}
		for _, name := range strings.Split(v[0], ",") {
			name = strings.TrimSpace(name)
			if t.byWireName(name) == nil {
				return nil, errUnknownProperty(t.LogicalName, name)
			}
			if !o.sel[name] {
				o.selList = append(o.selList, name)
			}
			o.sel[name] = true
		}
	}
	bind := s.recordBinder(t)
	if v := q.Get("$filter"); v != "" {
		f, e := parseFilter(v, bind)
		if e != nil {
			return nil, e
		}
		o.filter = f
	}
	if v := q.Get("$orderby"); v != "" {
		keys, e := parseOrderBy(v, bind)
		if e != nil {
			return nil, e
		}
		o.order = keys
	}
	if v, ok := q["$top"]; ok {
		n, err := strconv.Atoi(v[0])
		if err != nil || n < 0 {
			return nil, errf(http.StatusBadRequest, codeUnknownProperty, "Invalid value '%s' for $top query option found. The $top query option requires a non-negative integer value.", v[0])
		}
		o.top = n
		if n == 0 {
			o.top = -1 // $top=0: an empty page
		}
	}
	if v, ok := q["$count"]; ok {
		switch v[0] {
		case "true":
			o.count = true
		case "false":
		default:
			return nil, errf(http.StatusBadRequest, codeUnknownProperty, "Invalid value '%s' for $count query option found. Valid values are 'true' and 'false'.", v[0])
		}
	}
	o.skiptoken = q.Get("$skiptoken")
	return o, nil
}

func parseOrderBy(v string, bind propBinder) ([]orderKey, *apiError) {
	var keys []orderKey
	for _, item := range strings.Split(v, ",") {
		fields := strings.Fields(item)
		if len(fields) == 0 || len(fields) > 2 {
			return nil, errf(http.StatusBadRequest, codeUnknownProperty, "Syntax error in $orderby '%s'.", v)
		}
		k := orderKey{}
		if len(fields) == 2 {
			switch fields[1] {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, errf(http.StatusBadRequest, codeUnknownProperty, "Syntax error in $orderby '%s': expected 'asc' or 'desc'.", v)
			}
		}
		p, e := bind(fields[0])
		if e != nil {
			return nil, e
		}
		k.prop = p
		keys = append(keys, k)
	}
	return keys, nil
}

// compareAny orders values as SQL Server does for one column: nulls first,
// strings case-insensitively.
func compareAny(a, b any) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return -1
	case b == nil:
		return 1
	}
	if as, ok := a.(string); ok {
		if bs, ok := b.(string); ok {
			return strings.Compare(strings.ToLower(as), strings.ToLower(bs))
		}
	}
	if af, ok := toFloat(a); ok {
		if bf, ok := toFloat(b); ok {
			return cmpFloat(af, bf)
		}
	}
	if ab, ok := a.(bool); ok {
		if bb, ok := b.(bool); ok {
			return cmpBool(ab, bb)
		}
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

// sortKey is a row's values for the $orderby keys, then its primary key.
func (s *Service) sortKey(rec record, t *table, order []orderKey) []any {
	k := make([]any, 0, len(order)+1)
	for _, o := range order {
		k = append(k, s.recordValue(rec, o.prop))
	}
	return append(k, rec[t.PrimaryIDAttribute])
}

func compareKeys(a, b []any, order []orderKey) int {
	for i := range a {
		c := compareAny(a[i], b[i])
		if i < len(order) && order[i].desc {
			c = -c
		}
		if c != 0 {
			return c
		}
	}
	return 0
}

// queryCollection answers GET /<set> (scope nil) and GET
// /<set>(id)/<collection navigation> (scope keeps the related rows).
func (s *Service) queryCollection(w http.ResponseWriter, r *http.Request, t *table, scope func(record) bool) *apiError {
	q := r.URL.Query()
	o, e := s.parseRecordQuery(q, t)
	if e != nil {
		return e
	}
	pref := parsePrefer(r.Header)
	type row struct {
		rec record
		key []any
	}
	ids, narrowed := s.candidateIDs(t, o.filter)
	if !narrowed {
		ids = s.sortedIDs(t.LogicalName)
	}
	var rec record
	get := func(p *fProp) any { return s.recordValue(rec, p) }
	var rows []row
	for _, id := range ids {
		rec = s.data[t.LogicalName][id]
		if scope != nil && !scope(rec) {
			continue
		}
		if o.filter != nil && !o.filter.eval(get) {
			continue
		}
		rows = append(rows, row{rec: rec, key: s.sortKey(rec, t, o.order)})
	}
	less := func(i, j int) bool { return compareKeys(rows[i].key, rows[j].key, o.order) < 0 }
	// Without $orderby the rows come in primary key order already (ids
	// and candidates are sorted): a stable sort would leave them as they
	// are, so a linear check replaces it.
	if len(o.order) > 0 || !sort.SliceIsSorted(rows, less) {
		sort.SliceStable(rows, less)
	}
	total := len(rows)

	var applied []string
	pageSize := maxPageSize
	if o.top == 0 && pref.MaxPageSize > 0 {
		pageSize = min(pref.MaxPageSize, maxPageSize)
		applied = append(applied, "odata.maxpagesize="+strconv.Itoa(pageSize))
	}
	start, page := 0, 1
	if o.skiptoken != "" {
		ck, err := parseSkipToken(o.skiptoken)
		if err == nil && len(ck.last) != len(o.order)+1 {
			err = fmt.Errorf("it was issued for a different $orderby")
		}
		if err != nil {
			return errf(http.StatusBadRequest, codeUnknownProperty, "The $skiptoken value is not valid: %v", err)
		}
		page = ck.page
		start = len(rows)
		for i, rw := range rows {
			if compareKeys(rw.key, ck.last, o.order) > 0 {
				start = i
				break
			}
		}
	}
	end := min(start+pageSize, len(rows))
	if o.top != 0 {
		end = min(start+max(o.top, 0), len(rows), start+maxPageSize)
	}
	value := make([]map[string]any, 0, end-start)
	ro := renderOpts{sel: o.sel, pref: pref}
	for _, rw := range rows[start:end] {
		value = append(value, s.render(t, rw.rec, ro))
	}
	if pref.anyAnnotations() {
		applied = append(applied, `odata.include-annotations="`+pref.Annotations+`"`)
	}
	if len(applied) > 0 {
		w.Header().Set("Preference-Applied", strings.Join(applied, ","))
	}
	body := map[string]any{"@odata.context": s.contextURL(s.serviceRoot(r), t, o.selList, false), "value": value}
	if o.count {
		body["@odata.count"] = min(total, maxPageSize)
	}
	if o.top == 0 && end < len(rows) {
		first, last := rows[start].key, rows[end-1].key
		body["@odata.nextLink"] = s.orgURL() + r.URL.Path + "?" + withSkipToken(r.URL.RawQuery,
			skipToken(t, o.order, page, first, last))
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}

// --- $skiptoken ----------------------------------------------------------
//
// The token looks like Dataverse's paging cookie:
//   <cookie pagenumber="2" pagingcookie="%3ccookie page%3d%221%22%3e…" istracking="False" />
// The inner cookie holds, per $orderby column and for the primary key, the
// first and last value of the page just served; the next page starts after
// "last", so rows inserted or deleted meanwhile do not shift pages.

type pageCookie struct {
	page int   // number of the page to serve
	last []any // sort key of the last row served
}

func skipToken(t *table, order []orderKey, page int, first, last []any) string {
	var inner strings.Builder
	fmt.Fprintf(&inner, `<cookie page="%d">`, page)
	for i := range last {
		name, f, l := t.PrimaryIDAttribute, "", ""
		if i < len(order) {
			name = order[i].prop.path
			fj, _ := json.Marshal(first[i])
			lj, _ := json.Marshal(last[i])
			f, l = url.QueryEscape(string(fj)), url.QueryEscape(string(lj))
		} else {
			f, l = "{"+strings.ToUpper(fmt.Sprint(first[i]))+"}", "{"+strings.ToUpper(fmt.Sprint(last[i]))+"}"
		}
		fmt.Fprintf(&inner, `<%s last="%s" first="%s" />`, name, l, f)
	}
	inner.WriteString(`</cookie>`)
	return fmt.Sprintf(`<cookie pagenumber="%d" pagingcookie="%s" istracking="False" />`, page+1, cookieEscape(inner.String(), false))
}

// cookieEscape percent-encodes with lower-case hex. The inner cookie keeps
// spaces (as Dataverse's does); the URL form escapes them too.
func cookieEscape(s string, forURL bool) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '.', c == '~':
			b.WriteByte(c)
		case c == ' ' && !forURL:
			b.WriteByte(c)
		case forURL && (c == '=' || c == '/'):
			b.WriteByte(c)
		default:
			if forURL {
				fmt.Fprintf(&b, "%%%02X", c)
			} else {
				fmt.Fprintf(&b, "%%%02x", c)
			}
		}
	}
	return b.String()
}

// withSkipToken replaces any $skiptoken in a raw query with tok.
func withSkipToken(rawQuery, tok string) string {
	var keep []string
	for _, part := range strings.Split(rawQuery, "&") {
		if part == "" || strings.HasPrefix(part, "$skiptoken=") || strings.HasPrefix(strings.ToLower(part), "%24skiptoken=") {
			continue
		}
		keep = append(keep, part)
	}
	return strings.Join(append(keep, "$skiptoken="+cookieEscape(tok, true)), "&")
}

var (
	outerCookieRe = regexp.MustCompile(`^<cookie pagenumber="(\d+)" pagingcookie="([^"]*)" istracking="(?:True|False)" />$`)
	innerKeyRe    = regexp.MustCompile(`<([A-Za-z0-9_/]+) last="([^"]*)" first="([^"]*)" />`)
)

func parseSkipToken(tok string) (pageCookie, error) {
	m := outerCookieRe.FindStringSubmatch(tok)
	if m == nil {
		return pageCookie{}, fmt.Errorf("not a paging cookie")
	}
	page, _ := strconv.Atoi(m[1])
	inner, err := url.PathUnescape(m[2])
	if err != nil {
		return pageCookie{}, err
	}
	keys := innerKeyRe.FindAllStringSubmatch(inner, -1)
	if len(keys) == 0 {
		return pageCookie{}, fmt.Errorf("the paging cookie has no keys")
	}
	ck := pageCookie{page: page}
	for i, k := range keys {
		if i == len(keys)-1 {
			id, ok := parseGUIDKey(k[2])
			if !ok {
				return pageCookie{}, fmt.Errorf("bad primary key in paging cookie")
			}
			ck.last = append(ck.last, id)
			continue
		}
		raw, err := url.QueryUnescape(k[2])
		if err != nil {
			return pageCookie{}, err
		}
		var v any
		if err := json.Unmarshal([]byte(raw), &v); err != nil {
			return pageCookie{}, err
		}
		ck.last = append(ck.last, v)
	}
	return ck, nil
}

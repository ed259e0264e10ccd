package partnercenter

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// listQuery is the effective query of a list request; it travels inside
// $skiptoken so that following @odata.nextLink needs nothing else.
type listQuery struct {
	Filter  string `json:"f,omitempty"`
	OrderBy string `json:"o,omitempty"`
	Select  string `json:"s,omitempty"`
	Count   bool   `json:"c,omitempty"`
	Size    int    `json:"t"` // page size after defaults and the cap
	Offset  int    `json:"n"`
}

var supportedQueryOptions = set("$filter", "$orderby", "$top", "$skip", "$skiptoken", "$count", "$select")

func (s *Service) parseListQuery(v url.Values) (listQuery, error) {
	for k := range v {
		if strings.HasPrefix(k, "$") && !supportedQueryOptions[k] {
			return listQuery{}, badRequest("UnsupportedQueryOption", "the query option '%s' is not supported (supported: $filter, $orderby, $top, $skip, $skiptoken, $count, $select)", k)
		}
	}
	for k, vals := range v {
		if strings.HasPrefix(k, "$") && len(vals) > 1 {
			return listQuery{}, badRequest("InvalidQueryOption", "the query option '%s' is given more than once", k)
		}
	}
	q := listQuery{Filter: v.Get("$filter"), OrderBy: v.Get("$orderby"), Select: v.Get("$select"), Size: s.pageSize}
	if t := v.Get("$top"); v.Has("$top") {
		n, err := strconv.Atoi(t)
		if err != nil || n < 0 {
			return listQuery{}, badRequest("InvalidQueryOption", "$top must be a non-negative integer, not '%s'", t)
		}
		q.Size = min(n, s.maxPageSize)
	}
	if c := v.Get("$count"); v.Has("$count") {
		switch c {
		case "true":
			q.Count = true
		case "false":
		default:
			return listQuery{}, badRequest("InvalidQueryOption", "$count must be true or false, not '%s'", c)
		}
	}
	if v.Has("$skiptoken") {
		return s.resumeQuery(v, q)
	}
	if sk := v.Get("$skip"); v.Has("$skip") {
		n, err := strconv.Atoi(sk)
		if err != nil || n < 0 {
			return listQuery{}, badRequest("InvalidQueryOption", "$skip must be a non-negative integer, not '%s'", sk)
		}
		q.Offset = n
	}
	return q, nil
}

// resumeQuery decodes $skiptoken; query options repeated next to it must
// agree with the ones the token was issued for.
func (s *Service) resumeQuery(v url.Values, given listQuery) (listQuery, error) {
	raw, err := base64.RawURLEncoding.DecodeString(v.Get("$skiptoken"))
	var q listQuery
	if err == nil {
		err = json.Unmarshal(raw, &q)
	}
	if err != nil || q.Offset < 0 || q.Size < 0 {
		return listQuery{}, badRequest("InvalidSkipToken", "the $skiptoken is not valid; follow @odata.nextLink as returned")
	}
	mismatch := (v.Has("$filter") && given.Filter != q.Filter) ||
		(v.Has("$orderby") && given.OrderBy != q.OrderBy) ||
		(v.Has("$select") && given.Select != q.Select) ||
		(v.Has("$top") && given.Size != q.Size) ||
		(v.Has("$count") && given.Count != q.Count) || v.Has("$skip")
	if mismatch {
		return listQuery{}, badRequest("InvalidSkipToken", "the query options next to $skiptoken differ from the ones it was issued for")
	}
	return q, nil
}

func (q listQuery) token() string {
	b, _ := json.Marshal(q)
	return base64.RawURLEncoding.EncodeToString(b)
}

type orderKey struct {
	prop string
	desc bool
}

func parseOrderBy(s string) ([]orderKey, error) {
	if strings.TrimSpace(s) == "" {
		return []orderKey{{prop: "createdDateTime"}}, nil
	}
	var out []orderKey
	for _, part := range strings.Split(s, ",") {
		f := strings.Fields(part)
		if len(f) == 0 || len(f) > 2 {
			return nil, badRequest("InvalidQueryOption", "invalid $orderby clause '%s'", strings.TrimSpace(part))
		}
		if !orderByProperties[f[0]] {
			return nil, badRequest("InvalidQueryOption", "$orderby on '%s' is not supported (supported: createdDateTime, updatedDateTime)", f[0])
		}
		k := orderKey{prop: f[0]}
		if len(f) == 2 {
			switch f[1] {
			case "asc":
			case "desc":
				k.desc = true
			default:
				return nil, badRequest("InvalidQueryOption", "$orderby direction must be asc or desc, not '%s'", f[1])
			}
		}
		out = append(out, k)
	}
	return out, nil
}

// listPage is a Referrals list response (§1.4).
type listPage struct {
	Context  string `json:"@odata.context"`
	Count    *int   `json:"@odata.count,omitempty"`
	Value    []any  `json:"value"`
	NextLink string `json:"@odata.nextLink,omitempty"`
}

// AppendJSON writes the page as encoding/json writes the struct (fields in
// order, omitempty), without reflection over its thousands of values.
func (p listPage) AppendJSON(dst []byte) ([]byte, error) {
	dst = append(dst, `{"@odata.context":`...)
	dst, _ = core.AppendJSON(dst, p.Context)
	if p.Count != nil {
		dst = append(dst, `,"@odata.count":`...)
		dst = strconv.AppendInt(dst, int64(*p.Count), 10)
	}
	dst = append(dst, `,"value":`...)
	dst, err := core.AppendJSON(dst, p.Value)
	if err != nil {
		return dst, err
	}
	if p.NextLink != "" {
		dst = append(dst, `,"@odata.nextLink":`...)
		dst, _ = core.AppendJSON(dst, p.NextLink)
	}
	return append(dst, '}'), nil
}

func (s *Service) listReferrals(w http.ResponseWriter, r *http.Request) {
	v, err := url.ParseQuery(r.URL.RawQuery)
	if err != nil {
		writeHTTPError(w, badRequest("InvalidQueryString", "the query string is malformed: %v", err))
		return
	}
	q, err := s.parseListQuery(v)
	if err != nil {
		writeHTTPError(w, err)
		return
	}
	filter, err := parseFilter(q.Filter)
	if err != nil {
		writeHTTPError(w, badRequest("InvalidFilter", "%v", err))
		return
	}
	order, err := parseOrderBy(q.OrderBy)
	if err != nil {
		writeHTTPError(w, err)
		return
	}
	var sel []string
	if strings.TrimSpace(q.Select) != "" {
		for _, f := range strings.Split(q.Select, ",") {
			f = strings.TrimSpace(f)
			if f == "" || strings.Contains(f, "/") {
				writeHTTPError(w, badRequest("InvalidQueryOption", "$select supports top-level property names only, not '%s'", f))
				return
			}
			sel = append(sel, f)
		}
	}

	// Stored documents are never changed in place (every write stores a new
	// one), so listings share them and copy nothing.
	matched := s.listing(q.Filter, q.OrderBy, filter, order)

	total := len(matched)
	start := min(q.Offset, total)
	end := min(start+q.Size, total)
	page := listPage{
		Context: "https://" + r.Host + "/v1.0/engagements/$metadata#Referrals",
		Value:   make([]any, 0, end-start),
	}
	if q.Count {
		page.Count = &total
	}
	for _, ref := range matched[start:end] {
		page.Value = append(page.Value, project(ref.doc, sel))
	}
	if q.Size > 0 && end < total {
		next := q
		next.Offset = end
		page.NextLink = "https://" + r.Host + referralsBasePath + "?$skiptoken=" + next.token()
	}
	writeJSON(w, http.StatusOK, page)
}

func project(doc map[string]any, sel []string) map[string]any {
	if len(sel) == 0 {
		return doc
	}
	out := make(map[string]any, len(sel))
	for _, k := range sel {
		if v, ok := doc[k]; ok {
			out[k] = v
		}
	}
	return out
}

func (s *Service) getReferral(w http.ResponseWriter, r *http.Request) {
	ref, ok := s.Referral(r.PathValue("id"))
	if !ok {
		s.referralNotFound(w, r.PathValue("id"))
		return
	}
	w.Header().Set("ETag", ref.ETag())
	writeJSON(w, http.StatusOK, ref)
}

func (s *Service) referralNotFound(w http.ResponseWriter, id string) {
	s.WriteError(w, http.StatusNotFound, "ReferralNotFound", "Referral with id '"+id+"' was not found.")
}

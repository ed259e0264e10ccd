package dataverse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// Query holds the OData options of a record query.
type Query struct {
	Select      []string // $select (always select what you need)
	Filter      string   // $filter; build values with Quote / EqGUID
	OrderBy     string   // $orderby, e.g. "modifiedon desc"
	Expand      string   // $expand, e.g. "parentaccountid($select=name)"
	Top         int      // $top; not together with MaxPageSize
	MaxPageSize int      // Prefer: odata.maxpagesize (≤ 5000)
	Count       bool     // $count=true
	// IncludeAnnotations asks for annotations: "*" for all, or a comma list
	// such as "OData.Community.Display.V1.FormattedValue".
	IncludeAnnotations string
}

func (q Query) encode() string {
	var b queryBuilder
	b.add("$select", strings.Join(q.Select, ","))
	b.add("$filter", q.Filter)
	b.add("$orderby", q.OrderBy)
	b.add("$expand", q.Expand)
	if q.Top > 0 {
		b.add("$top", strconv.Itoa(q.Top))
	}
	if q.Count {
		b.add("$count", "true")
	}
	return b.String()
}

func (q Query) prefer() string {
	var p []string
	if q.MaxPageSize > 0 {
		p = append(p, "odata.maxpagesize="+strconv.Itoa(q.MaxPageSize))
	}
	if q.IncludeAnnotations != "" {
		p = append(p, `odata.include-annotations="`+strings.Trim(q.IncludeAnnotations, `"`)+`"`)
	}
	return strings.Join(p, ",")
}

type recordPage struct {
	Value    []Record `json:"value"`
	NextLink string   `json:"@odata.nextLink"`
}

// Query calls fn with each page of entitySet rows matching q, following
// @odata.nextLink verbatim with the same Prefer header (see facts.go). It
// stops at the first error, including one returned by fn.
func (c *Client) Query(ctx context.Context, entitySet string, q Query, fn func(page []Record) error) error {
	if q.MaxPageSize > 0 && q.Top > 0 {
		return errors.New("dataverse: MaxPageSize cannot be combined with Top")
	}
	if q.MaxPageSize > 5000 {
		return fmt.Errorf("dataverse: MaxPageSize %d exceeds 5000", q.MaxPageSize)
	}
	r := request{path: entitySet, query: q.encode(), header: headerWith(HeaderPrefer, q.prefer())}
	var page recordPage
	if _, err := c.getJSON(ctx, r, &page); err != nil {
		return err
	}
	return c.followPages(ctx, r, page, fn)
}

// followPages hands page to fn, then follows its @odata.nextLink verbatim
// with r's headers until the last page.
func (c *Client) followPages(ctx context.Context, r request, page recordPage, fn func(page []Record) error) error {
	for {
		if err := fn(page.Value); err != nil {
			return err
		}
		if page.NextLink == "" {
			return nil
		}
		if !c.sameOrigin(page.NextLink) {
			return fmt.Errorf("dataverse: refusing @odata.nextLink outside %s: %s", c.org, page.NextLink)
		}
		if page.NextLink == r.url {
			return fmt.Errorf("dataverse: server repeated @odata.nextLink %s", page.NextLink)
		}
		r.url = page.NextLink
		page = recordPage{}
		if _, err := c.getJSON(ctx, r, &page); err != nil {
			return err
		}
	}
}

// QueryAll returns every row matching q (all pages).
func (c *Client) QueryAll(ctx context.Context, entitySet string, q Query) ([]Record, error) {
	var all []Record
	err := c.Query(ctx, entitySet, q, func(p []Record) error {
		all = append(all, p...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return all, nil
}

// Get reads one row by primary key (or alternate-key expression). A missing
// row gives an error for which IsNotFound is true.
func (c *Client) Get(ctx context.Context, entitySet, id string, selectCols []string) (Record, error) {
	if id == "" {
		return nil, errors.New("dataverse: get: empty id")
	}
	var q queryBuilder
	q.add("$select", strings.Join(selectCols, ","))
	var rec Record
	if _, err := c.getJSON(ctx, request{path: keyPath(entitySet, id), query: q.String()}, &rec); err != nil {
		return nil, err
	}
	return rec, nil
}

// PrimaryKeyFor returns the primary key column of an entity set (facts.go §2).
func (c *Client) PrimaryKeyFor(entitySet string) string {
	if pk, ok := c.opts.PrimaryKeys[entitySet]; ok {
		return pk
	}
	s := entitySet
	switch {
	case strings.HasSuffix(s, "ies"):
		s = s[:len(s)-3] + "y"
	case strings.HasSuffix(s, "sses"), strings.HasSuffix(s, "xes"), strings.HasSuffix(s, "ches"), strings.HasSuffix(s, "shes"):
		s = s[:len(s)-2]
	case strings.HasSuffix(s, "s"):
		s = s[:len(s)-1]
	}
	return s + "id"
}

// Create inserts rec into entitySet and returns its id. The primary key is
// generated client-side unless rec carries one; see facts.go §1 for how an
// ambiguous failure is resolved by looking before re-creating.
func (c *Client) Create(ctx context.Context, entitySet string, rec Record) (string, error) {
	return c.CreateInSolution(ctx, entitySet, rec, "")
}

// CreateInSolution is Create with MSCRM.SolutionUniqueName (for
// solution-aware rows such as environment variable definitions).
func (c *Client) CreateInSolution(ctx context.Context, entitySet string, rec Record, solution string) (string, error) {
	pk := c.PrimaryKeyFor(entitySet)
	body := rec.writable()
	id, supplied := body[pk].(string)
	supplied = supplied && id != ""
	if !supplied {
		id = c.newID()
		body[pk] = id
	}
	resp, _, err := c.send(ctx, request{
		method: http.MethodPost, path: entitySet, body: body,
		header: headerWith(HeaderSolutionUniqueName, solution), retrySafe: true,
	})
	if err != nil {
		if ambiguous(err) || (!supplied && IsDuplicate(err)) {
			if ok, lookErr := c.exists(ctx, entitySet, pk, id); lookErr == nil && ok {
				return id, nil
			}
		}
		return "", err
	}
	if got := entityID(resp.Header); got != "" {
		return got, nil
	}
	return id, nil
}

// ambiguous: the request may or may not have been applied.
func ambiguous(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	e, ok := AsError(err)
	return !ok || e.StatusCode >= 500
}

func (c *Client) exists(ctx context.Context, set, pk, id string) (bool, error) {
	_, err := c.Get(ctx, set, id, []string{pk})
	switch {
	case err == nil:
		return true, nil
	case IsNotFound(err):
		return false, nil
	}
	return false, err
}

// entityID reads the created key from OData-EntityId, else Location.
func entityID(h http.Header) string {
	for _, k := range []string{HeaderEntityID, "Location"} {
		if id := idFromEntityURL(h.Get(k)); id != "" {
			return id
		}
	}
	return ""
}

// Update patches the given columns of one row. ifMatch "" sends If-Match: *
// (update only: 404 instead of creating); otherwise the ETag is sent and a
// changed row answers 412 (IsPreconditionFailed).
func (c *Client) Update(ctx context.Context, entitySet, id string, rec Record, ifMatch string) error {
	if id == "" {
		return errors.New("dataverse: update: empty id")
	}
	if ifMatch == "" {
		ifMatch = "*"
	}
	_, _, err := c.send(ctx, request{
		method: http.MethodPatch, path: keyPath(entitySet, id), body: rec.writable(),
		header: headerWith("If-Match", ifMatch), retrySafe: true,
	})
	return err
}

// Delete removes one row; ifMatch, when set, guards it with the row's ETag.
// A missing row gives an error for which IsNotFound is true.
func (c *Client) Delete(ctx context.Context, entitySet, id, ifMatch string) error {
	if id == "" {
		return errors.New("dataverse: delete: empty id")
	}
	_, _, err := c.send(ctx, request{method: http.MethodDelete, path: keyPath(entitySet, id), header: headerWith("If-Match", ifMatch)})
	return err
}

// first returns the single row matching q, ErrNotFound for none, and an
// error for more than one.
func (c *Client) first(ctx context.Context, entitySet string, q Query, what string) (Record, error) {
	q.Top = 0
	q.MaxPageSize = 0
	rows, err := c.QueryAll(ctx, entitySet, q)
	if err != nil {
		return nil, err
	}
	switch len(rows) {
	case 0:
		return nil, fmt.Errorf("%s: %w", what, ErrNotFound)
	case 1:
		return rows[0], nil
	}
	return nil, fmt.Errorf("dataverse: %s: %d rows match, expected one", what, len(rows))
}

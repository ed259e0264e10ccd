package partnercenter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// DefaultReferralsBaseURL is the Referrals API host (token audience
// https://api.partner.microsoft.com, user tokens only).
const DefaultReferralsBaseURL = "https://api.partner.microsoft.com"

// ReferralsPath is the collection path under the base URL.
const ReferralsPath = "/v1.0/engagements/referrals"

// ReferralsClient calls the Referrals (engagements) API.
type ReferralsClient struct{ c conn }

// NewReferralsClient returns a client for baseURL ("" = DefaultReferralsBaseURL).
// At most one Options value is used.
func NewReferralsClient(d Doer, baseURL string, opts ...Options) *ReferralsClient {
	return &ReferralsClient{c: newConn(d, baseURL, DefaultReferralsBaseURL, opts)}
}

// BaseURL returns the base URL requests go to.
func (rc *ReferralsClient) BaseURL() string { return rc.c.base }

// ListOptions are the OData query options of a list call. Build Filter with
// NewFilter (or write it yourself, quoting strings with QuoteString).
type ListOptions struct {
	Filter  string   // $filter
	OrderBy string   // $orderby, e.g. "updatedDateTime desc"
	Top     int      // $top when > 0
	Select  []string // $select
}

func (o ListOptions) query() string {
	var q queryBuilder
	q.add("$filter", o.Filter)
	q.add("$orderby", o.OrderBy)
	if o.Top > 0 {
		q.add("$top", strconv.Itoa(o.Top))
	}
	q.add("$select", strings.Join(o.Select, ","))
	return q.String()
}

// referralPage is one list response. Some tools answer with a bare array;
// UnmarshalJSON accepts that too.
type referralPage struct {
	Count    *int       `json:"@odata.count,omitempty"`
	Value    []Referral `json:"value"`
	NextLink string     `json:"@odata.nextLink,omitempty"`
}

func (p *referralPage) UnmarshalJSON(b []byte) error {
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '[' {
		return json.Unmarshal(t, &p.Value)
	}
	type plain referralPage
	return json.Unmarshal(b, (*plain)(p))
}

// ListPages calls fn with each page of referrals matching opts, following
// @odata.nextLink (rebased onto the configured base URL; see facts.go). It
// stops at the first error, including one returned by fn.
func (rc *ReferralsClient) ListPages(ctx context.Context, opts ListOptions, fn func(page []Referral) error) error {
	next := rc.c.base + ReferralsPath
	if q := opts.query(); q != "" {
		next += "?" + q
	}
	for prev := ""; next != ""; {
		req, err := rc.c.newRequest(ctx, http.MethodGet, next, nil)
		if err != nil {
			return err
		}
		_, body, err := rc.c.do(req)
		if err != nil {
			return err
		}
		var page referralPage
		if err := decode(req, body, &page); err != nil {
			return err
		}
		if err := fn(page.Value); err != nil {
			return err
		}
		if page.NextLink == "" {
			return nil
		}
		if page.NextLink == prev {
			return fmt.Errorf("partnercenter: list referrals: server repeated nextLink %q", prev)
		}
		prev = page.NextLink
		if next, err = rc.rebase(page.NextLink); err != nil {
			return err
		}
	}
	return nil
}

// rebase keeps the nextLink's query (the continuation token) and puts it on
// the configured base URL and collection path.
func (rc *ReferralsClient) rebase(link string) (string, error) {
	u, err := url.Parse(link)
	if err != nil {
		return "", fmt.Errorf("partnercenter: bad @odata.nextLink %q: %w", link, err)
	}
	if u.RawQuery == "" {
		return "", fmt.Errorf("partnercenter: @odata.nextLink %q has no continuation query", link)
	}
	return rc.c.base + ReferralsPath + "?" + u.RawQuery, nil
}

// List returns every referral matching opts (all pages; at most opts.Top when
// Top > 0).
func (rc *ReferralsClient) List(ctx context.Context, opts ListOptions) ([]Referral, error) {
	var all []Referral
	errEnough := errors.New("enough")
	err := rc.ListPages(ctx, opts, func(page []Referral) error {
		all = append(all, page...)
		if opts.Top > 0 && len(all) >= opts.Top {
			all = all[:opts.Top]
			return errEnough
		}
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, err
	}
	return all, nil
}

func (rc *ReferralsClient) itemURL(id string) (string, error) {
	if strings.TrimSpace(id) == "" {
		return "", errors.New("partnercenter: referral id is empty")
	}
	return rc.c.base + ReferralsPath + "/" + url.PathEscape(id), nil
}

// Get reads one referral. Its ETag comes from the body's eTag, else the ETag
// header. A missing referral gives an error for which IsNotFound is true.
func (rc *ReferralsClient) Get(ctx context.Context, id string) (*Referral, error) {
	u, err := rc.itemURL(id)
	if err != nil {
		return nil, err
	}
	req, err := rc.c.newRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, body, err := rc.c.do(req)
	if err != nil {
		return nil, err
	}
	return referralFrom(req, resp, body)
}

func referralFrom(req *http.Request, resp *http.Response, body []byte) (*Referral, error) {
	var r Referral
	if err := decode(req, body, &r); err != nil {
		return nil, err
	}
	if r.ETag == "" {
		r.ETag = resp.Header.Get("ETag")
	}
	return &r, nil
}

// Create posts a new referral and returns the populated referral (200 or 201).
// The request carries a fresh MS-RequestId that transport retries reuse, and
// is marked retry-safe.
func (rc *ReferralsClient) Create(ctx context.Context, r *Referral) (*Referral, error) {
	return rc.CreateWithRequestID(ctx, r, "")
}

// CreateWithRequestID is Create with a caller-chosen MS-RequestId (a GUID;
// "" = fresh): a caller that derives it from its own record (the sync: from
// the opportunity id) gets the same referral back when it re-sends the POST
// after losing the answer, even from a new process.
func (rc *ReferralsClient) CreateWithRequestID(ctx context.Context, r *Referral, requestID string) (*Referral, error) {
	if r == nil {
		return nil, errors.New("partnercenter: create referral: nil referral")
	}
	req, err := rc.c.newRequest(ctx, http.MethodPost, rc.c.base+ReferralsPath, r)
	if err != nil {
		return nil, err
	}
	if requestID != "" {
		req.Header.Set(HeaderRequestID, requestID)
	}
	req = rc.c.retrySafe(req)
	resp, body, err := rc.c.do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusCreated {
		return nil, fmt.Errorf("partnercenter: create referral: unexpected HTTP %d", resp.StatusCode)
	}
	return referralFrom(req, resp, body)
}

// Patch applies JSON Patch ops (replace/add only) to a referral. etag, when
// not empty, is sent as If-Match (a mismatch gives IsPreconditionFailed).
// Prefer: return=representation is sent; on 200 the updated referral is
// returned, on 204 the result is nil with no error.
func (rc *ReferralsClient) Patch(ctx context.Context, id string, ops []PatchOp, etag string) (*Referral, error) {
	if err := ValidatePatch(ops); err != nil {
		return nil, err
	}
	u, err := rc.itemURL(id)
	if err != nil {
		return nil, err
	}
	req, err := rc.c.newRequest(ctx, http.MethodPatch, u, ops)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Prefer", "return=representation")
	if etag != "" {
		req.Header.Set("If-Match", etag)
	}
	if patchIsIdempotent(ops) {
		req = rc.c.retrySafe(req)
	}
	resp, body, err := rc.c.do(req)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode == http.StatusNoContent || len(bytes.TrimSpace(body)) == 0 {
		return nil, nil
	}
	return referralFrom(req, resp, body)
}

// Package dataverse is a typed client for the Dataverse Web API (OData v4):
// records with paging, ETags and $batch; table/column/relationship metadata
// and publishing; the opportunity close actions; and typed helpers for
// environment variables, cloud flows (workflows) and connection references.
// Every unconfirmed protocol choice is written down in facts.go.
package dataverse

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/google/uuid"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// Doer sends one HTTP request. The provider's transport.Client satisfies it;
// requests reach it without credentials and leave it authenticated.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options tunes a Client. The zero value is valid.
type Options struct {
	// MarkRetrySafe tells the transport that a POST/PATCH may be re-sent after
	// an ambiguous failure (the transport's MarkRetrySafe). nil = no-op.
	MarkRetrySafe func(*http.Request) *http.Request
	// NewID returns a fresh GUID for client-generated primary keys.
	// nil = uuid.NewString.
	NewID func() string
	// PrimaryKeys maps an entity set name to its primary key column where the
	// naming rule in PrimaryKeyFor does not hold.
	PrimaryKeys map[string]string
}

// APIPath is the Web API root under the organization URL.
const APIPath = "/api/data/v9.2"

// Header names and values Dataverse uses.
const (
	HeaderSolutionUniqueName = "MSCRM.SolutionUniqueName"
	HeaderMergeLabels        = "MSCRM.MergeLabels"
	HeaderConsistency        = "Consistency"
	HeaderEntityID           = "OData-EntityId"
	HeaderPrefer             = "Prefer"
	HeaderPreferenceApplied  = "Preference-Applied"
)

const maxBody = 128 << 20

// Client talks to one Dataverse organization.
type Client struct {
	doer Doer
	org  string // https://org.crm.dynamics.com, no trailing slash
	api  string // org + APIPath
	opts Options
	pub  *Publisher // coalesces this organization's publishes (Publish)
}

// New returns a client for orgURL (e.g. https://contoso.crm.dynamics.com).
// At most one Options value is used.
func New(d Doer, orgURL string, opts ...Options) *Client {
	org := strings.TrimRight(orgURL, "/")
	c := &Client{doer: d, org: org, api: org + APIPath}
	if len(opts) > 0 {
		c.opts = opts[0]
	}
	c.pub = NewPublisher(c.PublishXml)
	return c
}

// OrgURL returns the organization URL (also the token audience).
func (c *Client) OrgURL() string { return c.org }

// APIURL returns the Web API root URL (…/api/data/v9.2).
func (c *Client) APIURL() string { return c.api }

func (c *Client) newID() string {
	if c.opts.NewID != nil {
		return c.opts.NewID()
	}
	return uuid.NewString()
}

// request describes one call. path is relative to the Web API root (no
// leading slash) unless url is set.
type request struct {
	method    string
	path      string
	url       string // absolute; wins over path (nextLink)
	query     string // already encoded
	body      any    // JSON-encoded unless []byte
	header    http.Header
	retrySafe bool
	// lookup makes a create without a client-chosen key safe to retry
	// (transport.WithLookup): it says whether a lost attempt was applied.
	lookup transport.Lookup
}

func (c *Client) build(ctx context.Context, r request) (*http.Request, error) {
	u := r.url
	if u == "" {
		u = c.api + "/" + r.path
		if r.query != "" {
			u += "?" + r.query
		}
	}
	var rd io.Reader
	if r.body != nil {
		b, ok := r.body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(r.body); err != nil {
				return nil, fmt.Errorf("dataverse: encode %s %s body: %w", r.method, r.path, err)
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, r.method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("dataverse: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("OData-MaxVersion", "4.0")
	req.Header.Set("OData-Version", "4.0")
	if r.body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if r.method == http.MethodGet {
		// Docs: avoid cached expansions on reads.
		req.Header.Set("If-None-Match", "null")
	}
	for k, vs := range r.header {
		req.Header[k] = vs
	}
	if r.retrySafe && c.opts.MarkRetrySafe != nil {
		req = c.opts.MarkRetrySafe(req)
	}
	if r.lookup != nil {
		req = transport.WithLookup(req, r.lookup)
	}
	return req, nil
}

// send performs r and reads the body. Any non-2xx answer becomes *Error.
func (c *Client) send(ctx context.Context, r request) (*http.Response, []byte, error) {
	req, err := c.build(ctx, r)
	if err != nil {
		return nil, nil, err
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp, nil, fmt.Errorf("dataverse: read %s %s response: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, body, newError(resp.StatusCode, resp.Header, body)
	}
	return resp, body, nil
}

// getJSON performs a GET and decodes the answer into v (numbers as json.Number).
func (c *Client) getJSON(ctx context.Context, r request, v any) (*http.Response, error) {
	r.method = http.MethodGet
	resp, body, err := c.send(ctx, r)
	if err != nil {
		return resp, err
	}
	return resp, decodeJSON(body, v)
}

func decodeJSON(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("dataverse: decode response: %w", err)
	}
	return nil
}

// sameOrigin reports whether u is on the organization's scheme and host, so a
// server-supplied link never carries the bearer token elsewhere.
func (c *Client) sameOrigin(u string) bool {
	a, err1 := url.Parse(u)
	b, err2 := url.Parse(c.org)
	return err1 == nil && err2 == nil && strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

func headerWith(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] != "" {
			h[kv[i]] = []string{kv[i+1]}
		}
	}
	return h
}

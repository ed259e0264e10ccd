// Package partnercenter is a typed client for the Partner Center Referrals API
// (api.partner.microsoft.com) and the Partner Center Webhooks registration API
// (api.partnercenter.microsoft.com), plus the webhook callback event model and
// its signature check. Wire types live here and nowhere near the Terraform
// schema. Every unconfirmed protocol choice is written down in facts.go.
package partnercenter

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/google/uuid"
)

// Doer sends one HTTP request. The provider's transport.Client satisfies it;
// requests reach it without credentials and leave it authenticated.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options tunes a client. The zero value is valid.
type Options struct {
	// MarkRetrySafe tells the transport that a POST/PATCH may be re-sent after
	// an ambiguous failure (the transport's MarkRetrySafe). nil = no-op, in
	// which case the transport decides by method alone.
	MarkRetrySafe func(*http.Request) *http.Request
	// NewID returns a fresh GUID for MS-RequestId / MS-CorrelationId.
	// nil = uuid.NewString (tests inject a deterministic one).
	NewID func() string
}

// Header names used by Partner Center.
const (
	HeaderRequestID     = "MS-RequestId"
	HeaderCorrelationID = "MS-CorrelationId"
)

// maxBody bounds how much of a response body is read into memory.
const maxBody = 64 << 20

type conn struct {
	doer Doer
	base string // scheme://host[:port], no trailing slash
	opts Options
}

func newConn(d Doer, baseURL, def string, opts []Options) conn {
	c := conn{doer: d, base: strings.TrimRight(baseURL, "/")}
	if c.base == "" {
		c.base = def
	}
	if len(opts) > 0 {
		c.opts = opts[0]
	}
	return c
}

func (c *conn) newID() string {
	if c.opts.NewID != nil {
		return c.opts.NewID()
	}
	return uuid.NewString()
}

func (c *conn) retrySafe(req *http.Request) *http.Request {
	if c.opts.MarkRetrySafe == nil {
		return req
	}
	return c.opts.MarkRetrySafe(req)
}

// newRequest builds a JSON request carrying fresh MS-RequestId and
// MS-CorrelationId values. The body is a bytes.Reader so http.NewRequest sets
// GetBody and the transport can rewind it for a retry; a retry therefore
// re-sends the same MS-RequestId, which is what Partner Center asks for.
func (c *conn) newRequest(ctx context.Context, method, url string, body any) (*http.Request, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("partnercenter: encode %s body: %w", method, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, url, rd)
	if err != nil {
		return nil, fmt.Errorf("partnercenter: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set(HeaderRequestID, c.newID())
	req.Header.Set(HeaderCorrelationID, c.newID())
	return req, nil
}

// do sends req and reads the whole body. Any status outside 2xx becomes *Error.
func (c *conn) do(req *http.Request) (*http.Response, []byte, error) {
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return resp, nil, fmt.Errorf("partnercenter: read %s %s response: %w", req.Method, req.URL.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, body, newError(req, resp, body)
	}
	return resp, body, nil
}

// decode unmarshals a non-empty body into v.
func decode(req *http.Request, body []byte, v any) error {
	if len(bytes.TrimSpace(body)) == 0 {
		return fmt.Errorf("partnercenter: %s %s: empty response body", req.Method, req.URL.Path)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("partnercenter: decode %s %s response: %w", req.Method, req.URL.Path, err)
	}
	return nil
}

// Package powerplatform is a typed client for the Power Platform
// connectivity API (connections of an environment), the API the Terraform
// provider's powerplatform_connection uses. Unconfirmed choices: facts.go.
package powerplatform

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
)

// Doer sends one HTTP request. The provider's transport.Client satisfies it;
// requests reach it without credentials and leave it authenticated.
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Options tunes a Client. The zero value is valid.
type Options struct {
	// NewName returns a name for a new connection; nil = NewConnectionName.
	NewName func() string
}

// APIVersion is the connectivity API version.
const APIVersion = "1"

// Client manages the connections of one environment.
type Client struct {
	doer Doer
	base string
	env  string
	opts Options
}

// New returns a client for environmentID. baseURL "" means the real
// environment host (EnvironmentHost); otherwise baseURL is used as is (the
// emulator's https://127.0.0.1:P).
func New(d Doer, baseURL, environmentID string, opts ...Options) *Client {
	c := &Client{doer: d, base: strings.TrimRight(baseURL, "/"), env: environmentID}
	if c.base == "" {
		c.base = "https://" + EnvironmentHost(environmentID)
	}
	if len(opts) > 0 {
		c.opts = opts[0]
	}
	return c
}

// EnvironmentHost returns {id[:-2]}.{id[-2:]}.environment.api.powerplatform.com
// for an environment id (dashes removed, lower case).
func EnvironmentHost(environmentID string) string {
	id := strings.ToLower(strings.ReplaceAll(environmentID, "-", ""))
	if len(id) < 3 {
		return id + ".environment.api.powerplatform.com"
	}
	return id[:len(id)-2] + "." + id[len(id)-2:] + ".environment.api.powerplatform.com"
}

// BaseURL returns the base URL requests go to.
func (c *Client) BaseURL() string { return c.base }

// EnvironmentID returns the environment this client manages.
func (c *Client) EnvironmentID() string { return c.env }

// NewConnectionName returns a fresh connection name: a GUID without dashes.
func NewConnectionName() string { return strings.ReplaceAll(uuid.NewString(), "-", "") }

func (c *Client) send(ctx context.Context, method, u string, body any) (*http.Response, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, nil, fmt.Errorf("powerplatform: encode %s body: %w", method, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, nil, fmt.Errorf("powerplatform: %w", err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.doer.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return resp, nil, fmt.Errorf("powerplatform: read %s %s response: %w", method, req.URL.Path, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp, b, newError(resp, b)
	}
	return resp, b, nil
}

// sameOrigin reports whether u is on the client's scheme and host.
func (c *Client) sameOrigin(u string) bool {
	a, err1 := url.Parse(u)
	b, err2 := url.Parse(c.base)
	return err1 == nil && err2 == nil && strings.EqualFold(a.Scheme, b.Scheme) && strings.EqualFold(a.Host, b.Host)
}

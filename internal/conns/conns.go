// Package conns builds the API clients the resources use, from the resolved
// provider configuration. Clients are built on first use, so a workspace that
// manages only Dataverse columns is never asked for Partner Center settings.
package conns

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"

	"github.com/cosell-labs/terraform-provider-cosell/internal/auth"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// Config is the provider configuration after attributes, environment and
// defaults were merged. Hints name each setting with its environment
// variables, for error messages.
type Config struct {
	Auth auth.Config

	DataverseURL, EnvironmentID                        string
	PartnerCenterURL, WebhooksURL, PowerPlatformURL    string
	ReferralsAudience, WebhooksAudience, PowerPlatform string
	MaxRetries                                         int
	UserAgent                                          string

	// Hints maps a setting ("dataverse_url", "environment_id") to how the
	// user sets it, e.g. "dataverse_url (COSELL_DATAVERSE_URL)".
	Hints map[string]string
}

// Client is what the provider hands to every resource and data source.
type Client struct {
	cfg   Config
	creds *auth.Credentials
	http  *http.Client

	mu            sync.Mutex
	referrals     *partnercenter.ReferralsClient
	webhooks      *partnercenter.WebhooksClient
	dataverse     *dataverse.Client
	powerPlatform *powerplatform.Client
}

// New validates what can be validated without a network call and returns
// a client whose API clients are built lazily.
func New(cfg Config) (*Client, error) {
	creds, err := auth.New(cfg.Auth)
	if err != nil {
		return nil, err
	}
	return &Client{cfg: cfg, creds: creds, http: cfg.Auth.HTTPClient}, nil
}

// Warnings are shown once, at configure time (e.g. username/password in use).
func (c *Client) Warnings() []string { return c.creds.Warnings() }

// Config exposes the resolved configuration (read-only use).
func (c *Client) Config() Config { return c.cfg }

func (c *Client) hint(setting string) string {
	if h, ok := c.cfg.Hints[setting]; ok {
		return h
	}
	return setting
}

func (c *Client) transport(api auth.API, audience string) *transport.Client {
	retries := c.cfg.MaxRetries
	if retries == 0 {
		retries = transport.NoRetries // max_retries = 0 means no retry; transport reads 0 as "default"
	}
	return transport.New(transport.Options{
		Service:    string(api),
		HTTPClient: c.http,
		MaxRetries: retries,
		UserAgent:  c.cfg.UserAgent,
		Token:      c.creds.TokenFunc(api, audience),
	})
}

func (c *Client) pcOptions() partnercenter.Options {
	return partnercenter.Options{MarkRetrySafe: transport.MarkRetrySafe}
}

// Referrals returns the Partner Center Referrals client (App+User tokens only).
func (c *Client) Referrals(context.Context) (*partnercenter.ReferralsClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.referrals == nil {
		c.referrals = partnercenter.NewReferralsClient(c.transport(auth.APIReferrals, c.cfg.ReferralsAudience), c.cfg.PartnerCenterURL, c.pcOptions())
	}
	return c.referrals, nil
}

// Webhooks returns the Partner Center Webhooks client (the app token when an
// app credential is configured, else a user token: auth.TokenRules).
func (c *Client) Webhooks(context.Context) (*partnercenter.WebhooksClient, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.webhooks == nil {
		c.webhooks = partnercenter.NewWebhooksClient(c.transport(auth.APIWebhooks, c.cfg.WebhooksAudience), c.cfg.WebhooksURL, c.pcOptions())
	}
	return c.webhooks, nil
}

// Dataverse returns the Dataverse client; dataverse_url must be set.
func (c *Client) Dataverse(context.Context) (*dataverse.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.cfg.DataverseURL == "" {
		return nil, fmt.Errorf("the provider has no Dataverse organisation: set %s to the organisation URL, e.g. https://contoso.crm.dynamics.com", c.hint("dataverse_url"))
	}
	if c.dataverse == nil {
		// Dataverse's token audience is the organisation URL itself.
		c.dataverse = dataverse.New(dataverseDoer{next: c.transport(auth.APIDataverse, c.cfg.DataverseURL), c: c}, c.cfg.DataverseURL,
			dataverse.Options{MarkRetrySafe: transport.MarkRetrySafe})
	}
	return c.dataverse, nil
}

// PowerPlatform returns the connections client for the provider's
// environment; environment_id must be set.
func (c *Client) PowerPlatform(ctx context.Context) (*powerplatform.Client, error) {
	return c.PowerPlatformFor(ctx, "")
}

// PowerPlatformFor returns the connections client for an environment; ""
// means the provider's environment_id, which must then be set.
func (c *Client) PowerPlatformFor(_ context.Context, environmentID string) (*powerplatform.Client, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	env := environmentID
	if env == "" {
		env = c.cfg.EnvironmentID
	}
	if env == "" {
		return nil, fmt.Errorf("the provider has no Power Platform environment: set %s to the environment id (a GUID)", c.hint("environment_id"))
	}
	if c.powerPlatform == nil {
		c.powerPlatform = powerplatform.New(c.transport(auth.APIPowerPlatform, c.cfg.PowerPlatform), c.cfg.PowerPlatformURL, env)
	}
	return c.powerPlatform.WithEnvironment(env), nil
}

// LoadCertificate returns the certificate bytes from inline text (PEM, or
// base64 PKCS#12) or from a file path.
func LoadCertificate(inline, path string) ([]byte, error) {
	switch {
	case inline != "":
		if strings.Contains(inline, "-----BEGIN") {
			return []byte(inline), nil
		}
		b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(inline))
		if err != nil {
			return nil, fmt.Errorf("%s is neither PEM text nor base64-encoded PKCS#12: %v", auth.Hint(auth.AttrClientCertificate), err)
		}
		return b, nil
	case path != "":
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", auth.Hint(auth.AttrClientCertificatePath), err)
		}
		return b, nil
	}
	return nil, nil
}

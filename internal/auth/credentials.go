package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
)

// Credentials hands out access tokens per audience. It is safe for
// concurrent use; each kind of MSAL client is created on first use.
type Credentials struct {
	cfg       Config
	authority string // <AuthorityHost>/<TenantID>
	env       string // authority host[:port], MSAL's cache "environment"
	http      *http.Client
	warnings  []string
	saved     tokenFileItem // from TokenCacheFile
	hasSaved  bool
	savedErr  error // reading TokenCacheFile failed: reported by user tokens only

	appOnce sync.Once
	app     *appSource
	appErr  error

	userOnce sync.Once
	user     userSource
	userErr  error
}

type userSource interface {
	token(ctx context.Context, r TokenRule, audience string) (string, error)
}

// New prepares the credentials. It is cheap and demands no credential: a
// missing one is reported by the first token request that needs it, naming
// the attribute and environment variables to set.
func New(cfg Config) (*Credentials, error) {
	cfg.TenantID = strings.TrimSpace(cfg.TenantID)
	cfg.ClientID = strings.TrimSpace(cfg.ClientID)
	host, err := cfg.authority()
	if err != nil {
		return nil, err
	}
	c := &Credentials{cfg: cfg, http: cfg.HTTPClient}
	if c.http == nil {
		c.http = &http.Client{Transport: http.DefaultTransport}
	}
	if u, err := url.Parse(host); err == nil {
		c.env = strings.ToLower(u.Host)
	}
	if cfg.TenantID != "" {
		c.authority = host + "/" + cfg.TenantID
	}
	if cfg.TokenCacheFile != "" && cfg.TenantID != "" && cfg.ClientID != "" {
		// An unreadable file concerns user tokens only: it must not stop a
		// workspace whose APIs take app tokens, so it is reported by the
		// first user token request.
		c.saved, c.hasSaved, c.savedErr = readTokenFile(cfg.TokenCacheFile, cfg.TenantID, cfg.ClientID)
		if tokenFileTooOpen(cfg.TokenCacheFile) {
			c.warnings = append(c.warnings, fmt.Sprintf("%s %s can be read by other users: it holds a refresh token; restrict it with chmod 600", AttrTokenCacheFile, cfg.TokenCacheFile))
		}
	}
	c.warnings = append(c.warnings, configWarnings(cfg)...)
	return c, nil
}

func configWarnings(cfg Config) []string {
	var w []string
	var set []string
	if len(cfg.ClientCertificate) > 0 {
		set = append(set, cfg.certificateAttr())
	}
	if cfg.ClientSecret != "" {
		set = append(set, AttrClientSecret)
	}
	if cfg.OIDCToken != "" || cfg.OIDCTokenFilePath != "" {
		set = append(set, cfg.oidcAttr())
	}
	if len(set) > 1 {
		w = append(w, fmt.Sprintf("several application credentials are set (%s); %s is used", strings.Join(set, ", "), set[0]))
	}
	if cfg.OIDCToken != "" && cfg.OIDCTokenFilePath != "" {
		w = append(w, fmt.Sprintf("both %s and %s are set; the file is used (it is re-read for every assertion)", AttrOIDCToken, AttrOIDCTokenFilePath))
	}
	switch {
	case cfg.RefreshToken == "" && (cfg.Username == "") != (cfg.Password == ""):
		w = append(w, fmt.Sprintf("only one of %s and %s is set: username/password sign-in needs both, so the Referrals API (the only one that needs a user) would fail; the other APIs take the app credential and ignore it", Hint(AttrUsername), Hint(AttrPassword)))
	case cfg.RefreshToken != "" && cfg.hasROPC():
		w = append(w, fmt.Sprintf("%s is set, so %s and %s are ignored", AttrRefreshToken, AttrUsername, AttrPassword))
	case cfg.hasROPC():
		w = append(w, fmt.Sprintf("username/password (ROPC) authentication is discouraged by Microsoft and fails for accounts with MFA or conditional access; prefer a refresh token from a Secure Application Model consent: %s", Hint(AttrRefreshToken)))
	}
	return w
}

// Warnings are configuration remarks for the provider to show the user.
func (c *Credentials) Warnings() []string { return append([]string(nil), c.warnings...) }

// HasUserCredential reports whether App+User tokens can be requested.
func (c *Credentials) HasUserCredential() bool {
	return c.cfg.RefreshToken != "" || c.hasSaved || c.savedErr != nil || c.cfg.hasROPC()
}

// HasAppCredential reports whether app-only tokens can be requested.
func (c *Credentials) HasAppCredential() bool { return c.cfg.hasAppCredential() }

// Token returns a token for api's audience, as TokenRules says: an App+User
// token for user-only APIs; for the others the app token whenever an
// application credential is configured (so a broken user credential never
// touches them), and a user token only where the rule allows a fallback.
func (c *Credentials) Token(ctx context.Context, api API, audience string) (string, error) {
	r := RuleFor(api)
	if r.decide(c.HasAppCredential(), c.HasUserCredential()) == useUser {
		return c.userToken(ctx, r, audience)
	}
	if !c.HasAppCredential() {
		return "", noAppCredential(r)
	}
	return c.appToken(ctx, r, audience)
}

// TokenFunc adapts Token to transport.Options.Token.
func (c *Credentials) TokenFunc(api API, audience string) func(context.Context) (string, error) {
	return func(ctx context.Context) (string, error) { return c.Token(ctx, api, audience) }
}

func (c *Credentials) checkIDs() error {
	switch {
	case c.cfg.TenantID == "":
		return errNoTenant
	case c.cfg.ClientID == "":
		return errNoClient
	}
	return nil
}

// AppToken returns an app-only (client credentials) token for audience,
// authenticating the app with its certificate, secret or federated token.
func (c *Credentials) AppToken(ctx context.Context, audience string) (string, error) {
	return c.appToken(ctx, TokenRule{}, audience)
}

func (c *Credentials) appToken(ctx context.Context, r TokenRule, audience string) (string, error) {
	if err := c.checkIDs(); err != nil {
		return "", err
	}
	if !c.cfg.hasAppCredential() {
		return "", ErrNoAppCredential
	}
	c.appOnce.Do(func() { c.app, c.appErr = newAppSource(c) })
	if c.appErr != nil {
		return "", c.appErr
	}
	return c.app.token(ctx, r, audience)
}

// UserToken returns an App+User token for audience, from the Secure
// Application Model refresh token or else from username and password.
func (c *Credentials) UserToken(ctx context.Context, audience string) (string, error) {
	return c.userToken(ctx, TokenRule{}, audience)
}

func (c *Credentials) userToken(ctx context.Context, r TokenRule, audience string) (string, error) {
	if err := c.checkIDs(); err != nil {
		return "", err
	}
	if !c.HasUserCredential() {
		return "", noUserCredential(r, audience)
	}
	if c.savedErr != nil && c.cfg.RefreshToken == "" && !c.cfg.hasROPC() {
		return "", c.savedErr
	}
	c.userOnce.Do(func() {
		if c.cfg.RefreshToken != "" || c.hasSaved {
			c.user, c.userErr = newRefreshSource(c)
			return
		}
		if c.cfg.Username == "" || c.cfg.Password == "" {
			c.userErr = errors.New("username/password authentication needs both " + Hint(AttrUsername) + " and " + Hint(AttrPassword))
			return
		}
		c.user, c.userErr = newROPCSource(c)
	})
	if c.userErr != nil {
		return "", c.userErr
	}
	return c.user.token(ctx, r, audience)
}

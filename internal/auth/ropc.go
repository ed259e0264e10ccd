package auth

import (
	"context"
	"fmt"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// ropcSource signs the user in with username and password (ROPC) once, then
// serves tokens for every audience from MSAL's cache and the refresh token
// Entra returned. MSAL Go's confidential client sends no client credential
// with this grant, so the public client is used: the app registration must
// allow public client flows either way.
type ropcSource struct {
	c      *Credentials
	client public.Client

	mu      sync.Mutex // one sign-in at a time; refresh tokens may rotate
	account public.Account
}

func newROPCSource(c *Credentials) (*ropcSource, error) {
	pc, err := public.New(c.cfg.ClientID,
		public.WithAuthority(c.authority),
		public.WithHTTPClient(c.http),
		public.WithInstanceDiscovery(false))
	if err != nil {
		return nil, fmt.Errorf("configuring MSAL for client %s at %s: %w", c.cfg.ClientID, c.authority, err)
	}
	return &ropcSource{c: c, client: pc}, nil
}

func (r *ropcSource) token(ctx context.Context, rule TokenRule, audience string) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	scopes := scopeFor(audience)
	if !r.account.IsZero() {
		if res, err := r.client.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(r.account)); err == nil {
			return res.AccessToken, nil
		}
		// No cached token and no usable refresh token: sign in again.
	}
	res, err := withRetry(ctx, func() (public.AuthResult, error) {
		//lint:ignore SA1019 ROPC is what the user configured; Warnings() says so.
		return r.client.AcquireTokenByUsernamePassword(ctx, scopes, r.c.cfg.Username, r.c.cfg.Password)
	})
	if err != nil {
		return "", entraError(err, tokenRequest{cfg: r.c.cfg, rule: rule, audience: audience, kind: kindPassword, attr: AttrPassword})
	}
	r.account = res.Account
	return res.AccessToken, nil
}

package auth

import (
	"context"
	"fmt"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/public"
)

// seedAccountID is the home account id a configured refresh token is filed
// under before Entra has told us whose it is (client_info in the answer).
const seedAccountID = "cosell-seeded-account.unknown"

type silentFunc func(ctx context.Context, scopes []string, account public.Account) (public.AuthResult, error)

// refreshSource redeems a Secure Application Model refresh token through
// MSAL's silent flow (see memCache), and keeps the rotated token in the
// token cache file.
type refreshSource struct {
	c      *Credentials
	silent silentFunc
	cache  *memCache
	realm  string
	// configuredFP fingerprints the configured refresh token (or, when only
	// the file has one, the fingerprint the file recorded).
	configuredFP string

	// mu serializes redemptions: a refresh token is single-use once Entra
	// rotates it, so two goroutines must not redeem the same one.
	mu        sync.Mutex
	account   public.Account
	pending   []rtCandidate // fallbacks if the current one is refused
	persisted string        // last refresh token written to the file
	committed bool          // a token was redeemed; no more fallbacks
}

type rtCandidate struct {
	token, homeID, username, origin string
}

func newRefreshSource(c *Credentials) (*refreshSource, error) {
	s := &refreshSource{c: c, cache: &memCache{}, realm: strings.ToLower(c.cfg.TenantID)}
	if c.cfg.hasAppCredential() {
		// SAM apps are web (confidential) apps: Entra wants the client
		// credential with the refresh grant, and MSAL's confidential silent
		// flow sends it.
		cl, err := newConfidential(c, confidential.WithCache(s.cache))
		if err != nil {
			return nil, err
		}
		s.silent = func(ctx context.Context, scopes []string, acct public.Account) (public.AuthResult, error) {
			return cl.AcquireTokenSilent(ctx, scopes, confidential.WithSilentAccount(acct))
		}
	} else {
		// Without an app credential the app must allow public client flows.
		pc, err := public.New(c.cfg.ClientID,
			public.WithAuthority(c.authority),
			public.WithHTTPClient(c.http),
			public.WithInstanceDiscovery(false),
			public.WithCache(s.cache))
		if err != nil {
			return nil, fmt.Errorf("configuring MSAL for client %s at %s: %w", c.cfg.ClientID, c.authority, err)
		}
		s.silent = func(ctx context.Context, scopes []string, acct public.Account) (public.AuthResult, error) {
			return pc.AcquireTokenSilent(ctx, scopes, public.WithSilentAccount(acct))
		}
	}

	cfgRT := c.cfg.RefreshToken
	s.configuredFP = fingerprint(cfgRT)
	configured := rtCandidate{token: cfgRT, homeID: seedAccountID, origin: AttrRefreshToken}
	var cands []rtCandidate
	switch {
	case c.hasSaved && (cfgRT == "" || c.saved.ConfiguredSHA256 == s.configuredFP):
		// The file descends from the configured token: it is the newer one.
		saved := rtCandidate{token: c.saved.RefreshToken, homeID: c.saved.HomeAccountID, username: c.saved.Username, origin: AttrTokenCacheFile}
		if saved.homeID == "" {
			saved.homeID = seedAccountID
		}
		cands = append(cands, saved)
		if cfgRT != "" && cfgRT != saved.token {
			cands = append(cands, configured)
		}
		if cfgRT == "" {
			s.configuredFP = c.saved.ConfiguredSHA256
		}
		s.persisted = saved.token
	case c.hasSaved:
		// A different token is configured now (a new consent): use it, and
		// fall back on the file's.
		cands = append(cands, configured, rtCandidate{token: c.saved.RefreshToken, homeID: seedAccountID, origin: AttrTokenCacheFile})
	default:
		cands = append(cands, configured)
	}
	if err := s.use(cands[0]); err != nil {
		return nil, err
	}
	s.pending = cands[1:]
	return s, nil
}

func (s *refreshSource) use(cand rtCandidate) error {
	s.account = public.Account{HomeAccountID: cand.homeID, Environment: s.c.env, Realm: s.realm, PreferredUsername: cand.username}
	return s.cache.seed(cand.homeID, s.c.env, s.realm, s.c.cfg.ClientID, cand.token, cand.username)
}

func (s *refreshSource) token(ctx context.Context, audience string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for {
		res, err := withRetry(ctx, func() (public.AuthResult, error) {
			return s.silent(ctx, scopeFor(audience), s.account)
		})
		if err == nil {
			if err := s.settle(res); err != nil {
				return "", err
			}
			return res.AccessToken, nil
		}
		ee := entraError(err, s.c.cfg.ClientID, audience, flowRefresh)
		if ee.Code == "invalid_grant" && !s.committed && len(s.pending) > 0 {
			// The preferred token was refused (revoked, or rotated by a run
			// that could not save it): try the next one.
			_ = s.cache.forget(s.account.HomeAccountID)
			next := s.pending[0]
			s.pending = s.pending[1:]
			if err := s.use(next); err != nil {
				return "", err
			}
			continue
		}
		return "", ee
	}
}

// settle adopts the real account once Entra has named it, drops the seeded
// entries, and saves a rotated refresh token.
func (s *refreshSource) settle(res public.AuthResult) error {
	s.committed, s.pending = true, nil
	if s.account.HomeAccountID == seedAccountID {
		home := res.Account.HomeAccountID
		if home == "" || home == seedAccountID {
			home = s.cache.otherAccount(seedAccountID, s.c.cfg.ClientID)
		}
		if home != "" {
			if res.Account.HomeAccountID == home {
				s.account = res.Account
			} else {
				s.account = public.Account{HomeAccountID: home, Environment: s.c.env, Realm: s.realm}
			}
			if err := s.cache.forget(seedAccountID); err != nil {
				return err
			}
		}
	}
	if s.c.cfg.TokenCacheFile == "" {
		return nil
	}
	rt := s.cache.refreshToken(s.account.HomeAccountID, s.c.cfg.ClientID)
	if rt == "" || rt == s.persisted {
		return nil
	}
	username := res.Account.PreferredUsername
	if username == "" {
		username = s.account.PreferredUsername
	}
	err := writeTokenFile(s.c.cfg.TokenCacheFile, tokenFileItem{
		TenantID:         s.c.cfg.TenantID,
		ClientID:         s.c.cfg.ClientID,
		HomeAccountID:    s.account.HomeAccountID,
		Username:         username,
		RefreshToken:     rt,
		ConfiguredSHA256: s.configuredFP,
	})
	if err != nil {
		return err
	}
	s.persisted = rt
	return nil
}

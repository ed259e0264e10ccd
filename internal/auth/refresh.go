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
// token cache file. With a cache file, every redemption runs under a
// cross-process lock on it (see cachelock.go): lock, re-read the file
// (another process may have rotated the chain), redeem, save, unlock.
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
	started   bool // candidates chosen (under the file lock)
	account   public.Account
	current   rtCandidate   // the token seeded now
	pending   []rtCandidate // fallbacks if the current one is refused
	persisted string        // last refresh token read from or written to the file
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
	s.configuredFP = fingerprint(c.cfg.RefreshToken)
	return s, nil
}

// start chooses the token to redeem from the configuration and the file as
// it is now (read under the lock), with a fallback if it is refused.
func (s *refreshSource) start(saved tokenFileItem, hasSaved bool) error {
	cfgRT := s.c.cfg.RefreshToken
	configured := rtCandidate{token: cfgRT, homeID: seedAccountID, origin: AttrRefreshToken}
	var cands []rtCandidate
	switch {
	case hasSaved && (cfgRT == "" || saved.ConfiguredSHA256 == s.configuredFP):
		// The file descends from the configured token: it is the newer one.
		sv := rtCandidate{token: saved.RefreshToken, homeID: saved.HomeAccountID, username: saved.Username, origin: AttrTokenCacheFile}
		if sv.homeID == "" {
			sv.homeID = seedAccountID
		}
		cands = append(cands, sv)
		if cfgRT != "" && cfgRT != sv.token {
			cands = append(cands, configured)
		}
		if cfgRT == "" {
			s.configuredFP = saved.ConfiguredSHA256
		}
		s.persisted = sv.token
	case hasSaved:
		// A different token is configured now (a new consent): use it, and
		// fall back on the file's.
		cands = append(cands, configured, rtCandidate{token: saved.RefreshToken, homeID: seedAccountID, origin: AttrTokenCacheFile})
	case cfgRT == "":
		return fmt.Errorf("%s %s holds no refresh token for tenant %s and client %s: set %s to a Secure Application Model refresh token",
			Hint(AttrTokenCacheFile), s.c.cfg.TokenCacheFile, s.c.cfg.TenantID, s.c.cfg.ClientID, Hint(AttrRefreshToken))
	default:
		cands = append(cands, configured)
	}
	if err := s.use(cands[0]); err != nil {
		return err
	}
	s.pending = cands[1:]
	s.started = true
	return nil
}

// adopt takes over a newer token that another process saved in the file:
// the one this process holds was redeemed (and, with single-use rotation,
// revoked) by that process.
func (s *refreshSource) adopt(saved tokenFileItem) error {
	if saved.RefreshToken == "" || saved.RefreshToken == s.persisted || saved.ConfiguredSHA256 != s.configuredFP {
		return nil
	}
	s.persisted = saved.RefreshToken
	if !s.committed {
		return s.use(rtCandidate{token: saved.RefreshToken, homeID: s.account.HomeAccountID, username: saved.Username, origin: AttrTokenCacheFile})
	}
	s.current = rtCandidate{token: saved.RefreshToken, homeID: s.account.HomeAccountID, username: s.account.PreferredUsername, origin: AttrTokenCacheFile}
	return s.cache.seed(s.account.HomeAccountID, s.c.env, s.realm, s.c.cfg.ClientID, saved.RefreshToken, s.account.PreferredUsername)
}

func (s *refreshSource) use(cand rtCandidate) error {
	s.current = cand
	s.account = public.Account{HomeAccountID: cand.homeID, Environment: s.c.env, Realm: s.realm, PreferredUsername: cand.username}
	return s.cache.seed(cand.homeID, s.c.env, s.realm, s.c.cfg.ClientID, cand.token, cand.username)
}

// prepare brings the source up to date with the file (under its lock).
func (s *refreshSource) prepare() error {
	var saved tokenFileItem
	var hasSaved bool
	if path := s.c.cfg.TokenCacheFile; path != "" {
		var err error
		if saved, hasSaved, err = readTokenFile(path, s.c.cfg.TenantID, s.c.cfg.ClientID); err != nil {
			return err
		}
	}
	if !s.started {
		return s.start(saved, hasSaved)
	}
	if hasSaved {
		return s.adopt(saved)
	}
	return nil
}

func (s *refreshSource) token(ctx context.Context, r TokenRule, audience string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	unlock, err := lockCacheFile(ctx, s.c.cfg.TokenCacheFile)
	if err != nil {
		return "", err
	}
	defer unlock()
	if err := s.prepare(); err != nil {
		return "", err
	}
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
		ee := entraError(err, tokenRequest{cfg: s.c.cfg, rule: r, audience: audience, kind: kindRefresh, attr: s.current.origin, origin: s.current.origin})
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
	s.current = rtCandidate{token: rt, homeID: s.account.HomeAccountID, username: username, origin: AttrTokenCacheFile}
	return nil
}

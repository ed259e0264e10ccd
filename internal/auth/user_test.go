package auth

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/testdirs"
)

func readCacheFile(t *testing.T, path string) tokenFileItem {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("cache file mode %v, want 0600", st.Mode().Perm())
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var f tokenFile
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	it, ok := f.Accounts[tokenFileKey(entra.DefaultTenantID, entra.DefaultClientID)]
	if !ok || it.RefreshToken == "" {
		t.Fatalf("no entry in %s", b)
	}
	return it
}

func samConfig(e *emu, cacheFile string) Config {
	cfg := e.config()
	cfg.ClientSecret = entra.DefaultClientSecret
	cfg.RefreshToken = entra.DefaultRefreshToken
	cfg.TokenCacheFile = cacheFile
	return cfg
}

func TestRefreshTokenRedeemedRotatedPersistedAndReused(t *testing.T) {
	e := newEmu(t, nil)
	path := filepath.Join(t.TempDir(), "state", "cosell-token.json")
	c := mustNew(t, samConfig(e, path))

	tok, err := c.UserToken(ctx, AudienceReferrals)
	if err != nil {
		t.Fatal(err)
	}
	cl := e.verify(t, tok)
	if cl.AppOnly || cl.UPN != entra.DefaultUsername || cl.Audience != AudienceReferrals || cl.AppID != entra.DefaultClientID {
		t.Fatalf("claims %+v", cl)
	}
	if e.svc.RefreshTokenValid(entra.DefaultRefreshToken) {
		t.Fatal("the configured refresh token was not redeemed (the emulator rotates on redemption)")
	}
	saved := readCacheFile(t, path)
	if saved.RefreshToken == entra.DefaultRefreshToken || !e.svc.RefreshTokenValid(saved.RefreshToken) {
		t.Fatalf("file holds %q, not the rotated, valid token", saved.RefreshToken)
	}
	if saved.HomeAccountID == "" || saved.HomeAccountID == seedAccountID || saved.Username != entra.DefaultUsername {
		t.Fatalf("file entry %+v", saved)
	}
	if strings.Contains(mustRead(t, path), entra.DefaultRefreshToken) {
		t.Fatal("file still mentions the configured token")
	}

	// Same run: another audience redeems the rotated token, and the file follows.
	if _, err := c.UserToken(ctx, AudienceWebhooks); err != nil {
		t.Fatal(err)
	}
	second := readCacheFile(t, path)
	if second.RefreshToken == saved.RefreshToken || !e.svc.RefreshTokenValid(second.RefreshToken) {
		t.Fatal("file not updated after the second redemption")
	}
	// Cached per audience: no more grants for audiences already served.
	for i := 0; i < 3; i++ {
		if _, err := c.UserToken(ctx, AudienceReferrals); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UserToken(ctx, AudienceWebhooks); err != nil {
			t.Fatal(err)
		}
	}
	if n := e.svc.Issued(entra.GrantRefreshToken); n != 2 {
		t.Fatalf("%d refresh grants, want 2 (one per audience)", n)
	}

	// Next run, same configuration (whose token is now revoked): the saved
	// token is preferred and works at once.
	c2 := mustNew(t, samConfig(e, path))
	if !c2.HasUserCredential() {
		t.Fatal("no user credential")
	}
	tok, err = c2.UserToken(ctx, AudienceReferrals)
	if err != nil {
		t.Fatal(err)
	}
	if e.verify(t, tok).UPN != entra.DefaultUsername {
		t.Fatal("wrong user")
	}
	if n := e.svc.Rejected(entra.GrantRefreshToken); n != 0 {
		t.Fatalf("%d refused refresh grants: the revoked configured token was tried first", n)
	}
	if third := readCacheFile(t, path); third.RefreshToken == second.RefreshToken || !e.svc.RefreshTokenValid(third.RefreshToken) {
		t.Fatal("file not updated in the second run")
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestTokenCacheFileAloneIsAUserCredential(t *testing.T) {
	e := newEmu(t, nil)
	path := filepath.Join(t.TempDir(), "tok.json")
	if _, err := mustNew(t, samConfig(e, path)).UserToken(ctx, AudienceReferrals); err != nil {
		t.Fatal(err)
	}
	cfg := samConfig(e, path)
	cfg.RefreshToken = ""
	c := mustNew(t, cfg)
	if !c.HasUserCredential() {
		t.Fatal("the cache file's token is not seen")
	}
	if _, err := c.Token(ctx, APIReferrals, AudienceReferrals); err != nil {
		t.Fatal(err)
	}
	// and it keeps the lineage fingerprint of the original configuration
	if readCacheFile(t, path).ConfiguredSHA256 != fingerprint(entra.DefaultRefreshToken) {
		t.Fatal("fingerprint lost")
	}
}

func TestNewlyConfiguredRefreshTokenWinsOverFile(t *testing.T) {
	e := newEmu(t, nil)
	path := filepath.Join(t.TempDir(), "tok.json")
	if _, err := mustNew(t, samConfig(e, path)).UserToken(ctx, AudienceReferrals); err != nil {
		t.Fatal(err)
	}
	old := readCacheFile(t, path).RefreshToken

	// The admin ran the consent again and configured the new token.
	e.svc.AddRefreshToken("new-consent-token", entra.DefaultUsername, entra.DefaultClientID)
	cfg := samConfig(e, path)
	cfg.RefreshToken = "new-consent-token"
	if _, err := mustNew(t, cfg).UserToken(ctx, AudienceWebhooks); err != nil {
		t.Fatal(err)
	}
	if e.svc.RefreshTokenValid("new-consent-token") {
		t.Fatal("the newly configured token was not the one redeemed")
	}
	if !e.svc.RefreshTokenValid(old) {
		t.Fatal("the file's older token was redeemed too")
	}
	if got := readCacheFile(t, path); got.ConfiguredSHA256 != fingerprint("new-consent-token") {
		t.Fatal("file does not record the new lineage")
	}
}

func TestRevokedSavedTokenFallsBackToConfigured(t *testing.T) {
	e := newEmu(t, func(sc *entra.Scenario) { off := false; sc.RotateRefreshTokens = &off })
	path := filepath.Join(t.TempDir(), "tok.json")
	if _, err := mustNew(t, samConfig(e, path)).UserToken(ctx, AudienceReferrals); err != nil {
		t.Fatal(err)
	}
	saved := readCacheFile(t, path).RefreshToken
	e.svc.RevokeRefreshToken(saved) // e.g. a password reset... of that token only

	if _, err := mustNew(t, samConfig(e, path)).UserToken(ctx, AudienceReferrals); err != nil {
		t.Fatalf("no fallback to the configured token: %v", err)
	}
	if e.svc.Rejected(entra.GrantRefreshToken) != 1 {
		t.Fatal("the saved token was not tried first")
	}
	if now := readCacheFile(t, path).RefreshToken; now == saved {
		t.Fatal("file still holds the revoked token")
	}
}

func TestRefreshWithPublicClient(t *testing.T) {
	e := newEmu(t, nil) // the default app allows public client flows
	cfg := e.config()
	cfg.RefreshToken = entra.DefaultRefreshToken
	tok, err := mustNew(t, cfg).UserToken(ctx, AudienceReferrals)
	if err != nil {
		t.Fatal(err)
	}
	if e.verify(t, tok).UPN != entra.DefaultUsername {
		t.Fatal("wrong user")
	}
}

func TestRefreshConfidentialAppNeedsItsCredential(t *testing.T) {
	e := newEmu(t, func(sc *entra.Scenario) { sc.Apps[0].PublicClient = false })
	// With the secret: MSAL's confidential client sends it with the grant.
	if _, err := mustNew(t, samConfig(e, "")).UserToken(ctx, AudienceReferrals); err != nil {
		t.Fatal(err)
	}
	e.svc.AddRefreshToken("rt-2", entra.DefaultUsername, entra.DefaultClientID)
	cfg := e.config()
	cfg.RefreshToken = "rt-2"
	_, err := mustNew(t, cfg).UserToken(ctx, AudienceReferrals)
	if err == nil || !strings.Contains(err.Error(), "AADSTS7000218") || !strings.Contains(err.Error(), "set client_secret (COSELL_CLIENT_SECRET or ARM_CLIENT_SECRET)") {
		t.Fatalf("err = %v", err)
	}
}

func TestInvalidRefreshTokenIsClear(t *testing.T) {
	e := newEmu(t, nil)
	cfg := samConfig(e, "")
	cfg.RefreshToken = "not-a-refresh-token"
	_, err := mustNew(t, cfg).UserToken(ctx, AudienceReferrals)
	var ee *EntraError
	if !errors.As(err, &ee) || ee.Code != "invalid_grant" {
		t.Fatalf("err = %v", err)
	}
	for _, want := range []string{"(refresh token)", "AADSTS9002313", "Repeat the Secure Application Model consent and set refresh_token (COSELL_REFRESH_TOKEN)"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "not-a-refresh-token") {
		t.Error("the token leaks into the message")
	}
}

func TestConcurrentUserTokensDoNotDoubleRedeem(t *testing.T) {
	e := newEmu(t, nil) // rotation on: a token redeemed twice is refused
	path := filepath.Join(t.TempDir(), "tok.json")
	c := mustNew(t, samConfig(e, path))
	auds := []string{AudienceReferrals, AudienceWebhooks, AudiencePowerPlatform, e.srv.URL}
	var wg sync.WaitGroup
	errs := make(chan error, 32)
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			aud := auds[i%len(auds)]
			tok, err := c.UserToken(ctx, aud)
			if err == nil && e.verify(t, tok).Audience != aud {
				err = errors.New("wrong audience")
			}
			errs <- err
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if r := e.svc.Rejected(entra.GrantRefreshToken); r != 0 {
		t.Fatalf("%d refused refresh grants", r)
	}
	if n := e.svc.Issued(entra.GrantRefreshToken); n != len(auds) {
		t.Fatalf("%d refresh grants, want %d", n, len(auds))
	}
	if !e.svc.RefreshTokenValid(readCacheFile(t, path).RefreshToken) {
		t.Fatal("file does not hold the latest token")
	}
}

func TestUsernamePassword(t *testing.T) {
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.Username, cfg.Password = entra.DefaultUsername, entra.DefaultPassword
	c := mustNew(t, cfg)
	if w := strings.Join(c.Warnings(), "\n"); !strings.Contains(w, "username/password (ROPC)") || !strings.Contains(w, "refresh_token (COSELL_REFRESH_TOKEN)") {
		t.Fatalf("warnings: %q", c.Warnings())
	}
	tok, err := c.Token(ctx, APIReferrals, AudienceReferrals)
	if err != nil {
		t.Fatal(err)
	}
	if cl := e.verify(t, tok); cl.UPN != entra.DefaultUsername || cl.AppOnly {
		t.Fatalf("claims %+v", cl)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.UserToken(ctx, AudienceReferrals); err != nil {
			t.Fatal(err)
		}
		if _, err := c.UserToken(ctx, AudienceWebhooks); err != nil {
			t.Fatal(err)
		}
	}
	// one sign-in; the second audience comes from the refresh token it returned
	if p, r := e.svc.Issued(entra.GrantPassword), e.svc.Issued(entra.GrantRefreshToken); p != 1 || r != 1 {
		t.Fatalf("password grants %d, refresh grants %d; want 1 and 1", p, r)
	}
}

func TestMFAUserRefusedClearly(t *testing.T) {
	e := newEmu(t, nil)
	u, _ := e.svc.User(entra.DefaultUsername)
	u.MFA = true
	e.svc.PutUser(u)
	cfg := e.config()
	cfg.Username, cfg.Password = entra.DefaultUsername, entra.DefaultPassword
	_, err := mustNew(t, cfg).UserToken(ctx, AudienceReferrals)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"(password)", "AADSTS50076", "multi-factor authentication", "set refresh_token (COSELL_REFRESH_TOKEN) instead"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), entra.DefaultPassword) {
		t.Error("password leaks")
	}
}

func TestWrongPassword(t *testing.T) {
	e := newEmu(t, nil)
	cfg := e.config()
	cfg.Username, cfg.Password = entra.DefaultUsername, "nope"
	_, err := mustNew(t, cfg).UserToken(ctx, AudienceReferrals)
	if err == nil || !strings.Contains(err.Error(), "AADSTS50126") || !strings.Contains(err.Error(), "Check username (COSELL_USERNAME) and password (COSELL_PASSWORD)") {
		t.Fatalf("err = %v", err)
	}
}

func TestTokenRule(t *testing.T) {
	e := newEmu(t, nil)
	app := e.config()
	app.ClientSecret = entra.DefaultClientSecret
	c := mustNew(t, app)
	tok, err := c.Token(ctx, APIWebhooks, AudienceWebhooks)
	if err != nil || !e.verify(t, tok).AppOnly {
		t.Fatalf("app-only config: err=%v", err)
	}
	if _, err := c.Token(ctx, APIReferrals, AudienceReferrals); err == nil || !strings.HasPrefix(err.Error(), "the Partner Center Referrals API accepts only App+User tokens") {
		t.Fatalf("err = %v", err)
	}

	// Both kinds configured: only Referrals gets the user token.
	c = mustNew(t, samConfig(e, ""))
	for _, tc := range []struct {
		api      API
		audience string
		appOnly  bool
	}{
		{APIWebhooks, AudienceWebhooks, true},
		{APIDataverse, e.srv.URL, true},
		{APIPowerPlatform, AudiencePowerPlatform, true},
		{APIReferrals, AudienceReferrals, false},
	} {
		tok, err := c.Token(ctx, tc.api, tc.audience)
		if err != nil || e.verify(t, tok).AppOnly != tc.appOnly {
			t.Fatalf("%s: err=%v, want app-only %v", tc.api, err, tc.appOnly)
		}
	}

	// Only a user credential: Webhooks falls back to it (documented), the
	// app-only APIs say which credential to set.
	user := e.config()
	user.RefreshToken = entra.DefaultRefreshToken
	e.svc.AddRefreshToken(entra.DefaultRefreshToken, entra.DefaultUsername, entra.DefaultClientID)
	c = mustNew(t, user)
	if tok, err := c.Token(ctx, APIWebhooks, AudienceWebhooks); err != nil || e.verify(t, tok).AppOnly {
		t.Fatalf("webhooks with a user credential only: err=%v", err)
	}
	_, err = c.Token(ctx, APIDataverse, e.srv.URL)
	if !errors.Is(err, ErrNoAppCredential) || !strings.HasPrefix(err.Error(), "the Dataverse API takes the application credential only") {
		t.Fatalf("dataverse with a user credential only: %v", err)
	}
}

// A broken user credential never reaches the APIs that take the app token:
// no user grant is even attempted.
func TestBrokenUserCredentialDoesNotStopAppAPIs(t *testing.T) {
	e := newEmu(t, func(sc *entra.Scenario) { sc.Users[0].MFA = true })
	readOnly := testdirs.Unwritable(t)
	for name, edit := range map[string]func(*Config){
		"revoked refresh token": func(c *Config) { c.RefreshToken = "revoked-or-unknown" },
		"lone username":         func(c *Config) { c.Username = entra.DefaultUsername },
		"MFA user's password":   func(c *Config) { c.Username, c.Password = entra.DefaultUsername, entra.DefaultPassword },
		"unwritable cache": func(c *Config) {
			c.RefreshToken, c.TokenCacheFile = entra.DefaultRefreshToken, filepath.Join(readOnly, "cache.json")
		},
		"cache is a folder": func(c *Config) { c.RefreshToken, c.TokenCacheFile = entra.DefaultRefreshToken, t.TempDir() },
	} {
		t.Run(name, func(t *testing.T) {
			cfg := e.config()
			cfg.ClientSecret = entra.DefaultClientSecret
			edit(&cfg)
			c := mustNew(t, cfg)
			before := e.svc.Issued(entra.GrantRefreshToken) + e.svc.Rejected(entra.GrantRefreshToken) + e.svc.Issued(entra.GrantPassword) + e.svc.Rejected(entra.GrantPassword)
			for api, aud := range map[API]string{APIDataverse: e.srv.URL, APIPowerPlatform: AudiencePowerPlatform, APIWebhooks: AudienceWebhooks} {
				tok, err := c.Token(ctx, api, aud)
				if err != nil || !e.verify(t, tok).AppOnly {
					t.Fatalf("%s: %v", api, err)
				}
			}
			if after := e.svc.Issued(entra.GrantRefreshToken) + e.svc.Rejected(entra.GrantRefreshToken) + e.svc.Issued(entra.GrantPassword) + e.svc.Rejected(entra.GrantPassword); after != before {
				t.Fatalf("a user grant was attempted (%d → %d)", before, after)
			}
			if _, err := c.Token(ctx, APIReferrals, AudienceReferrals); err == nil {
				t.Fatal("Referrals got a token from a broken user credential")
			}
		})
	}
}

// Two provider processes sharing one token_cache_file (two Credentials with
// their own MSAL caches stand for them): each redemption re-reads the file
// under its lock, so a process whose token was rotated by the other takes
// the newer one instead of presenting a revoked token.
func TestSharedCacheFileFollowsRotationByAnotherProcess(t *testing.T) {
	e := newEmu(t, nil) // single-use rotation
	path := filepath.Join(t.TempDir(), "tok.json")
	a, b := mustNew(t, samConfig(e, path)), mustNew(t, samConfig(e, path))
	steps := []struct {
		c   *Credentials
		aud string
	}{{a, AudienceReferrals}, {b, AudienceReferrals}, {a, AudienceWebhooks}, {b, AudiencePowerPlatform}, {a, AudiencePowerPlatform}}
	for i, s := range steps {
		if _, err := s.c.UserToken(ctx, s.aud); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if r := e.svc.Rejected(entra.GrantRefreshToken); r != 0 {
		t.Fatalf("%d refused refresh grants", r)
	}
	if !e.svc.RefreshTokenValid(readCacheFile(t, path).RefreshToken) {
		t.Fatal("the file does not hold the live end of the chain")
	}
}

// An unwritable token_cache_file is found before the refresh token is
// redeemed: the chain stays intact and the error says what to change.
func TestUnwritableCacheFileStopsBeforeRedeeming(t *testing.T) {
	e := newEmu(t, nil)
	path := filepath.Join(testdirs.Unwritable(t), "tok.json")
	_, err := mustNew(t, samConfig(e, path)).UserToken(ctx, AudienceReferrals)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"token_cache_file (COSELL_TOKEN_CACHE_FILE) " + path + " cannot be written", "has not redeemed the refresh token", "point token_cache_file at a file in a writable folder"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("%q lacks %q", err, want)
		}
	}
	if n := e.svc.Issued(entra.GrantRefreshToken) + e.svc.Rejected(entra.GrantRefreshToken); n != 0 {
		t.Fatalf("%d refresh grants before the check", n)
	}
	if !e.svc.RefreshTokenValid(entra.DefaultRefreshToken) {
		t.Fatal("the configured refresh token was spent")
	}
}

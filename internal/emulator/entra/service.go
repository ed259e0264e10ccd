// Package entra emulates the Microsoft Entra ID (Azure AD) v2.0 endpoints an
// MSAL client talks to: OpenID discovery, JWKS, user realm and the token
// endpoint (client credentials with secret, certificate or federated
// assertion; refresh token; password). It signs RS256 access tokens and
// verifies them for the other emulated APIs (core.TokenVerifier).
package entra

import (
	"crypto/rsa"
	"crypto/subtle"
	"crypto/x509"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configure a Service.
type Options struct {
	// BaseURL returns the scheme and host of the listener, e.g.
	// "https://127.0.0.1:4431" (no trailing slash). It is a func because the
	// port is known only once the listener is bound. Issuers and endpoint
	// URLs are built from it.
	BaseURL func() string
	// Now is the clock (time.Now when nil); tests move it to expire tokens.
	Now func() time.Time
	// Logf, when set, receives one line per token request outcome.
	Logf func(format string, args ...any)
}

type app struct {
	App
	certs []*x509.Certificate
}

type refreshEntry struct {
	username string
	clientID string
	revoked  bool
}

// Service is the emulated directory and security token service.
type Service struct {
	opts     Options
	tenantID string
	lifetime time.Duration

	signer    *signingKey // access and id tokens
	federated *signingKey // the emulator's own workload-identity issuer

	mu       sync.Mutex
	apps     map[string]*app  // by lower-case client id
	users    map[string]*User // by lower-case username
	refresh  map[string]*refreshEntry
	rotate   bool
	issued   map[string]int
	rejected map[string]int
}

// New builds the service from a scenario.
func New(sc Scenario, opts Options) (*Service, error) {
	if err := sc.validate(); err != nil {
		return nil, err
	}
	if opts.BaseURL == nil {
		return nil, fmt.Errorf("entra: Options.BaseURL is required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := &Service{
		opts:     opts,
		tenantID: strings.ToLower(sc.TenantID),
		lifetime: time.Hour,
		apps:     map[string]*app{},
		users:    map[string]*User{},
		refresh:  map[string]*refreshEntry{},
		rotate:   sc.RotateRefreshTokens != nil && *sc.RotateRefreshTokens,
		issued:   map[string]int{},
		rejected: map[string]int{},
	}
	if sc.TokenLifetimeSeconds > 0 {
		s.lifetime = time.Duration(sc.TokenLifetimeSeconds) * time.Second
	}
	var err error
	if s.signer, err = newSigningKey("cosell-emulator-entra"); err != nil {
		return nil, err
	}
	if s.federated, err = newSigningKey("cosell-emulator-federated-issuer"); err != nil {
		return nil, err
	}
	for _, a := range sc.Apps {
		if err := s.PutApp(a); err != nil {
			return nil, err
		}
	}
	for _, u := range sc.Users {
		s.PutUser(u)
	}
	for _, rt := range sc.RefreshTokens {
		s.refresh[rt.Token] = &refreshEntry{username: strings.ToLower(rt.Username), clientID: strings.ToLower(rt.ClientID)}
	}
	return s, nil
}

// Handler serves the Entra endpoints. None of them needs a bearer token.
func (s *Service) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.handleDiscovery)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", s.handleKeys)
	mux.HandleFunc("GET /{tenant}/discovery/keys", s.handleKeys)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.handleToken)
	// MSAL Go asks for /common/UserRealm/{user}; paths are case-sensitive
	// in ServeMux, so both spellings are routed.
	mux.HandleFunc("GET /common/UserRealm/{user}", s.handleUserRealm)
	mux.HandleFunc("GET /common/userrealm/{user}", s.handleUserRealm)
	mux.HandleFunc("GET /{tenant}/federated/.well-known/openid-configuration", s.handleFederatedDiscovery)
	mux.HandleFunc("GET /{tenant}/federated/keys", s.handleFederatedKeys)
	return mux
}

// TenantID is the directory's tenant id.
func (s *Service) TenantID() string { return s.tenantID }

// Authority is "<base>/<tenant>", what MSAL is configured with.
func (s *Service) Authority() string { return s.base() + "/" + s.tenantID }

// Issuer is the iss claim of the tokens this service signs.
func (s *Service) Issuer() string { return s.Authority() + "/v2.0" }

// TokenEndpoint is the v2.0 token endpoint of the tenant.
func (s *Service) TokenEndpoint() string { return s.Authority() + "/oauth2/v2.0/token" }

// FederatedIssuer is the iss of the workload-identity tokens that
// IssueFederatedToken creates.
func (s *Service) FederatedIssuer() string { return s.Authority() + "/federated" }

func (s *Service) base() string   { return strings.TrimRight(s.opts.BaseURL(), "/") }
func (s *Service) now() time.Time { return s.opts.Now() }

func (s *Service) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf("entra: "+format, args...)
	}
}

// PutApp adds or replaces an application registration.
func (s *Service) PutApp(a App) error {
	certs, err := parseCertificates(a.Certificates)
	if err != nil {
		return fmt.Errorf("entra: app %s: %w", a.ClientID, err)
	}
	if a.ObjectID == "" {
		a.ObjectID = derivedID("sp", a.ClientID)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[strings.ToLower(a.ClientID)] = &app{App: a, certs: certs}
	return nil
}

// TrustFederatedSubject adds a federated identity credential for subject
// (issued by FederatedIssuer) to an app, as an admin does in the portal.
func (s *Service) TrustFederatedSubject(clientID, subject string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[strings.ToLower(clientID)]
	if !ok {
		return fmt.Errorf("entra: unknown app %s", clientID)
	}
	for _, sub := range a.FederatedSubjects {
		if sub == subject {
			return nil
		}
	}
	cp := *a
	cp.FederatedSubjects = append(append([]string(nil), a.FederatedSubjects...), subject)
	s.apps[strings.ToLower(clientID)] = &cp
	return nil
}

// PutUser adds or replaces a user (e.g. to turn MFA on in a test).
func (s *Service) PutUser(u User) {
	if u.ObjectID == "" {
		u.ObjectID = derivedID("user", u.Username)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[strings.ToLower(u.Username)] = &u
}

// User returns a copy of a user, or false.
func (s *Service) User(username string) (User, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.users[strings.ToLower(username)]
	if !ok {
		return User{}, false
	}
	return *u, true
}

// AddRefreshToken registers a refresh token for a user and app, as a SAM
// consent done out of band would.
func (s *Service) AddRefreshToken(token, username, clientID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[token] = &refreshEntry{username: strings.ToLower(username), clientID: strings.ToLower(clientID)}
}

// RevokeRefreshToken invalidates a refresh token (as a password reset would).
func (s *Service) RevokeRefreshToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if e, ok := s.refresh[token]; ok {
		e.revoked = true
	}
}

// RefreshTokenValid reports whether a refresh token would be accepted.
func (s *Service) RefreshTokenValid(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.refresh[token]
	return ok && !e.revoked
}

// SetRotateRefreshTokens turns refresh token rotation on or off.
func (s *Service) SetRotateRefreshTokens(on bool) {
	s.mu.Lock()
	s.rotate = on
	s.mu.Unlock()
}

// SetTokenLifetime changes the lifetime of tokens issued from now on.
func (s *Service) SetTokenLifetime(d time.Duration) {
	s.mu.Lock()
	s.lifetime = d
	s.mu.Unlock()
}

// Issued counts successful token grants by grant_type
// ("client_credentials", "refresh_token", "password").
func (s *Service) Issued(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued[grantType]
}

// Rejected counts refused token requests by grant_type.
func (s *Service) Rejected(grantType string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.rejected[grantType]
}

// SigningPublicKey is the key that signs access tokens (also in the JWKS).
func (s *Service) SigningPublicKey() *rsa.PublicKey { return &s.signer.key.PublicKey }

func (s *Service) lookupApp(clientID string) (*app, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.apps[strings.ToLower(clientID)]
	return a, ok
}

// knownTenant accepts the tenant id and the multi-tenant aliases (which
// resolve to the only tenant there is).
func (s *Service) knownTenant(t string) bool {
	t = strings.ToLower(t)
	return t == s.tenantID || t == "organizations" || t == "common"
}

// CheckClientSecret reports whether secret is a valid client secret of the
// app in this tenant (the Power Platform emulator uses it to decide whether
// a service principal connection can sign in).
func (s *Service) CheckClientSecret(tenantID, clientID, secret string) bool {
	if !strings.EqualFold(tenantID, s.tenantID) || secret == "" {
		return false
	}
	a, ok := s.lookupApp(clientID)
	if !ok {
		return false
	}
	for _, want := range a.secrets() {
		if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 {
			return true
		}
	}
	return false
}

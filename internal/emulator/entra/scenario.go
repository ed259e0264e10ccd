package entra

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
)

// Well-known values of the default scenario (fixed by the team brief so tests
// and the demo can rely on them).
const (
	DefaultTenantID     = "00000000-0000-4000-8000-00000000c0de"
	DefaultClientID     = "11111111-1111-4111-8111-111111111111"
	DefaultClientSecret = "emulator-client-secret"
	DefaultUsername     = "admin@contoso.example"
	DefaultPassword     = "emulator-password"
	DefaultRefreshToken = "emulator-refresh-token"
	DefaultUserObjectID = "22222222-2222-4222-8222-222222222222"
	// DefaultFederatedSubject is the workload-identity subject the default
	// app trusts (a federated credential, as for a CI pipeline); tokens for
	// it come from POST /_emulator/entra/federated-token.
	DefaultFederatedSubject = "repo:contoso/cosell-infra:environment:emulator"
)

// Scenario is the seed data of the emulated directory (one tenant).
type Scenario struct {
	TenantID      string         `json:"tenant_id"`
	Apps          []App          `json:"apps"`
	Users         []User         `json:"users"`
	RefreshTokens []RefreshToken `json:"refresh_tokens"`
	// TokenLifetimeSeconds is the access token lifetime (default 3600).
	TokenLifetimeSeconds int `json:"token_lifetime_seconds,omitempty"`
	// RotateRefreshTokens: every user grant returns a new refresh token; with
	// this on, the one presented is also invalidated (single use). Nil means
	// false: real Entra keeps a redeemed refresh token valid until it expires,
	// so several provider processes may share one configured token.
	RotateRefreshTokens *bool `json:"rotate_refresh_tokens,omitempty"`
}

// App is an application registration together with its service principal.
type App struct {
	ClientID    string `json:"client_id"`
	DisplayName string `json:"display_name,omitempty"`
	// ObjectID is the service principal's object id (the oid of app-only
	// tokens); derived from the client id when empty.
	ObjectID      string   `json:"object_id,omitempty"`
	ClientSecret  string   `json:"client_secret,omitempty"`
	ClientSecrets []string `json:"client_secrets,omitempty"`
	// Certificates are PEM-encoded public certificates whose private keys may
	// sign client assertions.
	Certificates []string `json:"certificates,omitempty"`
	// FederatedSubjects are the `sub` values of workload-identity tokens
	// (issued by the emulator's federated issuer) this app trusts.
	FederatedSubjects []string `json:"federated_subjects,omitempty"`
	// PublicClient mirrors "Allow public client flows": user grants
	// (password, refresh_token) may then omit client credentials. Credentials
	// that are sent are still checked.
	PublicClient bool `json:"public_client,omitempty"`
}

// User is a member of the tenant.
type User struct {
	Username    string `json:"username"`
	Password    string `json:"password"`
	ObjectID    string `json:"object_id,omitempty"` // derived from the username when empty
	MFA         bool   `json:"mfa,omitempty"`       // ROPC is refused (AADSTS50076)
	DisplayName string `json:"display_name,omitempty"`
	// Roles is informational (e.g. "Referrals Admin"); other services may
	// look it up with (*Service).User.
	Roles []string `json:"roles,omitempty"`
}

// RefreshToken is a pre-issued refresh token (e.g. from a Secure Application
// Model consent done out of band).
type RefreshToken struct {
	Token    string `json:"token"`
	Username string `json:"username"`
	ClientID string `json:"client_id"`
}

// DefaultScenario is the directory of the team brief: one tenant, one app
// with a secret, one Referrals Admin user without MFA and a SAM refresh token.
func DefaultScenario() Scenario {
	return Scenario{
		TenantID: DefaultTenantID,
		Apps: []App{{
			ClientID:     DefaultClientID,
			DisplayName:  "Co-sell provider (emulator)",
			ClientSecret: DefaultClientSecret,
			PublicClient: true,
			// The emulator's own issuer, as a CI system would be.
			FederatedSubjects: []string{DefaultFederatedSubject},
		}},
		Users: []User{{
			Username:    DefaultUsername,
			Password:    DefaultPassword,
			ObjectID:    DefaultUserObjectID,
			DisplayName: "Contoso Admin",
			Roles:       []string{"Referrals Admin"},
		}},
		RefreshTokens: []RefreshToken{{Token: DefaultRefreshToken, Username: DefaultUsername, ClientID: DefaultClientID}},
	}
}

// derivedID gives stable object ids to entries that do not set one.
func derivedID(kind, key string) string {
	return uuid.NewSHA1(uuid.NameSpaceURL, []byte("cosell-emulator:"+kind+":"+strings.ToLower(key))).String()
}

func (a App) secrets() []string {
	out := append([]string(nil), a.ClientSecrets...)
	if a.ClientSecret != "" {
		out = append(out, a.ClientSecret)
	}
	return out
}

func parseCertificates(pems []string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for _, p := range pems {
		rest := []byte(p)
		found := false
		for {
			var b *pem.Block
			b, rest = pem.Decode(rest)
			if b == nil {
				break
			}
			if b.Type != "CERTIFICATE" {
				continue
			}
			c, err := x509.ParseCertificate(b.Bytes)
			if err != nil {
				return nil, err
			}
			out, found = append(out, c), true
		}
		if !found {
			return nil, errors.New("no CERTIFICATE block in PEM")
		}
	}
	return out, nil
}

func (sc *Scenario) validate() error {
	if sc.TenantID == "" {
		return errors.New("entra scenario: tenant_id is required")
	}
	seen := map[string]bool{}
	for _, a := range sc.Apps {
		if a.ClientID == "" {
			return errors.New("entra scenario: an app has no client_id")
		}
		if seen[strings.ToLower(a.ClientID)] {
			return fmt.Errorf("entra scenario: duplicate app %s", a.ClientID)
		}
		seen[strings.ToLower(a.ClientID)] = true
	}
	users := map[string]bool{}
	for _, u := range sc.Users {
		if u.Username == "" {
			return errors.New("entra scenario: a user has no username")
		}
		users[strings.ToLower(u.Username)] = true
	}
	for _, rt := range sc.RefreshTokens {
		if rt.Token == "" || !users[strings.ToLower(rt.Username)] || !seen[strings.ToLower(rt.ClientID)] {
			return fmt.Errorf("entra scenario: refresh token for %q/%q must name a known user and app", rt.Username, rt.ClientID)
		}
	}
	return nil
}

package entra

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

// tokenResponse is the JSON body of a successful token request.
type tokenResponse struct {
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope,omitempty"`
	ExpiresIn    int    `json:"expires_in"`
	ExtExpiresIn int    `json:"ext_expires_in"`
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token,omitempty"`
	IDToken      string `json:"id_token,omitempty"`
	ClientInfo   string `json:"client_info,omitempty"`
}

func (s *Service) tokenLifetime() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lifetime
}

// baseClaims are the claims every token of the tenant carries.
func (s *Service) baseClaims(aud string, lifetime time.Duration) jwt.MapClaims {
	now := s.now()
	return jwt.MapClaims{
		"aud": aud,
		"iss": s.Issuer(),
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(lifetime).Unix(),
		"tid": s.tenantID,
		"ver": "2.0",
		"uti": strings.ReplaceAll(uuid.NewString(), "-", "")[:22],
	}
}

// appToken is a client-credentials access token (idtyp=app, no scp).
func (s *Service) appToken(a *app, aud string) (string, time.Duration, error) {
	life := s.tokenLifetime()
	c := s.baseClaims(aud, life)
	c["oid"], c["sub"] = a.ObjectID, a.ObjectID
	c["appid"], c["azp"] = a.ClientID, a.ClientID
	c["appidacr"], c["azpacr"] = "1", "1"
	c["idtyp"] = "app"
	tok, err := s.signer.sign(c)
	return tok, life, err
}

// userToken is a delegated access token (idtyp=user, scp, upn).
func (s *Service) userToken(a *app, u *User, aud string, perms []string) (string, time.Duration, error) {
	life := s.tokenLifetime()
	c := s.baseClaims(aud, life)
	c["oid"], c["sub"] = u.ObjectID, u.ObjectID
	c["appid"], c["azp"] = a.ClientID, a.ClientID
	c["idtyp"] = "user"
	c["scp"] = strings.Join(perms, " ")
	c["upn"], c["unique_name"] = u.Username, u.Username
	c["name"] = u.DisplayName
	tok, err := s.signer.sign(c)
	return tok, life, err
}

// idToken is the OpenID Connect id token of a user sign-in (aud = client id).
func (s *Service) idToken(a *app, u *User) (string, error) {
	c := s.baseClaims(a.ClientID, time.Hour)
	delete(c, "uti")
	c["sub"] = derivedID("pairwise", u.ObjectID+"/"+a.ClientID)
	c["oid"] = u.ObjectID
	c["preferred_username"] = u.Username
	c["name"] = u.DisplayName
	return s.signer.sign(c)
}

// clientInfo is base64url JSON {uid, utid}; MSAL builds the home account id
// from it.
func (s *Service) clientInfo(u *User) string {
	b, _ := json.Marshal(map[string]string{"uid": u.ObjectID, "utid": s.tenantID})
	return base64.RawURLEncoding.EncodeToString(b)
}

// Verify checks a bearer token's RS256 signature (this service's key),
// issuer and validity window, and returns what it proves. The audience is
// left to core.RequireToken.
func (s *Service) Verify(raw string) (*core.Claims, error) {
	mc := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(raw, mc, func(t *jwt.Token) (any, error) {
		if kid, _ := t.Header["kid"].(string); kid != "" && kid != s.signer.kid {
			return nil, fmt.Errorf("signing key %q is not published by this tenant", kid)
		}
		return &s.signer.key.PublicKey, nil
	},
		jwt.WithValidMethods([]string{"RS256"}),
		jwt.WithIssuer(s.Issuer()),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(s.now),
	)
	if err != nil {
		switch {
		case errors.Is(err, jwt.ErrTokenExpired):
			return nil, errors.New("the token is expired (Lifetime validation failed)")
		case errors.Is(err, jwt.ErrTokenSignatureInvalid):
			return nil, errors.New("the token signature is invalid")
		}
		return nil, fmt.Errorf("invalid token: %w", err)
	}
	str := func(k string) string { v, _ := mc[k].(string); return v }
	c := &core.Claims{
		Audience: str("aud"),
		TenantID: str("tid"),
		AppID:    str("appid"),
		ObjectID: str("oid"),
		UPN:      str("upn"),
		AppOnly:  str("idtyp") == "app",
		Scopes:   strings.Fields(str("scp")),
	}
	if c.AppID == "" {
		c.AppID = str("azp")
	}
	if exp, err := mc.GetExpirationTime(); err == nil && exp != nil {
		c.Expires = exp.Time
	}
	if c.Audience == "" {
		return nil, errors.New("invalid token: no audience")
	}
	return c, nil
}

// IssueFederatedToken mints a workload-identity OIDC token for subject from
// the emulator's federated issuer (aud api://AzureADTokenExchange, valid 10
// minutes), to be sent as a federated client_assertion.
func (s *Service) IssueFederatedToken(subject string) string {
	now := s.now()
	tok, err := s.federated.sign(jwt.MapClaims{
		"iss": s.FederatedIssuer(),
		"sub": subject,
		"aud": federatedAudience,
		"iat": now.Unix(),
		"nbf": now.Unix(),
		"exp": now.Add(10 * time.Minute).Unix(),
		"jti": uuid.NewString(),
	})
	if err != nil {
		panic("entra: signing a federated token: " + err.Error()) // RSA signing with a valid key cannot fail
	}
	return tok
}

// IssueAppToken mints an app-only access token without a token request
// (for tests of other services).
func (s *Service) IssueAppToken(clientID, audience string) (string, error) {
	a, ok := s.lookupApp(clientID)
	if !ok {
		return "", fmt.Errorf("entra: unknown app %s", clientID)
	}
	tok, _, err := s.appToken(a, audience)
	return tok, err
}

// IssueUserToken mints a delegated access token for a user without a token
// request (for tests of other services).
func (s *Service) IssueUserToken(clientID, username, audience string) (string, error) {
	a, ok := s.lookupApp(clientID)
	if !ok {
		return "", fmt.Errorf("entra: unknown app %s", clientID)
	}
	u, ok := s.User(username)
	if !ok {
		return "", fmt.Errorf("entra: unknown user %s", username)
	}
	tok, _, err := s.userToken(a, &u, audience, []string{"user_impersonation"})
	return tok, err
}

package entra

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"mime"
	"net/http"
	"net/url"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Grant types the token endpoint supports.
const (
	GrantClientCredentials = "client_credentials"
	GrantRefreshToken      = "refresh_token"
	GrantPassword          = "password"
)

// handleToken is POST /{tenant}/oauth2/v2.0/token (form-encoded).
func (s *Service) handleToken(w http.ResponseWriter, r *http.Request) {
	form, grant, resp, e := s.token(r)
	if e != nil {
		s.count(grant, false)
		s.logf("token %s for client %q refused: AADSTS%d %s", grant, form.Get("client_id"), e.aadsts, e.code)
		s.writeSTSError(w, r, e)
		return
	}
	s.count(grant, true)
	s.logf("token %s issued to client %q", grant, form.Get("client_id"))
	noStore(w)
	if id := r.Header.Get("client-request-id"); id != "" {
		w.Header().Set("client-request-id", id)
	}
	core.WriteJSON(w, http.StatusOK, resp)
}

func (s *Service) count(grant string, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ok {
		s.issued[grant]++
	} else {
		s.rejected[grant]++
	}
}

func (s *Service) token(r *http.Request) (url.Values, string, *tokenResponse, *stsError) {
	tenant := r.PathValue("tenant")
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/x-www-form-urlencoded" {
		return url.Values{}, "", nil, newErr(http.StatusBadRequest, "invalid_request", 900144,
			"The request body must contain the following parameter: 'grant_type'. (Content-Type must be application/x-www-form-urlencoded.)")
	}
	if err := r.ParseForm(); err != nil {
		return url.Values{}, "", nil, newErr(http.StatusBadRequest, "invalid_request", 900144, "The request body could not be parsed: %v", err)
	}
	form := r.PostForm
	grant := form.Get("grant_type")
	if !s.knownTenant(tenant) {
		return form, grant, nil, errInvalidTenant(tenant)
	}
	if grant == "" {
		return form, grant, nil, errMissingParam("grant_type")
	}
	// client_secret_basic: credentials in the Authorization header.
	if id, secret, ok := r.BasicAuth(); ok {
		if form.Get("client_id") == "" {
			form.Set("client_id", id)
		}
		if form.Get("client_secret") == "" {
			form.Set("client_secret", secret)
		}
	}
	clientID := form.Get("client_id")
	if clientID == "" {
		return form, grant, nil, errMissingParam("client_id")
	}
	a, ok := s.lookupApp(clientID)
	if !ok {
		return form, grant, nil, newErr(http.StatusBadRequest, "unauthorized_client", 700016,
			"Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
			clientID, tenant)
	}
	var resp *tokenResponse
	var e *stsError
	switch grant {
	case GrantClientCredentials:
		resp, e = s.grantClientCredentials(a, form, tenant)
	case GrantPassword:
		resp, e = s.grantPassword(a, form, tenant)
	case GrantRefreshToken:
		resp, e = s.grantRefreshToken(a, form, tenant)
	default:
		e = newErr(http.StatusBadRequest, "unsupported_grant_type", 70003,
			"The app requested an unsupported grant type '%s'.", grant)
	}
	return form, grant, resp, e
}

// authenticateClient checks the client credential sent with the request.
// required is false only for user grants of public client apps (which may
// still send a credential, and then it must be valid).
func (s *Service) authenticateClient(a *app, form url.Values, tenant string, required bool) *stsError {
	secret, assertion := form.Get("client_secret"), form.Get("client_assertion")
	switch {
	case secret != "" && assertion != "":
		return newErr(http.StatusBadRequest, "invalid_request", 90014,
			"Only one client credential may be sent: 'client_secret' or 'client_assertion'.")
	case secret != "":
		for _, want := range a.secrets() {
			if subtle.ConstantTimeCompare([]byte(secret), []byte(want)) == 1 {
				return nil
			}
		}
		return newErr(http.StatusUnauthorized, "invalid_client", 7000215,
			"Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", a.ClientID)
	case assertion != "":
		if t := form.Get("client_assertion_type"); t != clientAssertionType {
			return newErr(http.StatusBadRequest, "invalid_request", 50027,
				"Invalid client_assertion_type '%s'; expected '%s'.", t, clientAssertionType)
		}
		_, e := s.verifyAssertion(a, assertion, tenant)
		return e
	case required:
		return newErr(http.StatusUnauthorized, "invalid_client", 7000218,
			"The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
	}
	return nil
}

func (s *Service) grantClientCredentials(a *app, form url.Values, tenant string) (*tokenResponse, *stsError) {
	if e := s.authenticateClient(a, form, tenant, true); e != nil {
		return nil, e
	}
	sc, e := parseScope(form.Get("scope"), form.Get("resource"), true)
	if e != nil {
		return nil, e
	}
	tok, life, err := s.appToken(a, sc.resource)
	if err != nil {
		return nil, newErr(http.StatusInternalServerError, "server_error", 90033, "Signing failed: %v", err)
	}
	// Entra reports no scope for client credentials; MSAL then treats the
	// requested scopes as granted.
	return &tokenResponse{TokenType: "Bearer", ExpiresIn: int(life.Seconds()), ExtExpiresIn: int(life.Seconds()), AccessToken: tok}, nil
}

func (s *Service) grantPassword(a *app, form url.Values, tenant string) (*tokenResponse, *stsError) {
	if e := s.authenticateClient(a, form, tenant, !a.PublicClient); e != nil {
		return nil, e
	}
	username, password := form.Get("username"), form.Get("password")
	if username == "" {
		return nil, errMissingParam("username")
	}
	if password == "" {
		return nil, errMissingParam("password")
	}
	sc, e := parseScope(form.Get("scope"), form.Get("resource"), false)
	if e != nil {
		return nil, e
	}
	u, ok := s.User(username)
	if !ok {
		return nil, newErr(http.StatusBadRequest, "invalid_grant", 50034,
			"The user account %s does not exist in the %s directory. To sign into this application, the account must be added to the directory.", username, s.tenantID)
	}
	if subtle.ConstantTimeCompare([]byte(u.Password), []byte(password)) != 1 {
		return nil, newErr(http.StatusBadRequest, "invalid_grant", 50126,
			"Error validating credentials due to invalid username or password.")
	}
	if u.MFA {
		// ROPC cannot satisfy MFA; Entra answers with an interaction-required error.
		return nil, newErr(http.StatusBadRequest, "invalid_grant", 50076,
			"Due to a configuration change made by your administrator, or because you moved to a new location, you must use multi-factor authentication to access '%s'.", sc.resource)
	}
	return s.userResponse(a, &u, sc, "")
}

func (s *Service) grantRefreshToken(a *app, form url.Values, tenant string) (*tokenResponse, *stsError) {
	if e := s.authenticateClient(a, form, tenant, !a.PublicClient); e != nil {
		return nil, e
	}
	rt := form.Get("refresh_token")
	if rt == "" {
		return nil, errMissingParam("refresh_token")
	}
	sc, e := parseScope(form.Get("scope"), form.Get("resource"), false)
	if e != nil {
		return nil, e
	}
	s.mu.Lock()
	entry, ok := s.refresh[rt]
	var username string
	var revoked, otherClient bool
	if ok {
		username, revoked, otherClient = entry.username, entry.revoked, !strings.EqualFold(entry.clientID, a.ClientID)
	}
	s.mu.Unlock()
	switch {
	case !ok:
		return nil, newErr(http.StatusBadRequest, "invalid_grant", 9002313, "Invalid request. Request is malformed or invalid. (The refresh token is not valid.)")
	case revoked:
		return nil, newErr(http.StatusBadRequest, "invalid_grant", 50173,
			"The provided grant has expired due to it being revoked, a fresh auth token is needed. The refresh token was already redeemed and has been rotated.")
	case otherClient:
		return nil, newErr(http.StatusBadRequest, "invalid_grant", 70000,
			"Provided grant is invalid or malformed. The refresh token was issued to a different client.")
	}
	u, ok := s.User(username)
	if !ok {
		return nil, newErr(http.StatusBadRequest, "invalid_grant", 50173,
			"The provided grant has expired due to it being revoked, a fresh auth token is needed. The user no longer exists.")
	}
	return s.userResponse(a, &u, sc, rt)
}

// userResponse issues the access, id and refresh tokens of a user grant.
// presented is the refresh token being redeemed ("" for other grants).
func (s *Service) userResponse(a *app, u *User, sc scopeRequest, presented string) (*tokenResponse, *stsError) {
	tok, life, err := s.userToken(a, u, sc.resource, sc.perms)
	if err != nil {
		return nil, newErr(http.StatusInternalServerError, "server_error", 90033, "Signing failed: %v", err)
	}
	idt, err := s.idToken(a, u)
	if err != nil {
		return nil, newErr(http.StatusInternalServerError, "server_error", 90033, "Signing failed: %v", err)
	}
	newRT := newRefreshToken()
	s.mu.Lock()
	if presented != "" && s.rotate {
		s.refresh[presented].revoked = true
	}
	s.refresh[newRT] = &refreshEntry{username: strings.ToLower(u.Username), clientID: strings.ToLower(a.ClientID)}
	s.mu.Unlock()
	return &tokenResponse{
		TokenType:    "Bearer",
		Scope:        strings.Join(sc.echo, " "),
		ExpiresIn:    int(life.Seconds()),
		ExtExpiresIn: int(life.Seconds()),
		AccessToken:  tok,
		RefreshToken: newRT,
		IDToken:      idt,
		ClientInfo:   s.clientInfo(u),
	}, nil
}

// newRefreshToken returns an opaque token, like Entra's ("0.A..." strings).
func newRefreshToken() string {
	b := make([]byte, 48)
	_, _ = rand.Read(b)
	return "0.AEMU" + base64.RawURLEncoding.EncodeToString(b)
}

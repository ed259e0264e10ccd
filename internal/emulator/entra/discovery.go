package entra

import (
	"net/http"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// handleDiscovery serves the OpenID Provider metadata of a tenant. MSAL Go
// (instance discovery disabled) fetches "<authority>/v2.0/.well-known/
// openid-configuration" and needs authorization_endpoint, token_endpoint and
// an issuer on the authority's host; "{tenant}" in endpoints is replaced by it.
func (s *Service) handleDiscovery(w http.ResponseWriter, r *http.Request) {
	t := r.PathValue("tenant")
	if !s.knownTenant(t) {
		s.writeSTSError(w, r, errInvalidTenant(t))
		return
	}
	base := s.base()
	// Like Entra, the multi-tenant aliases keep their name in the endpoints
	// and publish a templated issuer.
	issuer := s.Issuer()
	if !strings.EqualFold(t, s.tenantID) {
		issuer = base + "/{tenantid}/v2.0"
	}
	ep := base + "/" + t
	core.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                issuer,
		"authorization_endpoint":                ep + "/oauth2/v2.0/authorize",
		"token_endpoint":                        ep + "/oauth2/v2.0/token",
		"device_authorization_endpoint":         ep + "/oauth2/v2.0/devicecode",
		"end_session_endpoint":                  ep + "/oauth2/v2.0/logout",
		"jwks_uri":                              ep + "/discovery/v2.0/keys",
		"userinfo_endpoint":                     base + "/oidc/userinfo",
		"kerberos_endpoint":                     ep + "/kerberos",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"claims_supported": []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name", "cloud_graph_host_name",
			"msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver",
			"at_hash", "c_hash", "email"},
		"request_uri_parameter_supported": false,
		"http_logout_supported":           true,
		"frontchannel_logout_supported":   true,
		"tenant_region_scope":             "NA",
		"cloud_instance_name":             "microsoftonline.com",
		"cloud_graph_host_name":           "graph.windows.net",
		"msgraph_host":                    "graph.microsoft.com",
		"rbac_url":                        "https://pas.windows.net",
	})
}

func (s *Service) handleKeys(w http.ResponseWriter, r *http.Request) {
	if t := r.PathValue("tenant"); !s.knownTenant(t) {
		s.writeSTSError(w, r, errInvalidTenant(t))
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"keys": []jwk{s.signer.jwk(s.Issuer())}})
}

// handleUserRealm tells MSAL's username/password flow whether the user's
// domain is managed (password sent to the token endpoint) or federated.
func (s *Service) handleUserRealm(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("user")
	_, domain, _ := strings.Cut(user, "@")
	accountType := "Unknown"
	s.mu.Lock()
	for name := range s.users {
		if _, d, _ := strings.Cut(name, "@"); d != "" && strings.EqualFold(d, domain) {
			accountType = "Managed"
			break
		}
	}
	s.mu.Unlock()
	core.WriteJSON(w, http.StatusOK, map[string]any{
		"ver":                 "1.0",
		"account_type":        accountType,
		"domain_name":         strings.ToLower(domain),
		"cloud_instance_name": "microsoftonline.com",
		"cloud_audience_urn":  "urn:federation:MicrosoftOnline",
	})
}

// The federated issuer is the emulator's stand-in for a workload identity
// provider (GitHub Actions, Kubernetes, ...); it publishes its own metadata.
func (s *Service) handleFederatedDiscovery(w http.ResponseWriter, r *http.Request) {
	if t := r.PathValue("tenant"); !strings.EqualFold(t, s.tenantID) {
		s.writeSTSError(w, r, errInvalidTenant(t))
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{
		"issuer":                                s.FederatedIssuer(),
		"jwks_uri":                              s.FederatedIssuer() + "/keys",
		"subject_types_supported":               []string{"public"},
		"response_types_supported":              []string{"id_token"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (s *Service) handleFederatedKeys(w http.ResponseWriter, r *http.Request) {
	if t := r.PathValue("tenant"); !strings.EqualFold(t, s.tenantID) {
		s.writeSTSError(w, r, errInvalidTenant(t))
		return
	}
	core.WriteJSON(w, http.StatusOK, map[string]any{"keys": []jwk{s.federated.jwk(s.FederatedIssuer())}})
}

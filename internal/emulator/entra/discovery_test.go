package entra

import (
	"crypto/rsa"
	"encoding/base64"
	"math/big"
	"net/http"
	"strings"
	"testing"
)

func TestDiscoveryDocumentHasWhatMSALNeeds(t *testing.T) {
	f := newFixture(t, nil)
	status, doc := f.getJSON(t, "/"+DefaultTenantID+"/v2.0/.well-known/openid-configuration")
	if status != http.StatusOK {
		t.Fatalf("status %d", status)
	}
	base := f.srv.URL + "/" + DefaultTenantID
	want := map[string]string{
		"issuer":                 base + "/v2.0",
		"token_endpoint":         base + "/oauth2/v2.0/token",
		"authorization_endpoint": base + "/oauth2/v2.0/authorize",
		"jwks_uri":               base + "/discovery/v2.0/keys",
	}
	for k, v := range want {
		if doc[k] != v {
			t.Errorf("%s = %v, want %s", k, doc[k], v)
		}
	}
	if f.svc.Issuer() != want["issuer"] || f.svc.TokenEndpoint() != want["token_endpoint"] {
		t.Errorf("service URLs disagree with the document")
	}

	// The multi-tenant alias keeps its name and publishes a templated issuer.
	_, orgs := f.getJSON(t, "/organizations/v2.0/.well-known/openid-configuration")
	if orgs["token_endpoint"] != f.srv.URL+"/organizations/oauth2/v2.0/token" || orgs["issuer"] != f.srv.URL+"/{tenantid}/v2.0" {
		t.Errorf("organizations document: %v", orgs)
	}

	status, bad := f.getJSON(t, "/not-a-tenant/v2.0/.well-known/openid-configuration")
	if status != http.StatusBadRequest || !strings.HasPrefix(bad["error_description"].(string), "AADSTS90002:") {
		t.Errorf("unknown tenant: %d %v", status, bad)
	}
}

func TestJWKSPublishesTheSigningKey(t *testing.T) {
	f := newFixture(t, nil)
	_, doc := f.getJSON(t, "/"+DefaultTenantID+"/discovery/v2.0/keys")
	keys := doc["keys"].([]any)
	if len(keys) != 1 {
		t.Fatalf("keys: %v", keys)
	}
	k := keys[0].(map[string]any)
	n, _ := base64.RawURLEncoding.DecodeString(k["n"].(string))
	e, _ := base64.RawURLEncoding.DecodeString(k["e"].(string))
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	if !pub.Equal(f.svc.SigningPublicKey()) || k["kty"] != "RSA" || k["use"] != "sig" || k["kid"] == "" {
		t.Fatalf("JWKS entry does not describe the signing key: %v", k)
	}
}

func TestUserRealm(t *testing.T) {
	f := newFixture(t, nil)
	for _, path := range []string{"/common/UserRealm/" + DefaultUsername, "/common/userrealm/" + DefaultUsername} {
		status, doc := f.getJSON(t, path+"?api-version=1.0")
		if status != http.StatusOK || doc["account_type"] != "Managed" || doc["domain_name"] != "contoso.example" ||
			doc["cloud_instance_name"] == "" || doc["cloud_audience_urn"] == "" {
			t.Errorf("%s: %d %v", path, status, doc)
		}
	}
	_, doc := f.getJSON(t, "/common/UserRealm/someone@fabrikam.example?api-version=1.0")
	if doc["account_type"] != "Unknown" {
		t.Errorf("foreign domain: %v", doc)
	}
}

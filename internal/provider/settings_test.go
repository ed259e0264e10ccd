package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

const (
	tenantEnv = "00000000-0000-4000-8000-0000000000e1"
	tenantARM = "00000000-0000-4000-8000-0000000000a1"
	tenantCfg = "00000000-0000-4000-8000-0000000000c1"
	clientARM = "11111111-0000-4000-8000-0000000000a1"
)

func TestResolveSettings_precedence(t *testing.T) {
	env := map[string]string{
		"COSELL_TENANT_ID":     tenantEnv,
		"ARM_TENANT_ID":        tenantARM,
		"ARM_CLIENT_ID":        clientARM,
		"COSELL_MAX_RETRIES":   "7",
		"COSELL_DATAVERSE_URL": "https://env.crm.dynamics.com/",
	}
	getenv := func(k string) string { return env[k] }

	s, err := resolveSettings(providerModel{TenantID: types.StringValue(tenantCfg)}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if s.TenantID != tenantCfg {
		t.Errorf("configuration must win over the environment: got %q", s.TenantID)
	}
	if s.ClientID != clientARM {
		t.Errorf("ARM_CLIENT_ID must be read when COSELL_CLIENT_ID is unset: got %q", s.ClientID)
	}
	if s.MaxRetries != 7 {
		t.Errorf("max_retries from the environment: got %d", s.MaxRetries)
	}
	if s.DataverseURL != "https://env.crm.dynamics.com" {
		t.Errorf("trailing slash must be trimmed: got %q", s.DataverseURL)
	}
	if s.AuthorityHost != defaultAuthorityHost || s.ReferralsAudience != defaultReferralsAudience {
		t.Errorf("defaults not applied: %+v", s)
	}

	s, _ = resolveSettings(providerModel{}, getenv)
	if s.TenantID != tenantEnv {
		t.Errorf("COSELL_ must win over ARM_: got %q", s.TenantID)
	}
}

func TestResolveSettings_errorsNameAttributeAndVariable(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want []string
	}{
		{map[string]string{"COSELL_MAX_RETRIES": "many"}, []string{"max_retries", "COSELL_MAX_RETRIES", "0 and 20"}},
		{map[string]string{"COSELL_DATAVERSE_URL": "http://x.crm.dynamics.com"}, []string{"dataverse_url", "COSELL_DATAVERSE_URL", "https://"}},
		{map[string]string{"COSELL_AUTHORITY_HOST": "login.example"}, []string{"authority_host", "COSELL_AUTHORITY_HOST"}},
	} {
		_, err := resolveSettings(providerModel{}, func(k string) string { return tc.env[k] })
		if err == nil {
			t.Fatalf("%v: expected an error", tc.env)
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%v: error %q does not mention %q", tc.env, err, w)
			}
		}
	}
}

// A credential in the configuration wins over an alternative one in the
// environment (e.g. ARM_CLIENT_SECRET exported for the Azure providers):
// the environment only fills in a credential the configuration lacks.
func TestResolveSettings_configuredCredentialWinsOverEnvironmentAlternatives(t *testing.T) {
	env := map[string]string{
		"ARM_CLIENT_SECRET":         "azurerm-secret",
		"COSELL_CLIENT_CERTIFICATE": "-----BEGIN CERTIFICATE-----",
		"ARM_OIDC_TOKEN":            "env-oidc",
		"COSELL_REFRESH_TOKEN":      "env-refresh",
		"COSELL_USERNAME":           "env-user",
		"COSELL_PASSWORD":           "env-password",
		"COSELL_TENANT_ID":          tenantEnv,
	}
	getenv := func(k string) string { return env[k] }

	s, err := resolveSettings(providerModel{
		OIDCTokenFilePath: types.StringValue("/ci/token"),
		Username:          types.StringValue("cfg-user"),
		Password:          types.StringValue("cfg-password"),
	}, getenv)
	if err != nil {
		t.Fatal(err)
	}
	if s.ClientSecret != "" || s.ClientCertificate != "" || s.OIDCToken != "" || s.OIDCTokenFilePath != "/ci/token" {
		t.Errorf("configured oidc_token_file_path must not be overridden by environment credentials: %+v", s)
	}
	if s.RefreshToken != "" || s.Username != "cfg-user" || s.Password != "cfg-password" {
		t.Errorf("configured username/password must not be overridden by COSELL_REFRESH_TOKEN: %+v", s)
	}
	if s.TenantID != tenantEnv {
		t.Errorf("other attributes still fall back to the environment: %+v", s)
	}

	s, _ = resolveSettings(providerModel{ClientCertificatePath: types.StringValue("/app.pem")}, getenv)
	if s.ClientCertificate != "" || s.ClientSecret != "" || s.ClientCertificatePath != "/app.pem" {
		t.Errorf("configured client_certificate_path must win: %+v", s)
	}

	s, _ = resolveSettings(providerModel{}, getenv)
	if s.ClientSecret != "azurerm-secret" || s.RefreshToken != "env-refresh" || s.ClientCertificate == "" {
		t.Errorf("with nothing configured the environment is read: %+v", s)
	}
}

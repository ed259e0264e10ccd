package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Every endpoint and identifier setting, from the environment or the
// provider block, is parsed before any call; the message names the
// attribute, its environment variable(s) and where the value came from.
func TestResolveSettings_endpointsAndIdentifiers(t *testing.T) {
	for _, tc := range []struct {
		name  string
		env   map[string]string
		model providerModel
		want  []string // substrings of the error; nil = valid
		check func(t *testing.T, s settings)
	}{
		{name: "dataverse path doubled", env: map[string]string{"COSELL_DATAVERSE_URL": "https://host.crm.dynamics.com/api/data/v9.2/"},
			check: func(t *testing.T, s settings) {
				if s.DataverseURL != "https://host.crm.dynamics.com" {
					t.Errorf("documented Web API suffix not removed: %q", s.DataverseURL)
				}
			}},
		{name: "dataverse v9.0 suffix, capitals", model: providerModel{DataverseURL: types.StringValue("HTTPS://Contoso.CRM.dynamics.com/API/data/v9.0")},
			check: func(t *testing.T, s settings) {
				if s.DataverseURL != "https://contoso.crm.dynamics.com" {
					t.Errorf("got %q", s.DataverseURL)
				}
			}},
		{name: "dataverse other path", env: map[string]string{"COSELL_DATAVERSE_URL": "https://host.crm.dynamics.com/main.aspx"},
			want: []string{"dataverse_url (COSELL_DATAVERSE_URL), set by the environment variable COSELL_DATAVERSE_URL", `has a path (/main.aspx)`, "the provider adds /api/data/v9.2 itself"}},
		{name: "dataverse space", env: map[string]string{"COSELL_DATAVERSE_URL": "https://contoso crm.dynamics.com"},
			want: []string{"dataverse_url (COSELL_DATAVERSE_URL)", "contains whitespace"}},
		{name: "dataverse no host", env: map[string]string{"COSELL_DATAVERSE_URL": "https://"},
			want: []string{"dataverse_url (COSELL_DATAVERSE_URL)", `"https://" has no host`}},
		{name: "dataverse http", model: providerModel{DataverseURL: types.StringValue("http://x.crm.dynamics.com")},
			want: []string{"dataverse_url (COSELL_DATAVERSE_URL), set in the provider block", "uses http://; only https://"}},
		{name: "dataverse no scheme", env: map[string]string{"COSELL_DATAVERSE_URL": "contoso.crm.dynamics.com"},
			want: []string{"dataverse_url (COSELL_DATAVERSE_URL)", "not an absolute URL"}},
		{name: "dataverse query", env: map[string]string{"COSELL_DATAVERSE_URL": "https://contoso.crm.dynamics.com/?x=1"},
			want: []string{"dataverse_url (COSELL_DATAVERSE_URL)", "query or fragment"}},
		{name: "referrals path doubled", env: map[string]string{"COSELL_PARTNER_CENTER_URL": "https://api.partner.microsoft.com/v1.0/engagements/referrals"},
			check: func(t *testing.T, s settings) {
				if s.PartnerCenterURL != "https://api.partner.microsoft.com" {
					t.Errorf("got %q", s.PartnerCenterURL)
				}
			}},
		{name: "referrals other path", env: map[string]string{"COSELL_PARTNER_CENTER_URL": "https://api.partner.microsoft.com/v2/referrals"},
			want: []string{"partner_center_url (COSELL_PARTNER_CENTER_URL), set by the environment variable COSELL_PARTNER_CENTER_URL", "has a path (/v2/referrals)"}},
		{name: "webhooks suffix", env: map[string]string{"COSELL_WEBHOOKS_URL": "https://api.partnercenter.microsoft.com/webhooks/v1/"},
			check: func(t *testing.T, s settings) {
				if s.WebhooksURL != "https://api.partnercenter.microsoft.com" {
					t.Errorf("got %q", s.WebhooksURL)
				}
			}},
		{name: "authority with tenant", env: map[string]string{"COSELL_AUTHORITY_HOST": "https://login.microsoftonline.com/00000000-0000-4000-8000-00000000c0de"},
			want: []string{"authority_host (COSELL_AUTHORITY_HOST or ARM_AUTHORITY_HOST), set by the environment variable COSELL_AUTHORITY_HOST", "has a path", "the tenant goes in tenant_id"}},
		{name: "authority via ARM", env: map[string]string{"ARM_AUTHORITY_HOST": "login.microsoftonline.us"},
			want: []string{"authority_host (COSELL_AUTHORITY_HOST or ARM_AUTHORITY_HOST), set by the environment variable ARM_AUTHORITY_HOST", "not an absolute URL"}},
		{name: "power platform path", model: providerModel{PowerPlatformURL: types.StringValue("https://api.powerplatform.com/connectivity")},
			want: []string{"power_platform_url (COSELL_POWER_PLATFORM_URL), set in the provider block", "has a path (/connectivity)"}},
		{name: "audience path", env: map[string]string{"COSELL_REFERRALS_AUDIENCE": "https://api.partner.microsoft.com/user_impersonation"},
			want: []string{"referrals_audience (COSELL_REFERRALS_AUDIENCE)", "has a path"}},
		{name: "audience .default", env: map[string]string{"COSELL_WEBHOOKS_AUDIENCE": "https://api.partnercenter.microsoft.com/.default"},
			check: func(t *testing.T, s settings) {
				if s.WebhooksAudience != "https://api.partnercenter.microsoft.com" {
					t.Errorf("got %q", s.WebhooksAudience)
				}
			}},
		{name: "environment id mistyped", env: map[string]string{"COSELL_ENVIRONMENT_ID": "production"},
			want: []string{"environment_id (COSELL_ENVIRONMENT_ID), set by the environment variable COSELL_ENVIRONMENT_ID", `"production" is not a Power Platform environment id`}},
		{name: "environment id in block", model: providerModel{EnvironmentID: types.StringValue("production")},
			want: []string{"environment_id (COSELL_ENVIRONMENT_ID), set in the provider block", "not a Power Platform environment id"}},
		{name: "tenant id", env: map[string]string{"ARM_TENANT_ID": "contoso"},
			want: []string{"tenant_id (COSELL_TENANT_ID or ARM_TENANT_ID), set by the environment variable ARM_TENANT_ID", "Directory ID"}},
		{name: "client id", model: providerModel{ClientID: types.StringValue("my-app")},
			want: []string{"client_id (COSELL_CLIENT_ID or ARM_CLIENT_ID), set in the provider block", "Application (client) ID"}},
		{name: "emulator endpoints with ports", env: map[string]string{"COSELL_DATAVERSE_URL": "https://127.0.0.1:4434", "COSELL_AUTHORITY_HOST": "https://127.0.0.1:4430/"},
			check: func(t *testing.T, s settings) {
				if s.DataverseURL != "https://127.0.0.1:4434" || s.AuthorityHost != "https://127.0.0.1:4430" {
					t.Errorf("got %q %q", s.DataverseURL, s.AuthorityHost)
				}
			}},
		{name: "unknown value not checked", model: providerModel{DataverseURL: types.StringUnknown()}, env: map[string]string{"COSELL_DATAVERSE_URL": "nonsense"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, err := resolveSettings(tc.model, func(k string) string { return tc.env[k] })
			if tc.want == nil {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				if tc.check != nil {
					tc.check(t, s)
				}
				return
			}
			if err == nil {
				t.Fatal("expected an error")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			// The diagnostic carries the same text; on the attribute when it
			// was written in the provider block.
			d := settingDiagnostics(s, err)
			if len(d) == 0 || !strings.Contains(d[0].Detail(), tc.want[0]) {
				t.Errorf("diagnostics %v", d)
			}
		})
	}
}

package emulator

import (
	"path/filepath"
	"strings"
)

// Endpoints are the base URLs of a running emulator. Service URLs are the
// scheme and host only (https://127.0.0.1:P, no trailing slash): the
// equivalent of https://api.partner.microsoft.com,
// https://api.partnercenter.microsoft.com, the Dataverse org URL and
// https://api.powerplatform.com.
type Endpoints struct {
	// AuthorityHost is the Entra host; the authority is AuthorityHost + "/" + TenantID.
	AuthorityHost    string `json:"authority_host"`
	ReferralsURL     string `json:"referrals_url"`
	WebhooksURL      string `json:"webhooks_url"`
	DataverseURL     string `json:"dataverse_url"` // org URL and token audience
	PowerPlatformURL string `json:"power_platform_url"`
	TenantID         string `json:"tenant_id"`
	EnvironmentID    string `json:"environment_id"`
	CAFile           string `json:"ca_file"`
}

// Endpoints returns the emulator's URLs and identifiers.
func (e *Emulator) Endpoints() Endpoints {
	env := ""
	if len(e.scenario.PowerPlatform.Environments) > 0 {
		env = e.scenario.PowerPlatform.Environments[0].ID
	}
	return Endpoints{
		AuthorityHost:    e.urls[ServiceEntra],
		ReferralsURL:     e.urls[ServiceReferrals],
		WebhooksURL:      e.urls[ServiceWebhooks],
		DataverseURL:     e.urls[ServiceDataverse],
		PowerPlatformURL: e.urls[ServicePowerPlatform],
		TenantID:         e.entra.TenantID(),
		EnvironmentID:    env,
		CAFile:           e.caFile,
	}
}

// Env returns KEY=VALUE lines configuring the provider for this emulator:
// the endpoints, the first app's credentials, the first refresh token of the
// scenario and SSL_CERT_FILE pointing at the emulator CA. Keys without a
// value in the scenario are left out.
func (e *Emulator) Env() []string {
	ep := e.Endpoints()
	var clientID, secret, refresh string
	if apps := e.scenario.Entra.Apps; len(apps) > 0 {
		clientID = apps[0].ClientID
		secret = apps[0].ClientSecret
		if secret == "" && len(apps[0].ClientSecrets) > 0 {
			secret = apps[0].ClientSecrets[0]
		}
	}
	if rts := e.scenario.Entra.RefreshTokens; len(rts) > 0 {
		refresh = rts[0].Token
	}
	pairs := [][2]string{
		{"COSELL_TENANT_ID", ep.TenantID},
		{"COSELL_CLIENT_ID", clientID},
		{"COSELL_CLIENT_SECRET", secret},
		{"COSELL_REFRESH_TOKEN", refresh},
		{"COSELL_AUTHORITY_HOST", ep.AuthorityHost},
		{"COSELL_PARTNER_CENTER_URL", ep.ReferralsURL},
		{"COSELL_WEBHOOKS_URL", ep.WebhooksURL},
		{"COSELL_DATAVERSE_URL", ep.DataverseURL},
		{"COSELL_POWER_PLATFORM_URL", ep.PowerPlatformURL},
		{"COSELL_ENVIRONMENT_ID", ep.EnvironmentID},
		{"SSL_CERT_FILE", ep.CAFile},
		// For `terraform-provider-cosell webhook-receiver` run against the emulator.
		{"COSELL_RECEIVER_CERTIFICATE_HOSTS", strings.TrimPrefix(ep.WebhooksURL, "https://")},
		{"COSELL_RECEIVER_CERTIFICATE_ROOTS", filepath.Join(filepath.Dir(ep.CAFile), SigningCertFileName)},
	}
	out := make([]string, 0, len(pairs))
	for _, p := range pairs {
		if p[1] != "" {
			out = append(out, p[0]+"="+p[1])
		}
	}
	return out
}

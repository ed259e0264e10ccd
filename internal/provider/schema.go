package provider

import (
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// providerSchema is the provider block. Every attribute falls back to an
// environment variable (see settings.go); the configuration wins.
func providerSchema() schema.Schema {
	return schema.Schema{
		MarkdownDescription: "Configures the Partner Center co-sell connector for Dynamics 365 as code. " +
			"Every attribute can also be given through an environment variable; a value in the configuration wins. " +
			"Credentials are asked for only by the resources that need them.",
		Attributes: map[string]schema.Attribute{
			attrTenantID: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Entra ID tenant (directory) id of the partner, a GUID. " + envDoc(attrTenantID),
			},
			attrClientID: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Application (client) id of the app registration, a GUID. " + envDoc(attrClientID),
			},
			attrClientSecret: schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Client secret of the app registration. " + envDoc(attrClientSecret),
				Validators:          []validator.String{oneOfCredential{"application credential", []string{attrClientCertificate, attrClientCertificatePath}}},
			},
			attrClientCertificate: schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Client certificate with its private key: PEM text, or base64-encoded PKCS#12. " + envDoc(attrClientCertificate),
				Validators:          []validator.String{oneOfCredential{"client certificate", []string{attrClientCertificatePath}}},
			},
			attrClientCertificatePath: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a PEM or PKCS#12 (`.pfx`/`.p12`) file holding the client certificate and its private key. " + envDoc(attrClientCertificatePath),
			},
			attrClientCertificatePassword: schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Password of a PKCS#12 client certificate. " + envDoc(attrClientCertificatePassword),
			},
			attrOIDCToken: schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Federated (workload identity) token from a CI system, exchanged for an app token. " + envDoc(attrOIDCToken),
				Validators:          []validator.String{oneOfCredential{"federated token", []string{attrOIDCTokenFilePath}}},
			},
			attrOIDCTokenFilePath: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Path to a file holding the federated token; re-read on every exchange since CI systems rotate it. " + envDoc(attrOIDCTokenFilePath),
			},
			attrRefreshToken: schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Secure Application Model refresh token of a Referrals admin user. The Referrals API accepts only App+User tokens. " + envDoc(attrRefreshToken),
			},
			attrTokenCacheFile: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "File where the rotated refresh token is kept (mode 0600). When it holds a token, that token is used instead of `refresh_token`. " + envDoc(attrTokenCacheFile),
			},
			attrUsername: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "User principal name for the username/password flow. Works only for accounts without MFA; prefer `refresh_token`. " + envDoc(attrUsername),
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot(attrPassword))},
			},
			attrPassword: schema.StringAttribute{
				Optional: true, Sensitive: true,
				MarkdownDescription: "Password for `username`. " + envDoc(attrPassword),
				Validators:          []validator.String{stringvalidator.AlsoRequires(path.MatchRoot(attrUsername))},
			},
			attrDataverseURL: schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "URL of the Dynamics 365 / Dataverse organisation, e.g. `https://contoso.crm.dynamics.com`: https and the host only. " +
					"The Web API address shown under Developer resources (`…/api/data/v9.2`) is accepted too; the path is removed. " + envDoc(attrDataverseURL),
			},
			attrEnvironmentID: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Power Platform environment id (a GUID) that holds the connector solution; checked at plan time like `cosell_connection.environment_id`. " + envDoc(attrEnvironmentID),
			},
			attrAuthorityHost: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Entra ID authority host: https and the host only (the tenant goes in `tenant_id`). Defaults to `" + defaultAuthorityHost + "`; change it for sovereign clouds or the emulator. " + envDoc(attrAuthorityHost),
			},
			attrPartnerCenterURL: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Base URL of the Partner Center Referrals API: https and the host only (a copied `/v1.0/engagements/referrals` is removed). Defaults to `" + defaultPartnerCenterURL + "`. " + envDoc(attrPartnerCenterURL),
			},
			attrWebhooksURL: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Base URL of the Partner Center Webhooks API: https and the host only (a copied `/webhooks/v1` is removed). Defaults to `" + defaultWebhooksURL + "`. " + envDoc(attrWebhooksURL),
			},
			attrPowerPlatformURL: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Base URL of the Power Platform API: https and the host only. By default the environment's own host `<id>.environment.api.powerplatform.com` is used. " + envDoc(attrPowerPlatformURL),
			},
			attrReferralsAudience: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Token audience of the Referrals API. Defaults to `" + defaultReferralsAudience + "`; change it only for sovereign clouds. " + envDoc(attrReferralsAudience),
			},
			attrWebhooksAudience: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Token audience of the Webhooks API. Defaults to `" + defaultWebhooksAudience + "`. " + envDoc(attrWebhooksAudience),
			},
			attrPowerPlatformAudience: schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Token audience of the Power Platform API. Defaults to `" + defaultPowerPlatformAudience + "`. " + envDoc(attrPowerPlatformAudience),
			},
			attrMaxRetries: schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: transport.MaxRetriesDoc + " See the guide *Retries and interrupted applies*. " + envDoc(attrMaxRetries),
				Validators:          []validator.Int64{int64validator.Between(0, 20)},
			},
		},
	}
}

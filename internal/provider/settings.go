package provider

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/auth"
	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
)

// Attribute names of the provider block. The authentication attributes and
// their environment variables are defined once, in internal/auth.
const (
	attrTenantID                  = auth.AttrTenantID
	attrClientID                  = auth.AttrClientID
	attrClientSecret              = auth.AttrClientSecret
	attrClientCertificate         = auth.AttrClientCertificate
	attrClientCertificatePath     = auth.AttrClientCertificatePath
	attrClientCertificatePassword = auth.AttrClientCertificatePassword
	attrOIDCToken                 = auth.AttrOIDCToken
	attrOIDCTokenFilePath         = auth.AttrOIDCTokenFilePath
	attrRefreshToken              = auth.AttrRefreshToken
	attrTokenCacheFile            = auth.AttrTokenCacheFile
	attrUsername                  = auth.AttrUsername
	attrPassword                  = auth.AttrPassword
	attrAuthorityHost             = auth.AttrAuthorityHost
	attrDataverseURL              = "dataverse_url"
	attrEnvironmentID             = "environment_id"
	attrPartnerCenterURL          = "partner_center_url"
	attrWebhooksURL               = "webhooks_url"
	attrPowerPlatformURL          = "power_platform_url"
	attrReferralsAudience         = "referrals_audience"
	attrWebhooksAudience          = "webhooks_audience"
	attrPowerPlatformAudience     = "power_platform_audience"
	attrMaxRetries                = "max_retries"
)

// Public-cloud defaults.
const (
	defaultAuthorityHost         = auth.DefaultAuthorityHost
	defaultPartnerCenterURL      = "https://api.partner.microsoft.com"
	defaultWebhooksURL           = "https://api.partnercenter.microsoft.com"
	defaultReferralsAudience     = "https://api.partner.microsoft.com"
	defaultWebhooksAudience      = "https://api.partnercenter.microsoft.com"
	defaultPowerPlatformAudience = "https://api.powerplatform.com"
	defaultMaxRetries            = 5
)

// envVars lists, per attribute, the environment variables read when the
// attribute is not set, in order of preference: auth.Attributes for the
// credentials (with the ARM_ names users of the Azure providers already
// export), and the endpoints below.
var envVars = func() map[string][]string {
	m := map[string][]string{
		attrDataverseURL:          {"COSELL_DATAVERSE_URL"},
		attrEnvironmentID:         {"COSELL_ENVIRONMENT_ID"},
		attrPartnerCenterURL:      {"COSELL_PARTNER_CENTER_URL"},
		attrWebhooksURL:           {"COSELL_WEBHOOKS_URL"},
		attrPowerPlatformURL:      {"COSELL_POWER_PLATFORM_URL"},
		attrReferralsAudience:     {"COSELL_REFERRALS_AUDIENCE"},
		attrWebhooksAudience:      {"COSELL_WEBHOOKS_AUDIENCE"},
		attrPowerPlatformAudience: {"COSELL_POWER_PLATFORM_AUDIENCE"},
		attrMaxRetries:            {"COSELL_MAX_RETRIES"},
	}
	for _, a := range auth.Attributes {
		m[a.Name] = a.EnvVars
	}
	return m
}()

func envDoc(attr string) string {
	names := envVars[attr]
	quoted := make([]string, len(names))
	for i, n := range names {
		quoted[i] = "`" + n + "`"
	}
	return "Environment: " + strings.Join(quoted, " or ") + "."
}

// EnvHint names an attribute with its environment variables, for error messages.
func EnvHint(attr string) string {
	return attr + " (" + strings.Join(envVars[attr], " or ") + ")"
}

// providerModel is the provider block as Terraform hands it over.
type providerModel struct {
	TenantID                  types.String `tfsdk:"tenant_id"`
	ClientID                  types.String `tfsdk:"client_id"`
	ClientSecret              types.String `tfsdk:"client_secret"`
	ClientCertificate         types.String `tfsdk:"client_certificate"`
	ClientCertificatePath     types.String `tfsdk:"client_certificate_path"`
	ClientCertificatePassword types.String `tfsdk:"client_certificate_password"`
	OIDCToken                 types.String `tfsdk:"oidc_token"`
	OIDCTokenFilePath         types.String `tfsdk:"oidc_token_file_path"`
	RefreshToken              types.String `tfsdk:"refresh_token"`
	TokenCacheFile            types.String `tfsdk:"token_cache_file"`
	Username                  types.String `tfsdk:"username"`
	Password                  types.String `tfsdk:"password"`
	DataverseURL              types.String `tfsdk:"dataverse_url"`
	EnvironmentID             types.String `tfsdk:"environment_id"`
	AuthorityHost             types.String `tfsdk:"authority_host"`
	PartnerCenterURL          types.String `tfsdk:"partner_center_url"`
	WebhooksURL               types.String `tfsdk:"webhooks_url"`
	PowerPlatformURL          types.String `tfsdk:"power_platform_url"`
	ReferralsAudience         types.String `tfsdk:"referrals_audience"`
	WebhooksAudience          types.String `tfsdk:"webhooks_audience"`
	PowerPlatformAudience     types.String `tfsdk:"power_platform_audience"`
	MaxRetries                types.Int64  `tfsdk:"max_retries"`
}

// settings is the resolved configuration: attribute, else environment, else default.
type settings struct {
	TenantID, ClientID                                    string
	ClientSecret                                          string
	ClientCertificate, ClientCertificatePath              string
	ClientCertificatePassword                             string
	OIDCToken, OIDCTokenFilePath                          string
	RefreshToken, TokenCacheFile                          string
	Username, Password                                    string
	DataverseURL, EnvironmentID                           string
	AuthorityHost                                         string
	PartnerCenterURL, WebhooksURL, PowerPlatformURL       string
	ReferralsAudience, WebhooksAudience, PowerPlatformAud string
	MaxRetries                                            int
}

// resolveSettings merges the provider block with the environment, then
// parses every endpoint and identifier (checkSettings), so a bad value is
// refused at plan time, before any call. It is pure (getenv is injected) so
// the precedence rules and checks are tested without a CLI. The error is a
// settingErrors listing every bad setting.
func resolveSettings(m providerModel, getenv func(string) string) (settings, error) {
	from := map[string]string{} // attribute → environment variable it came from
	str := func(v types.String, attr, def string) string {
		if v.IsUnknown() {
			return "" // known only at apply: not checked, not replaced by the environment
		}
		if !v.IsNull() && v.ValueString() != "" {
			return strings.TrimSpace(v.ValueString())
		}
		for _, name := range envVars[attr] {
			if e := strings.TrimSpace(getenv(name)); e != "" {
				if attr != "" {
					from[attr] = name
				}
				return e
			}
		}
		return def
	}
	// Alternative credentials: once the configuration names one, the
	// environment must not add another that the auth precedence would
	// prefer (e.g. ARM_CLIENT_SECRET, exported for the Azure providers,
	// over a configured oidc_token_file_path): the configuration wins.
	configured := func(vs ...types.String) bool {
		for _, v := range vs {
			if !v.IsNull() && !v.IsUnknown() && v.ValueString() != "" {
				return true
			}
		}
		return false
	}
	appCred, userCred := str, str
	if configured(m.ClientSecret, m.ClientCertificate, m.ClientCertificatePath, m.OIDCToken, m.OIDCTokenFilePath) {
		appCred = func(v types.String, _, _ string) string { return str(v, "", "") }
	}
	if configured(m.RefreshToken, m.Username, m.Password) {
		userCred = func(v types.String, _, _ string) string { return str(v, "", "") }
	}
	s := settings{
		TenantID:                  str(m.TenantID, attrTenantID, ""),
		ClientID:                  str(m.ClientID, attrClientID, ""),
		ClientSecret:              appCred(m.ClientSecret, attrClientSecret, ""),
		ClientCertificate:         appCred(m.ClientCertificate, attrClientCertificate, ""),
		ClientCertificatePath:     appCred(m.ClientCertificatePath, attrClientCertificatePath, ""),
		ClientCertificatePassword: str(m.ClientCertificatePassword, attrClientCertificatePassword, ""),
		OIDCToken:                 appCred(m.OIDCToken, attrOIDCToken, ""),
		OIDCTokenFilePath:         appCred(m.OIDCTokenFilePath, attrOIDCTokenFilePath, ""),
		RefreshToken:              userCred(m.RefreshToken, attrRefreshToken, ""),
		TokenCacheFile:            str(m.TokenCacheFile, attrTokenCacheFile, ""),
		Username:                  userCred(m.Username, attrUsername, ""),
		Password:                  userCred(m.Password, attrPassword, ""),
		DataverseURL:              str(m.DataverseURL, attrDataverseURL, ""),
		EnvironmentID:             str(m.EnvironmentID, attrEnvironmentID, ""),
		AuthorityHost:             str(m.AuthorityHost, attrAuthorityHost, defaultAuthorityHost),
		PartnerCenterURL:          str(m.PartnerCenterURL, attrPartnerCenterURL, defaultPartnerCenterURL),
		WebhooksURL:               str(m.WebhooksURL, attrWebhooksURL, defaultWebhooksURL),
		PowerPlatformURL:          str(m.PowerPlatformURL, attrPowerPlatformURL, ""),
		ReferralsAudience:         str(m.ReferralsAudience, attrReferralsAudience, defaultReferralsAudience),
		WebhooksAudience:          str(m.WebhooksAudience, attrWebhooksAudience, defaultWebhooksAudience),
		PowerPlatformAud:          str(m.PowerPlatformAudience, attrPowerPlatformAudience, defaultPowerPlatformAudience),
		MaxRetries:                defaultMaxRetries,
	}
	var errs settingErrors
	switch {
	case m.MaxRetries.IsUnknown():
	case !m.MaxRetries.IsNull():
		s.MaxRetries = int(m.MaxRetries.ValueInt64())
	default:
		for _, name := range envVars[attrMaxRetries] {
			if e := strings.TrimSpace(getenv(name)); e != "" {
				n, err := strconv.Atoi(e)
				if err != nil || n < 0 || n > 20 {
					errs = append(errs, settingError{attrMaxRetries, name, fmt.Sprintf("must be a whole number between 0 and 20, got %q", e)})
				}
				s.MaxRetries = n
				break
			}
		}
	}
	errs = append(errs, s.check(from)...)
	if len(errs) > 0 {
		return s, errs
	}
	return s, nil
}

func (s settings) connsConfig(version string) (conns.Config, error) {
	cert, err := conns.LoadCertificate(s.ClientCertificate, s.ClientCertificatePath)
	if err != nil {
		return conns.Config{}, err
	}
	certPath := s.ClientCertificatePath
	if s.ClientCertificate != "" {
		certPath = "" // the inline certificate wins (conns.LoadCertificate)
	}
	hints := map[string]string{}
	for attr := range envVars {
		hints[attr] = EnvHint(attr)
	}
	return conns.Config{
		Auth: auth.Config{
			TenantID: s.TenantID, ClientID: s.ClientID, ClientSecret: s.ClientSecret,
			ClientCertificate:         cert,
			ClientCertificatePath:     certPath,
			ClientCertificatePassword: s.ClientCertificatePassword,
			OIDCToken:                 s.OIDCToken, OIDCTokenFilePath: s.OIDCTokenFilePath,
			RefreshToken: s.RefreshToken, TokenCacheFile: s.TokenCacheFile,
			Username: s.Username, Password: s.Password,
			AuthorityHost: s.AuthorityHost,
		},
		DataverseURL: s.DataverseURL, EnvironmentID: s.EnvironmentID,
		PartnerCenterURL: s.PartnerCenterURL, WebhooksURL: s.WebhooksURL, PowerPlatformURL: s.PowerPlatformURL,
		ReferralsAudience: s.ReferralsAudience, WebhooksAudience: s.WebhooksAudience, PowerPlatform: s.PowerPlatformAud,
		MaxRetries: s.MaxRetries,
		UserAgent:  "terraform-provider-cosell/" + version,
		Hints:      hints,
	}, nil
}

// ConnsConfigFromEnv resolves the provider's settings from the environment
// alone (COSELL_*/ARM_*), exactly as a provider block with no attributes
// would: the webhook receiver builds its clients through it, so the two
// cannot read credentials or endpoints differently.
func ConnsConfigFromEnv(version string, getenv func(string) string) (conns.Config, error) {
	s, err := resolveSettings(providerModel{}, getenv)
	if err != nil {
		return conns.Config{}, err
	}
	return s.connsConfig(version)
}

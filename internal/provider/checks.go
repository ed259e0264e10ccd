package provider

import (
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cosell-labs/terraform-provider-cosell/internal/auth"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

// endpoints says how each URL setting of the provider block is parsed:
// https, a host (a port is allowed), no whitespace, no query, and no path
// except the documented API paths listed as Suffixes, which users copy with
// the host and which are removed (the clients add them). See
// templates/guides/authentication.md.tmpl, "Endpoints".
var endpoints = map[string]validate.Endpoint{
	attrDataverseURL: {Example: "https://contoso.crm.dynamics.com",
		Suffixes: []string{"/api/data/v9.0", "/api/data/v9.1", dataverse.APIPath},
		PathHint: "the organisation URL only; the provider adds " + dataverse.APIPath + " itself"},
	attrAuthorityHost: auth.AuthorityHostEndpoint,
	attrPartnerCenterURL: {Example: defaultPartnerCenterURL,
		Suffixes: []string{partnercenter.ReferralsPath, "/v1.0/engagements", "/v1.0"},
		PathHint: "the host only; the provider adds " + partnercenter.ReferralsPath + " itself"},
	attrWebhooksURL: {Example: defaultWebhooksURL,
		Suffixes: []string{"/webhooks/v1"},
		PathHint: "the host only; the provider adds /webhooks/v1 itself"},
	attrPowerPlatformURL: {Example: "https://0000000000000000000000000000e0.01.environment.api.powerplatform.com",
		PathHint: "the host only; the provider adds /connectivity/… itself"},
	attrReferralsAudience:     {Example: defaultReferralsAudience, Suffixes: []string{"/.default"}, PathHint: "a token audience is the API's resource URI"},
	attrWebhooksAudience:      {Example: defaultWebhooksAudience, Suffixes: []string{"/.default"}, PathHint: "a token audience is the API's resource URI"},
	attrPowerPlatformAudience: {Example: defaultPowerPlatformAudience, Suffixes: []string{"/.default"}, PathHint: "a token audience is the API's resource URI"},
}

// identifiers are checked like their resource-level twins (internal/validate).
var identifiers = map[string]func(string) string{
	attrTenantID:      validate.CheckTenantID,
	attrClientID:      validate.CheckClientID,
	attrEnvironmentID: validate.CheckEnvironmentID,
}

// settingError is a bad provider setting; envVar is the environment
// variable the value came from ("" = the provider block).
type settingError struct {
	attr, envVar, msg string
}

func (e settingError) Error() string {
	return EnvHint(e.attr) + ", " + e.where() + ", " + e.msg
}

func (e settingError) where() string {
	if e.envVar != "" {
		return "set by the environment variable " + e.envVar
	}
	return "set in the provider block"
}

// diagnostic is the error as Terraform shows it: on the attribute when it
// was written in the provider block.
func (e settingError) diagnostic() diag.Diagnostic {
	summary := "Invalid provider setting " + e.attr
	detail := e.Error()
	if e.envVar == "" {
		return diag.NewAttributeErrorDiagnostic(path.Root(e.attr), summary, detail)
	}
	return diag.NewErrorDiagnostic(summary, detail)
}

// settingErrors lists every bad setting of one configuration.
type settingErrors []settingError

func (es settingErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Error()
	}
	return strings.Join(msgs, "; ")
}

func (es settingErrors) diagnostics() diag.Diagnostics {
	var d diag.Diagnostics
	for _, e := range es {
		d.Append(e.diagnostic())
	}
	return d
}

// check normalises the endpoints in place and checks the identifiers; from
// maps an attribute to the environment variable it was read from.
func (s *settings) check(from map[string]string) settingErrors {
	var errs settingErrors
	for attr, v := range map[string]*string{
		attrDataverseURL: &s.DataverseURL, attrAuthorityHost: &s.AuthorityHost,
		attrPartnerCenterURL: &s.PartnerCenterURL, attrWebhooksURL: &s.WebhooksURL, attrPowerPlatformURL: &s.PowerPlatformURL,
		attrReferralsAudience: &s.ReferralsAudience, attrWebhooksAudience: &s.WebhooksAudience, attrPowerPlatformAudience: &s.PowerPlatformAud,
	} {
		if *v == "" {
			continue
		}
		norm, msg := endpoints[attr].Normalize(*v)
		if msg != "" {
			errs = append(errs, settingError{attr, from[attr], msg})
			continue
		}
		*v = norm
	}
	for attr, v := range map[string]string{attrTenantID: s.TenantID, attrClientID: s.ClientID, attrEnvironmentID: s.EnvironmentID} {
		if v == "" {
			continue
		}
		if msg := identifiers[attr](v); msg != "" {
			errs = append(errs, settingError{attr, from[attr], msg})
		}
	}
	// Map order is random: report in a stable order.
	slices.SortFunc(errs, func(a, b settingError) int { return strings.Compare(a.attr, b.attr) })
	return errs
}

// Package provider is the cosell provider: its configuration block and the
// registry of resources and data sources. The resources live in
// internal/services/<family>.
package provider

import (
	"context"
	"errors"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/cosell-labs/cosell"

// TypeName is the prefix of every resource and data source type.
const TypeName = "cosell"

var (
	_ provider.Provider                   = (*cosellProvider)(nil)
	_ provider.ProviderWithValidateConfig = (*cosellProvider)(nil)
)

type cosellProvider struct {
	version string
}

// New returns the provider factory the server and the acceptance tests use.
func New(version string) func() provider.Provider {
	return func() provider.Provider { return &cosellProvider{version: version} }
}

func (p *cosellProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = TypeName
	resp.Version = p.version
}

func (p *cosellProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = providerSchema()
}

// ValidateConfig parses every endpoint and identifier of the provider block
// and of the environment (validate and plan call it before anything else),
// so a mistyped URL or id is refused before any request.
func (p *cosellProvider) ValidateConfig(ctx context.Context, req provider.ValidateConfigRequest, resp *provider.ValidateConfigResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(settingDiagnostics(resolveSettings(m, os.Getenv))...)
}

// settingDiagnostics turns resolveSettings' error into diagnostics.
func settingDiagnostics(_ settings, err error) diag.Diagnostics {
	var es settingErrors
	if errors.As(err, &es) {
		return es.diagnostics()
	}
	var d diag.Diagnostics
	if err != nil {
		d.AddError("Invalid provider configuration", err.Error())
	}
	return d
}

func (p *cosellProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	// Checked again: Terraform does not validate a provider configured only
	// from the environment in every command.
	s, err := resolveSettings(m, os.Getenv)
	if err != nil {
		resp.Diagnostics.Append(settingDiagnostics(s, err)...)
		return
	}
	cfg, err := s.connsConfig(p.version)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	client, err := conns.New(cfg)
	if err != nil {
		resp.Diagnostics.AddError("Invalid provider configuration", err.Error())
		return
	}
	for _, w := range client.Warnings() {
		resp.Diagnostics.AddWarning("Provider authentication", w)
	}
	tflog.Debug(ctx, "cosell provider configured", map[string]any{
		"authority_host": s.AuthorityHost, "dataverse_url": s.DataverseURL, "environment_id": s.EnvironmentID,
		"partner_center_url": s.PartnerCenterURL, "webhooks_url": s.WebhooksURL, "power_platform_url": s.PowerPlatformURL,
	})
	resp.DataSourceData = client
	resp.ResourceData = client
}

func (p *cosellProvider) Resources(context.Context) []func() resource.Resource {
	return resources()
}

func (p *cosellProvider) DataSources(context.Context) []func() datasource.DataSource {
	return dataSources()
}

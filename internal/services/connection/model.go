// Package connection holds cosell_connection: a Power Platform connection
// for one of the co-sell connector's connectors, optionally bound to the
// solution's Dataverse connection references.
package connection

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// connectionModel is the resource's Terraform state.
type connectionModel struct {
	ID                   types.String   `tfsdk:"id"`
	Connector            types.String   `tfsdk:"connector"`
	EnvironmentID        types.String   `tfsdk:"environment_id"`
	Name                 types.String   `tfsdk:"name"`
	DisplayName          types.String   `tfsdk:"display_name"`
	ConnectionParameters types.Map      `tfsdk:"connection_parameters"`
	ParametersWO         types.Map      `tfsdk:"connection_parameters_wo"` // write-only: set only in the configuration
	ParametersWOVersion  types.Int64    `tfsdk:"connection_parameters_wo_version"`
	ServicePrincipal     types.Object   `tfsdk:"service_principal"`
	Status               types.String   `tfsdk:"status"`
	StatusMessage        types.String   `tfsdk:"status_message"`
	ReferenceNames       types.Set      `tfsdk:"connection_reference_logical_names"`
	Timeouts             timeouts.Value `tfsdk:"timeouts"`
}

// servicePrincipalModel is the service_principal object.
type servicePrincipalModel struct {
	TenantID        types.String `tfsdk:"tenant_id"`
	ClientID        types.String `tfsdk:"client_id"`
	ClientSecret    types.String `tfsdk:"client_secret"`
	ClientSecretWO  types.String `tfsdk:"client_secret_wo"` // write-only: set only in the configuration
	SecretWOVersion types.Int64  `tfsdk:"client_secret_wo_version"`
}

var servicePrincipalAttrTypes = map[string]attr.Type{
	"tenant_id":                types.StringType,
	"client_id":                types.StringType,
	"client_secret":            types.StringType,
	"client_secret_wo":         types.StringType,
	"client_secret_wo_version": types.Int64Type,
}

// Keys of the oauthSP parameter set (powerplatform.ServicePrincipalParameters).
const (
	spKeyTenantID = "token:TenantId"
	spKeyClientID = "token:clientId"
)

// connectionID is the resource id: <environment_id>/<api name>/<name>.
func connectionID(env, api, name string) string { return env + "/" + api + "/" + name }

var nameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$`)

// parseConnectionID splits an import id; the message says how to fix it.
func parseConnectionID(id string) (env string, c connectorInfo, name string, err error) {
	const format = "<environment_id>/<connector api name>/<connection name>, e.g. 00000000-0000-0000-0000-00000000e001/shared_commondataserviceforapps/5f0c1e2d3b4a49587766554433221100"
	parts := strings.Split(id, "/")
	if len(parts) != 3 {
		return "", c, "", fmt.Errorf("the import id %q is not of the form %s", id, format)
	}
	env, api, name := parts[0], parts[1], parts[2]
	if msg := checkEnvironmentID(env); msg != "" {
		return "", c, "", fmt.Errorf("in import id %q: %s", id, msg)
	}
	c, ok := connectorByAPI(api)
	if !ok {
		apis := make([]string, len(connectors))
		for i, k := range connectors {
			apis[i] = k.API
		}
		return "", c, "", fmt.Errorf("in import id %q: %q is not a connector this resource manages; the middle part must be one of %s", id, api, strings.Join(apis, ", "))
	}
	if msg := checkName(name); msg != "" {
		return "", c, "", fmt.Errorf("in import id %q: %s", id, msg)
	}
	return env, c, name, nil
}

// expandParameters returns what the PUT body carries: connectionParameters
// or the oauthSP parameter set (never both; ValidateConfig enforces it).
// Write-only values are null in the plan: they come from config.
func (m *connectionModel) expandParameters(ctx context.Context, config *connectionModel) (map[string]any, *powerplatform.ConnectionParametersSet, diag.Diagnostics) {
	var diags diag.Diagnostics
	if sp, ok := m.servicePrincipal(ctx, &diags); ok {
		secret := sp.ClientSecret.ValueString()
		if sp.ClientSecret.IsNull() {
			if csp, ok := config.servicePrincipal(ctx, &diags); ok {
				secret = csp.ClientSecretWO.ValueString()
			}
		}
		return nil, powerplatform.ServicePrincipalParameters(sp.ClientID.ValueString(), secret, sp.TenantID.ValueString()), diags
	}
	params := stringMap(ctx, m.ConnectionParameters, &diags)
	wo := stringMap(ctx, config.ParametersWO, &diags)
	if params == nil && wo == nil {
		return nil, nil, diags
	}
	out := make(map[string]any, len(params)+len(wo))
	for _, p := range []map[string]string{params, wo} {
		for k, v := range p {
			out[k] = v
		}
	}
	return out, nil, diags
}

// stringMap decodes a map of strings; nil when it is null or unknown.
func stringMap(ctx context.Context, m types.Map, diags *diag.Diagnostics) map[string]string {
	if m.IsNull() || m.IsUnknown() {
		return nil
	}
	var out map[string]string
	diags.Append(m.ElementsAs(ctx, &out, false)...)
	return out
}

// writeOnlyKeys are the keys of connection_parameters_wo in config, sorted
// (what private state remembers: names, never values).
func (m *connectionModel) writeOnlyKeys(ctx context.Context, diags *diag.Diagnostics) []string {
	keys := make([]string, 0, len(m.ParametersWO.Elements()))
	for k := range stringMap(ctx, m.ParametersWO, diags) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// servicePrincipal decodes service_principal; ok is false when it is not set.
func (m *connectionModel) servicePrincipal(ctx context.Context, diags *diag.Diagnostics) (servicePrincipalModel, bool) {
	var sp servicePrincipalModel
	if m.ServicePrincipal.IsNull() || m.ServicePrincipal.IsUnknown() {
		return sp, false
	}
	diags.Append(m.ServicePrincipal.As(ctx, &sp, objectAsOptions)...)
	return sp, !diags.HasError()
}

// flatten copies the service's view of the connection into m. Values the
// API does not return (secrets) are kept from m, i.e. from configuration
// (facts.go §5); echoed non-secret values replace them, so portal edits show
// as drift. importing fills the parameters from the echo alone. Echoed keys
// in writeOnly (those of connection_parameters_wo, facts.go §11) are left
// out of state.
func (m *connectionModel) flatten(ctx context.Context, c *powerplatform.Connection, importing bool, writeOnly []string) diag.Diagnostics {
	var diags diag.Diagnostics
	m.Name = types.StringValue(c.Name)
	if env := c.Properties.Environment; env != nil && env.Name != "" && !strings.EqualFold(env.Name, m.EnvironmentID.ValueString()) {
		m.EnvironmentID = types.StringValue(env.Name)
	}
	m.DisplayName = types.StringValue(c.Properties.DisplayName)
	m.Status, m.StatusMessage = flattenStatus(c.Properties.Statuses)
	m.ID = types.StringValue(connectionID(m.EnvironmentID.ValueString(), m.apiName(c), c.Name))

	switch set := c.Properties.ConnectionParametersSet; {
	case set != nil && strings.EqualFold(set.Name, "oauthSP") && (importing || !m.ServicePrincipal.IsNull()):
		var sp servicePrincipalModel
		if !m.ServicePrincipal.IsNull() && !m.ServicePrincipal.IsUnknown() {
			diags.Append(m.ServicePrincipal.As(ctx, &sp, objectAsOptions)...)
		} else {
			sp.ClientSecret = types.StringNull() // never returned: the configuration supplies it
		}
		if v, ok := paramString(set.Values, spKeyTenantID); ok {
			sp.TenantID = types.StringValue(v)
		}
		if v, ok := paramString(set.Values, spKeyClientID); ok {
			sp.ClientID = types.StringValue(v)
		}
		obj, d := types.ObjectValueFrom(ctx, servicePrincipalAttrTypes, sp)
		diags.Append(d...)
		m.ServicePrincipal = obj
	case c.Properties.ConnectionParameters != nil && (importing || !m.ConnectionParameters.IsNull()):
		params := map[string]string{}
		if !m.ConnectionParameters.IsNull() && !m.ConnectionParameters.IsUnknown() {
			diags.Append(m.ConnectionParameters.ElementsAs(ctx, &params, false)...)
		}
		for k, v := range c.Properties.ConnectionParameters {
			if slices.Contains(writeOnly, k) {
				continue
			}
			if s, ok := v.(string); ok {
				params[k] = s
			} else if v != nil {
				params[k] = fmt.Sprint(v)
			}
		}
		if len(params) > 0 || !m.ConnectionParameters.IsNull() {
			mv, d := types.MapValueFrom(ctx, types.StringType, params)
			diags.Append(d...)
			m.ConnectionParameters = mv
		}
	}
	if importing && m.ServicePrincipal.IsNull() {
		m.ServicePrincipal = types.ObjectNull(servicePrincipalAttrTypes)
	}
	if m.ConnectionParameters.IsUnknown() {
		m.ConnectionParameters = types.MapNull(types.StringType)
	}
	return diags
}

// apiName is the connection's api, from the service's answer, else the
// configured connector.
func (m *connectionModel) apiName(c *powerplatform.Connection) string {
	if api := c.API(); api != "" {
		return api
	}
	info, _ := connectorByValue(m.Connector.ValueString())
	return info.API
}

func paramString(values map[string]powerplatform.ParameterValue, key string) (string, bool) {
	for k, v := range values {
		if strings.EqualFold(k, key) {
			if s, ok := v.Value.(string); ok {
				return s, true
			}
		}
	}
	return "", false
}

// flattenStatus picks the status to show: Connected when any status says
// so, else the first one with its error as the message (facts.go §4).
func flattenStatus(statuses []powerplatform.ConnectionStatus) (types.String, types.String) {
	if len(statuses) == 0 {
		return types.StringValue("Unknown"), types.StringValue("The service returned no status for this connection.")
	}
	for _, s := range statuses {
		if strings.EqualFold(s.Status, powerplatform.StatusConnected) {
			return types.StringValue(s.Status), types.StringNull()
		}
	}
	s := statuses[0]
	msg := types.StringNull()
	if s.Error != nil && (s.Error.Code != "" || s.Error.Message != "") {
		text := s.Error.Message
		if s.Error.Code != "" {
			text = strings.TrimSpace(s.Error.Code + ": " + text)
		}
		msg = types.StringValue(strings.TrimSuffix(text, ": "))
	}
	return types.StringValue(s.Status), msg
}

// referenceNames returns the configured logical names, sorted; known is
// false when the set is null or unknown.
func referenceNames(ctx context.Context, s types.Set, diags *diag.Diagnostics) ([]string, bool) {
	if s.IsNull() || s.IsUnknown() {
		return nil, false
	}
	var names []string
	diags.Append(s.ElementsAs(ctx, &names, false)...)
	sort.Strings(names)
	return names, true
}

func stringSet(ctx context.Context, names []string, diags *diag.Diagnostics) types.Set {
	if names == nil {
		names = []string{}
	}
	v, d := types.SetValueFrom(ctx, types.StringType, names)
	diags.Append(d...)
	return v
}

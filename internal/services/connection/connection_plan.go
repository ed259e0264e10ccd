package connection

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// ValidateConfig enforces the rules between attributes at plan time, before
// any API call.
func (r *connectionResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m connectionModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	hasSP := !m.ServicePrincipal.IsNull()
	hasParams := !m.ConnectionParameters.IsNull() || !m.ParametersWO.IsNull()
	if hasSP && hasParams {
		resp.Diagnostics.AddAttributeError(pathServicePrincipal, "Conflicting connection credentials",
			"Set either connection_parameters or service_principal, not both (connection_parameters_wo counts as connection_parameters). "+
				"service_principal signs a Dataverse connection in as an app registration (the oauthSP parameter set); connection_parameters "+
				"passes the connector's own parameters. Remove one of them.")
	}
	validateWriteOnly(ctx, &m, &resp.Diagnostics)
	if hasSP && !m.Connector.IsUnknown() && !m.Connector.IsNull() {
		if info, ok := connectorByValue(m.Connector.ValueString()); ok && !info.ServicePrincipal {
			resp.Diagnostics.AddAttributeError(pathServicePrincipal,
				fmt.Sprintf("The %s connector does not support a service principal", info.Title),
				fmt.Sprintf("The %s connector (%s) signs in only with OAuth user consent: it has one \"Default\" authentication type and its "+
					"connections are not shareable, so an app registration cannot sign it in. Remove service_principal from this resource; "+
					"after terraform apply, open the connection in Power Automate (make.powerautomate.com → your environment → Data → "+
					"Connections), choose \"Fix connection\" and sign in as %s, then run terraform apply again to refresh the status. "+
					"service_principal is supported for connector = \"dataverse\".", info.Title, info.API, info.SignInAs))
		}
	}
	if !m.ConnectionParameters.IsNull() && !m.ConnectionParameters.IsUnknown() && len(m.ConnectionParameters.Elements()) == 0 {
		resp.Diagnostics.AddAttributeError(pathParameters, "Empty connection_parameters",
			"connection_parameters is an empty map: remove the attribute, or give the connector's parameters.")
	}
}

// ModifyPlan fills environment_id from the provider, replaces the
// connection when the environment changes, and checks that the settings the
// plan needs exist in the provider configuration. It never calls the API.
func (r *connectionResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() || r.client == nil {
		return // destroy, or the provider is not configured yet (unknown provider values)
	}
	var plan, config connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	cfg := r.client.Config()
	hint := func(setting string) string {
		if h, ok := cfg.Hints[setting]; ok {
			return h
		}
		return setting
	}

	if config.EnvironmentID.IsNull() {
		if cfg.EnvironmentID == "" {
			resp.Diagnostics.AddAttributeError(pathEnvironmentID, "No Power Platform environment for this connection",
				"Set environment_id on this resource, or "+hint("environment_id")+" in the provider configuration, to the environment's GUID.")
			return
		}
		plan.EnvironmentID = types.StringValue(cfg.EnvironmentID)
	}
	if !req.State.Raw.IsNull() {
		var state connectionModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		switch {
		case plan.EnvironmentID.IsUnknown():
		case !strings.EqualFold(plan.EnvironmentID.ValueString(), state.EnvironmentID.ValueString()):
			resp.RequiresReplace = append(resp.RequiresReplace, pathEnvironmentID)
		case config.EnvironmentID.IsNull():
			plan.EnvironmentID = state.EnvironmentID // same environment, spelled as in state
		}
	} else if info, ok := connectorByValue(plan.Connector.ValueString()); ok && known(plan.EnvironmentID) {
		if plan.Name.IsUnknown() && known(plan.DisplayName) {
			// A new connection without a configured name gets the name a
			// re-create finds again (naming.go), shown in the plan.
			plan.Name = types.StringValue(deterministicName(plan.EnvironmentID.ValueString(), info.API, plan.DisplayName.ValueString()))
		}
		if known(plan.Name) {
			plan.ID = types.StringValue(connectionID(plan.EnvironmentID.ValueString(), info.API, plan.Name.ValueString()))
		}
	}

	if !plan.ReferenceNames.IsNull() && cfg.DataverseURL == "" {
		resp.Diagnostics.AddAttributeError(pathReferences, "No Dataverse organisation to bind connection references in",
			"connection_reference_logical_names binds Dataverse connection references, so the provider needs "+hint("dataverse_url")+
				" (the organisation URL of this environment, e.g. https://contoso.crm.dynamics.com). Set it, or remove connection_reference_logical_names.")
		return
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

func known(v types.String) bool { return !v.IsNull() && !v.IsUnknown() }

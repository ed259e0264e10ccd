package connection

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/mapvalidator"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*connectionResource)(nil)
	_ resource.ResourceWithImportState    = (*connectionResource)(nil)
	_ resource.ResourceWithValidateConfig = (*connectionResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*connectionResource)(nil)
)

// NewConnectionResource is cosell_connection.
func NewConnectionResource() resource.Resource { return &connectionResource{} }

type connectionResource struct{ client *conns.Client }

// Attribute paths used in diagnostics.
var (
	pathEnvironmentID       = path.Root("environment_id")
	pathServicePrincipal    = path.Root("service_principal")
	pathParameters          = path.Root("connection_parameters")
	pathParametersWO        = path.Root("connection_parameters_wo")
	pathParametersWOVersion = path.Root("connection_parameters_wo_version")
	pathSecretWO            = pathServicePrincipal.AtName("client_secret_wo")
	pathReferences          = path.Root("connection_reference_logical_names")
)

func (r *connectionResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_connection"
}

func (r *connectionResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

const resourceDescription = "A Power Platform connection for one of the connectors the Partner Center co-sell solution uses " +
	"(Partner Center Referrals, Partner Center Events, Microsoft Dataverse), optionally bound to the solution's Dataverse " +
	"connection references so that its flows can be switched on.\n\n" +
	"**Sign-in.** The Partner Center connectors sign in only with OAuth user consent, which no API can give: a new connection " +
	"for them has status `Error` and the apply ends with a warning. Open the connection in Power Automate " +
	"(make.powerautomate.com → your environment → Data → Connections), choose **Fix connection** and sign in as the Referrals admin user; " +
	"then run `terraform apply` again to refresh `status`. A Dataverse connection can sign in as an app registration with `service_principal` " +
	"and is `Connected` at once.\n\n" +
	"**Secrets.** The API never returns secret parameter values (`service_principal.client_secret`, and secret keys of " +
	"`connection_parameters`). They are kept in state from your configuration (marked sensitive) and are not read back, so a secret " +
	"changed outside Terraform is not detected; after `terraform import` the first apply re-sends them (an in-place update). " +
	"With OpenTofu 1.11+ or Terraform 1.11+, the write-only variants `service_principal.client_secret_wo` and " +
	"`connection_parameters_wo` keep secrets out of state and plan altogether: they are sent on create and again whenever their " +
	"`*_wo_version` changes (rotate a secret by changing both). Either way a refused secret shows as `status = \"Error\"` on the next refresh.\n\n" +
	"**Connection references.** `connection_reference_logical_names` binds Dataverse connection references (sets their `connectionid` to this " +
	"connection's name). They are checked before anything is written: each must exist and be for this connector. A reference bound to another " +
	"connection or unbound in the portal shows as drift. Destroy unbinds only the references that still point at this connection. " +
	"Do not bind one reference from two `cosell_connection` resources."

func (r *connectionResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	values := strings.Join(quoteAll(connectorValues()), ", ")
	var apis []string
	for _, c := range connectors {
		apis = append(apis, fmt.Sprintf("`%s` → `%s`", c.Value, c.API))
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: resourceDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<environment_id>/<connector api name>/<name>`, e.g. `00000000-0000-0000-0000-00000000e001/shared_commondataserviceforapps/5f0c1e2d3b4a49587766554433221100`. This is also the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"connector": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Which connector the connection is for: one of " + values + " (api names: " + strings.Join(apis, ", ") +
					"). Changing it replaces the connection.",
				Validators:    []validator.String{validate.String("must be one of "+values, checkConnector)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"environment_id": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Power Platform environment id (a GUID) the connection lives in. Defaults to the provider's `environment_id`. " +
					"Changing it replaces the connection.",
				Validators: []validator.String{validate.String("must be a GUID", checkEnvironmentID)},
			},
			"name": schema.StringAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Connection name (its id in the environment). When unset, it is derived from the environment, the connector and " +
					"`display_name` (a UUIDv5 without dashes, shown in the plan), so that applying again after an interrupted apply finds the connection " +
					"it created and adopts it (with a warning) instead of creating a second one; give two connections of one connector in one " +
					"environment different display names, or set `name`. Connections created by earlier versions keep their name. " +
					"1–128 letters, digits, `-`, `_` or `.`. Changing it replaces the connection.",
				Validators:    []validator.String{validate.String("1–128 letters, digits, '-', '_' or '.'", checkName)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown(), stringplanmodifier.RequiresReplace()},
			},
			"display_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "The name people see in Power Automate and Power Apps. Updated in place.",
				Validators:          []validator.String{validate.String("must not be empty", checkDisplayName)},
			},
			"connection_parameters": schema.MapAttribute{
				Optional:    true,
				Sensitive:   true,
				ElementType: types.StringType,
				MarkdownDescription: "The connector's connection parameters (`properties.connectionParameters`), as strings. Conflicts with " +
					"`service_principal`. Secret values are never returned by the API: they are kept in state from your configuration " +
					"(marked sensitive); with OpenTofu 1.11+ or Terraform 1.11+ put them in `connection_parameters_wo` instead, which keeps " +
					"them out of state and plan. Updated in place.",
				Validators: []validator.Map{mapvalidator.KeysAre(parameterKeyValidator("connection_parameters"))},
			},
			"connection_parameters_wo": schema.MapAttribute{
				Optional:    true,
				Sensitive:   true,
				WriteOnly:   true,
				ElementType: types.StringType,
				MarkdownDescription: "Write-only connection parameters (OpenTofu 1.11+ or Terraform 1.11+), for the secret ones: sent to " +
					"Power Platform together with `connection_parameters` but never stored in state or shown in plan. A parameter goes " +
					"in one of the two maps, not both; keep the non-secret ones in `connection_parameters`, where changes made outside " +
					"Terraform show as drift (values here are never compared). Conflicts with `service_principal`. Sent on create and " +
					"whenever `connection_parameters_wo_version` (or `display_name`, `connection_parameters` or `service_principal`) changes: change " +
					"`connection_parameters_wo_version` with the values to send them again.",
				Validators: []validator.Map{mapvalidator.KeysAre(parameterKeyValidator("connection_parameters_wo"))},
			},
			"connection_parameters_wo_version": schema.Int64Attribute{
				Optional: true,
				MarkdownDescription: "Any number, kept in state: changing it (e.g. incrementing it) sends `connection_parameters_wo` again, " +
					"in place. Only with `connection_parameters_wo`.",
			},
			"service_principal": schema.SingleNestedAttribute{
				Optional: true,
				MarkdownDescription: "Sign the connection in as an app registration (the `oauthSP` parameter set). Only for `connector = \"dataverse\"`: " +
					"the Partner Center connectors sign in with OAuth user consent only. The app needs an application user in the Dataverse " +
					"environment. Conflicts with `connection_parameters`. Updated in place.",
				Attributes: map[string]schema.Attribute{
					"tenant_id": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Microsoft Entra tenant id (a GUID) of the app registration.",
						Validators:          []validator.String{validate.String("must be a GUID", checkGUID("give the Microsoft Entra tenant id (Directory ID)"))},
					},
					"client_id": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Application (client) id (a GUID) of the app registration.",
						Validators:          []validator.String{validate.String("must be a GUID", checkGUID("give the app registration's Application (client) ID"))},
					},
					"client_secret": schema.StringAttribute{
						Optional:  true,
						Sensitive: true,
						MarkdownDescription: "A client secret of the app registration. Never returned by the API: kept in state from your " +
							"configuration, and not read back (a secret changed outside Terraform is not detected). Set this or " +
							"`client_secret_wo`, not both. With OpenTofu 1.11+ or Terraform 1.11+ prefer `client_secret_wo`, which keeps " +
							"the secret out of state and plan.",
						Validators: []validator.String{validate.String("must not be empty", checkSecret)},
					},
					"client_secret_wo": schema.StringAttribute{
						Optional:  true,
						Sensitive: true,
						WriteOnly: true,
						MarkdownDescription: "Write-only variant of `client_secret` (OpenTofu 1.11+ or Terraform 1.11+): sent to Power Platform " +
							"but never stored in state or shown in plan. Set this or `client_secret`, not both. It is sent when the connection is " +
							"created and whenever `client_secret_wo_version` (or `display_name`, `connection_parameters` or `service_principal`) changes; changing only " +
							"this value is not seen by Terraform, so change `client_secret_wo_version` with it to rotate the secret.",
						Validators: []validator.String{validate.String("must not be empty", checkSecretOf("client_secret_wo"))},
					},
					"client_secret_wo_version": schema.Int64Attribute{
						Optional: true,
						MarkdownDescription: "Any number, kept in state: changing it (e.g. incrementing it) sends `client_secret_wo` again, " +
							"in place. Only with `client_secret_wo`.",
					},
				},
			},
			"status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The connection's status as Power Platform reports it: `Connected` when it can be used; `Error` when it still " +
					"needs someone to sign in (Partner Center connections until consent is given in the portal) or its credentials were refused. " +
					"Refreshed on every read.",
			},
			"status_message": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Why the connection is not `Connected` (`<code>: <message>` of the status error); null when it is connected.",
			},
			"connection_reference_logical_names": schema.SetAttribute{
				Optional:    true,
				ElementType: types.StringType,
				MarkdownDescription: "Logical names of Dataverse connection references to bind to this connection (their `connectionid` is set " +
					"to `name`), e.g. the co-sell solution's references of this connector. Each must exist and be for this connector; this is " +
					"checked before anything is written, and the error lists the references of this connector. Removing a name unbinds that " +
					"reference if it still points at this connection. Needs the provider's `dataverse_url`.",
				Validators: []validator.Set{
					setvalidator.ValueStringsAre(validate.String("a prefixed logical name", checkReferenceName)),
				},
			},
			"timeouts": framework.Timeouts(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "How long creating may take, as a duration such as `30s` or `10m`. Default `10m`; it includes waiting for a new environment to become known to the connectivity service.",
				ReadDescription:   "How long reading may take, e.g. `2m`. Default `5m`.",
				UpdateDescription: "How long updating may take, e.g. `5m`. Default `10m`.",
				DeleteDescription: "How long destroying may take, e.g. `5m`. Default `10m`."}),
		},
	}
}

// privateImporting marks a state just imported: Read then discovers the
// references bound to the connection (facts.go §8).
const privateImporting = "importing"

func (r *connectionResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	env, info, name, err := parseConnectionID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Error importing connection "+req.ID, err.Error())
		return
	}
	for p, v := range map[string]string{"id": connectionID(env, info.API, name), "environment_id": env, "connector": info.Value, "name": name} {
		resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root(p), v)...)
	}
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImporting, []byte(`true`))...)
}

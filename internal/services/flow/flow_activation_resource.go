package flow

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/listdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

var (
	_ resource.ResourceWithConfigure   = (*activationResource)(nil)
	_ resource.ResourceWithImportState = (*activationResource)(nil)
	_ resource.ResourceWithModifyPlan  = (*activationResource)(nil)
)

// NewFlowActivationResource is cosell_flow_activation.
func NewFlowActivationResource() resource.Resource { return &activationResource{} }

type activationResource struct{ client *conns.Client }

var pathFlows = path.Root("flows")

// Default timeouts.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

func (r *activationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_flow_activation"
}

func (r *activationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func quotedList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("`%s`", n)
	}
	return strings.Join(q, ", ")
}

const activationDescription = "Switches the Partner Center co-sell connector's cloud flows on, in the documented dependency order, " +
	"and off again in reverse order on destroy. One per Dataverse organisation (the provider's `dataverse_url`).\n\n" +
	"**Before any write** every name is matched to a cloud flow (an unknown name fails with the list of flows that exist), and the " +
	"connection references of the flows to switch on must be bound to a connection: bind them with `cosell_connection` " +
	"(`connection_reference_logical_names`) and add `depends_on` on those connections. Child flows must be on before the flows that call them; " +
	"a list that breaks this fails with the order to use. Flows that are already on are not written again.\n\n" +
	"**Drift.** Every refresh reads each flow's state. A flow switched off (or suspended) in the portal makes `all_on` false and `states` show it, " +
	"and the plan shows an in-place update that switches it back on. A listed flow deleted from the environment shows as `missing`; " +
	"names are matched again on every refresh, so a flow re-created by re-importing the solution is picked up with its new id. " +
	"When none of the listed flows exists any more, the resource is removed from state and planned again.\n\n" +
	"**Destroy** switches the listed flows off in reverse order (also those that were on before Terraform), skipping flows that are " +
	"already off or gone; set `turn_off_on_destroy = false` to leave them on. Removing a name from `flows` switches that flow off the same way."

func (r *activationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: activationDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "The host of the provider's `dataverse_url`, e.g. `contoso.crm.dynamics.com`. Import with `<host>` " +
					"(the documented order) or `<host>/<name>;<name>;…` (an explicit list of names or unique names, separated by `;`).",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"flows": schema.ListAttribute{
				Optional:    true,
				Computed:    true,
				ElementType: types.StringType,
				MarkdownDescription: "The cloud flows to switch on, in this order: display names or unique names (`uniquename`). Display names " +
					"match ignoring case, a trailing `(Insider Preview)` and the kind of dash. Default: the documented turn-on order (2023): " +
					quotedList(documentedOrder) + ". Not in the default because Microsoft's order leaves them out: " + quotedList(optionalFlows) +
					" — add them to switch them on. Each flow at most once; a child flow must come before the flows that call it. " +
					"Changing the list updates in place: new flows are switched on, removed flows are switched off (unless `turn_off_on_destroy` is false).",
				Default:    listdefault.StaticValue(stringList(documentedOrder)),
				Validators: []validator.List{flowNamesValidator{}},
			},
			"turn_off_on_destroy": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Whether destroy switches the listed flows off (in reverse order) and an update switches off flows removed " +
					"from `flows`. Default `true`; `false` leaves flows on when Terraform stops managing them.",
			},
			"states": schema.ListNestedAttribute{
				Computed: true,
				MarkdownDescription: "Each listed flow's state as last read, in the order of `flows`. A flow switched off in the portal " +
					"shows here after a refresh (and the plan shows an update).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name": schema.StringAttribute{Computed: true,
						MarkdownDescription: "The flow's display name in Dataverse (the name as listed in `flows` when the flow is missing)."},
					"workflow_id": schema.StringAttribute{Computed: true,
						MarkdownDescription: "The flow's `workflowid` (a GUID); null when the flow is missing."},
					"state": schema.StringAttribute{Computed: true,
						MarkdownDescription: "`on` (statecode 1, Activated), `off` (statecode 0, Draft), `suspended` (statecode 2, e.g. a DLP policy " +
							"violation) or `missing` (no cloud flow has that name any more)."},
				}},
			},
			"all_on": schema.BoolAttribute{
				Computed: true,
				MarkdownDescription: "True when every listed flow is on. A refresh that finds a flow off, suspended or missing sets it to false, " +
					"and the plan then shows an update back to true.",
			},
			"timeouts": framework.Timeouts(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "How long switching the flows on may take, as a duration such as `30s` or `10m`. Default `10m`.",
				ReadDescription:   "How long reading the flows' states may take, e.g. `2m`. Default `5m`.",
				UpdateDescription: "How long an update may take, e.g. `5m`. Default `10m`.",
				DeleteDescription: "How long switching the flows off may take, e.g. `5m`. Default `10m`."}),
		},
	}
}

// orgHost is the resource id: the host of the provider's dataverse_url.
func orgHost(orgURL string) string {
	u, err := url.Parse(orgURL)
	if err != nil || u.Host == "" {
		return strings.TrimRight(orgURL, "/")
	}
	return strings.ToLower(u.Host)
}

func (r *activationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	host, names, err := parseImportID(req.ID)
	if err != nil {
		resp.Diagnostics.AddError("Error importing flow activation "+req.ID, err.Error())
		return
	}
	if r.client != nil {
		dv, err := r.client.Dataverse(ctx)
		if err != nil {
			resp.Diagnostics.AddError("Error importing flow activation "+req.ID, err.Error())
			return
		}
		if want := orgHost(dv.OrgURL()); !strings.EqualFold(host, want) {
			resp.Diagnostics.AddError("Error importing flow activation "+req.ID,
				fmt.Sprintf("The import id names the organisation %s, but the provider is configured for %s (dataverse_url). "+
					"Use the import id %s, or configure the provider for %s.", host, want, want, host))
			return
		}
	}
	// The other attributes stay null; Read fills states and all_on.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), strings.ToLower(host))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, pathFlows, stringList(names))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("turn_off_on_destroy"), true)...)
}

// parseImportID reads `<host>` or `<host>/<name>;<name>;…` (facts.go §7).
func parseImportID(id string) (string, []string, error) {
	host, list, hasList := strings.Cut(strings.TrimSpace(id), "/")
	if host == "" || strings.ContainsAny(host, " ") {
		return "", nil, fmt.Errorf("the import id must be the Dataverse organisation host, e.g. contoso.crm.dynamics.com, "+
			"optionally followed by /<flow name>;<flow name>;… — got %q", id)
	}
	if !hasList {
		return host, append([]string(nil), documentedOrder...), nil
	}
	var names []string
	for _, n := range strings.Split(list, ";") {
		if n = strings.TrimSpace(n); n != "" {
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return "", nil, fmt.Errorf("the import id %q has no flow names after '/'; list them separated by ';', or give only the host for the documented order", id)
	}
	if d := duplicateNames(names); len(d) > 0 {
		return "", nil, fmt.Errorf("the import id lists a flow twice: %s", strings.Join(d, "; "))
	}
	return host, names, nil
}

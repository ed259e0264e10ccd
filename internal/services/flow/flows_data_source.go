package flow

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var _ datasource.DataSourceWithConfigure = (*flowsDataSource)(nil)

// NewFlowsDataSource is cosell_flows: the organisation's cloud flows.
func NewFlowsDataSource() datasource.DataSource { return &flowsDataSource{} }

type flowsDataSource struct{ client *conns.Client }

func (d *flowsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_flows"
}

func (d *flowsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *flowsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the solution-aware cloud flows (Dataverse `workflows` of category 5) of the provider's Dataverse " +
			"organisation, sorted by name, with their state and what each needs before it can be switched on: the connection references " +
			"it uses and the child flows it calls (read from the flow definition, `clientdata`). Use it to find the names for " +
			"`cosell_flow_activation` and the references to bind with `cosell_connection`.",
		Attributes: map[string]schema.Attribute{
			"name_contains": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "Only flows whose display name contains this text, ignoring case (an OData `contains` filter on the server), " +
					"e.g. `Partner Center`.",
				Validators: []validator.String{validate.String("must not be empty", func(s string) string {
					if s == "" {
						return "name_contains is empty; omit it to list every cloud flow, or give part of a flow name such as \"Partner Center\"."
					}
					return ""
				})},
			},
			"flows": schema.ListNestedAttribute{
				Computed:            true,
				MarkdownDescription: "The cloud flows, sorted by name.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"name":        computed("Display name."),
					"unique_name": computed("Unique name (`uniquename`); null when the flow has none."),
					"workflow_id": computed("`workflowid` (a GUID)."),
					"state": computed("`on` (statecode 1, Activated), `off` (statecode 0, Draft) or `suspended` (statecode 2, " +
						"e.g. a DLP policy violation)."),
					"connection_reference_logical_names": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Logical names of the connection references the flow uses, sorted; each must be bound to a " +
							"connection before the flow can be switched on."},
					"child_flow_workflow_ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
						MarkdownDescription: "Workflow ids of the child flows the flow calls; they must be on before it."},
					"managed": schema.BoolAttribute{Computed: true,
						MarkdownDescription: "Whether the flow comes from a managed solution."},
				}},
			},
		},
	}
}

func (d *flowsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m flowsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || d.client == nil {
		return
	}
	dv, err := d.client.Dataverse(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Dataverse API for", "cloud flows", err)
		return
	}
	filter := ""
	if s := m.NameContains.ValueString(); s != "" {
		filter = "contains(name," + dataverse.Quote(s) + ")"
	}
	list, err := dv.ListFlowsWithClientData(ctx, filter)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "listing", "cloud flows in "+orgHost(dv.OrgURL()), err)
		return
	}
	m.Flows = []flowInfoModel{}
	for _, w := range list {
		if !isDefinition(w) {
			continue
		}
		deps, err := dataverse.ParseFlowClientData(w.ClientData)
		if err != nil {
			resp.Diagnostics.AddWarning("Cannot read the definition of cloud flow "+w.Name,
				err.Error()+"; its connection references and child flows are shown empty.")
		}
		m.Flows = append(m.Flows, flattenFlowInfo(w, deps))
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

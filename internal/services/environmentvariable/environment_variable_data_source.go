package environmentvariable

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

var _ datasource.DataSourceWithConfigure = (*environmentVariableDataSource)(nil)

// NewEnvironmentVariableDataSource is the cosell_environment_variable data source.
func NewEnvironmentVariableDataSource() datasource.DataSource {
	return &environmentVariableDataSource{}
}

type environmentVariableDataSource struct{ client *conns.Client }

type dataSourceConfig struct {
	dataSourceModel
	Timeouts timeouts.Value `tfsdk:"timeouts"`
}

func (d *environmentVariableDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment_variable"
}

func (d *environmentVariableDataSource) Schema(ctx context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads a Dataverse environment variable: its definition, its current value (the value record) and the " +
			"effective value the flows see (the current value, else the default value). Use it to check the co-sell connector's " +
			"variables (`msft_dealvaluefield`, `msft_customeraccountcountrycode`, `msft_dealcurrencycodefield`, " +
			"`msft_displaycheckmarkinname`, `msft_synccosellopportunitiesonly`) before changing them with the " +
			"`cosell_environment_variable` resource. For a Secret variable the values are left null: this provider does not put secrets in state.",
		Attributes: map[string]schema.Attribute{
			"schema_name": schema.StringAttribute{Required: true,
				MarkdownDescription: "Schema name of the definition, e.g. `msft_dealvaluefield`. A missing definition is an error that lists the closest existing schema names.",
				Validators:          []validator.String{stringvalidator.LengthBetween(1, 100)}},
			"id":            computed("The schema name."),
			"type":          computed("`string` (Text), `number`, `boolean` (Yes/No), `json`, `data_source` or `secret`."),
			"display_name":  computed("Display name of the definition."),
			"description":   computed("Description of the definition; null when it has none."),
			"default_value": computed("The definition's default value; null when it has none."),
			"is_required": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the definition requires a value."},
			"current_value": computed("The value record's value; null when there is no value record (or for a Secret)."),
			"effective_value": computed("What the flows use: `current_value` when a value record exists, else `default_value`; " +
				"null when neither exists (or for a Secret)."),
			"definition_id": computed("Id (GUID) of the definition record."),
			"value_id":      computed("Id (GUID) of the value record; null when there is none."),
			"timeouts":      framework.DataSourceTimeouts(ctx),
		},
	}
}

func (d *environmentVariableDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *environmentVariableDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg dataSourceConfig
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, diags := cfg.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(diags...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name := cfg.SchemaName.ValueString()
	obj := object(name)
	if d.client == nil {
		resp.Diagnostics.AddError("Provider not configured", "The provider was not configured before reading "+obj+"; this is a bug in the provider, please report it.")
		return
	}
	c, err := d.client.Dataverse(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", obj, err)
		return
	}
	def, err := c.FindEnvironmentVariableDefinition(ctx, name)
	if dataverse.IsNotFound(err) {
		missingDefinition(ctx, c, name, "Fix schema_name, or install the solution that defines the variable first "+
			"(the co-sell connector solution installs the msft_ variables).", &resp.Diagnostics)
		return
	}
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", obj, err)
		return
	}
	cur, err := currentValue(ctx, c, def)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading the current value of", obj, err)
		return
	}
	out := dataSourceConfig{dataSourceModel: flattenDataSource(def, cur), Timeouts: cfg.Timeouts}
	resp.Diagnostics.Append(resp.State.Set(ctx, &out)...)
}

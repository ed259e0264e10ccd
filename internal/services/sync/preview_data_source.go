package sync

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

var (
	_ datasource.DataSourceWithConfigure      = (*previewDataSource)(nil)
	_ datasource.DataSourceWithValidateConfig = (*previewDataSource)(nil)
)

// NewPreviewDataSource is cosell_sync_preview: the changes a run would make.
func NewPreviewDataSource() datasource.DataSource { return &previewDataSource{} }

type previewDataSource struct{ client *conns.Client }

type previewModel struct {
	Direction      types.String `tfsdk:"direction"`
	ConflictPolicy types.String `tfsdk:"conflict_policy"`
	Filters        types.Object `tfsdk:"filters"`
	Full           types.Bool   `tfsdk:"full"`
	SnapshotColumn types.String `tfsdk:"snapshot_column"`
	InSync         types.Bool   `tfsdk:"in_sync"`
	Pending        types.Map    `tfsdk:"pending"`
	Changes        types.List   `tfsdk:"changes"`
	Failures       types.List   `tfsdk:"failures"`
}

func (m previewModel) settings() settingsModel {
	full := m.Full
	if full.IsNull() {
		full = types.BoolValue(true) // a preview has no watermark: it looks at everything
	}
	return settingsModel{Direction: m.Direction, ConflictPolicy: m.ConflictPolicy, Filters: m.Filters, Full: full, SnapshotColumn: m.SnapshotColumn}
}

var changeType = map[string]attr.Type{
	"kind": types.StringType, "side": types.StringType, "referral_id": types.StringType, "opportunity_id": types.StringType,
	"fields": types.ListType{ElemType: types.StringType}, "summary": types.StringType,
}

func (d *previewDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sync_preview"
}

func (d *previewDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = previewSchema()
}

func (d *previewDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *previewDataSource) ValidateConfig(ctx context.Context, req datasource.ValidateConfigRequest, resp *datasource.ValidateConfigResponse) {
	var m previewModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateSettings(ctx, m.settings(), types.Int64Null(), &resp.Diagnostics)
}

func (d *previewDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m previewModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	o, diags := m.settings().options(ctx, true, 0, "")
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	eng, _, err := newRunner(ctx, d.client)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "preparing", "cosell_sync_preview", err)
		return
	}
	rep, err := eng.Plan(ctx, o)
	if err != nil {
		addRunError(&resp.Diagnostics, "computing the changes of", "cosell_sync_preview", o, err)
		return
	}
	m.InSync, m.Pending, m.Failures, m.Changes = types.BoolValue(inSync(rep)), pendingValue(rep), failuresValue(rep), changesValue(rep)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func changesValue(r engine.Report) types.List {
	elems := make([]attr.Value, 0, len(r.Changes))
	for _, c := range r.Changes {
		fields := make([]attr.Value, len(c.Fields))
		for i, f := range c.Fields {
			fields[i] = types.StringValue(string(f))
		}
		elems = append(elems, types.ObjectValueMust(changeType, map[string]attr.Value{
			"kind": types.StringValue(string(c.Kind)), "side": types.StringValue(string(c.Side)),
			"referral_id": types.StringValue(c.ReferralID), "opportunity_id": types.StringValue(c.OpportunityID),
			"fields": types.ListValueMust(types.StringType, fields), "summary": types.StringValue(c.Summary),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: changeType}, elems)
}

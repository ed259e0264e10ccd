package referral

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

var _ datasource.DataSourceWithConfigure = (*referralDataSource)(nil)

// NewReferralDataSource is cosell_referral: one referral by id.
func NewReferralDataSource() datasource.DataSource { return &referralDataSource{} }

type referralDataSource struct{ client *conns.Client }

func (d *referralDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_referral"
}

func (d *referralDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Reads one Partner Center referral by id. Needs App+User credentials (`refresh_token`, or `username` and `password`).",
		Attributes:          referralAttributes(true),
	}
}

func (d *referralDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *referralDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var cfg referralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	id := cfg.ID.ValueString()
	rc, err := d.client.Referrals(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Referrals API for", "referral "+id, err)
		return
	}
	r, err := rc.Get(ctx, id)
	if err != nil {
		if partnercenter.IsNotFound(err) {
			resp.Diagnostics.AddAttributeError(pathID, "Referral not found",
				"Partner Center has no referral with id "+id+" visible to this user. Check the id, and that the user is a Referrals admin or on the referral's team.")
			return
		}
		framework.AddAPIError(&resp.Diagnostics, "reading", "referral "+id, err)
		return
	}
	m := flatten(r)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

package referral

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var pathID = path.Root("id")

var _ datasource.DataSourceWithConfigure = (*referralsDataSource)(nil)

// NewReferralsDataSource is cosell_referrals: a filtered list of referrals.
func NewReferralsDataSource() datasource.DataSource { return &referralsDataSource{} }

type referralsDataSource struct{ client *conns.Client }

type referralsModel struct {
	Status       types.String    `tfsdk:"status"`
	Substatus    types.String    `tfsdk:"substatus"`
	Direction    types.String    `tfsdk:"direction"`
	UpdatedSince types.String    `tfsdk:"updated_since"`
	MaxResults   types.Int64     `tfsdk:"max_results"`
	IDs          []types.String  `tfsdk:"ids"`
	Referrals    []referralModel `tfsdk:"referrals"`
}

func (d *referralsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_referrals"
}

func (d *referralsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists Partner Center referrals, newest update first, filtered on the server. " +
			"Needs App+User credentials (`refresh_token`, or `username` and `password`).",
		Attributes: map[string]schema.Attribute{
			"status": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only referrals with this status: `New`, `Active` or `Closed`.",
				Validators:          []validator.String{stringvalidator.OneOf(partnercenter.StatusNew, partnercenter.StatusActive, partnercenter.StatusClosed)}},
			"substatus": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only referrals with this substatus: `Pending`, `Received`, `Accepted`, `Won`, `Lost`, `Declined` or `Expired`.",
				Validators: []validator.String{stringvalidator.OneOf(partnercenter.SubstatusPending, partnercenter.SubstatusReceived,
					partnercenter.SubstatusAccepted, partnercenter.SubstatusWon, partnercenter.SubstatusLost,
					partnercenter.SubstatusDeclined, partnercenter.SubstatusExpired)}},
			"direction": schema.StringAttribute{Optional: true,
				MarkdownDescription: "`Incoming` (sent to you) or `Outgoing` (created by you).",
				Validators:          []validator.String{stringvalidator.OneOf(partnercenter.DirectionIncoming, partnercenter.DirectionOutgoing)}},
			"updated_since": schema.StringAttribute{Optional: true,
				MarkdownDescription: "Only referrals updated at or after this time, RFC 3339 (e.g. `2026-10-01T00:00:00Z`).",
				Validators:          []validator.String{validate.RFC3339()}},
			"max_results": schema.Int64Attribute{Optional: true,
				MarkdownDescription: "Stop after this many referrals. All matching referrals are read when unset.",
				Validators:          []validator.Int64{int64validator.AtLeast(1)}},
			"ids": schema.ListAttribute{Computed: true, ElementType: types.StringType,
				MarkdownDescription: "Ids of the referrals found, in the order of `referrals`."},
			"referrals": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "The referrals found, most recently updated first.",
				NestedObject:        schema.NestedAttributeObject{Attributes: referralAttributes(false)}},
		},
	}
}

func (d *referralsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *referralsDataSource) Read(ctx context.Context, req datasource.ReadRequest, resp *datasource.ReadResponse) {
	var m referralsModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	f := partnercenter.NewFilter()
	if v := m.Status.ValueString(); v != "" {
		f = f.Status(v)
	}
	if v := m.Substatus.ValueString(); v != "" {
		f = f.Substatus(v)
	}
	if v := m.Direction.ValueString(); v != "" {
		f = f.Direction(v)
	}
	if v := m.UpdatedSince.ValueString(); v != "" {
		t, _ := time.Parse(time.RFC3339, v) // validated at plan time
		f = f.UpdatedSince(t)
	}
	limit := int(m.MaxResults.ValueInt64())
	opts := partnercenter.ListOptions{Filter: f.String(), OrderBy: "updatedDateTime desc"}
	if limit > 0 && limit < pageSize {
		opts.Top = limit
	}
	rc, err := d.client.Referrals(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Referrals API for", "referrals", err)
		return
	}
	m.IDs, m.Referrals = []types.String{}, []referralModel{}
	err = rc.ListPages(ctx, opts, func(page []partnercenter.Referral) error {
		for i := range page {
			if limit > 0 && len(m.Referrals) >= limit {
				return errStop
			}
			m.Referrals = append(m.Referrals, flatten(&page[i]))
			m.IDs = append(m.IDs, types.StringValue(page[i].ID))
		}
		if limit > 0 && len(m.Referrals) >= limit {
			return errStop
		}
		return nil
	})
	if err != nil && err != errStop {
		object := "referrals"
		if opts.Filter != "" {
			object = fmt.Sprintf("referrals matching %s", opts.Filter)
		}
		framework.AddAPIError(&resp.Diagnostics, "listing", object, err)
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// pageSize is the $top asked for when max_results is small; larger lists use
// the server's own page size and follow @odata.nextLink.
const pageSize = 100

var errStop = fmt.Errorf("enough referrals read")

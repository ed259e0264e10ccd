package webhook

import (
	"context"
	"slices"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

var _ datasource.DataSourceWithConfigure = (*eventsDataSource)(nil)

// NewWebhookEventsDataSource is cosell_webhook_events.
func NewWebhookEventsDataSource() datasource.DataSource { return &eventsDataSource{} }

type eventsDataSource struct{ client *conns.Client }

type eventsModel struct {
	Events         []types.String `tfsdk:"events"`
	ReferralEvents []types.String `tfsdk:"referral_events"`
}

func (d *eventsDataSource) Metadata(_ context.Context, req datasource.MetadataRequest, resp *datasource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_events"
}

func (d *eventsDataSource) Schema(_ context.Context, _ datasource.SchemaRequest, resp *datasource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Lists the webhook event names Partner Center accepts in a registration (`GET /webhooks/v1/registration/events`). " +
			"Works with app-only or App+User credentials.",
		Attributes: map[string]schema.Attribute{
			"events": schema.ListAttribute{
				ElementType:         types.StringType,
				Computed:            true,
				MarkdownDescription: "Every event name, in the order Partner Center returns them.",
			},
			"referral_events": schema.ListAttribute{
				ElementType: types.StringType,
				Computed:    true,
				MarkdownDescription: "The referral events among them (`referral-created`, `referral-updated`, `related-referral-created`, " +
					"`related-referral-updated`): what the co-sell connector registers, and the default `events` of `cosell_webhook_registration`.",
			},
		},
	}
}

func (d *eventsDataSource) Configure(_ context.Context, req datasource.ConfigureRequest, resp *datasource.ConfigureResponse) {
	d.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (d *eventsDataSource) Read(ctx context.Context, _ datasource.ReadRequest, resp *datasource.ReadResponse) {
	if d.client == nil {
		resp.Diagnostics.AddError("Error reading webhook events", "the provider is not configured")
		return
	}
	wc, err := d.client.Webhooks(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Webhooks API for", "webhook events", err)
		return
	}
	names, err := wc.Events(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", "webhook events", err)
		return
	}
	m := flattenEvents(names)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// flattenEvents keeps the API's order; referral_events is the referral subset.
func flattenEvents(names []string) eventsModel {
	m := eventsModel{Events: []types.String{}, ReferralEvents: []types.String{}}
	referral := partnercenter.ReferralEvents()
	for _, n := range names {
		m.Events = append(m.Events, types.StringValue(n))
		if slices.Contains(referral, n) {
			m.ReferralEvents = append(m.ReferralEvents, types.StringValue(n))
		}
	}
	return m
}

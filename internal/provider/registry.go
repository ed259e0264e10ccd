package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/services/connection"
	"github.com/cosell-labs/terraform-provider-cosell/internal/services/crmfield"
	"github.com/cosell-labs/terraform-provider-cosell/internal/services/crmtable"
	"github.com/cosell-labs/terraform-provider-cosell/internal/services/environmentvariable"
	"github.com/cosell-labs/terraform-provider-cosell/internal/services/flow"
	"github.com/cosell-labs/terraform-provider-cosell/internal/services/referral"
	"github.com/cosell-labs/terraform-provider-cosell/internal/services/solutiondetail"
	syncsvc "github.com/cosell-labs/terraform-provider-cosell/internal/services/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/services/webhook"
)

// resources lists every resource type the provider serves.
func resources() []func() resource.Resource {
	return []func() resource.Resource{
		connection.NewConnectionResource,
		crmfield.NewCRMFieldResource,
		crmtable.NewCRMTableResource,
		environmentvariable.NewEnvironmentVariableResource,
		flow.NewFlowActivationResource,
		solutiondetail.NewSolutionDetailResource,
		syncsvc.NewSyncResource,
		webhook.NewWebhookRegistrationResource,
	}
}

// dataSources lists every data source type the provider serves.
func dataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		environmentvariable.NewEnvironmentVariableDataSource,
		flow.NewFlowsDataSource,
		referral.NewReferralsDataSource,
		referral.NewReferralDataSource,
		syncsvc.NewPreviewDataSource,
		webhook.NewWebhookEventsDataSource,
	}
}

package provider

import (
	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/services/referral"
)

// resources lists every resource type the provider serves.
func resources() []func() resource.Resource {
	return []func() resource.Resource{}
}

// dataSources lists every data source type the provider serves.
func dataSources() []func() datasource.DataSource {
	return []func() datasource.DataSource{
		referral.NewReferralsDataSource,
		referral.NewReferralDataSource,
	}
}

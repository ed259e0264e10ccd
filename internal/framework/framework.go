// Package framework holds the small pieces every resource and data source
// shares: getting the configured client, and diagnostics that say what
// failed, on which object, and why.
package framework

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
)

// Client returns the provider's client from ProviderData. It returns nil
// without a diagnostic when the provider is not configured yet (the
// framework calls Configure on resources before the provider's own).
func Client(providerData any, diags *diag.Diagnostics) *conns.Client {
	if providerData == nil {
		return nil
	}
	c, ok := providerData.(*conns.Client)
	if !ok {
		diags.AddError("Unexpected provider data",
			fmt.Sprintf("expected *conns.Client, got %T; this is a bug in the provider, please report it", providerData))
		return nil
	}
	return c
}

// AddAPIError reports a failed API operation on one object, e.g.
// ("reading", "referral 7d0f…", err) → "Error reading referral 7d0f…".
func AddAPIError(diags *diag.Diagnostics, action, object string, err error) {
	diags.AddError(fmt.Sprintf("Error %s %s", action, object), err.Error())
}

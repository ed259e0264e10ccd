// Package framework holds the small pieces every resource and data source
// shares: getting the configured client, and diagnostics that say what
// failed, on which object, and why.
package framework

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
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

// Dataverse returns the provider's Dataverse client for work on object, or
// adds a diagnostic and returns nil (c is nil when the provider was not
// configured before the resource was used).
func Dataverse(ctx context.Context, c *conns.Client, object string, diags *diag.Diagnostics) *dataverse.Client {
	if c == nil {
		diags.AddError("Provider not configured", "The cosell provider was not configured before "+object+" was used; this is a bug in the provider.")
		return nil
	}
	dv, err := c.Dataverse(ctx)
	if err != nil {
		AddAPIError(diags, "configuring Dataverse for", object, err)
		return nil
	}
	return dv
}

// WithTimeout applies a timeouts block value (or def) to ctx; get is the
// block's method for the operation, e.g. plan.Timeouts.Create. ok is false,
// with the diagnostics added, when the value cannot be read; cancel is then
// a no-op.
func WithTimeout(ctx context.Context, get func(context.Context, time.Duration) (time.Duration, diag.Diagnostics),
	def time.Duration, diags *diag.Diagnostics) (_ context.Context, cancel context.CancelFunc, ok bool) {
	d, ds := get(ctx, def)
	diags.Append(ds...)
	if ds.HasError() {
		return ctx, func() {}, false
	}
	ctx, cancel = context.WithTimeout(ctx, d)
	return ctx, cancel, true
}

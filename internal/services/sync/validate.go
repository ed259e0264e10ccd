package sync

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// optionPaths maps the engine's attribute names (OptionError.Attribute) to
// schema paths.
var optionPaths = map[string]path.Path{
	"direction":       path.Root("direction"),
	"conflict_policy": path.Root("conflict_policy"),
	"statuses":        pathFilters.AtName("statuses"),
	"updated_since":   pathFilters.AtName("updated_since"),
	"include_leads":   pathFilters.AtName("include_leads"),
	"max_parallelism": path.Root("max_parallelism"),
	"snapshot_column": path.Root("snapshot_column"),
}

// validateSettings builds the options from a configuration and reports the
// engine's verdict on each attribute.
func validateSettings(ctx context.Context, s settingsModel, parallelism types.Int64, diags *diag.Diagnostics) {
	o, _ := s.options(ctx, false, 0, "")             // a bad updated_since is the RFC 3339 validator's to report
	o.MaxParallelism = int(parallelism.ValueInt64()) // unset/unknown = 0 = the default
	if !parallelism.IsNull() && !parallelism.IsUnknown() && o.MaxParallelism == 0 {
		// The engine reads 0 as "default"; in configuration it is a mistake.
		diags.AddAttributeError(path.Root("max_parallelism"), "Invalid max_parallelism",
			fmt.Sprintf("0 is out of range; use 1 to %d, or leave max_parallelism unset for %d", engine.MaxParallelismLimit, engine.DefaultMaxParallelism))
	}
	addOptionErrors(diags, o)
}

// addOptionErrors reports the engine's validation of a whole configuration
// (what attribute validators cannot see), each on its attribute.
func addOptionErrors(diags *diag.Diagnostics, o engine.Options) {
	for _, err := range o.Validate() {
		oe, ok := err.(*engine.OptionError)
		p, known := optionPaths[oeAttr(oe, ok)]
		if !known {
			diags.AddError("Invalid cosell_sync setting", err.Error())
			continue
		}
		diags.AddAttributeError(p, "Invalid "+oe.Attribute, oe.Message)
	}
}

func oeAttr(oe *engine.OptionError, ok bool) string {
	if !ok {
		return ""
	}
	return oe.Attribute
}

// nonEmptyStatuses refuses statuses = []: it would leave every referral out,
// which is never meant (unset means all).
type nonEmptyStatuses struct{}

func (nonEmptyStatuses) Description(context.Context) string {
	return "must list at least one status"
}

func (v nonEmptyStatuses) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (nonEmptyStatuses) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || len(req.ConfigValue.Elements()) > 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Invalid statuses",
		"statuses is empty, so no referral would take part; list any of New, Active, Closed, or remove statuses to sync referrals in every status")
}

package framework

import (
	"context"
	"fmt"
	"time"

	dstimeouts "github.com/hashicorp/terraform-plugin-framework-timeouts/datasource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Timeouts is timeouts.Attributes with every duration checked at plan
// time: the library accepts "-5m" and "0s", which would make the operation
// fail at once with a misleading "context deadline exceeded".
func Timeouts(ctx context.Context, opts timeouts.Opts) schema.Attribute {
	a, ok := timeouts.Attributes(ctx, opts).(schema.SingleNestedAttribute)
	if !ok {
		return timeouts.Attributes(ctx, opts)
	}
	for name, nested := range a.Attributes {
		if s, ok := nested.(schema.StringAttribute); ok {
			s.Validators = append(s.Validators, positiveDuration{})
			a.Attributes[name] = s
		}
	}
	return a
}

// DataSourceTimeouts is the data-source twin of Timeouts (a read timeout,
// checked at plan time the same way).
func DataSourceTimeouts(ctx context.Context) dsschema.Attribute {
	a, ok := dstimeouts.Attributes(ctx).(dsschema.SingleNestedAttribute)
	if !ok {
		return dstimeouts.Attributes(ctx)
	}
	for name, nested := range a.Attributes {
		if s, ok := nested.(dsschema.StringAttribute); ok {
			s.Validators = append(s.Validators, positiveDuration{})
			a.Attributes[name] = s
		}
	}
	return a
}

// positiveDuration rejects durations that are not greater than zero.
type positiveDuration struct{}

func (positiveDuration) Description(context.Context) string {
	return "must be a duration greater than zero, such as 30s or 10m"
}

func (v positiveDuration) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (positiveDuration) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if msg := CheckTimeout(req.ConfigValue.ValueString()); msg != "" {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+req.Path.String(), msg)
	}
}

// CheckTimeout returns why s is not a usable timeout, or "" (a string that
// does not parse is left to the library's own validator).
func CheckTimeout(s string) string {
	d, err := time.ParseDuration(s)
	if err != nil || d > 0 {
		return ""
	}
	return fmt.Sprintf("%q is not a usable timeout: it must be greater than zero, e.g. \"30s\" or \"20m\". "+
		"Remove the attribute to use the default.", s)
}

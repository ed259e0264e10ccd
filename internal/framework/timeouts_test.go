package framework

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	dsschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// Every duration of both timeouts blocks refuses zero and negative values,
// and accepts a positive one.
func TestTimeoutsRefuseDurationsNotAboveZero(t *testing.T) {
	ctx := context.Background()
	validators := map[string][]validator.String{}
	for name, a := range Timeouts(ctx, timeouts.Opts{Create: true, Delete: true}).(schema.SingleNestedAttribute).Attributes {
		validators["resource "+name] = a.(schema.StringAttribute).Validators
	}
	for name, a := range DataSourceTimeouts(ctx).(dsschema.SingleNestedAttribute).Attributes {
		validators["data source "+name] = a.(dsschema.StringAttribute).Validators
	}
	if len(validators) != 3 {
		t.Fatalf("got timeouts %v, want resource create/delete and data source read", validators)
	}
	run := func(vs []validator.String, v string) bool {
		resp := &validator.StringResponse{}
		for _, val := range vs {
			val.ValidateString(ctx, validator.StringRequest{Path: path.Root("timeouts").AtName("read"), ConfigValue: types.StringValue(v)}, resp)
		}
		return resp.Diagnostics.HasError()
	}
	for name, vs := range validators {
		for _, bad := range []string{"0s", "-5m"} {
			if !run(vs, bad) {
				t.Errorf("%s accepts %q", name, bad)
			}
		}
		if run(vs, "30s") {
			t.Errorf("%s refuses 30s", name)
		}
	}
}

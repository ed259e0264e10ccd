package provider

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

// oneOfCredential refuses a provider block that sets this attribute together
// with another way of giving the same credential (stringvalidator's
// ConflictsWith names both but not the fix). what says which credential.
type oneOfCredential struct {
	what   string
	others []string
}

func (v oneOfCredential) Description(context.Context) string {
	return "cannot be set together with " + strings.Join(v.others, " or ")
}

func (v oneOfCredential) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (v oneOfCredential) ValidateString(ctx context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() {
		return
	}
	this := req.Path.String()
	for _, other := range v.others {
		var val types.String
		resp.Diagnostics.Append(req.Config.GetAttribute(ctx, path.Root(other), &val)...)
		if val.IsNull() {
			continue
		}
		resp.Diagnostics.AddAttributeError(req.Path, "Conflicting "+v.what,
			fmt.Sprintf("%s and %s are both set in the provider block; the provider signs in with one %s. "+
				"Keep one of them and remove the other.", this, other, v.what))
	}
}

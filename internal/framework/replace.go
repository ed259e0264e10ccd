package framework

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"
)

// WarnIfReplacing adds a warning to a plan that replaces the object when
// the replacement destroys data (a column and its values, a table and its
// rows, a catalogue row): the CLI's "forces replacement" marker is easy to
// miss in a long plan. attrs are the attributes whose change replaces the
// object, judged as their plan modifiers do (a name only when it changes
// other than in case, see RequiresReplaceIfRenamed; anything else on any
// change). The framework does not show a resource's ModifyPlan what the
// attribute plan modifiers decided, hence the second look. object names
// the object, loss what is destroyed.
func WarnIfReplacing(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse, object, loss string, attrs ...path.Path) {
	if req.State.Raw.IsNull() || req.Plan.Raw.IsNull() {
		return
	}
	var changed []string
	for _, p := range attrs {
		var prior, planned attr.Value
		if req.State.GetAttribute(ctx, p, &prior).HasError() || req.Plan.GetAttribute(ctx, p, &planned).HasError() {
			continue
		}
		if replaces(ctx, prior, planned) {
			changed = append(changed, p.String())
		}
	}
	if len(changed) == 0 {
		return
	}
	list := strings.Join(changed, ", ")
	resp.Diagnostics.AddWarning("This plan replaces "+object+" and deletes "+loss,
		fmt.Sprintf("A change of %s cannot be made in place: applying this plan deletes %s, with %s, and creates it anew. "+
			"If this is not intended, set %s back to the value in state (a change of letter case alone never replaces), "+
			"or, after an import, write the configuration as the object is read back.", list, object, loss, list))
}

// replaces reports whether a change from prior to planned replaces.
func replaces(ctx context.Context, prior, planned attr.Value) bool {
	if prior == nil || planned == nil || prior.IsUnknown() || planned.IsUnknown() {
		return false
	}
	if ps, ok := prior.(basetypes.StringValuable); ok {
		if ns, ok := planned.(basetypes.StringValuable); ok {
			if _, isName := prior.(Name); isName {
				return renamed(ps, ns)
			}
			p, _ := ps.ToStringValue(ctx)
			n, _ := ns.ToStringValue(ctx)
			return !p.Equal(n)
		}
	}
	return !prior.Equal(planned)
}

// ImportBlock is the ready import block for an object of resourceType
// with import id id; the resource address is the one Terraform names in
// the diagnostic ("with <address>"), which the provider is not told.
func ImportBlock(resourceType, id string) string {
	return fmt.Sprintf("import {\n  to = %s.<name>   # the address after \"with\" in this message\n  id = %q\n}", resourceType, id)
}

// AlreadyExists is the detail of a create that found its object already
// there: nothing was written, and the import block adopts it.
func AlreadyExists(resourceType, object, id string) string {
	return fmt.Sprintf("%s already exists, and this configuration did not create it (it was made by hand, by the connector solution, "+
		"or by another configuration). Nothing was written. To manage the existing object, add this import block, then plan again "+
		"(the plan must show no replacement):\n\n%s\n\nOr choose another name to create a new object.", object, ImportBlock(resourceType, id))
}

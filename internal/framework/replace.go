package framework

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource"
)

// WarnIfReplacing adds a warning to a plan that replaces the object when
// the replacement destroys data (a column and its values, a table and its
// rows, a catalogue row): the CLI's "forces replacement" marker is easy to
// miss in a long plan. object names the object, loss what is destroyed.
func WarnIfReplacing(resp *resource.ModifyPlanResponse, object, loss string) {
	if len(resp.RequiresReplace) == 0 {
		return
	}
	attrs := make([]string, len(resp.RequiresReplace))
	for i, p := range resp.RequiresReplace {
		attrs[i] = p.String()
	}
	resp.Diagnostics.AddWarning("This plan replaces "+object+" and deletes "+loss,
		fmt.Sprintf("A change of %s cannot be made in place: applying this plan deletes %s, with %s, and creates it anew. "+
			"If this is not intended, set %s back to the value in state (a change of letter case alone never replaces), "+
			"or, after an import, keep the configuration as it is read back.", strings.Join(attrs, ", "), object, loss, strings.Join(attrs, ", ")))
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

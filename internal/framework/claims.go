package framework

import (
	"fmt"
	"strings"
	"sync"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Two resources of one configuration that manage the same remote object
// (two cosell_environment_variable with one schema_name, two
// cosell_webhook_registration for the one registration of a tenant) would
// overwrite each other on every apply. Terraform gives a provider no view
// across resources, but every resource of one run is planned, and then
// applied, through one configured provider instance: claims are recorded
// per instance (scope, the configured client), so a second claim of one
// object in one run is a second resource.
//
// The apply re-plans each resource through a newly configured instance, so
// the plan and the write phases keep separate claims. A resource can be
// planned more than once in one run (OpenTofu re-plans an object that the
// refresh found gone), so a plan claim carries the resource's configuration
// as its fingerprint: the same configuration claiming again is the same
// resource. (Two resources with identical configurations are caught by the
// write claim, which every create and update makes once.)

type claimKey struct {
	scope any
	phase string
	key   string
}

var claims sync.Map // claimKey → fingerprint (string)

// Claim phases.
const (
	PhasePlan  = "plan"
	PhaseWrite = "write"
)

// Claim records that one resource of this run manages the object key
// (compared without case). It returns false when another resource (another
// fingerprint, or any second write) already claimed it in this phase of
// this run. A nil scope (provider not yet configured) claims nothing.
func Claim(scope any, phase, key, fingerprint string) bool {
	if scope == nil || key == "" {
		return true
	}
	prev, taken := claims.LoadOrStore(claimKey{scope, phase, strings.ToLower(key)}, fingerprint)
	return !taken || (phase == PhasePlan && prev.(string) == fingerprint)
}

// ClaimOrError claims key and, when another resource has it, adds an
// error on attribute naming object and the fix. It returns false then.
func ClaimOrError(scope any, phase, key, fingerprint string, diags *diag.Diagnostics, attribute path.Path, object, fix string) bool {
	if Claim(scope, phase, key, fingerprint) {
		return true
	}
	when := "Nothing was planned for it."
	if phase == PhaseWrite {
		when = "This resource stopped before writing anything; the other one went ahead."
	}
	diags.AddAttributeError(attribute, "Two resources manage "+object,
		fmt.Sprintf("Another resource of this configuration manages %s too (names are compared without letter case, as Dataverse "+
			"and Partner Center do). Two resources for one object overwrite each other on every apply. %s %s", object, when, fix))
	return false
}

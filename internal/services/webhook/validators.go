package webhook

import (
	"context"
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

// validEventsText lists the documented names for diagnostics and docs.
func validEventsText() string {
	names := make([]string, 0, len(partnercenter.DocumentedEvents()))
	for _, e := range partnercenter.DocumentedEvents() {
		names = append(names, "`"+e+"`")
	}
	families := make([]string, 0, len(partnercenter.EventFamilies()))
	for _, f := range partnercenter.EventFamilies() {
		families = append(families, "`"+f+"*`")
	}
	return strings.Join(names, ", ") + ", and the names of the families " + strings.Join(families, ", ")
}

// checkEventName is the plan-time check of one event name.
func checkEventName(name string) string {
	if partnercenter.IsDocumentedEvent(name) {
		return ""
	}
	hint := ""
	for _, e := range partnercenter.DocumentedEvents() {
		if strings.EqualFold(e, name) {
			hint = fmt.Sprintf(" Event names are case-sensitive: write %q.", e)
			break
		}
	}
	return fmt.Sprintf("%q is not a documented Partner Center webhook event.%s Valid names: %s (see GET /webhooks/v1/registration/events, "+
		"or the cosell_webhook_events data source).", name, hint, validEventsText())
}

func eventNameValidator() validator.String {
	return validate.String("must be a documented Partner Center webhook event name", checkEventName)
}

// nonEmptySet rejects an empty set with a message that says how to fix it.
type nonEmptySet struct{ fix string }

func (v nonEmptySet) Description(context.Context) string { return "must contain at least one element" }
func (v nonEmptySet) MarkdownDescription(context.Context) string {
	return "must contain at least one element"
}

func (v nonEmptySet) ValidateSet(_ context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() || len(req.ConfigValue.Elements()) > 0 {
		return
	}
	resp.Diagnostics.AddAttributeError(req.Path, "Empty "+req.Path.String(), v.fix)
}

// keepKnownState is UseStateForUnknown for values that may be null in state
// (subscriber_id after an import): a null stays "known after apply", so the
// next write can fill it in.
type keepKnownState struct{}

func (keepKnownState) Description(context.Context) string {
	return "Once known, the value in state does not change."
}
func (m keepKnownState) MarkdownDescription(ctx context.Context) string { return m.Description(ctx) }

func (keepKnownState) PlanModifyString(_ context.Context, req planmodifier.StringRequest, resp *planmodifier.StringResponse) {
	if req.State.Raw.IsNull() || !req.PlanValue.IsUnknown() || req.StateValue.IsNull() || req.StateValue.IsUnknown() {
		return
	}
	resp.PlanValue = req.StateValue
}

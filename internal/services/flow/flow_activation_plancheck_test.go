package flow_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// The plan reads the flows (when the provider is configured) and reports
// a name that matches no flow, and a child flow that is off and not
// listed, before any apply.
func TestAccFlowActivation_planFindsMissingFlowsAndChildren(t *testing.T) {
	emu := prepare(t)
	bindAll(t, emu)
	w := newWriteCounter(emu)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:   flowsConfig("", "Partner Center Webhook Registration", "Partner Center Webhook Registrations"),
				PlanOnly: true,
				ExpectError: errorLike("Cloud flows not found", `- "Partner Center Webhook Registrations"`,
					"Nothing was switched on or off"),
			},
			{
				Config:   flowsConfig("", "Partner Center to Dynamics 365"),
				PlanOnly: true,
				ExpectError: errorLike("child flows would not be on first",
					`calls the child flow "Partner Center to Dynamics 365 - Helper", which is off and not in flows`),
			},
		},
	})
	w.noWrites(t)
}

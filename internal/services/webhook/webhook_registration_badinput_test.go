package webhook_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// badInput runs PlanOnly steps that must each fail at plan time, and proves
// that no write reached the emulator meanwhile.
func badInput(t *testing.T, steps ...resource.TestStep) {
	t.Helper()
	var done func()
	for i := range steps {
		steps[i].PlanOnly = true
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t); done = noWritesDuring(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    steps,
	})
	done()
}

func TestAccWebhookRegistration_badInput_httpURL(t *testing.T) {
	badInput(t,
		resource.TestStep{
			Config:      config("prod-01.westeurope.logic.azure.com/workflows/x?sig=NotShownSecret"),
			ExpectError: errRE("Invalid url", "not an absolute URL", "https://"),
		},
	)
}

func TestAccWebhookRegistration_badInput_unknownEvent(t *testing.T) {
	badInput(t,
		resource.TestStep{
			Config: config(flowURL(), `events = ["referral-created", "referral-deleted"]`),
			ExpectError: errRE(`Invalid events`, `"referral-deleted" is not a documented Partner Center webhook event`,
				"Valid names:", "`referral-created`", "`related-referral-updated`", "`test-created`"),
		},
		resource.TestStep{
			Config:      config(flowURL(), `events = ["Referral-Created"]`),
			ExpectError: errRE("Invalid events", `case-sensitive: write "referral-created"`),
		},
	)
}

func TestAccWebhookRegistration_badInput_emptyEvents(t *testing.T) {
	badInput(t, resource.TestStep{
		Config:      config(flowURL(), `events = []`),
		ExpectError: errRE("Empty events", "at least one", "Remove the events argument to receive the four referral events"),
	})
}

func TestAccWebhookRegistration_badInput_validateWithoutTestCreated(t *testing.T) {
	badInput(t,
		resource.TestStep{
			Config: config(flowURL(), `events = ["referral-created"]`, "validate = true"),
			ExpectError: errRE("validate needs the test-created event", `subscribed to "test-created"; events does not list it`,
				`Add "test-created" to events`, "or set validate = false"),
		},
		resource.TestStep{
			// The default events (the four referral events) lack test-created too.
			Config:      config(flowURL(), "validate = true"),
			ExpectError: errRE("validate needs the test-created event", "events is not set, and its default (the four referral events) does not include it"),
		},
	)
}

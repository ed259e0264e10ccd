package webhook_test

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// Two registrations in one configuration (Partner Center keeps one per
// tenant; with overwrite = true they would take it from each other on
// every apply) are refused at plan time, naming the registration; nothing
// is written.
func TestAccWebhookRegistration_twoResourcesOneRegistration(t *testing.T) {
	done := noWritesDuring(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "cosell_webhook_registration" "a" {
  url       = "` + flowURL() + `"
  overwrite = true
}
resource "cosell_webhook_registration" "b" {
  url       = "` + flowURL() + `"
  overwrite = true
}`,
			PlanOnly:    true,
			ExpectError: errRE("Two resources manage webhook registration of tenant "+tenantID(t), "one configuration needs one cosell_webhook_registration"),
		}},
	})
	done()
}

// The documented output interpolates validation_status and
// validation_result; with validate = false they hold known text, so it
// works (and the plan after apply is empty).
func TestAccWebhookRegistration_validationOutputWithoutValidate(t *testing.T) {
	url := flowURL()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{{
			Config: config(url) + `
output "webhook_validation" {
  value = "${cosell_webhook_registration.test.validation_status}: ${cosell_webhook_registration.test.validation_result}"
}`,
			ConfigStateChecks: []statecheck.StateCheck{statecheck.ExpectKnownOutputValue("webhook_validation",
				knownvalue.StringExact("not requested: validate = false: no test event was sent"))},
		}},
	})
}

// A timeout that is not positive is refused at plan time, naming it.
func TestAccWebhookRegistration_badInput_negativeTimeout(t *testing.T) {
	done := noWritesDuring(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      config(flowURL(), `timeouts = { update = "-1s" }`),
			PlanOnly:    true,
			ExpectError: errRE("timeouts.update", `"-1s" is not a usable timeout: it must be greater than zero`),
		}},
	})
	done()
}

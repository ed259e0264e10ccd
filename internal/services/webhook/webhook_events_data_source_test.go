package webhook_test

import (
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

func TestAccWebhookEventsDataSource_basic(t *testing.T) {
	all := acctest.Emulator(t).PartnerCenter().Events()
	const ds = "data.cosell_webhook_events.test"
	checks := []resource.TestCheckFunc{
		resource.TestCheckResourceAttr(ds, "events.#", strconv.Itoa(len(all))),
		resource.TestCheckResourceAttr(ds, "referral_events.#", "4"),
	}
	for i, e := range all {
		checks = append(checks, resource.TestCheckResourceAttr(ds, "events."+strconv.Itoa(i), e))
	}
	for _, e := range referralEvents {
		checks = append(checks, resource.TestCheckTypeSetElemAttr(ds, "referral_events.*", e))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "cosell_webhook_events" "test" {}`,
			Check:  resource.ComposeAggregateTestCheckFunc(checks...),
		}},
	})
}

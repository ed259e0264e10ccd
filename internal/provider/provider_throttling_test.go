package provider_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Under throttling (the first calls to Dataverse and to the Referrals API
// answered 429 with Retry-After) an apply, a re-plan and a destroy still
// succeed: the transport waits and retries, and nothing is written twice.
func TestAccProvider_survivesThrottling(t *testing.T) {
	emu := acctest.Emulator(t)
	throttle := &core.Faults{ErrorRates: map[int]float64{429: 1}, RetryAfterSeconds: 1, Count: 3}
	for _, svc := range []string{"dataverse", "referrals"} {
		emu.Faults().Set(svc, throttle)
	}
	t.Cleanup(func() {
		for _, svc := range []string{"dataverse", "referrals"} {
			emu.Faults().Set(svc, nil)
		}
	})
	throttledBefore := throttled(emu.Metrics().Snapshot())
	createsBefore := columnCreates(emu.Metrics().Snapshot())
	name := fmt.Sprintf("cstest_Throttled%d", rand.IntN(1_000_000))
	config := fmt.Sprintf(`
resource "cosell_crm_field" "test" {
  schema_name  = %q
  display_name = "Throttled column"
  type         = "string"
  max_length   = 120
}

data "cosell_referrals" "all" {}
`, name)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_crm_field.test", "max_length", "120"),
					resource.TestCheckResourceAttrWith("data.cosell_referrals.all", "referrals.#", func(v string) error {
						if want := fmt.Sprint(len(emu.PartnerCenter().Referrals())); v != want {
							return fmt.Errorf("%s referrals read, want %s", v, want)
						}
						return nil
					}),
					func(*terraform.State) error {
						if n := throttled(emu.Metrics().Snapshot()) - throttledBefore; n == 0 {
							return fmt.Errorf("no request was throttled: the test proves nothing")
						}
						if n := columnCreates(emu.Metrics().Snapshot()) - createsBefore; n != 1 {
							return fmt.Errorf("%d successful column creates, want exactly 1", n)
						}
						return nil
					},
				),
			},
			{Config: config, PlanOnly: true}, // no diff after retries
		},
		CheckDestroy: func(*terraform.State) error {
			if _, ok := emu.Dataverse().Attribute("opportunity", strings.ToLower(name)); ok {
				return fmt.Errorf("column %s still exists after destroy", name)
			}
			return nil
		},
	})
}

func throttled(counts []core.Count) int {
	n := 0
	for _, c := range counts {
		if c.Status == 429 {
			n += c.Count
		}
	}
	return n
}

// columnCreates counts the successful POSTs that created a column.
func columnCreates(counts []core.Count) int {
	n := 0
	for _, c := range counts {
		if c.Service == "dataverse" && c.Method == "POST" && c.Status == 204 && strings.HasSuffix(c.Route, "/Attributes") {
			n += c.Count
		}
	}
	return n
}

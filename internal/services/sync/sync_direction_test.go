package sync_test

import (
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

// pcWrites counts the Referrals API writes the emulator has seen.
func pcWrites(emu *emulator.Emulator) int {
	return emu.Metrics().Total("referrals", "POST") + emu.Metrics().Total("referrals", "PATCH") + emu.Metrics().Total("referrals", "PUT")
}

// A staging workspace (direction = "to_dynamics") reads referrals and writes
// Dynamics 365 only: a new referral gets its opportunity, a new flagged
// opportunity gets no referral, and Partner Center sees no write at all.
// dry_run writes nothing on either side and stays out of sync.
func TestAccSync_toDynamicsNeverWritesPartnerCenterAndDryRunWritesNothing(t *testing.T) {
	emu := acctest.Emulator(t)
	const refID = "d3000000-0000-4000-8000-000000000001"
	const oppID = "03000000-0000-4000-8000-000000000001"
	var before int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					ref := partnercenter.MustParseReferral(`{"id":"` + refID + `","name":"Staging Co - Dynamics rollout","status":"Active","substatus":"Accepted",
"type":"Independent","qualification":"SalesQualified","direction":"Incoming","customerProfile":{"name":"Staging Co","address":{"postalCode":"75001","country":"FR"},
"team":[{"lastName":"Martin","email":"martin@staging.example"}]},"consent":{"consentToContact":true},
"details":{"dealValue":8000,"currency":"EUR","closingDateTime":"2027-05-01T00:00:00Z"}}`)
					if _, err := emu.PartnerCenter().PutReferral(ref); err != nil {
						t.Fatal(err)
					}
					if _, err := emu.Dataverse().CreateRecord("opportunities", map[string]any{"opportunityid": oppID, "name": "Made in staging",
						"estimatedvalue": 5000, "msft_microsoftpartnercenterreferralsync": true}); err != nil {
						t.Fatal(err)
					}
					before = pcWrites(emu)
				},
				Config: `resource "cosell_sync" "test" {
  direction = "to_dynamics"
}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "in_sync", "true"),
					emuCheck(func() error {
						if n := pcWrites(emu) - before; n != 0 {
							return fmt.Errorf("direction to_dynamics wrote to Partner Center %d times", n)
						}
						found := false
						for _, r := range emu.Dataverse().Records("opportunities") {
							found = found || r["msft_microsoftpartnercenterreferralidentifier"] == refID
						}
						if !found {
							return fmt.Errorf("referral %s has no opportunity", refID)
						}
						if row, _ := emu.Dataverse().Record("opportunities", oppID); row["msft_microsoftpartnercenterreferralidentifier"] != nil {
							return fmt.Errorf("a referral was linked to %s: %v", oppID, row["msft_microsoftpartnercenterreferralidentifier"])
						}
						return nil
					}),
				),
			},
			{
				PreConfig: func() {
					before = pcWrites(emu)
				},
				Config: `resource "cosell_sync" "test" {
  direction = "both"
  dry_run   = true
}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "last_run.dry_run", "true"),
					resource.TestCheckResourceAttr(addr, "in_sync", "false"), // the flagged opportunity still needs its referral
					emuCheck(func() error {
						if n := pcWrites(emu) - before; n != 0 {
							return fmt.Errorf("dry_run wrote to Partner Center %d times", n)
						}
						if row, _ := emu.Dataverse().Record("opportunities", oppID); row["msft_microsoftpartnercenterreferralidentifier"] != nil {
							return fmt.Errorf("dry_run linked a referral")
						}
						return nil
					}),
				),
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

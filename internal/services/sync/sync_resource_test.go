package sync_test

import (
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

const addr = "cosell_sync.test"

const tailspinReferral = "7d0f5b8e-1a2b-4c3d-9e8f-112233445566"

func emuCheck(f func() error) resource.TestCheckFunc {
	return func(*terraform.State) error { return f() }
}

// The acceptance path: apply converges; an out-of-band change in the
// emulator (a Microsoft seller, then a CRM user) makes the next plan show
// pending changes; apply converges again; the plan after is empty.
func TestAccSync_outOfBandChangeIsPendingThenConverges(t *testing.T) {
	emu := acctest.Emulator(t)
	config := `resource "cosell_sync" "test" {}`
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "in_sync", "true"),
					resource.TestCheckResourceAttr(addr, "direction", "both"),
					resource.TestCheckResourceAttr(addr, "conflict_policy", "partner_center_wins"),
					resource.TestCheckResourceAttr(addr, "snapshot_column", "cosell_syncsnapshot"),
					resource.TestCheckResourceAttr(addr, "pending.create_opportunity", "0"),
					resource.TestCheckResourceAttrSet(addr, "last_run.start"),
					resource.TestCheckResourceAttrSet(addr, "watermark"),
					// The seeded co-sell without a solution is a failure, listed with its reason.
					resource.TestCheckTypeSetElemNestedAttrs(addr, "failures.*", map[string]string{"opportunity_id": dvemu.OpportunityContoso}),
				),
			},
			// Nothing changed: the plan is empty.
			{Config: config, PlanOnly: true},
			// A Microsoft seller edits the notes: refresh finds it, the plan shows an update.
			{
				PreConfig: func() {
					emu.PartnerCenter().UpdateReferral(tailspinReferral, func(r *partnercenter.Referral) {
						_ = r.Set("/details/notes", "Pilot with 120 seats, then the whole sales team.")
					})
				},
				Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(addr, "in_sync", "true"),
					emuCheck(func() error {
						row, _ := emu.Dataverse().Record("opportunities", dvemu.OpportunityTailspin)
						if row["description"] != "Pilot with 120 seats, then the whole sales team." {
							return fmt.Errorf("the opportunity's description is %v", row["description"])
						}
						return nil
					}),
				),
			},
			{Config: config, PlanOnly: true},
			// A CRM user changes the deal value: pending, then applied to Partner Center.
			{
				PreConfig: func() {
					if err := emu.Dataverse().PatchRecord("opportunities", dvemu.OpportunityTailspin, map[string]any{"estimatedvalue": 61000}); err != nil {
						t.Fatal(err)
					}
				},
				Config: config, PlanOnly: true, ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				Check: emuCheck(func() error {
					r, _ := emu.PartnerCenter().Referral(tailspinReferral)
					if v, _ := r.DealValue(); v != 61000 {
						return fmt.Errorf("the referral's deal value is %v", v)
					}
					return nil
				}),
			},
			{Config: config, PlanOnly: true},
			// A new trigger value re-runs the sync even with nothing pending.
			{
				Config: `resource "cosell_sync" "test" {
  triggers = { release = "2" }
}`,
				Check: resource.TestCheckResourceAttr(addr, "triggers.release", "2"),
			},
			// No import: there is no remote object to adopt.
			{
				ResourceName: addr, ImportState: true, ImportStateId: "anything",
				ExpectError: regexp.MustCompile(`(?i)(not support|doesn't support|does not support) import`),
			},
		},
	})
}

// cosell_sync_preview lists what a run would do, without writing.
func TestAccSyncPreview_listsChangesWithoutWriting(t *testing.T) {
	emu := acctest.Emulator(t)
	const id = "d2000000-0000-4000-8000-000000000001"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() {
				ref := partnercenter.MustParseReferral(`{"id":"` + id + `","name":"Preview Co - Teams rollout","status":"Active","substatus":"Accepted",
"type":"Independent","qualification":"SalesQualified","direction":"Incoming","customerProfile":{"name":"Preview Co","address":{"postalCode":"10115","country":"DE"},
"team":[{"lastName":"Vorschau","email":"vorschau@preview.example"}]},"consent":{"consentToContact":true},
"details":{"dealValue":12000,"currency":"EUR","closingDateTime":"2027-02-01T00:00:00Z"}}`)
				if _, err := emu.PartnerCenter().PutReferral(ref); err != nil {
					t.Fatal(err)
				}
			},
			Config: `data "cosell_sync_preview" "next" {
  direction = "to_dynamics"
}`,
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.cosell_sync_preview.next", "in_sync", "false"),
				resource.TestCheckTypeSetElemNestedAttrs("data.cosell_sync_preview.next", "changes.*", map[string]string{
					"referral_id": id, "side": "dynamics",
				}),
				emuCheck(func() error {
					for _, r := range emu.Dataverse().Records("opportunities") {
						if r["msft_microsoftpartnercenterreferralidentifier"] == id {
							return fmt.Errorf("the preview wrote opportunity %v", r["opportunityid"])
						}
					}
					return nil
				}),
			),
		}},
	})
}

// wrapped matches a pattern whose spaces may be line breaks (the CLIs wrap
// diagnostics).
func wrapped(pattern string) *regexp.Regexp {
	return regexp.MustCompile(strings.ReplaceAll(pattern, " ", `\s+`))
}

// A snapshot column that does not exist fails before any write, on the
// attribute, with the fix.
func TestAccSync_missingSnapshotColumnIsExplained(t *testing.T) {
	emu := acctest.Emulator(t)
	var before int
	var rows map[string]any
	etags := func() map[string]any {
		m := map[string]any{}
		for _, set := range []string{"opportunities", "accounts", "contacts", "leads", "msft_partnercentersolutions"} {
			for _, r := range emu.Dataverse().Records(set) {
				m[set+fmt.Sprint(r["@odata.etag"])] = true
			}
		}
		return m
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			PreConfig: func() { before, rows = pcWrites(emu), etags() },
			Config: `resource "cosell_sync" "test" {
  snapshot_column = "contoso_syncstate"
}`,
			ExpectError: wrapped(`snapshot_column[\s\S]*no column "contoso_syncstate"[\s\S]*Create it`),
		}, {
			// Nothing was written on either side.
			PreConfig: func() {
				if n := pcWrites(emu) - before; n != 0 {
					t.Errorf("%d Partner Center writes before the error", n)
				}
				if after := etags(); !reflect.DeepEqual(after, rows) {
					t.Errorf("Dataverse rows changed before the error")
				}
			},
			Config:   `data "cosell_sync_preview" "x" {}`,
			PlanOnly: true,
		}},
	})
}

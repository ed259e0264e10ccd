package flow_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
)

func TestAccFlowsDataSource_basic(t *testing.T) {
	emu := prepare(t)
	w := newWriteCounter(emu)
	matching := 0
	for _, f := range dvemu.ConnectorFlows {
		if strings.Contains(strings.ToLower(f.Name), "partner center to") {
			matching++
		}
	}
	if matching < 2 || matching == len(dvemu.ConnectorFlows) {
		t.Fatalf("the filter should match some but not all seeded flows (%d)", matching)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `
data "cosell_flows" "all" {}
data "cosell_flows" "pc" { name_contains = "PARTNER CENTER TO" }
`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.cosell_flows.all", "flows.#", strconv.Itoa(len(dvemu.ConnectorFlows))),
					resource.TestCheckTypeSetElemNestedAttrs("data.cosell_flows.all", "flows.*", map[string]string{
						"name":                                 "Partner Center Webhook Registration",
						"unique_name":                          "msft_PartnerCenterWebhookRegistration",
						"workflow_id":                          dvemu.FlowWebhookRegistration,
						"state":                                "off",
						"connection_reference_logical_names.#": "1",
						"connection_reference_logical_names.0": "msft_sharedpartnercenterevents_webhooks",
						"child_flow_workflow_ids.#":            "0",
					}),
					resource.TestCheckTypeSetElemNestedAttrs("data.cosell_flows.all", "flows.*", map[string]string{
						"name":                      "Dynamics 365 Opportunity to Partner Center",
						"child_flow_workflow_ids.#": "1",
						"child_flow_workflow_ids.0": dvemu.FlowD365ToPC,
					}),
					resource.TestCheckResourceAttr("data.cosell_flows.pc", "flows.#", strconv.Itoa(matching)),
					resource.TestCheckTypeSetElemNestedAttrs("data.cosell_flows.pc", "flows.*", map[string]string{
						"name": "Partner Center to Dynamics 365 - Helper",
					}),
				),
			},
		},
	})
	w.noWrites(t)
}

func TestAccFlowsDataSource_badInput_emptyFilter(t *testing.T) {
	emu := prepare(t)
	w := newWriteCounter(emu)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "cosell_flows" "bad" { name_contains = "" }`,
			PlanOnly:    true,
			ExpectError: errorLike("Invalid name_contains", "name_contains is empty; omit it to list every cloud flow"),
		}},
	})
	w.noWrites(t)
}

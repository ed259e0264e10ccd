package flow_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
)

const defaultConfig = `resource "cosell_flow_activation" "test" {}`

func flowsConfig(extra string, names ...string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return fmt.Sprintf("resource \"cosell_flow_activation\" \"test\" {\n  flows = [%s]\n%s}\n", strings.Join(q, ", "), extra)
}

// checkStates checks states.N against the seeded flows, in order.
func checkStates(flows []dvemu.Flow, state string) resource.TestCheckFunc {
	checks := []resource.TestCheckFunc{resource.TestCheckResourceAttr(resourceAddr, "states.#", strconv.Itoa(len(flows)))}
	for i, f := range flows {
		checks = append(checks,
			resource.TestCheckResourceAttr(resourceAddr, fmt.Sprintf("states.%d.name", i), f.Name),
			resource.TestCheckResourceAttr(resourceAddr, fmt.Sprintf("states.%d.workflow_id", i), f.ID),
			resource.TestCheckResourceAttr(resourceAddr, fmt.Sprintf("states.%d.state", i), state))
	}
	return resource.ComposeAggregateTestCheckFunc(checks...)
}

func emuCheck(f func() error) resource.TestCheckFunc {
	return func(*terraform.State) error { return f() }
}

// The whole connector set up as code: connections bound with
// cosell_connection, then every documented flow switched on in order;
// destroy switches them off in reverse order.
func TestAccFlowActivation_basic(t *testing.T) {
	emu := prepare(t)
	w := newWriteCounter(emu)
	flows := documented()
	config := fmt.Sprintf(`
resource "cosell_connection" "referrals" {
  connector    = "partner_center_referrals"
  display_name = "Partner Center Referrals (flow test)"
  connection_reference_logical_names = ["msft_sharedpartnercenterref_referrals", "msft_sharedpartnercenterref_cosellupdates"]
}

resource "cosell_connection" "events" {
  connector    = "partner_center_events"
  display_name = "Partner Center Events (flow test)"
  connection_reference_logical_names = ["msft_sharedpartnercenterevents_webhooks"]
}

resource "cosell_connection" "dataverse" {
  connector    = "dataverse"
  display_name = "Dataverse (flow test)"
  service_principal = {
    tenant_id     = %q
    client_id     = "11111111-1111-4111-8111-111111111111"
    client_secret = "emulator-client-secret"
  }
  connection_reference_logical_names = [
    "msft_sharedcommondataserviceforapps_sync",
    "msft_sharedcommondataserviceforapps_triggers",
    "msft_sharedcommondataserviceforapps_customize",
    "msft_sharedcommondataserviceforapps_autoheal",
  ]
}

resource "cosell_flow_activation" "test" {
  depends_on = [cosell_connection.referrals, cosell_connection.events, cosell_connection.dataverse]
}

data "cosell_flows" "all" {
  depends_on = [cosell_flow_activation.test]
}
`, emu.Endpoints().TenantID)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			if err := checkOff(t, emu, flows, true); err != nil {
				return err
			}
			for _, r := range dvemu.ConnectorConnectionRefs {
				if rec, _ := emu.Dataverse().Record("connectionreferences", r.ID); rec["connectionid"] != nil {
					return fmt.Errorf("connection reference %s is still bound to %v", r.LogicalName, rec["connectionid"])
				}
			}
			return nil
		},
		Steps: []resource.TestStep{{
			Config: config,
			Check: resource.ComposeAggregateTestCheckFunc(
				emuCheck(func() error { return checkOnInOrder(t, emu, flows) }),
				emuCheck(func() error {
					for _, id := range []string{dvemu.FlowD365LeadsToPC, dvemu.FlowAutoHeal} {
						if s := stateOf(t, emu, id); s != 0 {
							return fmt.Errorf("flow %s is not in the default list but has statecode %d", id, s)
						}
					}
					return nil
				}),
				w.expectWorkflowPatches(len(flows)),
				resource.TestCheckResourceAttr(resourceAddr, "id", host(emu)),
				resource.TestCheckResourceAttr(resourceAddr, "all_on", "true"),
				resource.TestCheckResourceAttr(resourceAddr, "turn_off_on_destroy", "true"),
				resource.TestCheckResourceAttr(resourceAddr, "flows.#", strconv.Itoa(len(flows))),
				resource.TestCheckResourceAttr(resourceAddr, "flows.2", "Create Co-sell Referral – Dynamics 365 to Partner Center"),
				checkStates(flows, "on"),
				resource.TestCheckResourceAttr("data.cosell_flows.all", "flows.#", strconv.Itoa(len(dvemu.ConnectorFlows))),
				resource.TestCheckTypeSetElemNestedAttrs("data.cosell_flows.all", "flows.*", map[string]string{
					"name":                                 "Partner Center to Dynamics 365",
					"unique_name":                          "msft_PartnerCenterToDynamics365",
					"workflow_id":                          dvemu.FlowPCToD365,
					"state":                                "on",
					"managed":                              "false",
					"connection_reference_logical_names.#": "2",
					"connection_reference_logical_names.0": "msft_sharedcommondataserviceforapps_sync",
					"connection_reference_logical_names.1": "msft_sharedpartnercenterref_referrals",
					"child_flow_workflow_ids.#":            "2",
					"child_flow_workflow_ids.0":            dvemu.FlowPCToD365Helper,
					"child_flow_workflow_ids.1":            dvemu.FlowPCCosellUpdates,
				}),
				resource.TestCheckTypeSetElemNestedAttrs("data.cosell_flows.all", "flows.*", map[string]string{
					"name":  "Dynamics 365 Leads to Partner Center",
					"state": "off",
				}),
			),
		}},
	})
}

// Changing the list updates in place: only flows that are off are written,
// removed flows are switched off, turn_off_on_destroy = false keeps them on.
func TestAccFlowActivation_update(t *testing.T) {
	emu := prepare(t)
	bindAll(t, emu)
	w := newWriteCounter(emu)
	all := dvemu.ConnectorFlows // documented order, then Leads and Auto-heal
	first3 := all[:3]
	names3 := []string{all[0].Name, all[1].Name, all[2].Name}
	// All eleven: display names, one with the "(Insider Preview)" suffix and
	// different case/dash, one by unique name.
	var names11 []string
	for _, f := range all {
		names11 = append(names11, f.Name)
	}
	names11[3] = "partner center to dynamics 365 – helper (Insider Preview)"
	names11[10] = seededFlow(dvemu.FlowAutoHeal).UniqueName
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: func(*terraform.State) error {
			// turn_off_on_destroy = false: destroy left the three flows on.
			return checkOnInOrder(t, emu, first3)
		},
		Steps: []resource.TestStep{
			{
				Config: flowsConfig("", names3...),
				Check: resource.ComposeAggregateTestCheckFunc(
					w.expectWorkflowPatches(3),
					emuCheck(func() error { return checkOnInOrder(t, emu, first3) }),
					emuCheck(func() error { return checkOff(t, emu, all[3:], false) }),
					checkStates(first3, "on"),
				),
			},
			{
				Config: flowsConfig("", names11...),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					// The three flows already on are not written again.
					w.expectWorkflowPatches(8),
					emuCheck(func() error { return checkOnInOrder(t, emu, all[3:]) }),
					checkStates(all, "on"),
					resource.TestCheckResourceAttr(resourceAddr, "flows.3", names11[3]),
					resource.TestCheckResourceAttr(resourceAddr, "all_on", "true"),
				),
			},
			{
				Config: flowsConfig("", names3...),
				Check: resource.ComposeAggregateTestCheckFunc(
					w.expectWorkflowPatches(8),
					emuCheck(func() error { return checkOff(t, emu, all[3:], true) }),
					emuCheck(func() error { return checkOnInOrder(t, emu, first3) }),
					checkStates(first3, "on"),
				),
			},
			{
				Config: flowsConfig("  turn_off_on_destroy = false\n", names3...),
				Check: resource.ComposeAggregateTestCheckFunc(
					w.expectWorkflowPatches(0),
					resource.TestCheckResourceAttr(resourceAddr, "turn_off_on_destroy", "false"),
				),
			},
		},
	})
}

// A flow switched off and another suspended in the portal show in states
// after a refresh; the plan shows an in-place update that switches both on.
func TestAccFlowActivation_drift(t *testing.T) {
	emu := prepare(t)
	bindAll(t, emu)
	w := newWriteCounter(emu)
	flows := documented()
	offFlow, suspendedFlow := 5, 6 // Partner Center to Dynamics 365, Dynamics 365 to Partner Center
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             func(*terraform.State) error { return checkOff(t, emu, flows, true) },
		Steps: []resource.TestStep{
			{
				Config: defaultConfig,
				Check:  resource.ComposeAggregateTestCheckFunc(w.expectWorkflowPatches(len(flows)), checkStates(flows, "on")),
			},
			{
				PreConfig: func() {
					if err := emu.Dataverse().PatchRecord("workflows", flows[offFlow].ID, map[string]any{"statecode": 0, "statuscode": 1}); err != nil {
						t.Fatal(err)
					}
					if err := emu.Dataverse().PatchRecord("workflows", flows[suspendedFlow].ID, map[string]any{"statecode": 2, "statuscode": 3}); err != nil {
						t.Fatal(err)
					}
				},
				RefreshState:       true,
				ExpectNonEmptyPlan: true,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(resourceAddr, "all_on", "false"),
					resource.TestCheckResourceAttr(resourceAddr, fmt.Sprintf("states.%d.state", offFlow), "off"),
					resource.TestCheckResourceAttr(resourceAddr, fmt.Sprintf("states.%d.state", suspendedFlow), "suspended"),
					resource.TestCheckResourceAttr(resourceAddr, "states.0.state", "on"),
				),
			},
			{
				Config: defaultConfig,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(resourceAddr, plancheck.ResourceActionUpdate),
					plancheck.ExpectKnownValue(resourceAddr, tfjsonpath.New("all_on"), knownvalue.Bool(true)),
					plancheck.ExpectUnknownValue(resourceAddr, tfjsonpath.New("states")),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					w.expectWorkflowPatches(2),
					emuCheck(func() error { return checkOnInOrder(t, emu, []dvemu.Flow{flows[offFlow], flows[suspendedFlow]}) }),
					checkStates(flows, "on"),
					resource.TestCheckResourceAttr(resourceAddr, "all_on", "true"),
				),
			},
		},
	})
}

// Flows deleted from the environment: all of them → the refresh drops the
// resource and the plan (which reads the flows) fails naming them, instead
// of planning a create that is certain to fail; one of them → the refresh
// reports it missing and the plan fails listing the flows that exist,
// before any write; a re-created flow (new workflow id, as a solution
// re-import gives) is picked up.
func TestAccFlowActivation_disappears(t *testing.T) {
	emu := prepare(t)
	bindAll(t, emu)
	w := newWriteCounter(emu)
	flows := documented()
	saved := map[string]map[string]any{}
	for _, f := range flows {
		saved[f.ID] = saveFlow(t, emu, f.ID)
	}
	solutions := flows[8] // Dynamics 365 Microsoft Solution(s) to Partner Center: no flow calls it
	const newID = "c05e11f0-0000-4000-8000-0000000000f9"
	t.Cleanup(func() {
		_ = emu.Dataverse().DeleteRecord("workflows", newID)
		for _, f := range flows {
			if _, ok := flowRow(t, emu, f.ID); !ok {
				recreate(t, emu, saved[f.ID], "")
			}
		}
	})
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: defaultConfig,
				Check:  checkStates(flows, "on"),
			},
			{
				PreConfig: func() {
					for _, f := range flows {
						if err := emu.Dataverse().DeleteRecord("workflows", f.ID); err != nil {
							t.Fatal(err)
						}
					}
				},
				RefreshState: true,
				Check: func(s *terraform.State) error {
					if _, ok := s.RootModule().Resources[resourceAddr]; ok {
						return fmt.Errorf("%s should be gone from state once none of its flows exists", resourceAddr)
					}
					return nil
				},
				ExpectError: errorLike("Cloud flows not found", `"Partner Center Webhook Registration"`,
					`"Dynamics 365 Microsoft Solution(s) to Partner Center"`, "Nothing was switched on or off"),
			},
			{
				PreConfig: func() {
					for _, f := range flows {
						recreate(t, emu, saved[f.ID], "")
					}
					w.reset()
				},
				// Re-created (off): the apply switches them all on again.
				Config: defaultConfig,
				Check: resource.ComposeAggregateTestCheckFunc(
					w.expectWorkflowPatches(len(flows)),
					emuCheck(func() error { return checkOnInOrder(t, emu, flows) }),
					checkStates(flows, "on"),
				),
			},
			{
				PreConfig: func() {
					if err := emu.Dataverse().DeleteRecord("workflows", solutions.ID); err != nil {
						t.Fatal(err)
					}
					w.reset()
				},
				RefreshState: true,
				ExpectError:  errorLike("Cloud flows not found", `"Dynamics 365 Microsoft Solution(s) to Partner Center"`, "Nothing was switched on or off", `"Dynamics 365 Leads to Partner Center"`),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr(resourceAddr, "states.8.state", "missing"),
					resource.TestCheckResourceAttr(resourceAddr, "states.8.name", solutions.Name),
					resource.TestCheckNoResourceAttr(resourceAddr, "states.8.workflow_id"),
					resource.TestCheckResourceAttr(resourceAddr, "all_on", "false"),
				),
			},
			{
				PreConfig: func() {
					if got := w.since(); len(got) > 0 {
						t.Errorf("the failed plan wrote %v", got)
					}
					recreate(t, emu, saved[solutions.ID], newID)
					w.reset()
				},
				Config: defaultConfig,
				Check: resource.ComposeAggregateTestCheckFunc(
					w.expectWorkflowPatches(1),
					resource.TestCheckResourceAttr(resourceAddr, "states.8.workflow_id", newID),
					resource.TestCheckResourceAttr(resourceAddr, "states.8.state", "on"),
					resource.TestCheckResourceAttr(resourceAddr, "all_on", "true"),
					emuCheck(func() error {
						if s := stateOf(t, emu, newID); s != 1 {
							return fmt.Errorf("the re-created flow has statecode %d", s)
						}
						return nil
					}),
				),
			},
		},
	})
}

// Import by host (the documented order) and by host plus an explicit list.
func TestAccFlowActivation_import(t *testing.T) {
	emu := prepare(t)
	bindAll(t, emu)
	uniques := []string{seededFlow(dvemu.FlowWebhookRegistration).UniqueName, seededFlow(dvemu.FlowD365LeadsToPC).UniqueName}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{Config: defaultConfig},
			{
				ResourceName:      resourceAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return s.RootModule().Resources[resourceAddr].Primary.ID, nil
				},
			},
			{Config: flowsConfig("", uniques...)},
			{
				ResourceName:      resourceAddr,
				ImportState:       true,
				ImportStateVerify: true,
				ImportStateId:     host(emu) + "/" + strings.Join(uniques, ";"),
			},
			{
				ResourceName:  resourceAddr,
				ImportState:   true,
				ImportStateId: "contoso.crm.dynamics.com",
				ExpectError:   errorLike("names the organisation contoso.crm.dynamics.com", "Use the import id "+host(emu)),
			},
		},
	})
}

// Unbound connection references: one error naming each flow and reference
// and showing the cosell_connection configuration; nothing switched on. A
// reference bound to a connection that no longer exists is caught too.
func TestAccFlowActivation_missingConnection(t *testing.T) {
	emu := prepare(t)
	w := newWriteCounter(emu)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: defaultConfig,
				ExpectError: errorLike("connection references have no connection",
					`"Partner Center Webhook Registration": connection reference msft_sharedpartnercenterevents_webhooks has no connection`,
					"Nothing was switched on", `resource "cosell_connection" "dataverse"`, "connection_reference_logical_names = [",
					`"msft_sharedcommondataserviceforapps_customize",`, `resource "cosell_connection" "partner_center_events"`,
					`"msft_sharedpartnercenterevents_webhooks",`, `resource "cosell_connection" "partner_center_referrals"`,
					`"msft_sharedpartnercenterref_cosellupdates",`, `"msft_sharedpartnercenterref_referrals",`,
					"depends_on = [cosell_connection.dataverse, cosell_connection.partner_center_events, cosell_connection.partner_center_referrals]"),
			},
			{
				PreConfig: func() {
					names := bindAll(t, emu)
					emu.PowerPlatform().DeleteConnection(emu.Endpoints().EnvironmentID, names[dvemu.APIEvents])
				},
				Config: defaultConfig,
				ExpectError: errorLike(`"Partner Center Webhook Registration": connection reference msft_sharedpartnercenterevents_webhooks is bound to connection "flowtestpartnercenterevents`,
					"which does not exist in environment "+emu.Endpoints().EnvironmentID),
			},
		},
	})
	w.noWrites(t)
	if err := checkOff(t, emu, dvemu.ConnectorFlows, false); err != nil {
		t.Error(err)
	}
}

// A list that puts a caller before its child flow (refused while planning,
// from the connector's known graph), or leaves an off child out, fails
// before any write with the order to use.
func TestAccFlowActivation_childFlowOrder(t *testing.T) {
	emu := prepare(t)
	bindAll(t, emu)
	w := newWriteCounter(emu)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: flowsConfig("", "Partner Center to Dynamics 365", "Partner Center to Dynamics 365 - Helper",
					"Partner Center Microsoft Co-sell Referral Updates to Dynamics 365"),
				ExpectError: errorLike("a child flow is listed after the flow that calls it",
					`"Partner Center to Dynamics 365" (flows[0]) calls the child flow "Partner Center to Dynamics 365 - Helper", which is listed after it (flows[1]): move "Partner Center to Dynamics 365 - Helper" before "Partner Center to Dynamics 365".`,
					"Nothing was switched on", "ChildFlowNeverPublished", "1. Partner Center Webhook Registration"),
			},
			{
				Config:      flowsConfig("", "Dynamics 365 to Partner Center"),
				ExpectError: errorLike(`"Dynamics 365 to Partner Center" (flows[0]) calls the child flow "Create Co-sell Referral – Dynamics 365 to Partner Center", which is off and not in flows: add "Create Co-sell Referral – Dynamics 365 to Partner Center" to flows before "Dynamics 365 to Partner Center".`),
			},
		},
	})
	w.noWrites(t)
}

// An unknown name fails before any write, listing the flows that exist.
func TestAccFlowActivation_unknownFlow(t *testing.T) {
	emu := prepare(t)
	bindAll(t, emu)
	w := newWriteCounter(emu)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: flowsConfig("", "Partner Center Webhook Registration", "Partner Center Webhook Registrations"),
			ExpectError: errorLike("Cloud flows not found", `No cloud flow has these names or unique names: - "Partner Center Webhook Registrations"`,
				"Nothing was switched on or off", `"Dynamics 365 Leads to Partner Center" (unique name msft_Dynamics365LeadsToPartnerCenter, off)`),
		}},
	})
	w.noWrites(t)
	if err := checkOff(t, emu, dvemu.ConnectorFlows, false); err != nil {
		t.Error(err)
	}
}

func badInput(t *testing.T, config string, want *regexp.Regexp) {
	t.Helper()
	emu := prepare(t)
	w := newWriteCounter(emu)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    []resource.TestStep{{Config: config, PlanOnly: true, ExpectError: want}},
	})
	w.noWrites(t)
}

func TestAccFlowActivation_badInput_duplicateNames(t *testing.T) {
	badInput(t, flowsConfig("", "Partner Center to Dynamics 365", "Dynamics 365 to Partner Center",
		"partner center to dynamics 365 (Insider Preview)"),
		errorLike("Invalid flows", `flows lists a cloud flow more than once: flows[2] "partner center to dynamics 365 (Insider Preview)" names the same flow as flows[0] "Partner Center to Dynamics 365".`, "List each flow once"))
}

func TestAccFlowActivation_badInput_emptyName(t *testing.T) {
	badInput(t, flowsConfig("", "Partner Center Webhook Registration", "  "),
		errorLike("Invalid flows", "flows[1] is empty. Give a cloud flow's display name"))
}

func TestAccFlowActivation_badInput_emptyList(t *testing.T) {
	badInput(t, flowsConfig(""),
		errorLike("Invalid flows", "flows is empty. List at least one cloud flow to switch on, or omit flows to switch on the documented turn-on order:", "1. Partner Center Webhook Registration"))
}

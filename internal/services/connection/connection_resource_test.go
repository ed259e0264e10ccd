package connection_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	emupp "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// A Dataverse connection signed in by a service principal is Connected at
// once; a Partner Center Referrals one is in Error until someone consents in
// the portal, and the next apply refreshes its status.
func TestAccConnection_basic(t *testing.T) {
	emu := acctest.Emulator(t)
	env := emu.Endpoints().EnvironmentID
	pcName := "pcref" + suffix()
	config := fmt.Sprintf(`
resource "cosell_connection" "dataverse" {
  connector    = "dataverse"
  display_name = "Dataverse (co-sell sync)"%s
}

resource "cosell_connection" "referrals" {
  connector    = "partner_center_referrals"
  name         = %q
  display_name = "Partner Center Referrals (co-sell)"
}
`, spBlock, pcName)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, "cosell_connection.dataverse", "cosell_connection.referrals"),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.dataverse", "environment_id", env),
					resource.TestMatchResourceAttr("cosell_connection.dataverse", "name", regexp.MustCompile(`^[0-9a-f]{32}$`)),
					resource.TestMatchResourceAttr("cosell_connection.dataverse", "id",
						regexp.MustCompile(`^`+env+`/shared_commondataserviceforapps/[0-9a-f]{32}$`)),
					resource.TestCheckResourceAttr("cosell_connection.dataverse", "status", "Connected"),
					resource.TestCheckNoResourceAttr("cosell_connection.dataverse", "status_message"),
					resource.TestCheckResourceAttr("cosell_connection.dataverse", "service_principal.client_id", entra.DefaultClientID),
					emulatorConnection(emu, "cosell_connection.dataverse", func(c *emupp.Connection) error {
						if c.API != emupp.APIDataverse || c.DisplayName != "Dataverse (co-sell sync)" || c.ParameterSet == nil ||
							c.ParameterSet.Name != "oauthSP" || c.ParameterSet.Values["token:clientSecret"] != entra.DefaultClientSecret ||
							c.ParameterSet.Values["token:TenantId"] != entra.DefaultTenantID || c.Status != emupp.StatusConnected {
							return fmt.Errorf("emulator connection %+v", c)
						}
						return nil
					}),
					resource.TestCheckResourceAttr("cosell_connection.referrals", "id", env+"/shared_partnercenterref/"+pcName),
					resource.TestCheckResourceAttr("cosell_connection.referrals", "status", "Error"),
					resource.TestMatchResourceAttr("cosell_connection.referrals", "status_message", regexp.MustCompile(`^Unauthenticated: `)),
					emulatorConnection(emu, "cosell_connection.referrals", func(c *emupp.Connection) error {
						if c.API != emupp.APIPartnerCenterRef || c.DisplayName != "Partner Center Referrals (co-sell)" || c.ParameterSet != nil {
							return fmt.Errorf("emulator connection %+v", c)
						}
						return nil
					}),
				),
			},
			{
				// Someone signs in from the portal; the next apply only refreshes.
				PreConfig: func() {
					if !emu.PowerPlatform().Consent(pcName) {
						t.Fatalf("no connection %s to consent to", pcName)
					}
				},
				Config: config,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.referrals", plancheck.ResourceActionNoop),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.referrals", "status", "Connected"),
					resource.TestCheckNoResourceAttr("cosell_connection.referrals", "status_message"),
				),
			},
		},
	})
}

// display_name and the service principal change in place (same name, no
// replacement); a refused secret turns the status to Error.
func TestAccConnection_update(t *testing.T) {
	emu := acctest.Emulator(t)
	name := "upd" + suffix()
	cfg := func(display, secret string) string {
		return fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector    = "dataverse"
  name         = %q
  display_name = %q
  service_principal = {
    tenant_id     = %q
    client_id     = %q
    client_secret = %q
  }
}
`, name, display, entra.DefaultTenantID, entra.DefaultClientID, secret)
	}
	var created string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, "cosell_connection.test"),
		Steps: []resource.TestStep{
			{
				Config: cfg("Dataverse before", entra.DefaultClientSecret),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "display_name", "Dataverse before"),
					emulatorConnection(emu, "cosell_connection.test", func(c *emupp.Connection) error {
						created = c.CreatedTime.String()
						return nil
					}),
				),
			},
			{
				Config: cfg("Dataverse after", entra.DefaultClientSecret),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "display_name", "Dataverse after"),
					resource.TestCheckResourceAttr("cosell_connection.test", "status", "Connected"),
					emulatorConnection(emu, "cosell_connection.test", func(c *emupp.Connection) error {
						if c.DisplayName != "Dataverse after" || c.CreatedTime.String() != created || c.Status != emupp.StatusConnected {
							return fmt.Errorf("not updated in place: %+v (created %s)", c, created)
						}
						return nil
					}),
				),
			},
			{
				Config: cfg("Dataverse after", "not-the-secret"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "status", "Error"),
					resource.TestMatchResourceAttr("cosell_connection.test", "status_message", regexp.MustCompile(`^Unauthorized: `)),
					emulatorConnection(emu, "cosell_connection.test", func(c *emupp.Connection) error {
						if c.ParameterSet.Values["token:clientSecret"] != "not-the-secret" || c.CreatedTime.String() != created {
							return fmt.Errorf("secret not updated in place: %+v", c)
						}
						return nil
					}),
				),
			},
		},
	})
}

// Import by <environment_id>/<api name>/<name>. Only the secret is ignored:
// the API never returns it, so an imported state cannot hold it.
func TestAccConnection_import(t *testing.T) {
	emu := acctest.Emulator(t)
	env := emu.Endpoints().EnvironmentID
	name := "imp" + suffix()
	ref, _ := newReference(t, emupp.APIDataverse, "import")
	config := fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector                          = "dataverse"
  name                               = %q
  display_name                       = "Dataverse (import)"
  connection_reference_logical_names = [%q]%s
}
`, name, ref, spBlock)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, "cosell_connection.test"),
		Steps: []resource.TestStep{
			{Config: config},
			{
				ResourceName:            "cosell_connection.test",
				ImportState:             true,
				ImportStateId:           env + "/shared_commondataserviceforapps/" + name,
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"service_principal.client_secret"},
			},
			{
				ResourceName: "cosell_connection.test",
				ImportState:  true,
				ImportStateIdFunc: func(s *terraform.State) (string, error) {
					return attr(s, "cosell_connection.test", "id")
				},
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: []string{"service_principal.client_secret"},
			},
			{
				ResourceName:  "cosell_connection.test",
				ImportState:   true,
				ImportStateId: env + "/shared_office365/" + name,
				ExpectError:   inOrder("shared_office365", "must be one of shared_partnercenterref, shared_partnercenterevents, shared_commondataserviceforapps"),
			},
			{
				ResourceName:  "cosell_connection.test",
				ImportState:   true,
				ImportStateId: env + "/shared_commondataserviceforapps/doesnotexist" + suffix(),
				ExpectError:   inOrder("ConnectionNotFound", "check the import id"),
			},
		},
	})
}

// Drift: a display name changed in the portal, a reference unbound in the
// portal and a reference re-bound to another connection each plan an update
// that puts things back. Destroy leaves a reference bound elsewhere alone.
func TestAccConnection_drift(t *testing.T) {
	emu := acctest.Emulator(t)
	env := emu.Endpoints().EnvironmentID
	name := "drift" + suffix()
	refA, idA := newReference(t, emupp.APIPartnerCenterEvents, "drifta")
	refB, idB := newReference(t, emupp.APIPartnerCenterEvents, "driftb")
	config := fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector                          = "partner_center_events"
  name                               = %q
  display_name                       = "Partner Center Events (co-sell)"
  connection_reference_logical_names = [%q, %q]
}
`, name, refA, refB)
	update := resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
		plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionUpdate),
	}}
	bothBound := func(*terraform.State) error {
		if a, b := boundConnection(t, idA), boundConnection(t, idB); a != name || b != name {
			return fmt.Errorf("references bound to %q and %q, want %q", a, b, name)
		}
		return nil
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			connectionsGone(emu, "cosell_connection.test"),
			func(*terraform.State) error {
				if a, b := boundConnection(t, idA), boundConnection(t, idB); a != "" || b != "elsewhere" {
					return fmt.Errorf("after destroy: %s bound to %q (want unbound), %s bound to %q (want elsewhere)", refA, a, refB, b)
				}
				return nil
			}),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: resource.ComposeAggregateTestCheckFunc(bothBound,
					resource.TestCheckResourceAttr("cosell_connection.test", "connection_reference_logical_names.#", "2")),
			},
			{
				// Renamed in the portal.
				PreConfig: func() {
					c, _ := emu.PowerPlatform().Connection(env, name)
					c.DisplayName = "Renamed in the portal"
					if err := emu.PowerPlatform().PutConnection(c); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: update,
				Check: emulatorConnection(emu, "cosell_connection.test", func(c *emupp.Connection) error {
					if c.DisplayName != "Partner Center Events (co-sell)" {
						return fmt.Errorf("display name not restored: %q", c.DisplayName)
					}
					return nil
				}),
			},
			{
				// Unbound in the portal.
				PreConfig: func() {
					if err := emu.Dataverse().PatchRecord("connectionreferences", idA, map[string]any{"connectionid": nil}); err != nil {
						t.Fatal(err)
					}
				},
				Config:           config,
				ConfigPlanChecks: update,
				Check:            bothBound,
			},
			{
				// Re-bound to another connection.
				PreConfig: func() {
					if err := emu.Dataverse().PatchRecord("connectionreferences", idB, map[string]any{"connectionid": "someoneelse"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config:           config,
				ConfigPlanChecks: update,
				Check:            bothBound,
			},
			{
				// Leave B bound elsewhere for the destroy check.
				PreConfig: func() {
					if err := emu.Dataverse().PatchRecord("connectionreferences", idB, map[string]any{"connectionid": "elsewhere"}); err != nil {
						t.Fatal(err)
					}
				},
				Config:             config,
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
		},
	})
}

// A connection deleted in the portal is re-created by the next apply, under
// the same name (derived from the configuration), and its references are
// bound to it again.
func TestAccConnection_disappears(t *testing.T) {
	emu := acctest.Emulator(t)
	env := emu.Endpoints().EnvironmentID
	ref, refID := newReference(t, emupp.APIDataverse, "gone")
	config := fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector                          = "dataverse"
  display_name                       = "Dataverse (disappears)"
  connection_reference_logical_names = [%q]%s
}
`, ref, spBlock)
	var first string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, "cosell_connection.test"),
		Steps: []resource.TestStep{
			{
				Config: config,
				Check: func(s *terraform.State) error {
					var err error
					if first, err = attr(s, "cosell_connection.test", "name"); err != nil {
						return err
					}
					if !emu.PowerPlatform().DeleteConnection(env, first) {
						return fmt.Errorf("connection %s was not in the emulator", first)
					}
					return nil
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config,
				Check: func(s *terraform.State) error {
					name, err := attr(s, "cosell_connection.test", "name")
					if err != nil {
						return err
					}
					if name != first {
						return fmt.Errorf("re-created as %s, want the derived name %s again", name, first)
					}
					if _, ok := emu.PowerPlatform().Connection(env, name); !ok {
						return fmt.Errorf("connection %s not re-created", name)
					}
					if got := boundConnection(t, refID); got != name {
						return fmt.Errorf("reference bound to %q, want the re-created connection %q", got, name)
					}
					return nil
				},
			},
		},
	})
}

// The documented example (examples/resources/cosell_connection/resource.tf):
// the three connections the connector needs, bound to every connection
// reference of the solution in the emulator's default scenario. The
// expectations come from the emulator's data, not from the example.
func TestAccConnection_connectorReferences(t *testing.T) {
	emu := acctest.Emulator(t)
	addrOf := map[string]string{
		powerplatform.APIPartnerCenterReferrals: "cosell_connection.referrals",
		powerplatform.APIPartnerCenterEvents:    "cosell_connection.events",
		powerplatform.APIDataverse:              "cosell_connection.dataverse",
	}
	want := map[string]string{} // reference logical name -> resource address
	for _, r := range emu.Dataverse().Records("connectionreferences") {
		logical, _ := r["connectionreferencelogicalname"].(string)
		connector, _ := r["connectorid"].(string)
		for api, addr := range addrOf {
			if connector == powerplatform.ConnectorID(api) && strings.HasPrefix(logical, "msft_") {
				want[logical] = addr
			}
		}
	}
	if len(want) != 7 {
		t.Fatalf("the default scenario should have the solution's 7 connection references, found %v", want)
	}
	// Read as text so the harness adds the provider requirements, as it does
	// for every inline configuration.
	raw, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "cosell_connection", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	example := string(raw)
	bindings := func() map[string]string { // logical name -> connectionid
		out := map[string]string{}
		for _, r := range emu.Dataverse().Records("connectionreferences") {
			n, _ := r["connectionreferencelogicalname"].(string)
			c, _ := r["connectionid"].(string)
			out[n] = c
		}
		return out
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy: resource.ComposeAggregateTestCheckFunc(
			connectionsGone(emu, "cosell_connection.referrals", "cosell_connection.events", "cosell_connection.dataverse"),
			func(*terraform.State) error {
				bound := bindings()
				for n := range want {
					if bound[n] != "" {
						return fmt.Errorf("%s still bound to %s after destroy", n, bound[n])
					}
				}
				return nil
			}),
		Steps: []resource.TestStep{{
			Config:          example,
			ConfigVariables: config.Variables{"dataverse_client_secret": config.StringVariable(clientSecret)},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("cosell_connection.dataverse", "status", "Connected"),
				resource.TestCheckResourceAttr("cosell_connection.referrals", "status", "Error"),
				resource.TestCheckResourceAttr("cosell_connection.events", "status", "Error"),
				func(s *terraform.State) error {
					bound := bindings()
					for n, addr := range want {
						name, err := attr(s, addr, "name")
						if err != nil {
							return err
						}
						if bound[n] != name {
							return fmt.Errorf("%s bound to %q, want %s (%s)", n, bound[n], addr, name)
						}
					}
					return nil
				},
			),
		}},
	})
}

// An environment the connectivity service does not know is retried until
// the create timeout, then reported with what to check.
func TestAccConnection_unknownEnvironmentTimeout(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "cosell_connection" "test" {
  connector      = "partner_center_events"
  environment_id = "00000000-0000-0000-0000-0000000000ff"
  display_name   = "Nowhere"
  timeouts = { create = "1s" }
}
`,
			ExpectError: inOrder("Error creating connection shared_partnercenterevents/", "ServiceToServiceEnvironmentNotFound",
				"does not know environment 00000000-0000-0000-0000-0000000000ff", "check environment_id"),
		}},
	})
}

// environment_id defaults to the provider's; setting it to another
// environment replaces the connection (it cannot move), and the old one is
// deleted.
func TestAccConnection_environmentChangeReplaces(t *testing.T) {
	emu := acctest.Emulator(t)
	home := emu.Endpoints().EnvironmentID
	const other = "00000000-0000-0000-0000-00000000e002"
	emu.PowerPlatform().AddEnvironment(emupp.Environment{ID: other, DisplayName: "Contoso production (emulator)"})
	name := "env" + suffix()
	cfg := func(envLine string) string {
		return fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector    = "partner_center_events"
  name         = %q
  display_name = "Partner Center Events"
  %s
}
`, name, envLine)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, "cosell_connection.test"),
		Steps: []resource.TestStep{
			{
				Config: cfg(""),
				Check:  resource.TestCheckResourceAttr("cosell_connection.test", "environment_id", home),
			},
			{
				// The same environment spelled out: nothing to do.
				Config: cfg(fmt.Sprintf("environment_id = %q", home)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionNoop),
				}},
			},
			{
				Config: cfg(fmt.Sprintf("environment_id = %q", other)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionReplace),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "id", other+"/shared_partnercenterevents/"+name),
					func(*terraform.State) error {
						if _, ok := emu.PowerPlatform().Connection(home, name); ok {
							return fmt.Errorf("the connection in %s was not deleted", home)
						}
						if _, ok := emu.PowerPlatform().Connection(other, name); !ok {
							return fmt.Errorf("no connection in %s", other)
						}
						return nil
					}),
			},
		},
	})
}

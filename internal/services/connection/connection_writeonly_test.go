package connection_test

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/google/uuid"
	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	emupp "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

// client_secret_wo reaches Power Platform but never the plan or the state;
// changing only the secret plans nothing, and changing
// client_secret_wo_version sends the new one in place (the app registration
// accepts both, so Connected proves the emulator checked the one sent).
func TestAccConnection_writeOnlySecret(t *testing.T) {
	emu := acctest.Emulator(t)
	first, second := acctest.RandomSecret(t, "wo1-"), acctest.RandomSecret(t, "wo2-")
	app := entra.App{ClientID: uuid.NewString(), DisplayName: "write-only test", ClientSecrets: []string{first, second}}
	if err := emu.Entra().PutApp(app); err != nil {
		t.Fatal(err)
	}
	name := "wo" + suffix()
	cfg := func(secret string, version int) string {
		return fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector    = "dataverse"
  name         = %q
  display_name = "Dataverse (write-only secret)"
  service_principal = {
    tenant_id                = %q
    client_id                = %q
    client_secret_wo         = %q
    client_secret_wo_version = %d
  }
}
`, name, entra.DefaultTenantID, app.ClientID, secret, version)
	}
	sent := func(want string, created *string) func(c *emupp.Connection) error {
		return func(c *emupp.Connection) error {
			if c.ParameterSet == nil || c.ParameterSet.Values["token:clientSecret"] != want || c.Status != emupp.StatusConnected {
				return fmt.Errorf("the emulator's connection does not hold the write-only secret sent, or is not Connected: %+v", c.Status)
			}
			if *created == "" {
				*created = c.CreatedTime.String()
			} else if c.CreatedTime.String() != *created {
				return fmt.Errorf("the connection was re-created (%s, first %s), not updated in place", c.CreatedTime, *created)
			}
			return nil
		}
	}
	var created string
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, "cosell_connection.test"),
		Steps: []resource.TestStep{
			{
				Config: cfg(first, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionCreate),
					acctest.PlanLacks(first, second),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(first, second)},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "status", "Connected"),
					resource.TestCheckResourceAttr("cosell_connection.test", "service_principal.client_secret_wo_version", "1"),
					resource.TestCheckNoResourceAttr("cosell_connection.test", "service_principal.client_secret"),
					resource.TestCheckNoResourceAttr("cosell_connection.test", "service_principal.client_secret_wo"),
					emulatorConnection(emu, "cosell_connection.test", sent(first, &created)),
				),
			},
			{
				// Only the write-only value changed: Terraform cannot see it.
				Config:   cfg(second, 1),
				PlanOnly: true,
			},
			{
				Config: cfg(second, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionUpdate),
					acctest.PlanLacks(first, second),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(first, second)},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "status", "Connected"),
					resource.TestCheckResourceAttr("cosell_connection.test", "service_principal.client_secret_wo_version", "2"),
					emulatorConnection(emu, "cosell_connection.test", sent(second, &created)),
				),
			},
			{
				// A refused secret: the emulator's Entra checks what was sent.
				Config: cfg("not-the-secret", 3),
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "status", "Error"),
					resource.TestMatchResourceAttr("cosell_connection.test", "status_message", regexp.MustCompile(`^Unauthorized: `)),
				),
			},
		},
	})
}

// connection_parameters_wo is sent beside connection_parameters; its keys
// stay out of state even when the API echoes them (username here), so the
// plan after apply is empty; the version bump sends new values.
func TestAccConnection_writeOnlyParameters(t *testing.T) {
	emu := acctest.Emulator(t)
	pw1, pw2 := acctest.RandomSecret(t, "pw1-"), acctest.RandomSecret(t, "pw2-")
	name := "wop" + suffix()
	cfg := func(password string, version int) string {
		return fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector    = "partner_center_events"
  name         = %q
  display_name = "Partner Center Events (write-only parameters)"
  connection_parameters = {
    region = "emea"
  }
  connection_parameters_wo = {
    username = "events-admin"
    password = %q
  }
  connection_parameters_wo_version = %d
}
`, name, password, version)
	}
	params := func(password string) func(c *emupp.Connection) error {
		return func(c *emupp.Connection) error {
			p := c.ConnectionParameters
			if p["region"] != "emea" || p["username"] != "events-admin" || p["password"] != password {
				return fmt.Errorf("the emulator's connection has parameters region=%v username=%v and not the password sent", p["region"], p["username"])
			}
			return nil
		}
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, "cosell_connection.test"),
		Steps: []resource.TestStep{
			{
				Config: cfg(pw1, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					acctest.PlanLacks(pw1, "events-admin"),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(pw1, "events-admin")},
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("cosell_connection.test", "connection_parameters.%", "1"),
					resource.TestCheckResourceAttr("cosell_connection.test", "connection_parameters.region", "emea"),
					resource.TestCheckNoResourceAttr("cosell_connection.test", "connection_parameters_wo"),
					emulatorConnection(emu, "cosell_connection.test", params(pw1)),
				),
			},
			{
				Config: cfg(pw2, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction("cosell_connection.test", plancheck.ResourceActionUpdate),
					acctest.PlanLacks(pw1, pw2),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(pw1, pw2, "events-admin")},
				Check:             emulatorConnection(emu, "cosell_connection.test", params(pw2)),
			},
		},
	})
}

// Both variants of one secret, a version without its value, and the other
// mistakes are refused at plan time, naming the attributes, before any write.
func TestAccConnection_writeOnlyConflicts(t *testing.T) {
	expectNoWrites(t)
	sp := func(secretLines string) string {
		return fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector    = "dataverse"
  display_name = "Dataverse"
  service_principal = {
    tenant_id = %q
    client_id = %q
%s
  }
}
`, entra.DefaultTenantID, entra.DefaultClientID, secretLines)
	}
	params := func(lines string) string {
		return `
resource "cosell_connection" "test" {
  connector    = "partner_center_events"
  display_name = "Events"
` + lines + `
}
`
	}
	steps := []struct {
		config string
		want   string
	}{
		{sp(`    client_secret    = "a"
    client_secret_wo = "b"`), `(?s)Conflicting client secrets.*service_principal sets both client_secret and\s+client_secret_wo`},
		{sp(``), `(?s)Missing client secret.*set\s+client_secret_wo`},
		{sp(`    client_secret            = "a"
    client_secret_wo_version = 1`), `(?s)client_secret_wo_version without client_secret_wo`},
		{params(`  connection_parameters    = { password = "a" }
  connection_parameters_wo = { password = "b" }`), `(?s)Connection parameter set twice.*"password" is in both\s+connection_parameters\s+and\s+connection_parameters_wo`},
		{params(`  connection_parameters_wo_version = 1`), `connection_parameters_wo_version without\s+connection_parameters_wo`},
		{params(`  connection_parameters_wo = {}`), `Empty connection_parameters_wo`},
		{sp(`    client_secret_wo = "b"`) + `
resource "cosell_connection" "other" {
  connector                = "dataverse"
  display_name             = "Other"
  connection_parameters_wo = { password = "b" }
  service_principal = {
    tenant_id     = "` + entra.DefaultTenantID + `"
    client_id     = "` + entra.DefaultClientID + `"
    client_secret = "a"
  }
}`, `(?s)Set either connection_parameters\s+or\s+service_principal,\s+not\s+both\s+\(connection_parameters_wo\s+counts`},
	}
	var ts []resource.TestStep
	for _, s := range steps {
		ts = append(ts, resource.TestStep{Config: s.config, PlanOnly: true, ExpectError: regexp.MustCompile(s.want)})
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps:                    ts,
	})
}

// A CLI without write-only support (Terraform 1.5) still loads the schema,
// which has write-only attributes (every other test of this package proves
// it), and a configuration that sets one is refused at validation with the
// framework's message, before any write.
func TestAccConnection_writeOnlyOnOlderCLI(t *testing.T) {
	expectNoWrites(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.NoWriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `
resource "cosell_connection" "test" {
  connector    = "dataverse"
  display_name = "Dataverse"
  service_principal = {
    tenant_id        = "` + entra.DefaultTenantID + `"
    client_id        = "` + entra.DefaultClientID + `"
    client_secret_wo = "b"
  }
}
`,
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)WriteOnly Attribute Not Allowed.*client_secret_wo.*only supported\s+in\s+Terraform\s+1\.11`),
		}},
	})
}

// The documented write-only example applies as written: its ephemeral
// variable reaches Power Platform and neither the plan nor the state.
func TestAccConnection_writeOnlyExample(t *testing.T) {
	emu := acctest.Emulator(t)
	secret := acctest.RandomSecret(t, "example-")
	app := emu.Scenario().Entra.Apps[0] // the example's client_id
	app.ClientSecrets = append(app.ClientSecrets, secret)
	if err := emu.Entra().PutApp(app); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "cosell_connection", "resource_write_only.tf"))
	if err != nil {
		t.Fatal(err)
	}
	const addr = "cosell_connection.dataverse_write_only"
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             connectionsGone(emu, addr),
		Steps: []resource.TestStep{{
			Config:            string(raw),
			ConfigVariables:   config.Variables{"dataverse_client_secret_wo": config.StringVariable(secret)},
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{acctest.PlanLacks(secret)}},
			ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(secret)},
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr(addr, "status", "Connected"),
				emulatorConnection(emu, addr, func(c *emupp.Connection) error {
					if c.ParameterSet == nil || c.ParameterSet.Values["token:clientSecret"] != secret {
						return fmt.Errorf("the example's secret did not reach the emulator")
					}
					return nil
				}),
			),
		}},
	})
}

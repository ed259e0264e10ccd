package converge_test

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	emupp "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// The two faults a write must survive: refused with 503 + Retry-After (not
// applied), and applied with its answer lost.
var (
	unavailable = core.Faults{ErrorRates: map[int]float64{503: 1}, RetryAfterSeconds: 1, Count: 1}
	lostAnswer  = core.Faults{DropAfterApplyRate: 1, Count: 1}
)

// fault is one fault on one write: the service, and the faults narrowed to
// the write's method and route.
type fault struct {
	service string
	f       core.Faults
}

func on(service string, f core.Faults, method, routePrefix string) fault {
	f.Methods, f.RoutePrefixes = []string{method}, []string{routePrefix}
	return fault{service, f}
}

// faulted is a step applying config with the fault armed: it converges in
// this one apply (no error), the fault did happen, and the check holds.
func faulted(t *testing.T, emu *emulator.Emulator, fl fault, config string, check resource.TestCheckFunc) resource.TestStep {
	return resource.TestStep{
		PreConfig: func() { emu.Faults().Set(fl.service, &fl.f) },
		Config:    config,
		Check: resource.ComposeAggregateTestCheckFunc(
			func(*terraform.State) error {
				n := emu.Faults().Injected(fl.service)
				emu.Faults().Set(fl.service, nil)
				if n == 0 {
					return fmt.Errorf("the fault on %s %v %v was never injected: the step proves nothing", fl.service, fl.f.Methods, fl.f.RoutePrefixes)
				}
				return nil
			},
			check,
		),
	}
}

// converged is a plan-only step: nothing left to do.
func converged(config string) resource.TestStep {
	return resource.TestStep{Config: config, PlanOnly: true}
}

func clearFaults(t *testing.T, emu *emulator.Emulator) {
	t.Cleanup(func() {
		for _, s := range emulator.ServiceNames {
			emu.Faults().Set(s, nil)
		}
	})
}

func suffix() string { return fmt.Sprintf("%06d", rand.IntN(1_000_000)) }

const dvAPI = "/api/data/v9.2/"

// ---- cosell_crm_field: metadata create (POST, no client key: lookup) and update (PUT) ----

func crmFieldConfig(schema, label string) string {
	return fmt.Sprintf(`
resource "cosell_crm_field" "test" {
  table        = "opportunity"
  schema_name  = %q
  display_name = %q
  type         = "string"
  max_length   = 100
}
`, schema, label)
}

func oneColumn(emu *emulator.Emulator, schema, label string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		a, ok := emu.Dataverse().Attribute("opportunity", strings.ToLower(schema))
		if !ok {
			return fmt.Errorf("column %s missing", schema)
		}
		if !strings.Contains(fmt.Sprint(a["DisplayName"]), label) {
			return fmt.Errorf("column %s has display name %v, want %q", schema, a["DisplayName"], label)
		}
		return nil
	}
}

func testCRMField(t *testing.T, create, update core.Faults) {
	emu := acctest.Emulator(t)
	clearFaults(t, emu)
	schema := "cvtest_Col" + suffix()
	v1, v2 := crmFieldConfig(schema, "First"), crmFieldConfig(schema, "Second")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			faulted(t, emu, on(emulator.ServiceDataverse, create, "POST", dvAPI+"EntityDefinitions(LogicalName='opportunity')/Attributes"), v1, oneColumn(emu, schema, "First")),
			converged(v1),
			faulted(t, emu, on(emulator.ServiceDataverse, update, "PUT", dvAPI+"EntityDefinitions(LogicalName='opportunity')/Attributes"), v2, oneColumn(emu, schema, "Second")),
			converged(v2),
		},
	})
}

func TestAccConverge_crmField503(t *testing.T)        { testCRMField(t, unavailable, unavailable) }
func TestAccConverge_crmFieldLostAnswer(t *testing.T) { testCRMField(t, lostAnswer, lostAnswer) }

// ---- cosell_environment_variable: record create (POST with a client key) and update (PATCH) ----

const envVarSchema = "msft_dealcurrencycodefield" // no value record in the default scenario

func envVarConfig(value string) string {
	return fmt.Sprintf(`
resource "cosell_environment_variable" "test" {
  schema_name = %q
  value       = %q
}
`, envVarSchema, value)
}

// oneValue: exactly one value record for the definition, holding want.
func oneValue(emu *emulator.Emulator, want string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		var values []string
		for _, r := range valueRecords(emu, envVarSchema) {
			values = append(values, fmt.Sprint(r["value"]))
		}
		if len(values) != 1 || values[0] != want {
			return fmt.Errorf("value records of %s: %v, want exactly one %q", envVarSchema, values, want)
		}
		return nil
	}
}

// valueRecords are the value records of an environment variable definition.
func valueRecords(emu *emulator.Emulator, schema string) []map[string]any {
	var defID string
	for _, d := range emu.Dataverse().Records("environmentvariabledefinitions") {
		if d["schemaname"] == schema {
			defID, _ = d["environmentvariabledefinitionid"].(string)
		}
	}
	var out []map[string]any
	for _, r := range emu.Dataverse().Records("environmentvariablevalues") {
		for k, v := range r {
			if strings.Contains(strings.ToLower(k), "environmentvariabledefinitionid") && strings.EqualFold(fmt.Sprint(v), defID) {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func testEnvVar(t *testing.T, create, update core.Faults) {
	emu := acctest.Emulator(t)
	clearFaults(t, emu)
	v1, v2 := envVarConfig("currencycode1"), envVarConfig("currencycode2")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			faulted(t, emu, on(emulator.ServiceDataverse, create, "POST", dvAPI+"environmentvariablevalues"), v1, oneValue(emu, "currencycode1")),
			converged(v1),
			faulted(t, emu, on(emulator.ServiceDataverse, update, "PATCH", dvAPI+"environmentvariablevalues"), v2, oneValue(emu, "currencycode2")),
			converged(v2),
		},
		CheckDestroy: func(*terraform.State) error {
			if n := len(valueRecords(emu, envVarSchema)); n != 0 {
				return fmt.Errorf("%d value records left after destroy", n)
			}
			return nil
		},
	})
}

func TestAccConverge_envVar503(t *testing.T)        { testEnvVar(t, unavailable, unavailable) }
func TestAccConverge_envVarLostAnswer(t *testing.T) { testEnvVar(t, lostAnswer, lostAnswer) }

// ---- cosell_connection: create and update (PUT), binding (PATCH, 412 race) ----

func connectionConfig(display, ref string) string {
	return fmt.Sprintf(`
resource "cosell_connection" "test" {
  connector                          = "dataverse"
  display_name                       = %q
  connection_reference_logical_names = [%q]
  service_principal = {
    tenant_id     = %q
    client_id     = %q
    client_secret = %q
  }
}
`, display, ref, entra.DefaultTenantID, entra.DefaultClientID, entra.DefaultClientSecret)
}

// oneConnection: exactly one connection of the test in the environment
// (whatever its display name now), bound to the reference.
func oneConnection(emu *emulator.Emulator, prefix, display, refID string) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		env := emu.Endpoints().EnvironmentID
		var names []string
		for _, c := range emu.PowerPlatform().Connections(env) {
			if strings.HasPrefix(c.DisplayName, prefix) {
				names = append(names, c.Name)
			}
		}
		if len(names) != 1 {
			return fmt.Errorf("%d connections named %s…: %v, want exactly one", len(names), prefix, names)
		}
		c, _ := emu.PowerPlatform().Connection(env, names[0])
		if c.DisplayName != display {
			return fmt.Errorf("display name %q, want %q", c.DisplayName, display)
		}
		rec, _ := emu.Dataverse().Record("connectionreferences", refID)
		if rec["connectionid"] != names[0] {
			return fmt.Errorf("reference bound to %v, want %s", rec["connectionid"], names[0])
		}
		return nil
	}
}

func newReference(t *testing.T, emu *emulator.Emulator) (string, string) {
	t.Helper()
	logical := "cvtest_ref_" + suffix()
	id, err := emu.Dataverse().CreateRecord("connectionreferences", map[string]any{
		"connectionreferencelogicalname": logical, "connectionreferencedisplayname": "Converge test",
		"connectorid": powerplatform.ConnectorID(emupp.APIDataverse),
	})
	if err != nil {
		t.Fatal(err)
	}
	return logical, id
}

const ppConnectors = "/connectivity/connectors/"

func testConnection(t *testing.T, create, update core.Faults) {
	emu := acctest.Emulator(t)
	clearFaults(t, emu)
	ref, refID := newReference(t, emu)
	prefix := "Converge " + suffix()
	v1, v2 := connectionConfig(prefix+" one", ref), connectionConfig(prefix+" two", ref)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			faulted(t, emu, on(emulator.ServicePowerPlatform, create, "PUT", ppConnectors), v1, oneConnection(emu, prefix, prefix+" one", refID)),
			converged(v1),
			faulted(t, emu, on(emulator.ServicePowerPlatform, update, "PUT", ppConnectors), v2, oneConnection(emu, prefix, prefix+" two", refID)),
			converged(v2),
		},
	})
}

func TestAccConverge_connection503(t *testing.T)        { testConnection(t, unavailable, unavailable) }
func TestAccConverge_connectionLostAnswer(t *testing.T) { testConnection(t, lostAnswer, lostAnswer) }

// A 412 on the connection-reference binding (another writer got there
// first, twice) is re-read and retried: the apply succeeds, the connection
// is not tainted (the next plan is empty, no replacement).
func TestAccConverge_connectionBinding412(t *testing.T) {
	emu := acctest.Emulator(t)
	clearFaults(t, emu)
	ref, refID := newReference(t, emu)
	prefix := "Converge 412 " + suffix()
	config := connectionConfig(prefix, ref)
	race := core.Faults{PreconditionRaceRate: 1, Count: 2}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			faulted(t, emu, on(emulator.ServiceDataverse, race, "PATCH", dvAPI+"connectionreferences"), config, oneConnection(emu, prefix, prefix, refID)),
			converged(config),
		},
	})
}

// A lost answer on the binding PATCH: re-sent (If-Match: *, fixed value).
func TestAccConverge_connectionBindingLostAnswer(t *testing.T) {
	emu := acctest.Emulator(t)
	clearFaults(t, emu)
	ref, refID := newReference(t, emu)
	prefix := "Converge bind " + suffix()
	config := connectionConfig(prefix, ref)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			faulted(t, emu, on(emulator.ServiceDataverse, lostAnswer, "PATCH", dvAPI+"connectionreferences"), config, oneConnection(emu, prefix, prefix, refID)),
			converged(config),
		},
	})
}

// ---- cosell_webhook_registration: create (POST with MS-RequestId) and update (PUT) ----

func webhookConfig(path string) string {
	return fmt.Sprintf(`
resource "cosell_webhook_registration" "test" {
  url    = "https://prod-00.westus.logic.azure.com/workflows/converge/%s"
  events = ["referral-created", "referral-updated"]
}
`, path)
}

func registeredAt(emu *emulator.Emulator, path string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		reg, ok := emu.PartnerCenter().Registration()
		if !ok || !strings.HasSuffix(reg.WebhookURL, "/"+path) {
			return fmt.Errorf("registration %+v, want the URL ending in /%s", reg, path)
		}
		return nil
	}
}

func testWebhook(t *testing.T, create, update core.Faults) {
	emu := acctest.Emulator(t)
	clearFaults(t, emu)
	emu.PartnerCenter().ClearRegistration()
	v1, v2 := webhookConfig("one"), webhookConfig("two")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			faulted(t, emu, on(emulator.ServiceWebhooks, create, "POST", "/webhooks/v1/registration"), v1, registeredAt(emu, "one")),
			converged(v1),
			faulted(t, emu, on(emulator.ServiceWebhooks, update, "PUT", "/webhooks/v1/registration"), v2, registeredAt(emu, "two")),
			converged(v2),
		},
	})
}

func TestAccConverge_webhook503(t *testing.T)        { testWebhook(t, unavailable, unavailable) }
func TestAccConverge_webhookLostAnswer(t *testing.T) { testWebhook(t, lostAnswer, lostAnswer) }

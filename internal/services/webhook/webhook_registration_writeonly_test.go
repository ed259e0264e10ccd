package webhook_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	tfconfig "github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// configWO renders the resource with url_wo, url_wo_version and extra lines.
func configWO(url string, version int, extra ...string) string {
	return fmt.Sprintf("resource \"cosell_webhook_registration\" \"test\" {\n  url_wo         = %q\n  url_wo_version = %d\n  %s\n}\n",
		url, version, strings.Join(extra, "\n  "))
}

// sigOf is the sig secret of a trigger URL.
func sigOf(url string) string {
	_, sig, _ := strings.Cut(url, "sig=")
	return sig
}

// A registration moves from url to url_wo (the URL leaves state), the new
// URL is sent only when url_wo_version changes, and another tool taking the
// registration is still detected: the plan updates, the apply refuses
// without overwrite and takes it back with it.
func TestAccWebhookRegistration_writeOnlyURL(t *testing.T) {
	url1, url2 := flowURL(), flowURL()
	other := "https://other-tool.example.net/api/partner-events?code=" + strings.Repeat("k", 20) + "&sig=OtherToolSecret"
	secrets := []string{url1, url2, sigOf(url1), sigOf(url2)}
	emu := acctest.Emulator(t)
	var before int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url2, true),
		Steps: []resource.TestStep{
			{
				Config: config(url1),
				Check:  resource.TestCheckResourceAttr(addr, "url", url1),
			},
			{
				// Moving to url_wo: an in-place update that removes the URL from state.
				Config: configWO(url1, 1),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(secrets...)},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRemote(t, url1, referralEvents, true),
					resource.TestCheckNoResourceAttr(addr, "url"),
					resource.TestCheckNoResourceAttr(addr, "url_wo"),
					resource.TestCheckResourceAttr(addr, "url_wo_version", "1"),
				),
			},
			{
				// Only the write-only value changed: Terraform cannot see it.
				Config:   configWO(url2, 1),
				PlanOnly: true,
			},
			{
				Config: configWO(url2, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					acctest.PlanLacks(secrets...),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(secrets...)},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRemote(t, url2, referralEvents, true),
					resource.TestCheckResourceAttr(addr, "url_wo_version", "2"),
				),
			},
			{
				PreConfig: func() {
					setRemote(t, other, "referral-created", "referral-updated")
					before = writes(emu)
				},
				Config: configWO(url2, 2),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
					plancheck.ExpectUnknownValue(addr, tfjsonpath.New("subscriber_id")),
					acctest.PlanLacks(append(secrets, "OtherToolSecret")...),
				}},
				ExpectError: errRE("Error updating webhook registration of tenant", "now points at another URL, on host other-tool.example.net:",
					"Nothing was changed.", "Set overwrite = true to take it back"),
			},
			{
				PreConfig: func() {
					if n := writes(emu) - before; n != 0 {
						t.Errorf("the refused update wrote %d request(s)", n)
					}
				},
				Config:            configWO(url2, 2, "overwrite = true"),
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(append(secrets, "OtherToolSecret")...)},
				Check:             checkRemote(t, url2, referralEvents, true),
			},
		},
	})
}

// url and url_wo together, neither, and a version without url_wo are
// refused at plan time, naming the attributes, before any write.
func TestAccWebhookRegistration_writeOnlyConflicts(t *testing.T) {
	url := flowURL()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t); t.Cleanup(noWritesDuring(t)) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config:      config(url, fmt.Sprintf("url_wo = %q", url)),
				PlanOnly:    true,
				ExpectError: errRE("Conflicting webhook URLs", "Both url and url_wo are set; set only one."),
			},
			{
				Config:      "resource \"cosell_webhook_registration\" \"test\" {\n}\n",
				PlanOnly:    true,
				ExpectError: errRE("Missing webhook URL", "Set url_wo (OpenTofu 1.11+ or Terraform 1.11+; kept out of state and plan) or url"),
			},
			{
				Config:      config(url, "url_wo_version = 1"),
				PlanOnly:    true,
				ExpectError: errRE("url_wo_version without url_wo", "Set url_wo with it, or remove url_wo_version"),
			},
		},
	})
}

// Terraform 1.5 loads the schema with its write-only attributes (every
// other test of this package runs on it) and refuses a configuration that
// sets one, before any write.
func TestAccWebhookRegistration_writeOnlyOnOlderCLI(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t); t.Cleanup(noWritesDuring(t)) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.NoWriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      configWO(flowURL(), 1),
			PlanOnly:    true,
			ExpectError: errRE("WriteOnly Attribute Not Allowed", "url_wo.", "only supported in Terraform 1.11"),
		}},
	})
}

// The documented write-only example applies as written: the trigger URL
// from its ephemeral variable is registered and is in neither plan nor state.
func TestAccWebhookRegistration_writeOnlyExample(t *testing.T) {
	url := flowURL()
	raw, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "cosell_webhook_registration", "resource_write_only.tf"))
	if err != nil {
		t.Fatal(err)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{{
			Config:            string(raw),
			ConfigVariables:   tfconfig.Variables{"partner_center_flow_trigger_url_wo": tfconfig.StringVariable(url)},
			ConfigPlanChecks:  resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{acctest.PlanLacks(url, sigOf(url))}},
			ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(url, sigOf(url))},
			Check:             checkRemote(t, url, referralEvents, true),
		}},
	})
}

// Importing a registration into a configuration with url_wo: import reads
// the URL into url (the configuration is unknown to the read), and the first
// apply sends url_wo and removes the URL from state.
func TestAccWebhookRegistration_writeOnlyImport(t *testing.T) {
	url := flowURL()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t); setRemote(t, url, referralEvents...) },
		TerraformVersionChecks:   []tfversion.TerraformVersionCheck{acctest.WriteOnlyCLIs},
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{
			{Config: withRequiredProviders(`data "cosell_webhook_events" "init" {}`)},
			{
				Config:             withRequiredProviders(configWO(url, 1)),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      tenantID(t),
				ImportStatePersist: true,
			},
			{
				Config: withRequiredProviders(configWO(url, 1)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ConfigStateChecks: []statecheck.StateCheck{acctest.StateLacks(url, sigOf(url))},
				Check:             checkRemote(t, url, referralEvents, true),
			},
		},
	})
}

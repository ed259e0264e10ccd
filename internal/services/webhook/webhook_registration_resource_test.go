package webhook_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

func TestAccWebhookRegistration_basic(t *testing.T) {
	url := flowURL()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{{
			Config: config(url, `timeouts = { create = "5m", read = "1m", delete = "2m" }`),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkRemote(t, url, referralEvents, true),
				resource.TestCheckResourceAttr(addr, "timeouts.create", "5m"),
				resource.TestCheckResourceAttr(addr, "id", tenantID(t)),
				resource.TestCheckResourceAttr(addr, "url", url),
				resource.TestCheckResourceAttr(addr, "events.#", "4"),
				resource.TestCheckTypeSetElemAttr(addr, "events.*", "referral-created"),
				resource.TestCheckTypeSetElemAttr(addr, "events.*", "referral-updated"),
				resource.TestCheckTypeSetElemAttr(addr, "events.*", "related-referral-created"),
				resource.TestCheckTypeSetElemAttr(addr, "events.*", "related-referral-updated"),
				resource.TestCheckResourceAttr(addr, "signature_in_ms_signature_header", "true"),
				resource.TestCheckResourceAttr(addr, "overwrite", "false"),
				resource.TestCheckResourceAttr(addr, "validate", "false"),
				// The emulator answers SubscriberId = the partner tenant.
				resource.TestCheckResourceAttr(addr, "subscriber_id", tenantID(t)),
				resource.TestCheckResourceAttr(addr, "validation_status", "not requested"),
				resource.TestCheckResourceAttr(addr, "validation_result", "validate = false: no test event was sent"),
			),
		}},
	})
}

// A registration that already points at our URL is adopted with a PUT.
func TestAccWebhookRegistration_adopt(t *testing.T) {
	url := flowURL()
	emu := acctest.Emulator(t)
	var posts, puts int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{{
			PreConfig: func() {
				setRemote(t, url, "referral-created") // e.g. registered earlier by the connector's flow
				posts, puts = calls(emu, "POST", routeRegistration), calls(emu, "PUT", routeRegistration)
			},
			Config: config(url),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkRemote(t, url, referralEvents, true),
				func(*terraform.State) error {
					if p, u := calls(emu, "POST", routeRegistration)-posts, calls(emu, "PUT", routeRegistration)-puts; p != 0 || u != 1 {
						return fmt.Errorf("adopting made %d POST and %d PUT, want 0 and 1", p, u)
					}
					return nil
				},
			),
		}},
	})
}

func TestAccWebhookRegistration_update(t *testing.T) {
	url1, url2 := flowURL(), flowURL()
	events := []string{"referral-created", "referral-updated", "test-created"}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url2, false),
		Steps: []resource.TestStep{
			{
				Config: config(url1),
				Check:  checkRemote(t, url1, referralEvents, true),
			},
			{
				// A new trigger URL of our own is not a conflict, even with overwrite = false.
				Config: config(url2, "events = "+hclList(events...), "signature_in_ms_signature_header = false"),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRemote(t, url2, events, false),
					resource.TestCheckResourceAttr(addr, "url", url2),
					resource.TestCheckResourceAttr(addr, "events.#", "3"),
					resource.TestCheckTypeSetElemAttr(addr, "events.*", "test-created"),
					resource.TestCheckResourceAttr(addr, "signature_in_ms_signature_header", "false"),
					resource.TestCheckResourceAttr(addr, "subscriber_id", tenantID(t)),
				),
			},
			{
				Config: config(url2, "events = "+hclList(events...), "signature_in_ms_signature_header = true"),
				Check:  checkRemote(t, url2, events, true),
			},
			{
				Config: config(url2, "events = "+hclList(events...), "signature_in_ms_signature_header = false"),
				Check:  checkRemote(t, url2, events, false),
			},
		},
	})
}

// Import id = the tenant id. Ignored on verify, because GET /registration
// does not return them (partner-center-api.md §3.2): subscriber_id
// (SubscriberId comes only from POST/PUT) and signature_in_ms_signature_header
// (SignatureTokenToMsSignatureHeader is never echoed). overwrite and validate
// need no ignore: import sets their defaults.
func TestAccWebhookRegistration_import(t *testing.T) {
	url := flowURL()
	ignore := []string{"subscriber_id", "signature_in_ms_signature_header"}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{
			{Config: config(url, `events = ["referral-created", "test-created"]`)},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           tenantID(t),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: ignore,
			},
			{
				ResourceName:            addr,
				ImportState:             true,
				ImportStateId:           strings.ToUpper(tenantID(t)),
				ImportStateVerify:       true,
				ImportStateVerifyIgnore: ignore,
			},
			{
				ResourceName:  addr,
				ImportState:   true,
				ImportStateId: "99999999-0000-4000-8000-000000000000",
				ExpectError:   errRE("Invalid import id for cosell_webhook_registration", "import id must be the partner tenant id", tenantID(t)),
			},
		},
	})
}

// Importing a registration made by the connector's flow: the next apply
// re-sends it once (the signature header flag cannot be read back), then
// the plan is empty.
func TestAccWebhookRegistration_importExisting(t *testing.T) {
	url := flowURL()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t); setRemote(t, url, referralEvents...) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{
			// The import step needs an initialised working directory.
			{Config: withRequiredProviders(`data "cosell_webhook_events" "init" {}`)},
			{
				Config:             withRequiredProviders(config(url)),
				ResourceName:       addr,
				ImportState:        true,
				ImportStateId:      tenantID(t),
				ImportStatePersist: true,
				ImportStateCheck: func(s []*terraform.InstanceState) error {
					if len(s) != 1 || s[0].Attributes["url"] != url || s[0].Attributes["events.#"] != "4" || s[0].ID != tenantID(t) {
						return fmt.Errorf("imported state = %v", s)
					}
					return nil
				},
			},
			{
				Config: withRequiredProviders(config(url)),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRemote(t, url, referralEvents, true),
					resource.TestCheckResourceAttr(addr, "signature_in_ms_signature_header", "true"),
					resource.TestCheckResourceAttr(addr, "subscriber_id", tenantID(t)),
				),
			},
		},
	})
}

// Drift: another tool changes the events (same URL) → update restores them.
// Another tool takes the registration (other URL) → the plan shows an update
// and warns; with overwrite = false the apply fails naming only the other
// host, and writes nothing; with overwrite = true it takes it back.
func TestAccWebhookRegistration_drift(t *testing.T) {
	url := flowURL()
	other := "https://other-tool.example.net/api/partner-events?code=" + strings.Repeat("k", 20) + "&sig=OtherToolSecret"
	emu := acctest.Emulator(t)
	var before int
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{
			{Config: config(url)},
			{
				PreConfig:          func() { setRemote(t, url, "referral-created") },
				Config:             config(url),
				PlanOnly:           true,
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config(url),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				Check: checkRemote(t, url, referralEvents, true),
			},
			{
				PreConfig: func() {
					setRemote(t, other, "referral-created", "referral-updated")
					before = writes(emu)
				},
				Config: config(url),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionUpdate),
				}},
				ExpectError: errRE("Error updating webhook registration of tenant", "now points at another URL, on host other-tool.example.net:",
					"Nothing was changed.", "Set overwrite = true to take it back"),
			},
			{
				PreConfig: func() {
					if n := writes(emu) - before; n != 0 {
						t.Errorf("the refused update wrote %d request(s)", n)
					}
					if err := checkRemote(t, other, []string{"referral-created", "referral-updated"}, false)(nil); err != nil {
						t.Errorf("the other tool's registration was changed: %v", err)
					}
				},
				Config: config(url, "overwrite = true"),
				Check:  checkRemote(t, url, referralEvents, true),
			},
		},
	})
}

// The registration vanishes (e.g. removed by Microsoft support): the plan
// re-creates it and the next apply POSTs it again without error.
func TestAccWebhookRegistration_disappears(t *testing.T) {
	url := flowURL()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{
			{
				Config: config(url),
				Check: func(*terraform.State) error {
					acctest.Emulator(t).PartnerCenter().ClearRegistration()
					return nil
				},
				ExpectNonEmptyPlan: true,
			},
			{
				Config: config(url),
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionCreate),
				}},
				Check: checkRemote(t, url, referralEvents, true),
			},
		},
	})
}

// Another URL is registered and overwrite = false: the plan fails naming the
// current host only, and nothing is written; overwrite = true replaces it.
func TestAccWebhookRegistration_overwriteConflict(t *testing.T) {
	url := flowURL()
	other := "https://prod-42.northeurope.logic.azure.com/workflows/other/triggers/manual/paths/invoke?sig=SomeoneElsesSig"
	emu := acctest.Emulator(t)
	var done func()
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t); setRemote(t, other, "referral-created"); done = noWritesDuring(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{
			{
				Config:      config(url),
				PlanOnly:    true,
				ExpectError: errRE("is held by another URL", "on host prod-42.northeurope.logic.azure.com.", "Set overwrite = true", "terraform import"),
			},
			{
				Config:      config(url),
				ExpectError: errRE("is held by another URL", "on host prod-42.northeurope.logic.azure.com."),
			},
			{
				PreConfig: func() {
					done()
					if reg, _ := emu.PartnerCenter().Registration(); reg.WebhookURL != other {
						t.Error("the other registration was replaced without overwrite")
					}
				},
				Config: config(url, "overwrite = true"),
				Check:  checkRemote(t, url, referralEvents, true),
			},
		},
	})
}

// Destroy after another tool took the registration leaves it alone.
func TestAccWebhookRegistration_destroyLeavesOtherToolsRegistration(t *testing.T) {
	url := flowURL()
	other := "https://cipp.example.org/API/PublicWebhooks?CIPPID=" + strings.Repeat("9", 8)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkRemote(t, other, []string{"referral-updated"}, false),
		Steps: []resource.TestStep{{
			Config: config(url),
			Check: func(*terraform.State) error {
				setRemote(t, other, "referral-updated")
				return nil
			},
			ExpectNonEmptyPlan: true,
		}},
	})
}

// validate = true: the emulator delivers a signed test-created event to a
// receiver that verifies it; the resource reports the receiver's answer.
func TestAccWebhookRegistration_validate(t *testing.T) {
	rc := startReceiver(t, http.StatusOK, "accepted")
	url := rc.url()
	events := append([]string{"test-created"}, referralEvents...)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{{
			Config: config(url, "events = "+hclList(events...), "validate = true"),
			Check: resource.ComposeAggregateTestCheckFunc(
				checkRemote(t, url, events, true),
				resource.TestCheckResourceAttr(addr, "validation_status", "completed"),
				resource.TestCheckResourceAttr(addr, "validation_result", "OK: accepted"),
				func(*terraform.State) error {
					got := rc.deliveries()
					if len(got) != 1 {
						return fmt.Errorf("the receiver got %d deliveries, want 1", len(got))
					}
					d := got[0]
					switch {
					case d.event != "test-created":
						return fmt.Errorf("event %q, want test-created", d.event)
					case d.verifyErr != nil:
						return fmt.Errorf("signature: %v", d.verifyErr)
					case !d.inMSSignature || d.inAuthz:
						return fmt.Errorf("signature in x-ms-signature=%v, Authorization used=%v; want x-ms-signature only", d.inMSSignature, d.inAuthz)
					}
					return nil
				},
			),
		}},
	})
}

// A receiver that refuses the test event: the apply fails saying what the
// receiver answered and what the next apply does; once the receiver is
// fixed, the next apply replaces the tainted registration (as the error
// said) and validates again, waiting out the 2-per-minute
// limit if this package already sent two test events within the minute.
func TestAccWebhookRegistration_validateFailure(t *testing.T) {
	rc := startReceiver(t, http.StatusServiceUnavailable, "The flow is turned off")
	url := rc.url()
	emu := acctest.Emulator(t)
	events := []string{"referral-created", "test-created"}
	cfg := config(url, "events = "+hclList(events...), "validate = true")
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { freshTenant(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDisarmed(t, url, true),
		Steps: []resource.TestStep{
			{
				Config: cfg,
				ExpectError: errRE("Webhook validation failed", "gave up delivering it to host 127.0.0.1:", "after 10 attempt(s)",
					`the last answer was "ServiceUnavailable: The flow is turned off"`, "saved in state but tainted",
					"the next apply replaces it, which disarms the registration", "registers it again and validates again"),
			},
			{
				PreConfig: func() { rc.setAnswer(http.StatusAccepted, "") },
				Config:    cfg,
				ConfigPlanChecks: resource.ConfigPlanChecks{PreApply: []plancheck.PlanCheck{
					plancheck.ExpectResourceAction(addr, plancheck.ResourceActionDestroyBeforeCreate),
				}},
				Check: resource.ComposeAggregateTestCheckFunc(
					checkRemote(t, url, events, true),
					resource.TestCheckResourceAttr(addr, "validation_status", "completed"),
					resource.TestCheckResourceAttr(addr, "validation_result", "Accepted"),
					func(*terraform.State) error {
						t.Logf("validation events throttled (429) so far: %d", countStatus(emu, "POST", routeValidationEvents, http.StatusTooManyRequests))
						return nil
					},
				),
			},
		},
	})
}

package referral_test

import (
	"fmt"
	"regexp"
	"strconv"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

// A referral seeded by the emulator's default scenario (the first referral
// of ../shared/reference/samples/referrals-list-page.json).
const sampleReferralID = "7d0f5b8e-1a2b-4c3d-9e8f-112233445566"

func TestAccReferralDataSource_basic(t *testing.T) {
	emu := acctest.Emulator(t)
	want, ok := emu.PartnerCenter().Referral(sampleReferralID)
	if !ok {
		t.Fatalf("the default scenario has no referral %s", sampleReferralID)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: fmt.Sprintf(`data "cosell_referral" "test" { id = %q }`, sampleReferralID),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("data.cosell_referral.test", "name", want.Name()),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "status", want.Status()),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "substatus", want.Substatus()),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "customer_country", want.Country()),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "currency", want.Currency()),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "deal_value", "48000"),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "external_reference_id", want.ExternalReferenceID()),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "etag", want.ETag()),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "solutions.0.id", "SOL-22010-XYZ"),
				resource.TestCheckResourceAttr("data.cosell_referral.test", "visible_to_microsoft", "false"),
			),
		}},
	})
}

func TestAccReferralDataSource_notFound(t *testing.T) {
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      `data "cosell_referral" "test" { id = "00000000-0000-4000-8000-0000000000ff" }`,
			ExpectError: regexp.MustCompile(`(?s)Referral not found.*00000000-0000-4000-8000-0000000000ff`),
		}},
	})
}

func TestAccReferralsDataSource_filters(t *testing.T) {
	emu := acctest.Emulator(t)
	all := emu.PartnerCenter().Referrals()
	var newIncoming []partnercenter.Referral
	for _, r := range all {
		if r.Status() == "New" && r.Direction() == "Incoming" {
			newIncoming = append(newIncoming, r)
		}
	}
	if len(newIncoming) == 0 || len(newIncoming) == len(all) {
		t.Fatalf("the default scenario should hold some but not all New/Incoming referrals (%d of %d)", len(newIncoming), len(all))
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{
			{
				Config: `data "cosell_referrals" "all" {}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.cosell_referrals.all", "referrals.#", strconv.Itoa(len(all))),
					resource.TestCheckResourceAttr("data.cosell_referrals.all", "ids.#", strconv.Itoa(len(all))),
				),
			},
			{
				Config: `data "cosell_referrals" "open" {
  status    = "New"
  direction = "Incoming"
}`,
				Check: resource.ComposeAggregateTestCheckFunc(
					resource.TestCheckResourceAttr("data.cosell_referrals.open", "referrals.#", strconv.Itoa(len(newIncoming))),
					resource.TestCheckResourceAttr("data.cosell_referrals.open", "referrals.0.status", "New"),
					resource.TestCheckResourceAttr("data.cosell_referrals.open", "referrals.0.direction", "Incoming"),
				),
			},
			{
				Config: `data "cosell_referrals" "two" { max_results = 2 }`,
				Check:  resource.TestCheckResourceAttr("data.cosell_referrals.two", "referrals.#", "2"),
			},
			{
				Config: `data "cosell_referrals" "future" { updated_since = "2100-01-01T00:00:00Z" }`,
				Check:  resource.TestCheckResourceAttr("data.cosell_referrals.future", "referrals.#", "0"),
			},
		},
	})
}

// Paging: with more referrals than one page, every referral still arrives once.
func TestAccReferralsDataSource_paging(t *testing.T) {
	emu := acctest.Emulator(t)
	for i := 0; i < 120; i++ {
		r := partnercenter.MustParseReferral(fmt.Sprintf(`{"name":"Paging test %d","status":"New","substatus":"Pending","type":"Independent",
"qualification":"SalesQualified","direction":"Outgoing","customerProfile":{"name":"Paging Co %d","address":{"country":"NL","postalCode":"1011"}},
"details":{"dealValue":1000,"currency":"EUR"}}`, i, i))
		if _, err := emu.PartnerCenter().PutReferral(r); err != nil {
			t.Fatal(err)
		}
	}
	total := len(emu.PartnerCenter().Referrals())
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: `data "cosell_referrals" "all" {}`,
			Check:  resource.TestCheckResourceAttr("data.cosell_referrals.all", "referrals.#", strconv.Itoa(total)),
		}},
	})
}

package adoption_test

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/config"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/knownvalue"
	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfjsonpath"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// imports are the import blocks of the adoption guide
// (templates/guides/adopting-a-manual-install.md.tmpl), for every resource
// of the cosell-connector-schema module, two environment variables, the
// flows and a catalogue row: resource address → import id. Ids are in
// lower case (logical names), as the guide documents them.
var imports = map[string]string{
	"module.schema.cosell_crm_field.referral_sync":            "opportunity/msft_microsoftpartnercenterreferralsync",
	"module.schema.cosell_crm_field.referral_visible":         "opportunity/msft_microsoftpartnercenterreferralvisible",
	"module.schema.cosell_crm_field.help":                     "opportunity/msft_microsoftpartnercenterhelp",
	"module.schema.cosell_crm_field.referral_identifier":      "opportunity/msft_microsoftpartnercenterreferralidentifier",
	"module.schema.cosell_crm_field.referral_link":            "opportunity/msft_microsoftpartnercenterreferrallink",
	"module.schema.cosell_crm_field.referral_program":         "opportunity/msft_microsoftpartnercenterreferralprogram",
	"module.schema.cosell_crm_field.referral_sync_audit":      "opportunity/msft_microsoftpartnercenterreferralsyncaudit",
	"module.schema.cosell_crm_field.microsoft_crm_identifier": "opportunity/msft_microsoftcrmidentifier",
	"module.schema.cosell_crm_field.obsolete_products[0]":     "opportunity/msft_microsoftpartnercentersolutions",
	"module.schema.cosell_crm_table.solution_details":         "msft_solutiondetail",
	"module.schema.cosell_crm_field.solution_identifier":      "msft_solutiondetail/msft_solutionidentifier",
	"module.schema.cosell_crm_field.solution_type":            "msft_solutiondetail/msft_solutiontype",
	"module.schema.cosell_crm_field.publisher_name":           "msft_solutiondetail/msft_publishername",
	"module.schema.cosell_crm_table.solutions":                "msft_partnercentersolution",
	"module.schema.cosell_crm_field.solution_opportunity":     "msft_partnercentersolution/msft_opportunityid",
	"module.schema.cosell_crm_field.solution_detail":          "msft_partnercentersolution/msft_solutiondetailid",
	"cosell_environment_variable.deal_value_field":            "msft_dealvaluefield",
	"cosell_environment_variable.cosell_only":                 "msft_synccosellopportunitiesonly",
	`cosell_solution_detail.catalogue["SOL-22010-XYZ"]`:       "msft_solutiondetail/SOL-22010-XYZ",
	// cosell_flow_activation.connector: the Dataverse host, added below.
}

// The configuration of the guide (templates/guides/adopting-a-manual-install.md.tmpl),
// with the variables' names in other letter cases than the
// organisation holds (the module writes msft_MicrosoftPartnerCenterHelp,
// the organisation has msft_microsoftpartnercenterhelp; the variables are
// written MSFT_…), with the solution the admin created the schema in
// (not read back by import).
const adoptionConfig = `
terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}

module "schema" {
  source               = %q
  solution_unique_name = "CosellConfiguration"
}

resource "cosell_environment_variable" "deal_value_field" {
  schema_name = "MSFT_DealValueField"
  value       = "estimatedvalue"
}

resource "cosell_environment_variable" "cosell_only" {
  schema_name = "msft_SyncCosellOpportunitiesOnly"
  value       = "yes"
}

resource "cosell_flow_activation" "connector" {} # the documented turn-on order

resource "cosell_solution_detail" "catalogue" {
  for_each       = { "SOL-22010-XYZ" = { name = "Northwind Sales Accelerator", publisher = "Northwind Consulting" } }
  table          = module.schema.solution_details_table
  solution_id    = each.key
  name           = each.value.name
  type           = "3P"
  publisher_name = each.value.publisher
}
`

// An installation set up by hand is adopted with import blocks and the
// documented configuration: the plan imports every object and replaces or
// destroys none, even where names differ in letter case and where import
// cannot read solution_unique_name back; the apply writes no schema, and the
// plan after it is empty. On OpenTofu and Terraform 1.5.
func TestAccAdoption_manualInstall(t *testing.T) {
	acctest.PreCheck(t)
	emu := acctest.Emulator(t)
	moduleDir, err := filepath.Abs(filepath.Join("..", "..", "..", "examples", "modules", "cosell-connector-schema"))
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(emu.Endpoints().DataverseURL)
	all := map[string]string{"cosell_flow_activation.connector": strings.ToLower(u.Host)}
	for to, id := range imports {
		all[to] = id
	}
	var b strings.Builder
	fmt.Fprintf(&b, adoptionConfig, moduleDir)
	for to, id := range all {
		fmt.Fprintf(&b, "\nimport {\n  to = %s\n  id = %q\n}\n", to, id)
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(emptyDir, "main.tf"), []byte("terraform {\n  required_providers {\n    cosell = { source = \"cosell-labs/cosell\" }\n  }\n}\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	dv := emu.Dataverse()
	ids := metadataIDs(t, dv)
	resource.Test(t, resource.TestCase{
		PreCheck: func() { acctest.PreCheck(t) },
		Steps: []resource.TestStep{
			{
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				ConfigDirectory:          config.StaticDirectory(dir),
				ConfigPlanChecks: resource.ConfigPlanChecks{
					PreApply:             []plancheck.PlanCheck{importsOnly{want: all}},
					PostApplyPostRefresh: []plancheck.PlanCheck{plancheck.ExpectEmptyPlan()},
				},
				ConfigStateChecks: []statecheck.StateCheck{
					// The configured spelling is kept (Dataverse: msft_dealvaluefield).
					statecheck.ExpectKnownValue("cosell_environment_variable.deal_value_field", tfjsonpath.New("schema_name"),
						knownvalue.StringExact("MSFT_DealValueField")),
					// The module's spelling is kept (the organisation has
					// msft_microsoftpartnercenterhelp), and the solution recorded.
					moduleValue{"module.schema.cosell_crm_field.help", "schema_name", "msft_MicrosoftPartnerCenterHelp"},
					moduleValue{"module.schema.cosell_crm_table.solutions", "schema_name", "msft_PartnerCenterSolution"},
					moduleValue{"module.schema.cosell_crm_table.solutions", "solution_unique_name", "CosellConfiguration"},
					moduleValue{"module.schema.cosell_crm_field.solution_opportunity", "solution_unique_name", "CosellConfiguration"},
					statecheck.ExpectKnownValue("cosell_flow_activation.connector", tfjsonpath.New("all_on"), knownvalue.Bool(true)),
					emulatorCheck(func() error { return sameSchema(dv, ids) }),
				},
			},
			{
				// Without the configuration everything is destroyed (the
				// harness cannot read module state after the test).
				ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
				ConfigDirectory:          config.StaticDirectory(emptyDir),
			},
		},
	})
}

// importsOnly checks the plan before apply: every wanted address is
// imported, and no resource is destroyed or replaced (updates in place are
// allowed: the first apply records the configured spelling and the
// solution).
type importsOnly struct{ want map[string]string }

func (c importsOnly) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	var problems []string
	imported := map[string]bool{}
	for _, rc := range req.Plan.ResourceChanges {
		if rc.Change == nil {
			continue
		}
		if rc.Change.Importing != nil {
			imported[rc.Address] = true
		}
		if rc.Change.Actions.Delete() || rc.Change.Actions.Replace() || rc.Change.Actions.DestroyBeforeCreate() ||
			rc.Change.Actions.CreateBeforeDestroy() || rc.Change.Actions.Create() {
			problems = append(problems, fmt.Sprintf("%s: %v", rc.Address, rc.Change.Actions))
		}
	}
	for addr := range c.want {
		if !imported[addr] {
			problems = append(problems, addr+": not imported")
		}
	}
	if len(problems) > 0 {
		resp.Error = fmt.Errorf("the adoption plan must import everything and destroy, replace or create nothing:\n  %s",
			strings.Join(problems, "\n  "))
	}
}

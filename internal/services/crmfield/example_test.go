package crmfield_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// The documented example passes plan-time validation (the msft_ columns
// already exist in the emulator's connector solution, so it is planned, not
// applied).
func TestAccCRMField_example(t *testing.T) {
	b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), "examples", "resources", "cosell_crm_field", "resource.tf"))
	if err != nil {
		t.Fatal(err)
	}
	noWrites(t, testCase(t, resource.TestStep{
		Config:             string(b),
		PlanOnly:           true,
		ExpectNonEmptyPlan: true,
	}))
}

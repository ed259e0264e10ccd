package solutiondetail_test

import (
	"regexp"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// A table without the catalogue's columns (here the Solutions table, which
// has msft_name but no msft_solutionidentifier): the error names columns,
// the missing column and the fix, not Dataverse's raw "Could not find a
// property named"; nothing is written.
func TestAccSolutionDetail_tableWithoutColumns(t *testing.T) {
	before := rowWrites(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: detailConfig("SOL-40404-COL", "No such columns", `table = "msft_partnercentersolution"`),
			ExpectError: regexp.MustCompile(`(?s)Error\s+checking\s+for\s+an\s+existing\s+solution\s+detail\s+msft_partnercentersolution/SOL-40404-COL` +
				`.*The\s+table\s+msft_partnercentersolution\s+has\s+no\s+column\s+"msft_solutionidentifier",\s+which\s+columns\s+names\s+\(columns.solution_id\)` +
				`.*Nothing\s+was\s+written.*Set\s+columns\s+to\s+the\s+table's\s+real\s+column\s+names.*solution_id\s+=\s+"msft_solutionidentifier"`),
		}},
	})
	if after := rowWrites(t); after != before {
		t.Fatalf("%d Dataverse writes; the row must not be written", after-before)
	}
}

// A timeout that is not positive is refused at plan time, naming it.
func TestAccSolutionDetail_badInput_negativeTimeout(t *testing.T) {
	before := rowWrites(t)
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config:      detailConfig("SOL-40404-TMO", "Timeout", `timeouts = { delete = "-1m" }`),
			PlanOnly:    true,
			ExpectError: regexp.MustCompile(`(?s)timeouts.delete.*"-1m"\s+is\s+not\s+a\s+usable\s+timeout`),
		}},
	})
	if after := rowWrites(t); after != before {
		t.Fatalf("%d Dataverse writes", after-before)
	}
}

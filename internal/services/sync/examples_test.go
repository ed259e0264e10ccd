package sync_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// The documentation examples apply as written against the default scenario.
func TestAccSync_examples(t *testing.T) {
	read := func(rel string) string {
		b, err := os.ReadFile(filepath.Join(acctest.RepoRoot(), rel))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	resource.Test(t, resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		Steps: []resource.TestStep{{
			Config: read("examples/data-sources/cosell_sync_preview/data-source.tf"),
			Check:  resource.TestCheckResourceAttrSet("data.cosell_sync_preview.next", "in_sync"),
		}, {
			Config: read("examples/resources/cosell_sync/resource.tf"),
			Check: resource.ComposeAggregateTestCheckFunc(
				resource.TestCheckResourceAttr("cosell_sync.this", "in_sync", "true"),
				resource.TestCheckResourceAttr("cosell_sync.this", "filters.statuses.#", "2"),
				resource.TestCheckResourceAttr("cosell_sync.this", "triggers.release", "2026-12"),
			),
		}, {
			Config:   read("examples/resources/cosell_sync/resource.tf"),
			PlanOnly: true,
		}},
	})
}

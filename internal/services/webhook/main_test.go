package webhook_test

import (
	"os"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// The registration is a per-tenant singleton and every test of this package
// shares one emulator, so the acceptance tests run one at a time
// (resource.Test, never ParallelTest) and each starts from a tenant with no
// registration (freshTenant).
func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }

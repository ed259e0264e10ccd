package adoption_test

import (
	"os"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// This package's emulator starts as an organisation where the co-sell
// connector was installed and configured by hand (manualInstall).
func TestMain(m *testing.M) {
	sc := manualInstall()
	acctest.Scenario = &sc
	os.Exit(acctest.Main(m))
}

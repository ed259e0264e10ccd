package catalogue_test

import (
	"os"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

func TestMain(m *testing.M) { os.Exit(acctest.Main(m)) }

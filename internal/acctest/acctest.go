// Package acctest is the acceptance-test harness: it starts the emulator once
// per test binary, points the provider at it through the environment, picks
// the CLI (OpenTofu from .tools/ by default, Terraform 1.5 with
// COSELL_ACC_CLI=terraform) and gives each run its own CLI config file.
package acctest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/provider"
)

// ProviderName is the local name the test configurations use.
const ProviderName = "cosell"

// ProtoV6ProviderFactories serve the real provider in-process; the CLI talks
// to it over the plugin protocol exactly as it would to a released binary.
var ProtoV6ProviderFactories = map[string]func() (tfprotov6.ProviderServer, error){
	ProviderName: providerserver.NewProtocol6WithError(provider.New("acctest")()),
}

var (
	emu     *emulator.Emulator
	workDir string
)

// Scenario, when a package's TestMain sets it before calling Main, seeds
// that package's emulator instead of the default scenario (e.g. a connector
// installed and configured by hand, for the adoption tests).
var Scenario *emulator.Scenario

// Main is the TestMain of every package with acceptance tests: it prepares
// the CLI and, when TF_ACC is set, the emulator, then runs the tests.
func Main(m *testing.M) int {
	if os.Getenv("TF_ACC") == "" {
		return m.Run()
	}
	var err error
	workDir, err = os.MkdirTemp("", "cosell-acctest-")
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	defer os.RemoveAll(workDir)
	if err := configureCLI(workDir); err != nil {
		fmt.Fprintln(os.Stderr, "acctest:", err)
		return 1
	}
	// Go reads SSL_CERT_FILE once, when TLS first needs the system roots;
	// the emulator writes its CA to this path before anything dials.
	os.Setenv("SSL_CERT_FILE", filepath.Join(workDir, emulator.CAFileName))
	emu, err = emulator.Start(emulator.Options{Dir: workDir, Scenario: Scenario})
	if err != nil {
		fmt.Fprintln(os.Stderr, "acctest: starting the emulator:", err)
		return 1
	}
	defer emu.Close()
	// The provider runs in this process and reads its settings (and
	// SSL_CERT_FILE, for the emulator's CA) from the environment.
	for _, kv := range emu.Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	return m.Run()
}

// Emulator returns the emulator the provider talks to, for tests that
// change data behind the provider's back (drift and disappears tests).
func Emulator(t testing.TB) *emulator.Emulator {
	t.Helper()
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance tests run only with TF_ACC=1 (make testacc)")
	}
	if emu == nil {
		t.Fatal("the emulator is not running: the package's TestMain must call acctest.Main and TF_ACC must be set")
	}
	return emu
}

// PreCheck fails fast when the harness was not set up.
func PreCheck(t *testing.T) {
	t.Helper()
	Emulator(t)
}

// CLI returns which CLI the run uses: "tofu" or "terraform".
func CLI() string {
	if c := os.Getenv("COSELL_ACC_CLI"); c != "" {
		return c
	}
	return "tofu"
}

var rootOnce sync.Once
var root string

// RepoRoot finds the module root (where .tools/ lives) from the test's directory.
func RepoRoot() string {
	rootOnce.Do(func() {
		dir, _ := os.Getwd()
		for d := dir; d != filepath.Dir(d); d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				root = d
				return
			}
		}
		root = dir
	})
	return root
}

// configureCLI sets the environment terraform-plugin-testing reads: the CLI
// binary, the provider address for OpenTofu, and a CLI config file of our own
// (the machine may point TF_CLI_CONFIG_FILE at a file that does not exist).
func configureCLI(dir string) error {
	cli := CLI()
	if os.Getenv("TF_ACC_TERRAFORM_PATH") == "" {
		bin := filepath.Join(RepoRoot(), ".tools", "bin", cli)
		if _, err := os.Stat(bin); err != nil {
			return fmt.Errorf("%s not found at %s: run `make tools` first", cli, bin)
		}
		os.Setenv("TF_ACC_TERRAFORM_PATH", bin)
	}
	os.Setenv("TF_ACC_PROVIDER_NAMESPACE", "cosell-labs")
	if cli == "tofu" {
		os.Setenv("TF_ACC_PROVIDER_HOST", "registry.opentofu.org")
	}
	cfg := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(cfg, []byte("# written by internal/acctest\n"), 0o600); err != nil {
		return err
	}
	os.Setenv("TF_CLI_CONFIG_FILE", cfg)
	os.Setenv("CHECKPOINT_DISABLE", "1")
	return nil
}

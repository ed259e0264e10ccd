// Package bench measures the provider the way users run it: the real provider
// binary, driven by the OpenTofu CLI, against the emulator. Each benchmark
// reports the API calls an operation makes (counted by the emulator), which
// is what throttling and the ~10-minute connector sync are made of; wall time
// is printed by `go test -bench` but never asserted.
package bench_test

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
)

var (
	emu     *emulator.Emulator
	workDir string
	tofu    string
)

func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.bench"); f == nil || f.Value.String() == "" {
		os.Exit(m.Run()) // no benchmark asked for: do not build or start anything
	}
	os.Exit(run(m))
}

func run(m *testing.M) int {
	var err error
	if workDir, err = os.MkdirTemp("", "cosell-bench-"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(workDir)
	root, _ := filepath.Abs("../..")
	tofu = filepath.Join(root, ".tools", "bin", "tofu")
	if _, err := os.Stat(tofu); err != nil {
		fmt.Fprintln(os.Stderr, "bench: OpenTofu not built: run `make tools`")
		return 1
	}
	plugins := filepath.Join(workDir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-cosell"), ".")
	build.Dir, build.Stdout, build.Stderr = root, os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench: building the provider:", err)
		return 1
	}
	os.Setenv("SSL_CERT_FILE", filepath.Join(workDir, emulator.CAFileName))
	if emu, err = emulator.Start(emulator.Options{Dir: workDir}); err != nil {
		fmt.Fprintln(os.Stderr, "bench: starting the emulator:", err)
		return 1
	}
	defer emu.Close()
	for _, kv := range emu.Env() {
		k, v, _ := strings.Cut(kv, "=")
		os.Setenv(k, v)
	}
	cfg := filepath.Join(workDir, "cli.tfrc")
	os.WriteFile(cfg, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/cosell-labs/cosell" = %[1]q
    "registry.opentofu.org/cosell-labs/cosell" = %[1]q
  }
  direct {}
}
`, plugins)), 0o600)
	os.Setenv("TF_CLI_CONFIG_FILE", cfg)
	os.Setenv("CHECKPOINT_DISABLE", "1")
	os.Setenv("TF_IN_AUTOMATION", "1")
	return m.Run()
}

// workspace writes a configuration into a fresh directory and returns it.
func workspace(b *testing.B, config string) string {
	b.Helper()
	dir := b.TempDir()
	body := `terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}
provider "cosell" {}
` + config
	if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(body), 0o600); err != nil {
		b.Fatal(err)
	}
	return dir
}

// tf runs the CLI in dir and fails the benchmark with its output on error.
func tf(b *testing.B, dir string, args ...string) string {
	b.Helper()
	cmd := exec.Command(tofu, append([]string{"-chdir=" + dir}, args...)...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		b.Fatalf("tofu %s: %v\n%s", strings.Join(args, " "), err, out.String())
	}
	return out.String()
}

// calls returns the requests the emulator counted for a service and method
// ("" = every service or method; token requests count under "entra").
func calls(service, method string) int { return emu.Metrics().Total(service, method) }

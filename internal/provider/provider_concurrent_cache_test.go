package provider_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

// Concurrent runs that share one token_cache_file, with single-use refresh
// token rotation (the strictest Entra behaviour): each run is a separate
// CLI process starting separate provider processes (the provider binary
// through dev_overrides, as internal/bench does), so only the cross-process
// lock on the cache file keeps two of them from redeeming the same token.
// All four succeed, the file stays 0600 and a fifth run still works.
func TestAccProvider_concurrentRunsShareTokenCache(t *testing.T) {
	emu := acctest.Emulator(t)
	cli := os.Getenv("TF_ACC_TERRAFORM_PATH")
	if cli == "" {
		t.Fatal("TF_ACC_TERRAFORM_PATH is not set (acctest.Main sets it)")
	}
	work := t.TempDir()
	plugins := filepath.Join(work, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-cosell"), ".")
	build.Dir = acctest.RepoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	cliConfig := filepath.Join(work, "cli.tfrc")
	if err := os.WriteFile(cliConfig, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/cosell-labs/cosell" = %[1]q
    "registry.opentofu.org/cosell-labs/cosell" = %[1]q
  }
  direct {}
}
`, plugins)), 0o600); err != nil {
		t.Fatal(err)
	}

	// A fresh consent, rotated single-use for this test only.
	refresh := "rt-concurrent-" + sdkacctest.RandString(10)
	emu.Entra().AddRefreshToken(refresh, entra.DefaultUsername, entra.DefaultClientID)
	emu.Entra().SetRotateRefreshTokens(true)
	t.Cleanup(func() { emu.Entra().SetRotateRefreshTokens(false) })
	cache := filepath.Join(work, "shared", "cosell-token-cache.json")
	env := append(os.Environ(),
		"TF_CLI_CONFIG_FILE="+cliConfig, "TF_IN_AUTOMATION=1", "CHECKPOINT_DISABLE=1",
		"COSELL_REFRESH_TOKEN="+refresh, "COSELL_TOKEN_CACHE_FILE="+cache)

	workspace := func(i int) string {
		dir := filepath.Join(work, fmt.Sprintf("ws%d", i))
		body := `terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}
data "cosell_referrals" "latest" {
  max_results = 1
}
output "referrals" {
  value = length(data.cosell_referrals.latest.referrals)
}
`
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return dir
	}
	apply := func(dir string) (string, error) {
		cmd := exec.Command(cli, "-chdir="+dir, "apply", "-auto-approve", "-input=false", "-no-color")
		cmd.Env = env
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		return out.String(), err
	}

	grantsBefore := emu.Entra().Issued(entra.GrantRefreshToken)
	rejectedBefore := emu.Entra().Rejected(entra.GrantRefreshToken)
	const runs = 4
	var wg sync.WaitGroup
	outs, errs := make([]string, runs), make([]error, runs)
	start := time.Now()
	for i := range runs {
		dir := workspace(i)
		wg.Add(1)
		go func() {
			defer wg.Done()
			outs[i], errs[i] = apply(dir)
		}()
	}
	wg.Wait()
	t.Logf("%d concurrent applies took %s", runs, time.Since(start).Round(time.Millisecond))
	for i := range runs {
		if errs[i] != nil {
			t.Errorf("run %d failed: %v\n%s", i, errs[i], outs[i])
		}
	}
	if r := emu.Entra().Rejected(entra.GrantRefreshToken) - rejectedBefore; r != 0 {
		t.Errorf("%d refresh grants were refused: two processes redeemed the same token", r)
	}
	grants := emu.Entra().Issued(entra.GrantRefreshToken) - grantsBefore
	if grants < runs {
		t.Errorf("%d refresh grants for %d runs: the runs did not each redeem a token", grants, runs)
	}
	st, err := os.Stat(cache)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("token cache file mode %v, want 0600", st.Mode().Perm())
	}
	raw, _ := os.ReadFile(cache)
	if strings.Contains(string(raw), refresh) {
		t.Error("the cache file still holds the configured token: the chain was not saved")
	}

	// The chain still works for a fifth run.
	if out, err := apply(workspace(runs)); err != nil {
		t.Fatalf("fifth run: %v\n%s", err, out)
	}
	if r := emu.Entra().Rejected(entra.GrantRefreshToken) - rejectedBefore; r != 0 {
		t.Errorf("fifth run: %d refresh grants refused", r)
	}
	t.Logf("refresh grants: %d for %d runs, 0 refused", emu.Entra().Issued(entra.GrantRefreshToken)-grantsBefore, runs+1)
}

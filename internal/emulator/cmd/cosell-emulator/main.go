// Command cosell-emulator runs the emulated Microsoft cloud (Entra ID,
// Partner Center, Dataverse, Power Platform) on loopback until interrupted,
// and prints the environment that points the provider at it.
//
//	cosell-emulator [-scenario file.json] [-dir DIR] [-seed N] [-port-base N] [-v]
//	. DIR/env.sh    # in another shell: COSELL_* variables and SSL_CERT_FILE
package main

import (
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
)

func main() {
	if err := run(os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "cosell-emulator:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("cosell-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	scenario := fs.String("scenario", "", "scenario JSON file (default: the built-in scenario)")
	dir := fs.String("dir", ".cosell-emulator", "directory for emulator-ca.pem and env.sh")
	seed := fs.Uint64("seed", 0, "fault-injection seed (0: the scenario's)")
	verbose := fs.Bool("v", false, "log token grants and TLS errors to stderr")
	portBase := fs.Int("port-base", 0, "listen on fixed ports port-base … port-base+4 (entra, referrals, webhooks, dataverse, power platform); 0: free ports")
	if err := fs.Parse(args); err != nil {
		return err
	}
	absDir, err := filepath.Abs(*dir)
	if err != nil {
		return err
	}
	opts := emulator.Options{ScenarioFile: *scenario, Dir: absDir, Seed: *seed, PortBase: *portBase}
	if *verbose {
		logger := log.New(stderr, "", log.LstdFlags)
		opts.Logf = logger.Printf
	}
	emu, err := emulator.Start(opts)
	if err != nil {
		return err
	}
	defer emu.Close()

	var env strings.Builder
	for _, kv := range emu.Env() {
		k, v, _ := strings.Cut(kv, "=")
		fmt.Fprintf(&env, "export %s=%s\n", k, shellQuote(v))
	}
	envFile := filepath.Join(absDir, "env.sh")
	if err := os.WriteFile(envFile, []byte(env.String()), 0o600); err != nil {
		return err
	}

	ep := emu.Endpoints()
	fmt.Fprintf(stdout, "cosell-emulator running (Ctrl-C to stop)\n")
	fmt.Fprintf(stdout, "  authority      %s/%s\n", ep.AuthorityHost, ep.TenantID)
	fmt.Fprintf(stdout, "  referrals      %s/v1.0/engagements/referrals\n", ep.ReferralsURL)
	fmt.Fprintf(stdout, "  webhooks       %s/webhooks/v1/registration\n", ep.WebhooksURL)
	fmt.Fprintf(stdout, "  dataverse      %s/api/data/v9.2/\n", ep.DataverseURL)
	fmt.Fprintf(stdout, "  power platform %s/connectivity/connections?api-version=1\n", ep.PowerPlatformURL)
	fmt.Fprintf(stdout, "  admin          <any of the above>/_emulator/metrics, /_emulator/faults/{service}\n")
	fmt.Fprintf(stdout, "  CA certificate %s\n\n", ep.CAFile)
	fmt.Fprintf(stdout, "# environment (also in %s)\n%s", envFile, env.String())

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	<-sig
	fmt.Fprintln(stdout, "cosell-emulator: stopping")
	return emu.Close()
}

// shellQuote quotes a value for POSIX sh when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.IndexFunc(s, func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./:@%+=,", r))
	}) < 0 {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'"'"'`) + "'"
}

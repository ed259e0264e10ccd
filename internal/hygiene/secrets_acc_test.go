package hygiene_test

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

// jwtRE matches a JSON Web Token (every bearer token the emulator's Entra
// issues is one, as Entra's are).
var jwtRE = regexp.MustCompile(`eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`)

// TestAccSecretHygiene runs what a user runs — the released-style provider
// binary started by the CLI, plan -out / apply / re-plan / show / destroy at
// TF_LOG=trace with TF_LOG_PATH — over resources that reach all four APIs
// with every kind of credential (app secret, user refresh token, a
// service-principal secret in a resource, a webhook URL carrying a sig), and
// scans what is left behind:
//   - logs and CLI output: no client secret, refresh token, bearer token or
//     sig value, anywhere;
//   - state (terraform.tfstate, its backup, the saved plan as JSON): no
//     provider credential and no bearer token; a secret a resource is given
//     appears only under its own Sensitive attribute (the stored variants
//     url and client_secret; TestAccSecretHygiene_writeOnly proves the
//     write-only ones keep them out altogether).
func TestAccSecretHygiene(t *testing.T) {
	runHygiene(t, false)
}

// TestAccSecretHygiene_writeOnly is the same run with the write-only
// variants (url_wo, client_secret_wo) fed from ephemeral variables, on the
// CLIs that have both (OpenTofu 1.11+): then no secret may appear anywhere
// in state, its backup or the saved plan either, Sensitive or not.
func TestAccSecretHygiene_writeOnly(t *testing.T) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	if v := cliVersion(t); !atLeast(v, 1, 11) {
		t.Skipf("%s %s has no write-only attributes (1.11+)", acctest.CLI(), v)
	}
	runHygiene(t, true)
}

// runHygiene applies hygieneConfig(writeOnly) with fresh secrets at
// TF_LOG=trace and scans what is left behind; writeOnly gives the
// resources' secrets only to write-only attributes.
func runHygiene(t *testing.T, writeOnly bool) {
	if os.Getenv("TF_ACC") == "" {
		t.Skip("acceptance test: set TF_ACC=1")
	}
	cli := acctest.CLI()
	bin := cliBinary(t)
	dir := t.TempDir()
	plugins := filepath.Join(dir, "plugins")
	build := exec.Command("go", "build", "-o", filepath.Join(plugins, "terraform-provider-cosell"), ".")
	build.Dir = acctest.RepoRoot()
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the provider: %v\n%s", err, out)
	}
	emu, err := emulator.Start(emulator.Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { emu.Close() })

	// Fresh, unguessable credentials: a match can only be a leak.
	secret := map[string]string{
		"provider client secret":   "prov-" + random(t),
		"connection client secret": "conn-" + random(t),
		"refresh token":            "rt-" + random(t),
		"webhook sig":              random(t),
	}
	app := emu.Scenario().Entra.Apps[0]
	app.ClientSecrets = append(app.ClientSecrets, app.ClientSecret, secret["provider client secret"], secret["connection client secret"])
	app.ClientSecret = ""
	if err := emu.Entra().PutApp(app); err != nil {
		t.Fatal(err)
	}
	emu.Entra().AddRefreshToken(secret["refresh token"], entra.DefaultUsername, app.ClientID)

	env := append(os.Environ(), emu.Env()...)
	env = append(env,
		"COSELL_CLIENT_SECRET="+secret["provider client secret"],
		"COSELL_REFRESH_TOKEN="+secret["refresh token"],
		"TF_VAR_trigger_url=https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig="+secret["webhook sig"],
		"TF_VAR_dataverse_client_secret="+secret["connection client secret"],
		"TF_CLI_CONFIG_FILE="+cliConfig(t, dir, plugins),
		"TF_LOG=trace", "CHECKPOINT_DISABLE=1", "TF_IN_AUTOMATION=1",
	)
	work := filepath.Join(dir, "work")
	if err := os.MkdirAll(work, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(work, "main.tf"), []byte(hygieneConfig(writeOnly)), 0o600); err != nil {
		t.Fatal(err)
	}

	var outputs []string // everything printed, by step
	run := func(step string, args ...string) string {
		t.Helper()
		cmd := exec.Command(bin, append([]string{"-chdir=" + work}, args...)...)
		cmd.Env = append(env, "TF_LOG_PATH="+filepath.Join(dir, step+".log"))
		var out bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &out
		err := cmd.Run()
		outputs = append(outputs, step+":\n"+out.String())
		if err != nil && !(step == "replan" && cmd.ProcessState.ExitCode() == 2) {
			t.Fatalf("%s %s: %v\n%s", cli, strings.Join(args, " "), err, out.String())
		}
		return out.String()
	}
	run("plan", "plan", "-input=false", "-no-color", "-out=tfplan")
	planJSON := run("showplan", "show", "-json", "tfplan")
	run("show", "show", "-no-color", "tfplan")
	run("apply", "apply", "-input=false", "-no-color", "tfplan")
	run("replan", "plan", "-input=false", "-no-color", "-detailed-exitcode")
	state, err := os.ReadFile(filepath.Join(work, "terraform.tfstate"))
	if err != nil {
		t.Fatal(err)
	}
	run("destroy", "destroy", "-input=false", "-no-color", "-auto-approve")

	// The run must have exercised what it checks.
	// (The provider redeems the refresh token as a confidential client,
	// with the provider client secret; the connection is Connected only if
	// Power Platform accepted the connection's secret.)
	if emu.Entra().Issued("refresh_token") == 0 {
		t.Fatal("no refresh token was redeemed: the test proves nothing")
	}
	if !strings.Contains(string(state), `"cosell_webhook_registration"`) || !strings.Contains(string(state), `"status": "Connected"`) {
		t.Fatalf("state lacks the webhook registration or a Connected connection:\n%s", state)
	}
	if reg, ok := emu.PartnerCenter().Registration(); !ok || !strings.HasSuffix(reg.WebhookURL, "&sig="+secret["webhook sig"]) {
		t.Fatal("Partner Center's registration does not hold the trigger URL given: the test proves nothing about it")
	}

	// Logs and printed output: nothing at all.
	logs, _ := filepath.Glob(filepath.Join(dir, "*.log"))
	var traceBytes int
	for _, l := range logs {
		b, err := os.ReadFile(l)
		if err != nil {
			t.Fatal(err)
		}
		traceBytes += len(b)
		scan(t, filepath.Base(l), string(b), secret)
	}
	if traceBytes < 100_000 {
		t.Fatalf("only %d bytes of trace logs: TF_LOG=trace did not take effect", traceBytes)
	}
	if !strings.Contains(readAll(t, logs), "terraform-provider-cosell") {
		t.Fatal("the logs hold no provider lines; the provider's own logging was not scanned")
	}
	for _, o := range outputs {
		name, body, _ := strings.Cut(o, ":\n")
		if name == "showplan" {
			continue // machine-readable plan: checked like state below
		}
		scan(t, "output of "+name, body, secret)
	}

	// State and the saved plan: provider credentials and tokens never; a
	// resource's own secrets only at their Sensitive attributes, or, given
	// write-only, nowhere.
	backup, _ := os.ReadFile(filepath.Join(work, "terraform.tfstate.backup"))
	if len(backup) < 100 {
		t.Fatalf("terraform.tfstate.backup is nearly empty (%d bytes): the destroy did not keep the applied state to scan", len(backup))
	}
	for name, doc := range map[string]string{"terraform.tfstate": string(state), "terraform.tfstate.backup": string(backup), "plan JSON": planJSON} {
		if writeOnly {
			scan(t, name, doc, secret)
			continue
		}
		scan(t, name, doc, map[string]string{
			"provider client secret": secret["provider client secret"], "refresh token": secret["refresh token"],
		})
		stripped := stripSensitive(t, name, doc)
		scan(t, name+" (outside Sensitive attributes)", stripped, secret)
	}
	for _, what := range []string{"webhook sig", "connection client secret"} {
		if strings.Contains(string(state), secret[what]) {
			t.Logf("%s: the %s is stored in state under its Sensitive attribute (the stored variant)", cli, what)
		}
	}
	t.Logf("%s: scanned %d log files (%d bytes at trace), %d command outputs, state and plan JSON: no secret found",
		cli, len(logs), traceBytes, len(outputs))
}

// hygieneConfig reaches all four APIs with a secret in each kind of place:
// the webhook URL (its sig) and a service principal's client secret, given
// to the stored attributes (url, client_secret) or, with writeOnly, from
// ephemeral variables to the write-only ones (url_wo, client_secret_wo).
func hygieneConfig(writeOnly bool) string {
	ephemeral := ""
	url := "url = var.trigger_url"
	secret := "client_secret = var.dataverse_client_secret"
	if writeOnly {
		ephemeral = "\n  ephemeral = true"
		url = "url_wo = var.trigger_url\n  url_wo_version = 1"
		secret = "client_secret_wo = var.dataverse_client_secret\n    client_secret_wo_version = 1"
	}
	return strings.NewReplacer("{EPHEMERAL}", ephemeral, "{URL}", url, "{SECRET}", secret).Replace(`
terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}

provider "cosell" {}

variable "trigger_url" {
  type      = string
  sensitive = true{EPHEMERAL}
}

variable "dataverse_client_secret" {
  type      = string
  sensitive = true{EPHEMERAL}
}

resource "cosell_webhook_registration" "connector" {
  {URL}
  validate = false
}

resource "cosell_connection" "dataverse" {
  connector    = "dataverse"
  display_name = "Dataverse (hygiene)"
  service_principal = {
    tenant_id = "` + entra.DefaultTenantID + `"
    client_id = "` + entra.DefaultClientID + `"
    {SECRET}
  }
}

resource "cosell_environment_variable" "deal_value_field" {
  schema_name = "msft_dealvaluefield"
  value       = "estimatedvalue"
}

data "cosell_referrals" "all" {}

output "referrals" {
  value = length(data.cosell_referrals.all.ids)
}
`)
}

func cliBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(acctest.RepoRoot(), ".tools", "bin", acctest.CLI())
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("%s not built: run `make tools`", bin)
	}
	return bin
}

// cliVersion is the CLI's version ("1.12.6"), from `version -json`.
func cliVersion(t *testing.T) string {
	t.Helper()
	out, err := exec.Command(cliBinary(t), "version", "-json").Output()
	if err != nil {
		t.Fatalf("%s version -json: %v", acctest.CLI(), err)
	}
	var v struct {
		Version string `json:"terraform_version"`
	}
	if i := bytes.IndexByte(out, '{'); i > 0 {
		out = out[i:] // after a warning about the CLI configuration file
	}
	if err := json.Unmarshal(out, &v); err != nil || v.Version == "" {
		t.Fatalf("%s version -json: %v\n%s", acctest.CLI(), err, out)
	}
	return v.Version
}

// atLeast compares the major.minor of a version such as "1.12.6".
func atLeast(version string, major, minor int) bool {
	var ma, mi int
	if _, err := fmt.Sscanf(version, "%d.%d", &ma, &mi); err != nil {
		return false
	}
	return ma > major || ma == major && mi >= minor
}

// scan fails for every secret (or JWT) found in text, naming where.
func scan(t *testing.T, where, text string, secrets map[string]string) {
	t.Helper()
	for what, s := range secrets {
		if i := strings.Index(text, s); i >= 0 {
			t.Errorf("%s: the %s appears: …%s…", where, what, excerpt(text, i))
		}
	}
	if loc := jwtRE.FindStringIndex(text); loc != nil {
		t.Errorf("%s: a bearer token (JWT) appears: …%s…", where, excerpt(text, loc[0]))
	}
}

// stripSensitive removes from a state or plan JSON document the values
// the schema marks Sensitive and that come from configuration: the
// webhook URL and the service principal's secret.
func stripSensitive(t *testing.T, name, doc string) string {
	t.Helper()
	if strings.TrimSpace(doc) == "" {
		return ""
	}
	var v any
	if err := json.Unmarshal([]byte(doc), &v); err != nil {
		t.Fatalf("%s is not JSON: %v", name, err)
	}
	var walk func(any) any
	walk = func(n any) any {
		switch x := n.(type) {
		case map[string]any:
			for k, c := range x {
				if k == "url" || k == "client_secret" || k == "trigger_url" || k == "dataverse_client_secret" {
					x[k] = "(sensitive)"
					continue
				}
				x[k] = walk(c)
			}
		case []any:
			for i, c := range x {
				x[i] = walk(c)
			}
		}
		return n
	}
	b, _ := json.Marshal(walk(v))
	return string(b)
}

func excerpt(s string, i int) string {
	lo, hi := max(0, i-60), min(len(s), i+60)
	return strings.ReplaceAll(s[lo:hi], "\n", " ")
}

func readAll(t *testing.T, files []string) string {
	var b strings.Builder
	for _, f := range files {
		c, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(c)
	}
	return b.String()
}

func random(t *testing.T) string {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// cliConfig points both registries' address of the provider at the binary
// just built (dev_overrides: no init, no registry).
func cliConfig(t *testing.T, dir, plugins string) string {
	t.Helper()
	p := filepath.Join(dir, "cli.tfrc")
	if err := os.WriteFile(p, []byte(fmt.Sprintf(`provider_installation {
  dev_overrides {
    "registry.terraform.io/cosell-labs/cosell" = %[1]q
    "registry.opentofu.org/cosell-labs/cosell" = %[1]q
  }
  direct {}
}
`, plugins)), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

package webhook_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	pcemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

const addr = "cosell_webhook_registration.test"

var referralEvents = []string{"referral-created", "referral-updated", "related-referral-created", "related-referral-updated"}

// freshTenant removes any registration a previous test left (our destroy
// keeps a disarmed one), as if the tenant had never registered a webhook.
func freshTenant(t *testing.T) {
	t.Helper()
	acctest.PreCheck(t)
	acctest.Emulator(t).PartnerCenter().ClearRegistration()
}

// flowURL is a unique Power Automate-like trigger URL with a sig secret.
func flowURL() string {
	return fmt.Sprintf("https://prod-%d.westeurope.logic.azure.com:443/workflows/%s/triggers/manual/paths/invoke?api-version=2016-06-01&sp=/triggers/manual/run&sv=1.0&sig=%s",
		sdkacctest.RandIntRange(10, 99), sdkacctest.RandString(24), sdkacctest.RandString(32))
}

func tenantID(t *testing.T) string {
	return strings.ToLower(acctest.Emulator(t).Endpoints().TenantID)
}

// config renders the resource with url and extra argument lines.
func config(url string, extra ...string) string {
	return fmt.Sprintf("resource \"cosell_webhook_registration\" \"test\" {\n  url = %q\n  %s\n}\n", url, strings.Join(extra, "\n  "))
}

// withRequiredProviders prefixes cfg with the terraform block the harness
// normally adds itself, for import steps with ImportStatePersist, which use
// their Config as given (same address rules as terraform-plugin-testing).
func withRequiredProviders(cfg string) string {
	host, ns := os.Getenv("TF_ACC_PROVIDER_HOST"), os.Getenv("TF_ACC_PROVIDER_NAMESPACE")
	if host == "" {
		host = "registry.terraform.io"
	}
	if ns == "" {
		ns = "hashicorp"
	}
	return fmt.Sprintf("terraform {\n  required_providers {\n    %[1]s = { source = \"%[2]s/%[3]s/%[1]s\" }\n  }\n}\n\n%[4]s",
		acctest.ProviderName, host, ns, cfg)
}

func hclList(vals ...string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	return "[" + strings.Join(q, ", ") + "]"
}

// writes counts the requests that could change data, on every service but
// Entra (whose token endpoint is a POST that changes nothing).
func writes(emu *emulator.Emulator) int {
	n := 0
	for _, c := range emu.Metrics().Snapshot() {
		if c.Service == emulator.ServiceEntra {
			continue
		}
		switch c.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			n += c.Count
		}
	}
	return n
}

// calls counts the requests of one method and route on the webhooks listener.
func calls(emu *emulator.Emulator, method, route string) int {
	n := 0
	for _, c := range emu.Metrics().Snapshot() {
		if c.Service == emulator.ServiceWebhooks && c.Method == method && c.Route == method+" "+route {
			n += c.Count
		}
	}
	return n
}

// countStatus counts the answers with one status to one route.
func countStatus(emu *emulator.Emulator, method, route string, status int) int {
	n := 0
	for _, c := range emu.Metrics().Snapshot() {
		if c.Service == emulator.ServiceWebhooks && c.Route == method+" "+route && c.Status == status {
			n += c.Count
		}
	}
	return n
}

const (
	routeRegistration     = "/webhooks/v1/registration"
	routeValidationEvents = "/webhooks/v1/registration/validationEvents"
)

// noWritesDuring fails the test when a write reached the emulator between
// the call and the returned func's call.
func noWritesDuring(t *testing.T) func() {
	emu := acctest.Emulator(t)
	before := writes(emu)
	return func() {
		t.Helper()
		if n := writes(emu) - before; n != 0 {
			t.Errorf("%d write request(s) reached the emulator; bad input must be rejected before any write", n)
		}
	}
}

// checkRemote compares the emulator's registration with what we expect.
func checkRemote(t *testing.T, url string, events []string, sig bool) func(*terraform.State) error {
	return func(*terraform.State) error {
		reg, ok := acctest.Emulator(t).PartnerCenter().Registration()
		switch {
		case !ok:
			return fmt.Errorf("the emulator has no webhook registration")
		case reg.WebhookURL != url:
			return fmt.Errorf("registered host %s, want the configured url", hostOnly(reg.WebhookURL))
		case !sameSet(reg.WebhookEvents, events):
			return fmt.Errorf("registered events %v, want %v", reg.WebhookEvents, events)
		case reg.SignatureTokenToMsSignatureHeader != sig:
			return fmt.Errorf("SignatureTokenToMsSignatureHeader = %v, want %v", reg.SignatureTokenToMsSignatureHeader, sig)
		}
		return nil
	}
}

// checkDisarmed is the documented destroy: our URL, test-created only.
func checkDisarmed(t *testing.T, url string, sig bool) func(*terraform.State) error {
	return checkRemote(t, url, []string{"test-created"}, sig)
}

func sameSet(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(a, b)
}

func hostOnly(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		u = u[i+3:]
	}
	if i := strings.IndexAny(u, "/?"); i >= 0 {
		u = u[:i]
	}
	return u
}

// errRE matches the fragments in order, whatever line wrapping the CLI
// applied to the diagnostic (fragments are literal text).
func errRE(fragments ...string) *regexp.Regexp {
	return acctest.DiagnosticLike(fragments...)
}

// setRemote changes the registration behind Terraform's back.
func setRemote(t *testing.T, url string, events ...string) {
	t.Helper()
	if err := acctest.Emulator(t).PartnerCenter().SetRegistration(pcemu.Registration{WebhookURL: url, WebhookEvents: events}); err != nil {
		t.Fatal(err)
	}
}

// receiver is a webhook endpoint the emulator delivers to: an httptest TLS
// server presenting the emulator's certificate, which the emulator's
// delivery client trusts (as Partner Center trusts a public CA).
type receiver struct {
	srv  *httptest.Server
	cert func() *pcemu.Service

	mu     sync.Mutex
	status int
	answer string
	got    []delivery
}

type delivery struct {
	event         string
	inMSSignature bool // signature in x-ms-signature
	inAuthz       bool // anything in Authorization
	certURL       string
	verifyErr     error
}

func startReceiver(t *testing.T, status int, answer string) *receiver {
	t.Helper()
	emu := acctest.Emulator(t)
	r := &receiver{status: status, answer: answer, cert: emu.PartnerCenter}
	r.srv = httptest.NewUnstartedServer(http.HandlerFunc(r.serve))
	r.srv.TLS = emu.ServerTLSConfig()
	r.srv.StartTLS()
	t.Cleanup(r.srv.Close)
	return r
}

// url is the trigger URL, with a sig like Power Automate's.
func (r *receiver) url() string {
	return r.srv.URL + "/workflows/" + sdkacctest.RandString(16) + "/triggers/manual/paths/invoke?api-version=2016-06-01&sig=" + sdkacctest.RandString(32)
}

func (r *receiver) setAnswer(status int, answer string) {
	r.mu.Lock()
	r.status, r.answer = status, answer
	r.mu.Unlock()
}

// serve verifies the signature like a production receiver would (§3.4) and
// answers 401 when it does not verify, else the configured answer.
func (r *receiver) serve(w http.ResponseWriter, req *http.Request) {
	body, _ := io.ReadAll(req.Body)
	svc := r.cert()
	d := delivery{
		inMSSignature: req.Header.Get(partnercenter.HeaderMSSignature) != "",
		inAuthz:       req.Header.Get(partnercenter.HeaderAuthorization) != "",
		certURL:       req.Header.Get(partnercenter.HeaderCertificateURL),
		verifyErr:     partnercenter.VerifyCallback(req.Header, body, svc.Certificate()),
	}
	if ev, err := partnercenter.ParseEvent(body); err == nil {
		d.event = ev.EventName
	}
	r.mu.Lock()
	r.got = append(r.got, d)
	status, answer := r.status, r.answer
	r.mu.Unlock()
	if d.verifyErr != nil || d.certURL != svc.CertificateURL() {
		http.Error(w, "signature does not verify", http.StatusUnauthorized)
		return
	}
	w.WriteHeader(status)
	_, _ = io.WriteString(w, answer)
}

func (r *receiver) deliveries() []delivery {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.got)
}

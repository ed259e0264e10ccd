package receiver_test

import (
	"context"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	emupc "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/receiver"
	"github.com/cosell-labs/terraform-provider-cosell/internal/stacktest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/syncio"
)

// A referral changed in the emulator → the emulator's signed delivery → the
// receiver (verifying against the certificate the emulator serves) → the
// sync engine over the real clients → the opportunity in Dataverse.
func TestEndToEndEmulatorDeliveryUpdatesTheOpportunity(t *testing.T) {
	emu := startEndToEnd(t)
	const id = "e2e00000-0000-4000-8000-000000000001"
	if _, err := emu.PartnerCenter().PutReferral(emupc.MustParseReferral(e2eReferral(id, "Datacenter exit by June."))); err != nil {
		t.Fatal(err)
	}
	opps := waitFor(t, emu, id, func(o map[string]any) bool { return o["description"] == "Datacenter exit by June." })
	if len(opps) != 1 {
		t.Fatalf("%d opportunities for the referral", len(opps))
	}

	// A Microsoft-side change reaches the same opportunity in seconds.
	changed := time.Now()
	emu.PartnerCenter().UpdateReferral(id, func(r *emupc.Referral) {
		_ = r.Set("/details/notes", "Datacenter exit moved to May.")
	})
	opps = waitFor(t, emu, id, func(o map[string]any) bool { return o["description"] == "Datacenter exit moved to May." })
	if len(opps) != 1 {
		t.Fatalf("%d opportunities after the update, want still one", len(opps))
	}
	t.Logf("change → opportunity written in %s", time.Since(changed))
	checkDelivered(t, emu)
}

// Microsoft's copy of the engagement joins later: the emulator sends
// related-referral-created (then related-referral-updated) naming it, and
// the receiver links it to the opportunity that already exists (its id in
// the opportunity's sync snapshot), creating no second opportunity.
func TestEndToEndRelatedReferralEventsLinkTheExistingOpportunity(t *testing.T) {
	emu := startEndToEnd(t)
	const id, related = "e2e00000-0000-4000-8000-000000000001", "e2e00000-0000-4000-8000-0000000000f2"
	if _, err := emu.PartnerCenter().PutReferral(emupc.MustParseReferral(e2eReferral(id, "Datacenter exit by June."))); err != nil {
		t.Fatal(err)
	}
	waitFor(t, emu, id, func(o map[string]any) bool { return o["description"] == "Datacenter exit by June." })

	msft := emupc.MustParseReferral(e2eReferral(related, "Microsoft seller: customer wants a pilot."))
	_ = msft.Set("/createdDateTime", time.Now().Add(time.Second).UTC().Format(time.RFC3339Nano))
	if _, err := emu.PartnerCenter().PutReferral(msft); err != nil {
		t.Fatal(err)
	}
	linked := func(o map[string]any) bool {
		snap, _ := o[sync.DefaultSnapshotColumn].(string)
		return strings.Contains(snap, related)
	}
	opps := waitFor(t, emu, id, linked)
	if len(opps) != 1 {
		t.Fatalf("%d opportunities for the engagement, want the existing one", len(opps))
	}
	emu.PartnerCenter().UpdateReferral(related, func(r *emupc.Referral) { _ = r.Set("/details/notes", "Pilot agreed.") })
	emu.PartnerCenter().WaitDeliveries(context.Background())
	if got := len(opportunitiesOf(emu, id)) + len(opportunitiesOf(emu, related)); got != 1 {
		t.Errorf("%d opportunities after the related referral changed, want 1", got)
	}
	names := map[string]int{}
	for _, d := range emu.PartnerCenter().Deliveries() {
		names[d.Event.EventName]++
	}
	if names[partnercenter.EventRelatedReferralCreated] != 1 || names[partnercenter.EventRelatedReferralUpdated] != 1 || names[partnercenter.EventReferralCreated] != 1 {
		t.Errorf("events delivered %v, want referral-created, related-referral-created and related-referral-updated once each", names)
	}
	checkDelivered(t, emu)
}

func checkDelivered(t *testing.T, emu *emulator.Emulator) {
	t.Helper()
	for _, d := range emu.PartnerCenter().Deliveries() {
		if d.State != "delivered" || d.Attempts[len(d.Attempts)-1].StatusCode != http.StatusOK {
			t.Errorf("delivery %s: %s after %d attempts", d.Event.EventName, d.State, len(d.Attempts))
		}
	}
}

func e2eReferral(id, notes string) string {
	return `{"id":"` + id + `","engagementId":"e2e00000-0000-4000-8000-0000000000e1",
"name":"Wide World Importers - Azure migration","status":"Active","substatus":"Accepted","type":"Shared","qualification":"SalesQualified",
"direction":"Incoming","customerProfile":{"name":"Wide World Importers","address":{"addressLine1":"1 Harbour Rd","city":"Sydney","postalCode":"2000","country":"AU"},
"team":[{"firstName":"Liam","lastName":"Ng","email":"liam.ng@wideworldimporters.example","phoneNumber":"+61 2 5550 0101"}]},
"consent":{"consentToShareReferralWithMicrosoftSellers":true,"consentToContact":true},
"details":{"notes":"` + notes + `","dealValue":250000,"currency":"AUD","closingDateTime":"2027-06-30T00:00:00Z",
"requirements":{"solutions":[{"id":"SOL-31337-ABC","name":"Northwind Secure Cloud","type":"Name"}]}},
"inviteContext":{"invitedBy":{"organizationId":"msft","organizationName":"Microsoft"},"assistanceRequestCode":"CustomerTechnicalArchitecture"},
"trackingInfo":{"microsoftMsxId":"7-WWI0042"}}`
}

// startEndToEnd starts the emulator and a receiver registered with it
// (delivery on) over the real clients and engine.
func startEndToEnd(t *testing.T) *emulator.Emulator {
	dir := t.TempDir()
	stack := stacktest.Start(t, emulator.Options{Dir: dir, Seed: 1})
	emu := stack.Emu
	eng := receiver.NewEngine(sync.New(syncio.NewPartnerCenter(stack.Referrals), syncio.NewDynamics(stack.Dataverse)), sync.DefaultOptions())

	// The settings the emulator's env.sh gives a receiver.
	env := map[string]string{}
	for _, kv := range emu.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	cfg, err := receiver.Load([]string{
		"-tls-cert", filepath.Join(dir, emulator.ReceiverTLSCertFile), "-tls-key", filepath.Join(dir, emulator.ReceiverTLSKeyFile),
		"-coalesce-window", "50ms",
	}, func(k string) string { return env[k] }, os.Stderr)
	if err != nil {
		t.Fatal(err)
	}
	r, err := receiver.New(cfg, eng, receiver.Options{
		Logger:               slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		CertificateTransport: emu.HTTPClient().Transport,
	})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.Serve(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})

	if err := emu.PartnerCenter().SetRegistration(emupc.Registration{
		WebhookURL:    "https://" + ln.Addr().String() + cfg.Path,
		WebhookEvents: partnercenter.ReferralEvents(),
	}); err != nil {
		t.Fatal(err)
	}
	emu.PartnerCenter().SetDelivery(true)
	return emu
}

func opportunitiesOf(emu *emulator.Emulator, id string) []map[string]any {
	var opps []map[string]any
	for _, r := range emu.Dataverse().Records("opportunities") {
		if r["msft_microsoftpartnercenterreferralidentifier"] == id {
			opps = append(opps, r)
		}
	}
	return opps
}

func waitFor(t *testing.T, emu *emulator.Emulator, id string, ok func(map[string]any) bool) []map[string]any {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		opps := opportunitiesOf(emu, id)
		for _, o := range opps {
			if ok(o) {
				return opps
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("opportunity for %s not written in time: %v", id, opps)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

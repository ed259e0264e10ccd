package receiver_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	emupc "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/provider"
	"github.com/cosell-labs/terraform-provider-cosell/internal/receiver"
	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/syncio"
)

func envInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// BenchmarkReceiverLoad is the load run on loopback, bounded in
// count and time: COSELL_RECEIVER_LOAD_REFERRALS referrals (1000), changed
// in the emulator at COSELL_RECEIVER_LOAD_RATE events/s (100) for
// COSELL_RECEIVER_LOAD_SECONDS (60), with 150 ms ± 100 of injected latency
// and 2% 429s on Partner Center and Dataverse. The emulator signs and
// delivers every change; the receiver runs the real engine over the
// provider's clients. Reported: p50/p99 from the change to the written
// opportunity, events refused, reconciles per event (coalescing), peak heap,
// and referrals still stale after the final sweep (must be 0).
func BenchmarkReceiverLoad(b *testing.B) {
	nRef := envInt("COSELL_RECEIVER_LOAD_REFERRALS", 1000)
	rate := envInt("COSELL_RECEIVER_LOAD_RATE", 100)
	secs := envInt("COSELL_RECEIVER_LOAD_SECONDS", 60)
	for range b.N {
		loadRun(b, nRef, rate, time.Duration(secs)*time.Second)
	}
}

func loadRun(b *testing.B, nRef, rate int, dur time.Duration) {
	dir := b.TempDir()
	emu, err := emulator.Start(emulator.Options{Dir: dir, Seed: 7})
	if err != nil {
		b.Fatal(err)
	}
	defer emu.Close()
	pc := emu.PartnerCenter()
	ids := make([]string, nRef)
	for i := range ids {
		ids[i] = fmt.Sprintf("10ad0000-0000-4000-8000-%012d", i)
		ref := emupc.MustParseReferral(strings.ReplaceAll(loadReferral, "{ID}", ids[i]))
		if _, err := pc.PutReferral(ref); err != nil {
			b.Fatal(err)
		}
	}
	env := map[string]string{}
	for _, kv := range emu.Env() {
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	getenv := func(k string) string {
		if strings.HasPrefix(k, "COSELL_SYNC_") {
			return os.Getenv(k) // the sync options may be varied per run
		}
		return env[k]
	}
	cc, err := provider.ConnsConfigFromEnv("bench", getenv)
	if err != nil {
		b.Fatal(err)
	}
	cc.Auth.HTTPClient = emu.HTTPClient()
	client, err := conns.New(cc)
	if err != nil {
		b.Fatal(err)
	}
	rc, _ := client.Referrals(context.Background())
	dv, err := client.Dataverse(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	opts, err := receiver.SyncOptionsFromEnv(getenv)
	if err != nil {
		b.Fatal(err)
	}
	eng := receiver.NewEngine(sync.New(syncio.NewPartnerCenter(rc), syncio.NewDynamics(dv)), opts)
	// Pair everything first (the start-up sweep of a receiver already running).
	if _, err := eng.Sweep(context.Background()); err != nil {
		b.Fatal(err)
	}
	slow := &core.Faults{LatencyMS: 50, JitterMS: 200, ErrorRates: map[int]float64{429: 0.02}, RetryAfterSeconds: 1}
	emu.Faults().Set(emulator.ServiceReferrals, slow)
	emu.Faults().Set(emulator.ServiceDataverse, slow)

	cfg, err := receiver.Load([]string{
		"-tls-cert", filepath.Join(dir, emulator.ReceiverTLSCertFile), "-tls-key", filepath.Join(dir, emulator.ReceiverTLSKeyFile),
		"-sweep-interval", "1h", "-drain-timeout", "60s",
	}, getenv, io.Discard)
	if err != nil {
		b.Fatal(err)
	}
	cfg.Concurrency = opts.MaxParallelism
	var mu gosync.Mutex
	var lat []time.Duration
	r, err := receiver.New(cfg, eng, receiver.Options{
		Logger:               slog.New(slog.NewTextHandler(io.Discard, nil)),
		CertificateTransport: emu.HTTPClient().Transport,
		OnWritten:            func(d time.Duration) { mu.Lock(); lat = append(lat, d); mu.Unlock() },
	})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() { served <- r.Serve(ctx, ln) }()
	if err := pc.SetRegistration(emupc.Registration{WebhookURL: "https://" + ln.Addr().String() + cfg.Path,
		WebhookEvents: partnercenter.ReferralEvents()}); err != nil {
		b.Fatal(err)
	}
	pc.SetDelivery(true)

	var peak uint64
	stopMem := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(100 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			peak = max(peak, ms.HeapInuse)
			select {
			case <-stopMem:
				return
			case <-t.C:
			}
		}
	}()

	b.ResetTimer()
	latest := map[string]string{}
	rng := rand.New(rand.NewPCG(1, 2))
	tick := time.NewTicker(time.Second / time.Duration(rate))
	end := time.Now().Add(dur)
	events := 0
	for time.Now().Before(end) {
		<-tick.C
		id := ids[rng.IntN(len(ids))]
		note := fmt.Sprintf("change %d", events)
		pc.UpdateReferral(id, func(r *emupc.Referral) { _ = r.Set("/details/notes", note) })
		latest[id] = note
		events++
	}
	tick.Stop()
	wctx, wcancel := context.WithTimeout(context.Background(), 2*time.Minute)
	_ = pc.WaitDeliveries(wctx)
	wcancel()
	cancel()
	<-served
	b.StopTimer()
	close(stopMem)

	metrics := scrape(r)
	stale := func() int {
		n := 0
		byRef := map[string]any{}
		for _, o := range emu.Dataverse().Records("opportunities") {
			byRef[fmt.Sprint(o["msft_microsoftpartnercenterreferralidentifier"])] = o["description"]
		}
		for id, note := range latest {
			if byRef[id] != note {
				n++
			}
		}
		return n
	}
	staleBefore := stale()
	emu.Faults().Set(emulator.ServiceReferrals, nil)
	emu.Faults().Set(emulator.ServiceDataverse, nil)
	if _, err := eng.Sweep(context.Background()); err != nil {
		b.Fatal(err)
	}
	staleAfter := stale()

	slices.Sort(lat)
	pct := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Seconds()
	}
	reconciles := metrics["cosell_receiver_reconciles_total"]
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(pct(0.50), "p50-s")
	b.ReportMetric(pct(0.99), "p99-s")
	b.ReportMetric(reconciles/float64(max(events, 1)), "reconciles/event")
	b.ReportMetric(metrics["refused"], "refused")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(staleBefore), "stale-before-sweep")
	b.ReportMetric(float64(staleAfter), "stale-after-sweep")
	if staleAfter != 0 {
		b.Errorf("%d referrals still stale after the sweep", staleAfter)
	}
}

// scrape reads the receiver's counters from /metrics; "refused" sums every reason.
func scrape(r *receiver.Receiver) map[string]float64 {
	w := httptest.NewRecorder()
	r.Handler().ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	out := map[string]float64{}
	for _, l := range strings.Split(w.Body.String(), "\n") {
		name, val, ok := strings.Cut(l, " ")
		if !ok || strings.HasPrefix(l, "#") {
			continue
		}
		v, err := strconv.ParseFloat(val, 64)
		if err != nil {
			continue
		}
		if strings.HasPrefix(name, "cosell_receiver_events_refused_total") {
			out["refused"] += v
		}
		out[name] = v
	}
	return out
}

const loadReferral = `{"id":"{ID}","engagementId":"{ID}",
"name":"Load test customer - rollout","status":"Active","substatus":"Accepted","type":"Shared","qualification":"SalesQualified",
"direction":"Incoming","customerProfile":{"name":"Load test customer","address":{"addressLine1":"1 Harbour Rd","city":"Sydney","postalCode":"2000","country":"AU"},
"team":[{"firstName":"Liam","lastName":"Ng","email":"liam.ng@wideworldimporters.example","phoneNumber":"+61 2 5550 0101"}]},
"consent":{"consentToShareReferralWithMicrosoftSellers":true,"consentToContact":true},
"details":{"notes":"initial","dealValue":250000,"currency":"AUD","closingDateTime":"2027-06-30T00:00:00Z",
"requirements":{"solutions":[{"id":"SOL-31337-ABC","name":"Northwind Secure Cloud","type":"Name"}]}},
"inviteContext":{"invitedBy":{"organizationId":"msft","organizationName":"Microsoft"},"assistanceRequestCode":"CustomerTechnicalArchitecture"},
"trackingInfo":{"microsoftMsxId":"7-LOAD"}}`

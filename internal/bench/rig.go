package bench

import (
	"context"
	"fmt"
	"net/http"
	"runtime"
	"runtime/metrics"
	"sort"
	"strings"
	"sync/atomic"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/syncio"
	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// Rig is an emulator with the provider's own stack over it, as cosell_sync
// builds it: transport (retries, Retry-After) → clients → syncio adapters
// → engine. Tokens are minted once from the emulator's Entra (the
// provider's MSAL path is measured elsewhere).
type Rig struct {
	Emu       *emulator.Emulator
	Referrals *partnercenter.ReferralsClient
	Dataverse *dataverse.Client
	Engine    *engine.Engine
	// Retries counts the attempts the transport made beyond the first.
	Retries atomic.Int64

	// stack is what a child process needs to build the same stack
	// (MeasureChild): endpoints, CA and tokens.
	stack stackSpec
}

// stackSpec is the provider side's connection to an emulator.
type stackSpec struct {
	Endpoints emulator.Endpoints `json:"endpoints"`
	UserToken string             `json:"user_token"` // Partner Center (Referrals)
	AppToken  string             `json:"app_token"`  // Dataverse
}

// NewRig starts an emulator in dir with seed.
func NewRig(dir string, seed uint64) (*Rig, error) {
	emu, err := emulator.Start(emulator.Options{Dir: dir, Seed: seed})
	if err != nil {
		return nil, err
	}
	ep := emu.Endpoints()
	userTok, err := emu.Entra().IssueUserToken(entra.DefaultClientID, entra.DefaultUsername, "https://api.partner.microsoft.com")
	if err != nil {
		emu.Close()
		return nil, err
	}
	appTok, err := emu.Entra().IssueAppToken(entra.DefaultClientID, ep.DataverseURL)
	if err != nil {
		emu.Close()
		return nil, err
	}
	r := &Rig{Emu: emu, stack: stackSpec{Endpoints: ep, UserToken: userTok, AppToken: appTok}}
	r.build(emu.HTTPClient())
	return r, nil
}

// build makes the transport, clients, adapters and engine over hc.
func (r *Rig) build(hc *http.Client) {
	tr := func(service, tok string) *transport.Client {
		return transport.New(transport.Options{
			Service: service, HTTPClient: hc, MinBackoff: 50 * time.Millisecond, MaxBackoff: 2 * time.Second, MaxRetries: 8,
			Token: func(context.Context) (string, error) { return tok, nil },
			Sleep: func(ctx context.Context, d time.Duration) error {
				r.Retries.Add(1)
				t := time.NewTimer(d)
				defer t.Stop()
				select {
				case <-t.C:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			},
		})
	}
	ep := r.stack.Endpoints
	r.Referrals = partnercenter.NewReferralsClient(tr("referrals", r.stack.UserToken), ep.ReferralsURL, partnercenter.Options{MarkRetrySafe: transport.MarkRetrySafe})
	r.Dataverse = dataverse.New(tr("dataverse", r.stack.AppToken), ep.DataverseURL, dataverse.Options{MarkRetrySafe: transport.MarkRetrySafe})
	r.Engine = engine.New(syncio.NewPartnerCenter(r.Referrals), syncio.NewDynamics(r.Dataverse))
}

// Close stops the emulator.
func (r *Rig) Close() error { return r.Emu.Close() }

// SetLatency injects ms of latency into every Referrals and Dataverse call.
func (r *Rig) SetLatency(ms int) {
	for _, s := range []string{emulator.ServiceReferrals, emulator.ServiceDataverse} {
		if ms == 0 {
			r.Emu.Faults().Set(s, nil)
			continue
		}
		r.Emu.Faults().Set(s, &core.Faults{LatencyMS: ms})
	}
}

// OpportunityOf returns a function mapping a referral id to the id of the
// opportunity carrying it (the connector's referral id column).
func (r *Rig) OpportunityOf() func(string) (string, error) {
	byRef := map[string]string{}
	for _, o := range r.Emu.Dataverse().Records("opportunities") {
		if ref, _ := o[engine.ColReferralID].(string); ref != "" {
			byRef[ref], _ = o["opportunityid"].(string)
		}
	}
	return func(id string) (string, error) {
		if o, ok := byRef[id]; ok {
			return o, nil
		}
		return "", fmt.Errorf("no opportunity carries referral %s", id)
	}
}

// Measurement is what one measured operation cost.
type Measurement struct {
	Calls   int            // API calls to Partner Center and Dataverse (token requests excluded)
	ByRoute map[string]int // "service METHOD route" → calls
	Wall    time.Duration
	// PeakHeap: measured in a child process (MeasureChild), the peak of the
	// provider process's heap objects; in process (Measure), the peak growth
	// of this process's heap objects, emulator included. Bytes.
	PeakHeap uint64
	// PeakRSS is the child process's peak resident set (MeasureChild only).
	PeakRSS uint64
	Retries int64
	// Child says the operation ran in a child process.
	Child bool
}

// Measure runs op with the emulator's counters reset and returns its cost.
// Peak heap is sampled every 2 ms from runtime/metrics, relative to a GC'd
// heap before the operation: it includes the emulator's request handling
// in this process, so it is an upper bound for the provider's share.
func (r *Rig) Measure(op func() error) (Measurement, error) {
	runtime.GC()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(sample)
	base := sample[0].Value.Uint64()
	var peak atomic.Uint64
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
		tick := time.NewTicker(2 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				metrics.Read(s)
				if v := s[0].Value.Uint64(); v > base && v-base > peak.Load() {
					peak.Store(v - base)
				}
			}
		}
	}()
	r.Emu.Metrics().Reset()
	retries := r.Retries.Load()
	start := time.Now()
	err := op()
	wall := time.Since(start)
	close(stop)
	<-done
	return r.counted(Measurement{Wall: wall, PeakHeap: peak.Load(), Retries: r.Retries.Load() - retries}), err
}

// counted adds the emulator's counts of Partner Center and Dataverse calls
// since the last reset to m.
func (r *Rig) counted(m Measurement) Measurement {
	m.ByRoute = map[string]int{}
	for _, c := range r.Emu.Metrics().Snapshot() {
		if c.Service != emulator.ServiceReferrals && c.Service != emulator.ServiceDataverse {
			continue
		}
		m.Calls += c.Count
		m.ByRoute[c.Service+" "+c.Route] += c.Count
	}
	return m
}

// Routes formats ByRoute, most called first.
func (m Measurement) Routes() []string {
	keys := make([]string, 0, len(m.ByRoute))
	for k := range m.ByRoute {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		a, b := m.ByRoute[keys[i]], m.ByRoute[keys[j]]
		return a > b || a == b && keys[i] < keys[j]
	})
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = fmt.Sprintf("%d %s", m.ByRoute[k], strings.TrimSpace(k))
	}
	return out
}

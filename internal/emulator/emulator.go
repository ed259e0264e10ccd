// Package emulator composes the emulated Microsoft services (Entra ID,
// Partner Center Referrals and Webhooks, Dataverse, Power Platform) into
// one fake cloud: each on its own HTTPS listener on 127.0.0.1, all signed by
// a private CA, with shared request metrics, fault injection and an admin
// API under /_emulator/.
package emulator

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

// CAFileName is the name of the CA certificate file written to Options.Dir.
const CAFileName = "emulator-ca.pem"

// Options configure Start.
type Options struct {
	// Scenario is the seed data; nil loads ScenarioFile, or DefaultScenario
	// when that is empty too.
	Scenario     *Scenario
	ScenarioFile string
	// Dir receives emulator-ca.pem; a temporary directory (removed by Close)
	// when empty.
	Dir string
	// Seed makes fault injection repeatable; 0 uses the scenario's seed.
	Seed uint64
	// Logf receives diagnostic lines (token grants, TLS handshake errors).
	Logf func(format string, args ...any)
	// PortBase, when set, binds the services to fixed ports PortBase,
	// PortBase+1, … in ServiceNames order, so an env.sh stays valid across
	// restarts; 0 picks free ports.
	PortBase int
}

// Emulator is a running fake cloud.
type Emulator struct {
	scenario Scenario
	pki      *pki
	metrics  *core.Metrics
	faults   *core.FaultInjector
	logf     func(string, ...any)

	entra  *entra.Service
	pc     *partnercenter.Service
	dv     *dataverse.Service
	pp     *powerplatform.Service
	urls   map[string]string // service name → https://127.0.0.1:P
	caFile string
	tmpDir string // created by Start, removed by Close

	servers   []*http.Server
	closeOnce sync.Once
	closeErr  error
}

// Start generates the TLS material, binds one listener per service on
// 127.0.0.1:0, builds the services from the scenario and starts serving.
func Start(opts Options) (*Emulator, error) {
	sc, err := resolveScenario(opts)
	if err != nil {
		return nil, err
	}
	seed := opts.Seed
	if seed == 0 {
		seed = sc.Seed
	}
	e := &Emulator{
		scenario: sc,
		metrics:  core.NewMetrics(),
		faults:   core.NewFaultInjector(seed),
		logf:     opts.Logf,
		urls:     map[string]string{},
	}
	if e.logf == nil {
		e.logf = func(string, ...any) {}
	}
	ok := false
	defer func() {
		if !ok {
			_ = e.Close()
		}
	}()

	if e.pki, err = newPKI(); err != nil {
		return nil, fmt.Errorf("emulator: TLS: %w", err)
	}
	if err := e.writeCA(opts.Dir); err != nil {
		return nil, err
	}

	listeners := map[string]net.Listener{}
	for i, name := range ServiceNames {
		addr := "127.0.0.1:0"
		if opts.PortBase > 0 {
			addr = fmt.Sprintf("127.0.0.1:%d", opts.PortBase+i)
		}
		l, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range listeners {
				_ = l.Close()
			}
			return nil, fmt.Errorf("emulator: listen for %s: %w", name, err)
		}
		listeners[name] = l
		e.urls[name] = "https://" + l.Addr().String()
	}

	handlers, err := e.buildServices(sc)
	if err == nil {
		err = e.writeReceiverFiles()
	}
	if err != nil {
		for _, l := range listeners {
			_ = l.Close()
		}
		return nil, err
	}
	for name, f := range sc.Faults {
		e.faults.Set(name, f)
	}

	errLog := log.New(logWriter(e.logf), "emulator http: ", 0)
	for _, name := range ServiceNames {
		srv := &http.Server{
			Handler:           handlers[name],
			TLSConfig:         e.pki.serverConfig(),
			ReadHeaderTimeout: 30 * time.Second,
			ErrorLog:          errLog,
		}
		e.servers = append(e.servers, srv)
		go func(l net.Listener) { _ = srv.Serve(tls.NewListener(l, srv.TLSConfig)) }(listeners[name])
	}
	ok = true
	return e, nil
}

func resolveScenario(opts Options) (Scenario, error) {
	switch {
	case opts.Scenario != nil:
		return *opts.Scenario, nil
	case opts.ScenarioFile != "":
		return LoadScenario(opts.ScenarioFile)
	default:
		return DefaultScenario(), nil
	}
}

func (e *Emulator) writeCA(dir string) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "cosell-emulator-")
		if err != nil {
			return fmt.Errorf("emulator: %w", err)
		}
		dir, e.tmpDir = tmp, tmp
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	e.caFile = filepath.Join(dir, CAFileName)
	if err := os.WriteFile(e.caFile, e.pki.caPEM, 0o644); err != nil {
		return fmt.Errorf("emulator: write CA: %w", err)
	}
	return nil
}

// Files written beside the CA for a webhook receiver run against the
// emulator: the event-signing certificate (self-signed, so the receiver must
// trust it explicitly) and a TLS certificate for 127.0.0.1/localhost that the
// emulator's delivery client trusts (cosell_webhook_registration wants https).
const (
	SigningCertFileName = "webhook-signing-cert.pem"
	ReceiverTLSCertFile = "receiver-tls-cert.pem"
	ReceiverTLSKeyFile  = "receiver-tls-key.pem"
)

func (e *Emulator) writeReceiverFiles() error {
	dir := filepath.Dir(e.caFile)
	key, err := x509.MarshalPKCS8PrivateKey(e.pki.leaf.PrivateKey)
	if err != nil {
		return fmt.Errorf("emulator: %w", err)
	}
	var chain []byte
	for _, der := range e.pki.leaf.Certificate {
		chain = append(chain, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})...)
	}
	for name, b := range map[string][]byte{
		SigningCertFileName: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: e.pc.CertificateDER()}),
		ReceiverTLSCertFile: chain,
		ReceiverTLSKeyFile:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: key}),
	} {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			return fmt.Errorf("emulator: write %s: %w", name, err)
		}
	}
	return nil
}

// buildServices creates the four services and their wrapped handlers.
func (e *Emulator) buildServices(sc Scenario) (map[string]http.Handler, error) {
	var err error
	entraURL := e.urls[ServiceEntra]
	if e.entra, err = entra.New(sc.Entra, entra.Options{
		BaseURL: func() string { return entraURL },
		Logf:    e.logf,
	}); err != nil {
		return nil, fmt.Errorf("emulator: entra: %w", err)
	}
	if len(sc.PowerPlatform.Environments) == 0 {
		return nil, errors.New("emulator: the power_platform scenario needs at least one environment (the Dataverse org's)")
	}
	envID := sc.PowerPlatform.Environments[0].ID
	if e.pp, err = powerplatform.New(e.entra, sc.PowerPlatform, powerplatform.Options{
		CheckClientSecret: e.entra.CheckClientSecret,
	}); err != nil {
		return nil, fmt.Errorf("emulator: power platform: %w", err)
	}
	webhooksURL := e.urls[ServiceWebhooks]
	if e.pc, err = partnercenter.New(e.entra, sc.PartnerCenter, partnercenter.Options{
		WebhooksBaseURL: func() string { return webhooksURL },
		DeliveryClient:  e.newClient(10 * time.Second),
	}); err != nil {
		return nil, fmt.Errorf("emulator: partner center: %w", err)
	}
	orgURL := e.urls[ServiceDataverse]
	if e.dv, err = dataverse.New(e.entra, sc.Dataverse, dataverse.Options{
		OrgURL:           func() string { return orgURL },
		EnvironmentID:    envID,
		ConnectionExists: e.pp.ConnectionExists,
	}); err != nil {
		return nil, fmt.Errorf("emulator: dataverse: %w", err)
	}
	return map[string]http.Handler{
		ServiceEntra:         e.serviceHandler(ServiceEntra, e.entra.WriteError, e.entra.Handler()),
		ServiceReferrals:     e.serviceHandler(ServiceReferrals, e.pc.WriteError, e.pc.ReferralsHandler()),
		ServiceWebhooks:      e.serviceHandler(ServiceWebhooks, e.pc.WriteError, e.pc.WebhooksHandler()),
		ServiceDataverse:     e.serviceHandler(ServiceDataverse, e.dv.WriteError, e.dv.Handler()),
		ServicePowerPlatform: e.serviceHandler(ServicePowerPlatform, e.pp.WriteError, e.pp.Handler()),
	}, nil
}

// Close stops every listener and background delivery and removes the
// temporary directory Start created (if any). It is safe to call twice.
func (e *Emulator) Close() error {
	e.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		var errs []error
		for _, s := range e.servers {
			if err := s.Shutdown(ctx); err != nil {
				errs = append(errs, err, s.Close())
			}
		}
		if e.pc != nil {
			e.pc.Close()
		}
		if e.tmpDir != "" {
			errs = append(errs, os.RemoveAll(e.tmpDir))
		}
		e.closeErr = errors.Join(errs...)
	})
	return e.closeErr
}

// Scenario returns the scenario the emulator started from.
func (e *Emulator) Scenario() Scenario { return e.scenario }

// Metrics counts the requests of every service.
func (e *Emulator) Metrics() *core.Metrics { return e.metrics }

// Faults configures fault injection per service.
func (e *Emulator) Faults() *core.FaultInjector { return e.faults }

// Entra is the identity provider (token endpoint, test token minting).
func (e *Emulator) Entra() *entra.Service { return e.entra }

// PartnerCenter serves Referrals and Webhooks.
func (e *Emulator) PartnerCenter() *partnercenter.Service { return e.pc }

// Dataverse is the Dataverse organisation.
func (e *Emulator) Dataverse() *dataverse.Service { return e.dv }

// PowerPlatform is the connectivity API.
func (e *Emulator) PowerPlatform() *powerplatform.Service { return e.pp }

// HTTPClient returns a client that trusts the emulator CA (and the system
// roots), for tests.
func (e *Emulator) HTTPClient() *http.Client { return e.newClient(30 * time.Second) }

// ServerTLSConfig is a TLS config with the emulator's certificate
// (127.0.0.1, ::1, localhost), for test servers the emulator must call,
// e.g. webhook receivers: httptest.NewUnstartedServer + TLS + StartTLS.
func (e *Emulator) ServerTLSConfig() *tls.Config { return e.pki.serverConfig() }

func (e *Emulator) newClient(timeout time.Duration) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{RootCAs: e.pki.rootPool(), MinVersion: tls.VersionTLS12}
	// Keep the connections of concurrent callers (signed deliveries, a
	// receiver's parallel reconciles): with the default of 2 idle per host,
	// every burst pays a TLS handshake per connection.
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr, Timeout: timeout}
}

// logWriter adapts Logf to the io.Writer a log.Logger needs.
type logWriter func(string, ...any)

func (l logWriter) Write(p []byte) (int, error) {
	l("%s", strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

var _ io.Writer = logWriter(nil)

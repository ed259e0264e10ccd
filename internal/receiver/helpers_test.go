package receiver

import (
	"bytes"
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"log/slog"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// signingPKI is a Microsoft-like dispatch certificate: a root (O=Microsoft
// Corporation) and a leaf it issued, whose key signs event bodies.
type signingPKI struct {
	root    *x509.Certificate
	leafDER []byte
	key     *rsa.PrivateKey
}

var (
	pkiOnce   sync.Once
	sharedPKI [2]*signingPKI // [0] trusted, [1] an impostor with the same names
)

func testPKI(t testing.TB, i int) *signingPKI {
	pkiOnce.Do(func() {
		for n := range sharedPKI {
			sharedPKI[n] = newSigningPKI()
		}
	})
	return sharedPKI[i]
}

func newSigningPKI() *signingPKI {
	now := time.Now()
	rootKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	rootTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Microsoft Root", Organization: []string{"Microsoft Corporation"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(24 * time.Hour), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign,
	}
	rootDER, err := x509.CreateCertificate(rand.Reader, rootTmpl, rootTmpl, &rootKey.PublicKey, rootKey)
	if err != nil {
		panic(err)
	}
	root, _ := x509.ParseCertificate(rootDER)
	key, _ := rsa.GenerateKey(rand.Reader, 2048)
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "pcnotifications-dispatch.microsoft.com", Organization: []string{"Microsoft Corporation"}},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(12 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, root, &key.PublicKey, rootKey)
	if err != nil {
		panic(err)
	}
	return &signingPKI{root: root, leafDER: leafDER, key: key}
}

func (p *signingPKI) sign(body []byte) string {
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(nil, p.key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// fakeEngine stands in for the sync engine: Partner Center holds a version
// per referral, "Dataverse" the version last written; a reconcile copies the
// one to the other and counts. gate, when set, blocks every reconcile.
type fakeEngine struct {
	mu         sync.Mutex
	pc, dv     map[string]int
	calls      map[string]int
	total      int
	sweeps     int
	running    map[string]int
	maxSame    int // most reconciles of one referral at once
	inFlight   int
	maxFlight  int
	failFirst  map[string]int // referral → errors to return first
	gate       chan struct{}
	sawCancel  bool
	reconciled chan string
}

func newFakeEngine() *fakeEngine {
	return &fakeEngine{pc: map[string]int{}, dv: map[string]int{}, calls: map[string]int{}, running: map[string]int{},
		failFirst: map[string]int{}, reconciled: make(chan string, 10000)}
}

func (f *fakeEngine) ReconcileReferral(ctx context.Context, id string) (Result, error) {
	f.mu.Lock()
	f.calls[id]++
	f.total++
	f.running[id]++
	f.maxSame = max(f.maxSame, f.running[id])
	f.inFlight++
	f.maxFlight = max(f.maxFlight, f.inFlight)
	version := f.pc[id] // read at the start, as the engine does
	gate := f.gate
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.running[id]--
		f.inFlight--
		f.mu.Unlock()
	}()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			f.mu.Lock()
			f.sawCancel = true
			f.mu.Unlock()
			return Result{}, ctx.Err()
		}
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failFirst[id] > 0 {
		f.failFirst[id]--
		return Result{}, errors.New("dataverse: 503 after retries")
	}
	f.dv[id] = version
	f.reconciled <- id
	return Result{Written: 1}, nil
}

func (f *fakeEngine) Sweep(context.Context) (Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sweeps++
	return Result{}, nil
}

func (f *fakeEngine) snapshot() (total int, calls map[string]int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	c := map[string]int{}
	for k, v := range f.calls {
		c[k] = v
	}
	return f.total, c
}

// fixture is a started receiver with a trusted certificate server.
type fixture struct {
	t       testing.TB
	pki     *signingPKI
	certSrv *httptest.Server
	certURL string
	eng     *fakeEngine
	r       *Receiver
	h       http.Handler
	logs    *syncBuffer
	cfg     Config
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

const certPath = "/cert/pcnotifications-dispatch.microsoft.com.cer"

// newCertServer serves p's leaf at certPath and a redirect to it at /moved.
func newCertServer(t testing.TB, p *signingPKI) *httptest.Server {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case certPath:
			w.Header().Set("Content-Type", "application/pkix-cert")
			_, _ = w.Write(p.leafDER)
		case "/moved":
			http.Redirect(w, r, certPath, http.StatusFound)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func newFixture(t testing.TB, mods ...func(*Config)) *fixture {
	eng := newFakeEngine()
	return newFixtureWith(t, eng, eng, mods...)
}

// newFixtureWith is newFixture over rec, whose single-referral work is eng's.
func newFixtureWith(t testing.TB, rec Reconciler, eng *fakeEngine, mods ...func(*Config)) *fixture {
	p := testPKI(t, 0)
	srv := newCertServer(t, p)
	u, _ := url.Parse(srv.URL)
	cfg := DefaultConfig()
	cfg.CertificateHosts = []string{u.Host}
	cfg.CoalesceWindow = 20 * time.Millisecond
	cfg.SweepInterval = time.Hour
	cfg.DrainTimeout = 5 * time.Second
	for _, m := range mods {
		m(&cfg)
	}
	roots := x509.NewCertPool()
	roots.AddCert(p.root)
	logs := &syncBuffer{}
	r, err := New(cfg, rec, Options{
		Logger:               slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Roots:                roots,
		CertificateTransport: srv.Client().Transport,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	r.Start(ctx)
	t.Cleanup(func() {
		r.Shutdown(context.Background())
		cancel()
	})
	return &fixture{t: t, pki: p, certSrv: srv, certURL: srv.URL + certPath, eng: eng, r: r, h: r.Handler(), logs: logs, cfg: cfg}
}

func eventBody(name, id string, at time.Time) []byte {
	return fmt.Appendf(nil, `{"EventName":%q,"ResourceUri":"https://api.partnercenter.microsoft.com/engagements/v1/referrals/%s","ResourceName":"referral","AuditUri":null,"ResourceChangeUtcDate":%q}`,
		name, id, at.UTC().Format("2006-01-02T15:04:05.0000000+00:00"))
}

// signedHeaders are the headers Partner Center sends (Authorization form).
func (f *fixture) signedHeaders(body []byte) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	h.Set("Authorization", "Signature "+f.pki.sign(body))
	h.Set("X-MS-Certificate-Url", f.certURL)
	h.Set("X-MS-Signature-Algorithm", "rsa-sha256")
	return h
}

func (f *fixture) do(method, path string, h http.Header, body []byte) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader(body))
	for k, v := range h {
		req.Header[k] = v
	}
	w := httptest.NewRecorder()
	f.h.ServeHTTP(w, req)
	return w
}

func (f *fixture) deliver(body []byte) *httptest.ResponseRecorder {
	return f.do(http.MethodPost, f.cfg.Path, f.signedHeaders(body), body)
}

// settle waits until the queue is empty and nothing runs.
func (f *fixture) settle() {
	f.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if f.r.q.depth() == 0 && f.r.q.inFlight() == 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	f.t.Fatalf("queue did not settle: depth %d, in flight %d", f.r.q.depth(), f.r.q.inFlight())
}

func (f *fixture) metric(name string) string {
	w := f.do(http.MethodGet, "/metrics", nil, nil)
	var out []string
	for _, l := range strings.Split(w.Body.String(), "\n") {
		if strings.HasPrefix(l, name) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

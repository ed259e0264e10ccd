package auth

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
)

// emu is the Entra emulator on a TLS listener, as the provider meets it.
type emu struct {
	svc *entra.Service
	srv *httptest.Server
	// tokenCalls counts requests to the token endpoint (all grants).
	tokenCalls atomic.Int64
	// failNext makes the next N token requests answer 503.
	failNext atomic.Int64
}

func newEmu(t *testing.T, edit func(*entra.Scenario)) *emu {
	t.Helper()
	sc := entra.DefaultScenario()
	// Single-use refresh tokens: the strictest Entra behaviour, so a client
	// that forgets to keep the rotated token fails here.
	single := true
	sc.RotateRefreshTokens = &single
	if edit != nil {
		edit(&sc)
	}
	e := &emu{}
	var base string
	svc, err := entra.New(sc, entra.Options{BaseURL: func() string { return base }})
	if err != nil {
		t.Fatal(err)
	}
	h := svc.Handler()
	e.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			e.tokenCalls.Add(1)
			if e.failNext.Load() > 0 {
				e.failNext.Add(-1)
				svc.WriteError(w, http.StatusServiceUnavailable, "ServiceUnavailable", "try later")
				return
			}
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)
	base = e.srv.URL
	e.svc = svc
	return e
}

// config is a configuration pointing at the emulator, with no credential.
func (e *emu) config() Config {
	return Config{
		TenantID:      entra.DefaultTenantID,
		ClientID:      entra.DefaultClientID,
		AuthorityHost: e.srv.URL,
		HTTPClient:    e.srv.Client(),
	}
}

func (e *emu) verify(t *testing.T, tok string) *core.Claims {
	t.Helper()
	c, err := e.svc.Verify(tok)
	if err != nil {
		t.Fatalf("token does not verify: %v", err)
	}
	return c
}

func mustNew(t *testing.T, cfg Config) *Credentials {
	t.Helper()
	c, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// selfSigned makes an RSA key and certificate for certificate credentials.
func selfSigned(t *testing.T) (*rsa.PrivateKey, *x509.Certificate, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "cosell-provider-test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

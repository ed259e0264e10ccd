package receiver

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

// Refusal reasons: the label of the refused-callbacks metric and of the log
// line. They never carry the signature or the body.
const (
	ReasonMethod      = "method"
	ReasonPath        = "path"
	ReasonHeaders     = "headers"
	ReasonTooLarge    = "too_large"
	ReasonCertURL     = "certificate_url"
	ReasonCertFetch   = "certificate_fetch"
	ReasonCertChain   = "certificate_chain"
	ReasonSignature   = "signature"
	ReasonMalformed   = "malformed"
	ReasonReplay      = "replay_window"
	ReasonNoReferral  = "no_referral_id"
	ReasonQueueFull   = "queue_full"
	ReasonDraining    = "draining"
	reasonUnreachable = "internal"
)

// refusal is a verification failure: the reason label and the status to answer.
type refusal struct {
	reason string
	status int
	err    error // for the log line; never the signature
}

func (r *refusal) Error() string { return r.reason + ": " + r.err.Error() }

func refuse(reason string, status int, err error) *refusal {
	return &refusal{reason: reason, status: status, err: err}
}

// Verifier checks callbacks per §3.4. It fetches the certificate named by
// X-MS-Certificate-Url (https, allow-listed host, no redirect), verifies its
// chain and issuer, caches it until it expires and checks the RSA-SHA256
// signature over the raw body. Safe for concurrent use.
type Verifier struct {
	hosts         []string
	roots         *x509.CertPool // nil: system roots
	intermediates *x509.CertPool
	client        *http.Client
	now           func() time.Time

	mu    sync.Mutex
	cache map[string]*certEntry
}

type certEntry struct {
	mu      sync.Mutex // one fetch at a time per URL
	cert    *x509.Certificate
	until   time.Time // valid in cache until
	failed  time.Time // last failed fetch
	failErr error
}

// VerifierOptions configure NewVerifier.
type VerifierOptions struct {
	// CertificateHosts is the allow-list of certificate URL hosts ("host" or
	// "host:port"); empty means the documented host only.
	CertificateHosts []string
	// Roots verifies the certificate chain; nil means the system roots.
	Roots *x509.CertPool
	// Intermediates may complete the chain.
	Intermediates *x509.CertPool
	// Transport fetches the certificate (nil: http.DefaultTransport clone).
	Transport http.RoundTripper
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

// NewVerifier returns a Verifier.
func NewVerifier(o VerifierOptions) *Verifier {
	hosts := o.CertificateHosts
	if len(hosts) == 0 {
		hosts = []string{partnercenter.CertificateHost}
	}
	tr := o.Transport
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	return &Verifier{
		hosts: hosts, roots: o.Roots, intermediates: o.Intermediates, now: now,
		client: &http.Client{
			Transport: tr,
			Timeout:   certificateTimeout,
			// No redirect is followed: a redirect could lead anywhere.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
		cache: map[string]*certEntry{},
	}
}

// requireHeaders checks the three headers before the body is read.
func requireHeaders(h http.Header) *refusal {
	if h.Get(partnercenter.HeaderCertificateURL) == "" || h.Get(partnercenter.HeaderSignatureAlgorithm) == "" {
		return refuse(ReasonHeaders, http.StatusUnauthorized, errors.New("a certificate URL or signature algorithm header is missing"))
	}
	if h.Get(partnercenter.HeaderMSSignature) == "" && h.Get(partnercenter.HeaderAuthorization) == "" {
		return refuse(ReasonHeaders, http.StatusUnauthorized, errors.New("no signature header"))
	}
	return nil
}

// Verify checks the headers, the certificate and the signature of body.
func (v *Verifier) Verify(ctx context.Context, h http.Header, body []byte) *refusal {
	if r := requireHeaders(h); r != nil {
		return r
	}
	certURL := h.Get(partnercenter.HeaderCertificateURL)
	if err := partnercenter.ValidateCertificateURLOn(certURL, v.hosts); err != nil {
		return refuse(ReasonCertURL, http.StatusUnauthorized, err)
	}
	cert, r := v.certificate(ctx, certURL)
	if r != nil {
		return r
	}
	if err := partnercenter.VerifyCallback(h, body, cert); err != nil {
		return refuse(ReasonSignature, http.StatusUnauthorized, err)
	}
	return nil
}

// certificate returns the verified certificate behind url, from the cache
// when it is still valid there.
func (v *Verifier) certificate(ctx context.Context, url string) (*x509.Certificate, *refusal) {
	v.mu.Lock()
	e := v.cache[url]
	if e == nil {
		// The allow-list bounds the URLs to Microsoft's (or the operator's)
		// host; the map still gets a cap so no path trick can grow it.
		if len(v.cache) >= 64 {
			for k, old := range v.cache {
				if old.cert == nil || v.now().After(old.until) {
					delete(v.cache, k)
				}
			}
		}
		if len(v.cache) >= 64 {
			v.mu.Unlock()
			return nil, refuse(ReasonCertFetch, http.StatusUnauthorized, errors.New("too many certificate URLs"))
		}
		e = &certEntry{}
		v.cache[url] = e
	}
	v.mu.Unlock()

	e.mu.Lock()
	defer e.mu.Unlock()
	now := v.now()
	if e.cert != nil && now.Before(e.until) {
		return e.cert, nil
	}
	if !e.failed.IsZero() && now.Sub(e.failed) < CertificateRetryAfter {
		return nil, refuse(ReasonCertFetch, http.StatusUnauthorized, e.failErr)
	}
	cert, err := v.fetch(ctx, url)
	if err != nil {
		e.cert, e.failed, e.failErr = nil, now, err
		return nil, refuse(ReasonCertFetch, http.StatusUnauthorized, err)
	}
	if err := partnercenter.VerifyCertificate(cert, x509.VerifyOptions{
		Roots: v.roots, Intermediates: v.intermediates, CurrentTime: now,
	}); err != nil {
		e.cert, e.failed, e.failErr = nil, now, err
		return nil, refuse(ReasonCertChain, http.StatusUnauthorized, err)
	}
	e.cert, e.failed, e.failErr = cert, time.Time{}, nil
	e.until = now.Add(CertificateMaxAge)
	if cert.NotAfter.Before(e.until) {
		e.until = cert.NotAfter
	}
	return cert, nil
}

func (v *Verifier) fetch(ctx context.Context, url string) (*x509.Certificate, error) {
	req, err := http.NewRequestWithContext(context.WithoutCancel(ctx), http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := v.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetching the certificate: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetching the certificate: HTTP %d (redirects are not followed)", resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, certificateMaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("reading the certificate: %w", err)
	}
	if len(b) > certificateMaxBytes {
		return nil, errors.New("the certificate is larger than 64 KiB")
	}
	return parseCertificate(b)
}

// parseCertificate reads DER (the .cer served by Microsoft) or PEM.
func parseCertificate(b []byte) (*x509.Certificate, error) {
	if blk, _ := pem.Decode(b); blk != nil {
		b = blk.Bytes
	}
	c, err := x509.ParseCertificate(b)
	if err != nil {
		return nil, fmt.Errorf("parsing the certificate: %w", err)
	}
	return c, nil
}

// LoadRoots reads a PEM file of certificates: self-issued ones become roots,
// the others intermediates that may complete the dispatch certificate's chain.
func LoadRoots(pemBytes []byte) (roots, intermediates *x509.CertPool, err error) {
	roots, intermediates = x509.NewCertPool(), x509.NewCertPool()
	n := 0
	for {
		var blk *pem.Block
		blk, pemBytes = pem.Decode(pemBytes)
		if blk == nil {
			break
		}
		if blk.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(blk.Bytes)
		if err != nil {
			return nil, nil, fmt.Errorf("certificate %d: %w", n+1, err)
		}
		if bytes.Equal(c.RawSubject, c.RawIssuer) { // self-issued: a trust anchor
			roots.AddCert(c)
		} else {
			intermediates.AddCert(c)
		}
		n++
	}
	if n == 0 {
		return nil, nil, errors.New("no PEM certificate in it")
	}
	return roots, intermediates, nil
}

// deliveryKey identifies a delivery by its exact signed body.
func deliveryKey(body []byte) [32]byte { return sha256.Sum256(body) }

package partnercenter

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// signer signs event bodies the way Partner Center does (§3.4): RSA PKCS#1
// v1.5 over SHA-256 of the exact body bytes, base64-encoded, with a
// certificate whose subject names pcnotifications-dispatch.microsoft.com
// and the organisation Microsoft Corporation.
type signer struct {
	key     *rsa.PrivateKey
	certDER []byte
	cert    *x509.Certificate
}

func newSigner(key *rsa.PrivateKey, der []byte, now time.Time) (*signer, error) {
	var err error
	if key == nil {
		if der != nil {
			return nil, errors.New("partnercenter: SigningCertDER needs SigningKey")
		}
		if key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			return nil, fmt.Errorf("partnercenter: generating the signing key: %w", err)
		}
	}
	if der == nil {
		serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
		if err != nil {
			return nil, err
		}
		name := pkix.Name{CommonName: "pcnotifications-dispatch.microsoft.com", Organization: []string{"Microsoft Corporation"}}
		tmpl := &x509.Certificate{
			SerialNumber:          serial,
			Subject:               name,
			Issuer:                name,
			DNSNames:              []string{"pcnotifications-dispatch.microsoft.com"},
			NotBefore:             now.Add(-time.Hour),
			NotAfter:              now.AddDate(2, 0, 0),
			KeyUsage:              x509.KeyUsageDigitalSignature,
			BasicConstraintsValid: true,
		}
		if der, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key); err != nil {
			return nil, fmt.Errorf("partnercenter: creating the signing certificate: %w", err)
		}
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("partnercenter: parsing the signing certificate: %w", err)
	}
	if pub, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return nil, errors.New("partnercenter: the signing certificate does not hold the signing key's public key")
	}
	return &signer{key: key, certDER: der, cert: cert}, nil
}

// sign returns the base64 signature of body (without the "Signature " scheme).
func (s *signer) sign(body []byte) string {
	sum := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, sum[:])
	if err != nil { // only on a broken key, which newSigner rules out
		panic(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// Certificate returns the certificate that verifies event signatures.
func (s *Service) Certificate() *x509.Certificate { return s.signer.cert }

// CertificateDER returns that certificate as served at the certificate URL.
func (s *Service) CertificateDER() []byte { return append([]byte(nil), s.signer.certDER...) }

// CertificateURL is the X-MS-Certificate-Url sent with every event.
func (s *Service) CertificateURL() string {
	if s.opts.WebhooksBaseURL == nil {
		return realCertURL
	}
	return strings.TrimRight(s.opts.WebhooksBaseURL(), "/") + certPath
}

func (s *Service) serveCertificate(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/pkix-cert")
	w.Header().Set("Content-Length", strconv.Itoa(len(s.signer.certDER)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(s.signer.certDER)
}

package auth

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// parseCertificate reads a client certificate with its private key. PEM goes
// through MSAL's own confidential.CertFromPEM; MSAL has no PKCS#12 reader, so
// PKCS#12 is decoded with software.sslmate.com/src/go-pkcs12, which (unlike
// the frozen golang.org/x/crypto/pkcs12) reads the AES/PBES2 files OpenSSL 3
// and current Windows export by default. Base64 text of either is accepted,
// as environment variables and Terraform strings often carry it that way.
func parseCertificate(data []byte, password string) ([]*x509.Certificate, crypto.PrivateKey, error) {
	data = bytes.TrimSpace(data)
	if len(data) == 0 {
		return nil, nil, errors.New("the certificate is empty")
	}
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		if dec, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(data)), "")); err == nil {
			data = bytes.TrimSpace(dec)
		}
	}
	if bytes.Contains(data, []byte("-----BEGIN")) {
		certs, key, err := confidential.CertFromPEM(data, password)
		if err != nil {
			return nil, nil, fmt.Errorf("reading the PEM certificate: %w", err)
		}
		return certs, key, nil
	}
	key, leaf, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		if errors.Is(err, pkcs12.ErrIncorrectPassword) {
			return nil, nil, fmt.Errorf("reading the PKCS#12 certificate: wrong or missing %s", Hint(AttrClientCertificatePassword))
		}
		return nil, nil, fmt.Errorf("reading the certificate: neither PEM nor a readable PKCS#12 file: %w", err)
	}
	return append([]*x509.Certificate{leaf}, chain...), key, nil
}

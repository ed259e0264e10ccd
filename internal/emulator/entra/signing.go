package entra

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // x5t is defined as a SHA-1 thumbprint (RFC 7517 §4.8)
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"math/big"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// signingKey is an RSA key with a self-signed certificate, published in a
// JWKS the way Entra publishes its keys (kid, x5t, n, e, x5c).
type signingKey struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
	kid  string
	x5t  string
}

func newSigningKey(cn string) (*signingKey, error) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: cn},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(5 * 365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	sum := sha1.Sum(der) //nolint:gosec
	t := base64.RawURLEncoding.EncodeToString(sum[:])
	// Entra uses the x5t value as kid; so do we.
	return &signingKey{key: k, cert: cert, kid: t, x5t: t}, nil
}

func (k *signingKey) sign(claims jwt.MapClaims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = k.kid
	tok.Header["x5t"] = k.x5t
	return tok.SignedString(k.key)
}

// jwk is one entry of a JSON Web Key Set.
type jwk struct {
	Kty    string   `json:"kty"`
	Use    string   `json:"use"`
	Kid    string   `json:"kid"`
	X5t    string   `json:"x5t"`
	N      string   `json:"n"`
	E      string   `json:"e"`
	X5c    []string `json:"x5c"`
	Issuer string   `json:"issuer,omitempty"`
}

func (k *signingKey) jwk(issuer string) jwk {
	pub := k.key.PublicKey
	return jwk{
		Kty:    "RSA",
		Use:    "sig",
		Kid:    k.kid,
		X5t:    k.x5t,
		N:      base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		E:      base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
		X5c:    []string{base64.StdEncoding.EncodeToString(k.cert.Raw)},
		Issuer: issuer,
	}
}

// certThumbprints returns the SHA-1 and SHA-256 thumbprints of a certificate
// in every encoding a client might use in x5t / x5t#S256 (MSAL Go sends
// standard base64; RFC 7515 says base64url).
func certThumbprints(c *x509.Certificate) []string {
	s1 := sha1.Sum(c.Raw) //nolint:gosec
	s256 := sha256.Sum256(c.Raw)
	var out []string
	for _, b := range [][]byte{s1[:], s256[:]} {
		out = append(out,
			base64.StdEncoding.EncodeToString(b),
			base64.RawStdEncoding.EncodeToString(b),
			base64.URLEncoding.EncodeToString(b),
			base64.RawURLEncoding.EncodeToString(b))
	}
	return out
}

package entra

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"net/http"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/golang-jwt/jwt/v5"
	"github.com/google/uuid"
)

const certAppID = "44444444-4444-4444-8444-444444444444"

type testCert struct {
	key  *rsa.PrivateKey
	cert *x509.Certificate
	pem  string
}

func newTestCert(t *testing.T) testCert {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "cosell-test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return testCert{key: k, cert: c, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// assertion builds a client assertion the way MSAL Go does (PS256,
// x5t#S256 in standard base64) or, with rs256, the older x5t/RS256 form.
func (c testCert) assertion(t *testing.T, signer *rsa.PrivateKey, aud string, rs256, x5c bool) string {
	t.Helper()
	now := time.Now()
	claims := jwt.MapClaims{"aud": aud, "iss": certAppID, "sub": certAppID, "jti": uuid.NewString(),
		"nbf": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()}
	method := jwt.SigningMethod(jwt.SigningMethodPS256)
	if rs256 {
		method = jwt.SigningMethodRS256
	}
	tok := jwt.NewWithClaims(method, claims)
	if rs256 {
		s := sha1.Sum(c.cert.Raw) //nolint:gosec
		tok.Header["x5t"] = base64.RawURLEncoding.EncodeToString(s[:])
	} else {
		s := sha256.Sum256(c.cert.Raw)
		tok.Header["x5t#S256"] = base64.StdEncoding.EncodeToString(s[:])
	}
	if x5c {
		delete(tok.Header, "x5t")
		delete(tok.Header, "x5t#S256")
		tok.Header["x5c"] = []string{base64.StdEncoding.EncodeToString(c.cert.Raw)}
	}
	out, err := tok.SignedString(signer)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func assertionForm(a string) map[string]string {
	return map[string]string{"grant_type": "client_credentials", "client_id": certAppID,
		"client_assertion_type": clientAssertionType, "client_assertion": a, "scope": core.AudienceWebhooks + "/.default"}
}

func formOf(m map[string]string) []string {
	var kv []string
	for k, v := range m {
		kv = append(kv, k, v)
	}
	return kv
}

func TestCertificateAssertion(t *testing.T) {
	good := newTestCert(t)
	unregistered := newTestCert(t)
	f := newFixture(t, func(sc *Scenario) {
		sc.Apps = append(sc.Apps, App{ClientID: certAppID, Certificates: []string{good.pem}})
	})
	aud := f.svc.TokenEndpoint()

	for name, a := range map[string]string{
		"PS256 x5t#S256": good.assertion(t, good.key, aud, false, false),
		"RS256 x5t":      good.assertion(t, good.key, aud, true, false),
		"x5c":            good.assertion(t, good.key, aud, false, true),
	} {
		got := f.token(t, "", form(formOf(assertionForm(a))...))
		if got.Status != http.StatusOK {
			t.Fatalf("%s: %+v", name, got)
		}
		if c, err := f.svc.Verify(got.AccessToken); err != nil || !c.AppOnly || c.AppID != certAppID {
			t.Fatalf("%s: %v %+v", name, err, c)
		}
	}

	// Header names the registered cert, but another key signed it.
	got := f.token(t, "", form(formOf(assertionForm(good.assertion(t, unregistered.key, aud, false, false)))...))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 700027)
	// A certificate that is not registered on the app.
	got = f.token(t, "", form(formOf(assertionForm(unregistered.assertion(t, unregistered.key, aud, false, false)))...))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 700027)
	// Wrong audience.
	got = f.token(t, "", form(formOf(assertionForm(good.assertion(t, good.key, "https://login.microsoftonline.com/x/oauth2/v2.0/token", false, false)))...))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 700027)
	// Wrong assertion type.
	m := assertionForm(good.assertion(t, good.key, aud, false, false))
	m["client_assertion_type"] = "urn:something:else"
	wantError(t, f.token(t, "", form(formOf(m)...)), http.StatusBadRequest, "invalid_request", 50027)
	// Garbage.
	wantError(t, f.token(t, "", form(formOf(assertionForm("not.a.jwt"))...)), http.StatusUnauthorized, "invalid_client", 50027)

	if f.svc.Issued(GrantClientCredentials) != 3 {
		t.Errorf("issued %d", f.svc.Issued(GrantClientCredentials))
	}
}

func TestFederatedAssertion(t *testing.T) {
	const subject = "repo:contoso/infra:environment:production"
	f := newFixture(t, func(sc *Scenario) {
		sc.Apps = append(sc.Apps, App{ClientID: certAppID, FederatedSubjects: []string{subject}})
	})

	got := f.token(t, "", form(formOf(assertionForm(f.svc.IssueFederatedToken(subject)))...))
	if got.Status != http.StatusOK {
		t.Fatalf("%+v", got)
	}
	if c, err := f.svc.Verify(got.AccessToken); err != nil || c.Audience != core.AudienceWebhooks || c.AppID != certAppID {
		t.Fatalf("%v %+v", err, c)
	}

	// Subject not configured on the app.
	got = f.token(t, "", form(formOf(assertionForm(f.svc.IssueFederatedToken("repo:contoso/other:ref:refs/heads/main")))...))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 70021)

	// Signed by an issuer the tenant does not trust (another emulator's key).
	other := newFixture(t, nil)
	got = f.token(t, "", form(formOf(assertionForm(other.svc.IssueFederatedToken(subject)))...))
	wantError(t, got, http.StatusUnauthorized, "invalid_client", 700211)

	// Right key, wrong audience.
	tok, _ := f.svc.federated.sign(jwt.MapClaims{"iss": f.svc.FederatedIssuer(), "sub": subject, "aud": "api://other",
		"exp": time.Now().Add(time.Minute).Unix()})
	wantError(t, f.token(t, "", form(formOf(assertionForm(tok))...)), http.StatusUnauthorized, "invalid_client", 700212)

	// Expired.
	old := f.svc.IssueFederatedToken(subject)
	f.clock.Advance(16 * time.Minute) // 10 min lifetime + 5 min tolerated skew
	wantError(t, f.token(t, "", form(formOf(assertionForm(old))...)), http.StatusUnauthorized, "invalid_client", 700024)
}

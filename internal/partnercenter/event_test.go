package partnercenter

import (
	"bufio"
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"errors"
	"io"
	"math/big"
	"net/http"
	"net/textproto"
	"strings"
	"sync"
	"testing"
	"time"
)

type pki struct {
	caKey, leafKey *rsa.PrivateKey
	ca, leaf       *x509.Certificate
	roots          *x509.CertPool
}

var (
	pkiOnce sync.Once
	testPKI pki
)

// getPKI makes a throw-away CA ("O=Microsoft Corporation") and a dispatch
// certificate it issued, once per test binary.
func getPKI(t *testing.T) pki {
	t.Helper()
	pkiOnce.Do(func() {
		var err error
		if testPKI.caKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		if testPKI.leafKey, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
			panic(err)
		}
		now := time.Now()
		caTmpl := &x509.Certificate{
			SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Test Root", Organization: []string{"Microsoft Corporation"}},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), IsCA: true, BasicConstraintsValid: true,
			KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		}
		caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &testPKI.caKey.PublicKey, testPKI.caKey)
		if err != nil {
			panic(err)
		}
		testPKI.ca, _ = x509.ParseCertificate(caDER)
		leafTmpl := &x509.Certificate{
			SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "pcnotifications-dispatch.microsoft.com"},
			NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		}
		leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, testPKI.ca, &testPKI.leafKey.PublicKey, testPKI.caKey)
		if err != nil {
			panic(err)
		}
		testPKI.leaf, _ = x509.ParseCertificate(leafDER)
		testPKI.roots = x509.NewCertPool()
		testPKI.roots.AddCert(testPKI.ca)
	})
	return testPKI
}

func sign(t *testing.T, key *rsa.PrivateKey, body []byte) string {
	t.Helper()
	d := sha256.Sum256(body)
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, d[:])
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(sig)
}

// sampleHeaders reads testdata/webhook-callback.headers and replaces the
// signature placeholder.
func sampleHeaders(t *testing.T, sig string) http.Header {
	t.Helper()
	raw := readFile(t, "testdata/webhook-callback.headers")
	raw = bytes.ReplaceAll(raw, []byte("<base64 RSA-SHA256 signature of the exact body bytes>"), []byte(sig))
	mh, err := textproto.NewReader(bufio.NewReader(bytes.NewReader(append(raw, '\r', '\n')))).ReadMIMEHeader()
	if err != nil && !errors.Is(err, io.EOF) {
		t.Fatal(err)
	}
	return http.Header(mh)
}

func TestVerifyCallbackSample(t *testing.T) {
	p := getPKI(t)
	body := readFile(t, "testdata/webhook-callback.json")
	sig := sign(t, p.leafKey, body)
	h := sampleHeaders(t, sig)
	if !strings.HasPrefix(h.Get("Authorization"), "Signature ") || h.Get(HeaderCertificateURL) == "" {
		t.Fatalf("sample headers not parsed: %v", h)
	}
	if err := VerifyCallback(h, body, p.leaf); err != nil {
		t.Fatalf("valid sample callback rejected: %v", err)
	}
	if err := ValidateCertificateURL(h.Get(HeaderCertificateURL)); err != nil {
		t.Errorf("documented certificate URL rejected: %v", err)
	}

	tampered := bytes.Replace(body, []byte("referral-updated"), []byte("referral-created"), 1)
	if err := VerifyCallback(h, tampered, p.leaf); !errors.Is(err, ErrBadSignature) {
		t.Errorf("tampered body: %v", err)
	}
	if err := VerifyCallback(h, body, p.ca); !errors.Is(err, ErrBadSignature) {
		t.Errorf("wrong certificate: %v", err)
	}
	// A whitespace change is a different body: signatures cover exact bytes.
	if err := VerifyCallback(h, append(body, '\n'), p.leaf); err == nil {
		t.Errorf("trailing newline accepted")
	}

	ev, err := ParseEvent(body)
	if err != nil {
		t.Fatal(err)
	}
	id, err := ev.ReferralID()
	if ev.EventName != EventReferralUpdated || ev.ResourceName != ResourceNameReferral || err != nil || id != "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293" {
		t.Errorf("event = %+v id=%q err=%v", ev, id, err)
	}
	if ev.AuditURI != "" || ev.ResourceChangeUtcDate == nil || ev.ResourceChangeUtcDate.Year() != 2026 {
		t.Errorf("event dates: %+v", ev)
	}
}

func TestVerifyCallbackHeaderVariants(t *testing.T) {
	p := getPKI(t)
	body := []byte(`{"EventName":"test-created","ResourceUri":"https://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/x","ResourceName":"test","AuditUri":null,"ResourceChangeUtcDate":"2026-10-03T09:12:44+00:00"}`)
	sig := sign(t, p.leafKey, body)
	base := func() http.Header {
		h := http.Header{}
		h.Set(HeaderCertificateURL, "https://"+CertificateHost+"/cert/pcnotifications-dispatch.microsoft.com.cer")
		h.Set(HeaderSignatureAlgorithm, "rsa-sha256")
		return h
	}
	ok := map[string]http.Header{}
	h := base()
	h.Set("x-ms-signature", "Signature "+sig)
	ok["x-ms-signature with prefix"] = h
	h = base()
	h.Set("X-MS-Signature", sig)
	ok["x-ms-signature bare"] = h
	h = base()
	h.Set("Authorization", "signature "+sig)
	ok["authorization lower-case scheme"] = h
	h = base()
	h.Set("Authorization", "Bearer something-else")
	h.Set("x-ms-signature", sig)
	ok["x-ms-signature beside an unrelated Authorization"] = h
	h = base()
	h.Set("x-ms-signature", "Signature AAAA")
	h.Set("Authorization", "Signature "+sig)
	ok["bad x-ms-signature but good Authorization"] = h
	h = base()
	h.Set(HeaderSignatureAlgorithm, "RSA-SHA256")
	h.Set("Authorization", "Signature "+strings.TrimRight(sig, "="))
	ok["algorithm case, unpadded base64"] = h
	for name, h := range ok {
		if err := VerifyCallback(h, body, p.leaf); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}

	bad := map[string]http.Header{}
	h = base()
	bad["no signature"] = h
	h = base()
	h.Set("Authorization", sig)
	bad["Authorization without the Signature scheme"] = h
	h = base()
	h.Set("Authorization", "Signature "+sig)
	h.Del(HeaderCertificateURL)
	bad["no certificate url"] = h
	h = base()
	h.Set("Authorization", "Signature "+sig)
	h.Del(HeaderSignatureAlgorithm)
	bad["no algorithm"] = h
	h = base()
	h.Set("Authorization", "Signature "+sig)
	h.Set(HeaderSignatureAlgorithm, "rsa-sha1")
	bad["other algorithm"] = h
	h = base()
	h.Set("Authorization", "Signature !!!not-base64!!!")
	bad["garbage"] = h
	for name, h := range bad {
		if err := VerifyCallback(h, body, p.leaf); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if err := VerifyCallback(ok["x-ms-signature bare"], body, nil); err == nil {
		t.Errorf("nil certificate accepted")
	}
}

func TestValidateCertificateURL(t *testing.T) {
	for _, u := range []string{
		"http://3psostorageacct.blob.core.windows.net/cert/x.cer",
		"https://evil.example/cert/x.cer",
		"https://3psostorageacct.blob.core.windows.net.evil.example/x.cer",
		"https://user@3psostorageacct.blob.core.windows.net/x.cer",
		"https://3psostorageacct.blob.core.windows.net:8443/x.cer",
		"::::",
	} {
		if ValidateCertificateURL(u) == nil {
			t.Errorf("accepted %s", u)
		}
	}
	if err := ValidateCertificateURL("https://3PSOSTORAGEACCT.blob.core.windows.net/cert/x.cer"); err != nil {
		t.Errorf("host case: %v", err)
	}
}

func TestVerifyCertificate(t *testing.T) {
	p := getPKI(t)
	if err := VerifyCertificate(p.leaf, x509.VerifyOptions{Roots: p.roots}); err != nil {
		t.Errorf("good chain: %v", err)
	}
	if err := VerifyCertificate(p.leaf, x509.VerifyOptions{Roots: x509.NewCertPool()}); err == nil {
		t.Errorf("untrusted chain accepted")
	}
	// A self-signed cert from another organization chains to itself but fails the issuer check.
	key := p.caKey
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(9), Subject: pkix.Name{CommonName: "x", Organization: []string{"Contoso"}},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	other, _ := x509.ParseCertificate(der)
	pool := x509.NewCertPool()
	pool.AddCert(other)
	if err := VerifyCertificate(other, x509.VerifyOptions{Roots: pool}); err == nil || !strings.Contains(err.Error(), "Microsoft Corporation") {
		t.Errorf("foreign issuer: %v", err)
	}
}

func TestEventNames(t *testing.T) {
	if len(ReferralEvents()) != 4 {
		t.Errorf("referral events: %v", ReferralEvents())
	}
	seen := map[string]bool{}
	for _, e := range DocumentedEvents() {
		if seen[e] {
			t.Errorf("duplicate %s", e)
		}
		seen[e] = true
		if !IsDocumentedEvent(e) {
			t.Errorf("%s not documented?", e)
		}
	}
	for _, e := range []string{EventReferralCreated, EventRelatedReferralUpdated, EventTestCreated, "granular-admin-relationship-approved", "new-commerce-migration-completed"} {
		if !IsDocumentedEvent(e) {
			t.Errorf("%s should be documented", e)
		}
	}
	for _, e := range []string{"referral-deleted", "granular-admin-relationship-", "", "Referral-Created"} {
		if IsDocumentedEvent(e) {
			t.Errorf("%q should not be documented", e)
		}
	}
	// ReferralEvents returns a fresh slice each call.
	r := ReferralEvents()
	r[0] = "x"
	if ReferralEvents()[0] != EventReferralCreated {
		t.Errorf("ReferralEvents shares its backing array")
	}
}

func TestParseEventErrors(t *testing.T) {
	if _, err := ParseEvent([]byte(`{}`)); err == nil {
		t.Errorf("event without a name accepted")
	}
	if _, err := ParseEvent([]byte(`nope`)); err == nil {
		t.Errorf("garbage accepted")
	}
	ev := &Event{ResourceURI: "https://api.partnercenter.microsoft.com/engagements/v1/referrals/"}
	if _, err := ev.ReferralID(); err == nil {
		t.Errorf("URI without an id accepted")
	}
}

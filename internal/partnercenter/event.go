package partnercenter

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// Webhook event names (partner-center-api.md §3.3): the single source of truth.
const (
	EventReferralCreated        = "referral-created"
	EventReferralUpdated        = "referral-updated"
	EventRelatedReferralCreated = "related-referral-created"
	EventRelatedReferralUpdated = "related-referral-updated"

	EventTestCreated                                    = "test-created"
	EventSubscriptionUpdated                            = "subscription-updated"
	EventUsageRecordsThresholdExceeded                  = "usagerecords-thresholdExceeded"
	EventInvoiceReady                                   = "invoice-ready"
	EventAzureFraudEventDetected                        = "azure-fraud-event-detected"
	EventResellerRelationshipAcceptedByCustomer         = "reseller-relationship-accepted-by-customer"
	EventIndirectResellerRelationshipAcceptedByCustomer = "indirect-reseller-relationship-accepted-by-customer"
)

// Event families documented only by prefix ("dap-admin-relationship-*", …).
const (
	EventFamilyDAPAdminRelationship          = "dap-admin-relationship-"
	EventFamilyGranularAdminRelationship     = "granular-admin-relationship-"
	EventFamilyGranularAdminAccessAssignment = "granular-admin-access-assignment-"
	EventFamilyNewCommerceMigration          = "new-commerce-migration-"
)

// ResourceNameReferral is the ResourceName of the referral events.
const ResourceNameReferral = "referral"

// ReferralEvents returns the four referral event names.
func ReferralEvents() []string {
	return []string{EventReferralCreated, EventReferralUpdated, EventRelatedReferralCreated, EventRelatedReferralUpdated}
}

// DocumentedEvents returns every fully named documented event.
func DocumentedEvents() []string {
	return append(ReferralEvents(),
		EventTestCreated, EventSubscriptionUpdated, EventUsageRecordsThresholdExceeded, EventInvoiceReady,
		EventAzureFraudEventDetected, EventResellerRelationshipAcceptedByCustomer,
		EventIndirectResellerRelationshipAcceptedByCustomer)
}

// EventFamilies returns the documented event-name prefixes.
func EventFamilies() []string {
	return []string{EventFamilyDAPAdminRelationship, EventFamilyGranularAdminRelationship,
		EventFamilyGranularAdminAccessAssignment, EventFamilyNewCommerceMigration}
}

// IsDocumentedEvent reports whether name is a documented event or belongs to a
// documented family.
func IsDocumentedEvent(name string) bool {
	for _, e := range DocumentedEvents() {
		if name == e {
			return true
		}
	}
	for _, p := range EventFamilies() {
		if strings.HasPrefix(name, p) && len(name) > len(p) {
			return true
		}
	}
	return false
}

// Event is the callback body Partner Center posts to the webhook URL.
type Event struct {
	EventName             string `json:"EventName"`
	ResourceURI           string `json:"ResourceUri"`
	ResourceName          string `json:"ResourceName"`
	AuditURI              string `json:"AuditUri,omitempty"` // the event-model table's "AuditUrl" is a doc error
	ResourceChangeUtcDate *Time  `json:"ResourceChangeUtcDate,omitempty"`
}

// ParseEvent decodes a callback body (verify it first with VerifyCallback).
func ParseEvent(body []byte) (*Event, error) {
	var e Event
	if err := json.Unmarshal(body, &e); err != nil {
		return nil, fmt.Errorf("partnercenter: decode webhook event: %w", err)
	}
	if e.EventName == "" {
		return nil, errors.New("partnercenter: webhook event has no EventName")
	}
	return &e, nil
}

// ReferralID returns the referral id named by a referral event: the last
// segment of ResourceUri (…/engagements/v1/referrals/{id}, which is not the
// Referrals API path; GET the id from the Referrals API).
func (e *Event) ReferralID() (string, error) {
	u, err := url.Parse(e.ResourceURI)
	if err != nil || u.Path == "" {
		return "", fmt.Errorf("partnercenter: event ResourceUri %q is not a URI", e.ResourceURI)
	}
	id := path.Base(strings.TrimRight(u.Path, "/"))
	if id == "" || id == "." || id == "/" || id == "referrals" {
		return "", fmt.Errorf("partnercenter: event ResourceUri %q names no referral", e.ResourceURI)
	}
	return id, nil
}

// Callback header names and the documented certificate host.
const (
	HeaderAuthorization      = "Authorization"
	HeaderMSSignature        = "x-ms-signature"
	HeaderCertificateURL     = "X-MS-Certificate-Url"
	HeaderSignatureAlgorithm = "X-MS-Signature-Algorithm"
	SignatureAlgorithmRSA256 = "rsa-sha256"
	// CertificateHost is where Partner Center's dispatch certificate is served.
	CertificateHost = "3psostorageacct.blob.core.windows.net"
	// CertificateIssuerOrganization must appear in the certificate's issuer.
	CertificateIssuerOrganization = "Microsoft Corporation"
)

// ErrBadSignature means no signature header verified against the body.
var ErrBadSignature = errors.New("partnercenter: webhook signature does not verify")

// VerifyCallback checks a callback's signature (§3.4): the certificate-URL and
// algorithm headers must be present, the algorithm must be rsa-sha256, and the
// base64 signature from x-ms-signature or Authorization (with or without the
// "Signature " prefix) must be an RSA PKCS#1 v1.5 signature of SHA-256(body)
// under cert's public key. body must be the exact bytes received. It does no
// I/O: fetching the certificate (from a URL accepted by
// ValidateCertificateURL) and checking it (VerifyCertificate) is the caller's.
func VerifyCallback(h http.Header, body []byte, cert *x509.Certificate) error {
	if cert == nil {
		return errors.New("partnercenter: no certificate to verify the webhook with")
	}
	if h.Get(HeaderCertificateURL) == "" {
		return fmt.Errorf("partnercenter: webhook lacks the %s header", HeaderCertificateURL)
	}
	alg := strings.TrimSpace(h.Get(HeaderSignatureAlgorithm))
	if alg == "" {
		return fmt.Errorf("partnercenter: webhook lacks the %s header", HeaderSignatureAlgorithm)
	}
	if !strings.EqualFold(alg, SignatureAlgorithmRSA256) {
		return fmt.Errorf("partnercenter: unsupported webhook signature algorithm %q", alg)
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return errors.New("partnercenter: webhook certificate key is not RSA")
	}
	candidates := signatureCandidates(h)
	if len(candidates) == 0 {
		return fmt.Errorf("partnercenter: webhook has neither %s nor a Signature in %s", HeaderMSSignature, HeaderAuthorization)
	}
	digest := sha256.Sum256(body)
	for _, c := range candidates {
		sig, err := decodeSignature(c)
		if err != nil {
			continue
		}
		if rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest[:], sig) == nil {
			return nil
		}
	}
	return ErrBadSignature
}

// signatureCandidates: x-ms-signature first (when present the sender chose it),
// then Authorization. Authorization is only a candidate with the "Signature "
// scheme, since a bare value there could be any credential.
func signatureCandidates(h http.Header) []string {
	var out []string
	for _, v := range h.Values(HeaderMSSignature) {
		if v = strings.TrimSpace(v); v != "" {
			out = append(out, stripSignaturePrefix(v))
		}
	}
	for _, v := range h.Values(HeaderAuthorization) {
		v = strings.TrimSpace(v)
		if s := stripSignaturePrefix(v); s != v {
			out = append(out, s)
		}
	}
	return out
}

func stripSignaturePrefix(v string) string {
	const p = "signature "
	if len(v) > len(p) && strings.EqualFold(v[:len(p)], p) {
		return strings.TrimSpace(v[len(p):])
	}
	return v
}

func decodeSignature(s string) ([]byte, error) {
	if b, err := base64.StdEncoding.DecodeString(s); err == nil {
		return b, nil
	}
	return base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
}

// ValidateCertificateURL applies the hardening rules for X-MS-Certificate-Url:
// https only, on CertificateHost, no credentials, default port. The caller's
// HTTP client should also refuse redirects when fetching it.
func ValidateCertificateURL(raw string) error {
	return ValidateCertificateURLOn(raw, []string{CertificateHost})
}

// ValidateCertificateURLOn is ValidateCertificateURL with an allow-list of
// hosts: an entry "host" admits that host on the default port, "host:port"
// exactly that port (e.g. an emulator on loopback).
func ValidateCertificateURLOn(raw string, hosts []string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("partnercenter: certificate URL: %w", err)
	}
	if u.Scheme != "https" {
		return fmt.Errorf("partnercenter: certificate URL %q is not https", raw)
	}
	if u.User == nil {
		for _, h := range hosts {
			if strings.Contains(h, ":") && strings.EqualFold(u.Host, h) ||
				u.Port() == "" && strings.EqualFold(u.Hostname(), h) {
				return nil
			}
		}
	}
	return fmt.Errorf("partnercenter: certificate URL %q is not on %s", raw, strings.Join(hosts, " or "))
}

// VerifyCertificate checks that cert chains to opts.Roots (nil = system roots;
// Microsoft Root in production) and that its issuer organization contains
// "Microsoft Corporation". opts.KeyUsages defaults to any usage.
func VerifyCertificate(cert *x509.Certificate, opts x509.VerifyOptions) error {
	if cert == nil {
		return errors.New("partnercenter: no certificate")
	}
	if len(opts.KeyUsages) == 0 {
		opts.KeyUsages = []x509.ExtKeyUsage{x509.ExtKeyUsageAny}
	}
	if _, err := cert.Verify(opts); err != nil {
		return fmt.Errorf("partnercenter: webhook certificate chain: %w", err)
	}
	for _, o := range cert.Issuer.Organization {
		if strings.Contains(o, CertificateIssuerOrganization) {
			return nil
		}
	}
	return fmt.Errorf("partnercenter: webhook certificate issuer %q is not %s", cert.Issuer.String(), CertificateIssuerOrganization)
}

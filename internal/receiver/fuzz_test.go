package receiver

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzCallback throws arbitrary headers and bodies at the callback handler:
// it must never panic, answer only with a refusal, and never reconcile
// (nothing the fuzzer makes can carry a valid signature). `go test` runs the
// seed corpus; `make fuzz-receiver` runs it for a bounded time.
func FuzzCallback(f *testing.F) {
	fx := newFixture(f, func(c *Config) { c.CoalesceWindow = 0 })
	base := fx
	valid := eventBody("referral-updated", "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293", time.Now())
	sig := base.pki.sign(valid)
	tampered := append([]byte(nil), valid...)
	tampered[20] ^= 1
	for _, s := range []struct {
		method, path, auth, msSig, certURL, alg string
		body                                    []byte
	}{
		{"POST", DefaultPath, "Signature " + sig, "", base.certURL, "rsa-sha256", tampered},
		{"POST", DefaultPath, "", "Signature " + sig, base.certURL, "rsa-sha256", tampered},
		{"POST", DefaultPath, "Signature " + sig, "", "https://3psostorageacct.blob.core.windows.net/cert/x.cer", "rsa-sha256", valid},
		{"POST", DefaultPath, "Signature !!!", "", base.certURL, "RSA-SHA256", valid},
		{"POST", DefaultPath, "Bearer x", "", base.certURL, "rsa-sha256", []byte(`{"EventName":"test-created"}`)},
		{"POST", DefaultPath, "Signature " + sig, "", "http://127.0.0.1/cert", "rsa-sha256", []byte(`{}`)},
		{"POST", DefaultPath, "", "", "", "", nil},
		{"GET", DefaultPath, "Signature " + sig, "", base.certURL, "rsa-sha256", valid},
		{"POST", "/metricsx", "Signature " + sig, "", base.certURL, "rsa-sha256", valid},
		{"POST", DefaultPath, "Signature " + sig, "", "https://user@127.0.0.1:1/%zz", "rsa-sha256", []byte("\xff\xfe")},
	} {
		f.Add(s.method, s.path, s.auth, s.msSig, s.certURL, s.alg, s.body)
	}
	f.Fuzz(func(t *testing.T, method, path, auth, msSig, certURL, alg string, body []byte) {
		if !validMethod(method) || len(path) == 0 || path[0] != '/' {
			return // not a request line a server would hand to the handler
		}
		h := http.Header{}
		for k, v := range map[string]string{"Authorization": auth, "x-ms-signature": msSig,
			"X-MS-Certificate-Url": certURL, "X-MS-Signature-Algorithm": alg} {
			if v != "" {
				h.Set(k, v)
			}
		}
		req, err := http.NewRequest(method, "http://receiver.test"+path, bytes.NewReader(body))
		if err != nil {
			return
		}
		req.Header = h
		w := httptest.NewRecorder()
		fx.h.ServeHTTP(w, req)
		if req.URL.Path == fx.cfg.Path && (w.Code == http.StatusOK || w.Code == http.StatusServiceUnavailable) {
			t.Fatalf("a fuzzed callback was accepted (%d)", w.Code)
		}
		if total, calls := fx.eng.snapshot(); total != 0 {
			t.Fatalf("a fuzzed callback reconciled %v", calls)
		}
	})
}

func validMethod(m string) bool {
	if m == "" {
		return false
	}
	for _, c := range m {
		if c <= ' ' || c >= 0x7f || c == '(' || c == ')' || c == '<' || c == '>' || c == '@' || c == ',' || c == ';' ||
			c == ':' || c == '\\' || c == '"' || c == '/' || c == '[' || c == ']' || c == '?' || c == '=' || c == '{' || c == '}' {
			return false
		}
	}
	return true
}

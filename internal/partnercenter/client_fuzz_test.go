package partnercenter

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
)

// Fuzz targets for what the client builds from, and reads off, the wire.
// `go test` runs the seeds; `make fuzz` explores each for a bounded time.

// fakeDoer answers requests in turn with bodies and records the URLs asked.
type fakeDoer struct {
	mu     sync.Mutex
	bodies []string
	urls   []*url.URL
	sent   [][]byte
}

func (d *fakeDoer) Do(r *http.Request) (*http.Response, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var sent []byte
	if r.Body != nil {
		sent, _ = io.ReadAll(r.Body)
	}
	d.urls = append(d.urls, r.URL)
	d.sent = append(d.sent, sent)
	body := `{"value":[]}`
	if n := len(d.urls) - 1; n < len(d.bodies) {
		body = d.bodies[n]
	}
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(body)), Request: r}, nil
}

// FuzzListNextLink: whatever @odata.nextLink a server sends, the client
// only ever requests the configured base URL and collection path (the
// token must never leave for another host), and stops on a repeated link.
func FuzzListNextLink(f *testing.F) {
	for _, s := range []string{
		"https://api.partner.microsoft.com/v1.0/engagements/referrals?$skiptoken=abc",
		"http://api.partner.microsoft.com/engagements/referrals?$skiptoken=abc", // the doc's shape
		"https://evil.example/steal?$skiptoken=abc",
		"//evil.example/?x=1",
		"/relative?$skiptoken=1",
		"https://user:pass@evil.example:8443/x?y=z#frag",
		"no query",
		"%zz?%zz",
		"?$skiptoken=a&$top=1",
		"https://api.partner.microsoft.com/v1.0/engagements/referrals?$skiptoken=abc\r\nX: y",
		"",
	} {
		f.Add(s)
	}
	const base = "https://api.example.test"
	f.Fuzz(func(t *testing.T, link string) {
		page, _ := json.Marshal(map[string]any{"value": []any{map[string]any{"id": "r1"}}, "@odata.nextLink": link})
		d := &fakeDoer{bodies: []string{string(page), string(page)}}
		rc := NewReferralsClient(d, base)
		var got int
		err := rc.ListPages(context.Background(), ListOptions{Top: 5}, func(p []Referral) error { got += len(p); return nil })
		for i, u := range d.urls {
			if u.Scheme != "https" || u.Host != "api.example.test" || u.Path != ReferralsPath || u.User != nil {
				t.Fatalf("request %d went to %s (nextLink %q)", i, u, link)
			}
		}
		if len(d.urls) > 3 {
			t.Fatalf("%d requests for a repeated nextLink %q", len(d.urls), link)
		}
		if link == "" && (err != nil || len(d.urls) != 1 || got != 1) {
			t.Fatalf("no nextLink: err %v, %d requests, %d referrals", err, len(d.urls), got)
		}
	})
}

// FuzzPatchBuild: a patch built from arbitrary op/path/value either fails
// validation before any request, or is sent as an RFC 6902 array carrying
// exactly the ops given.
func FuzzPatchBuild(f *testing.F) {
	f.Add("replace", "/details/dealValue", `"10000"`, "add", "/team/-", `{"email":"a@b.example"}`)
	f.Add("add", "/tags", `["fy27"]`, "replace", "/a~1b", `null`)
	f.Add("remove", "/notes", `1`, "replace", "/x", `2`)
	f.Add("replace", "", `1`, "replace", "/", `1`)
	f.Add("Replace", "details", `{}`, "test", "/id", `"x"`)
	f.Add("add", "/team/-", `[1,{"a":[true]}]`, "add", "/team/0", `1e999`)
	f.Fuzz(func(t *testing.T, op1, path1, val1, op2, path2, val2 string) {
		var ops []PatchOp
		for _, o := range [][3]string{{op1, path1, val1}, {op2, path2, val2}} {
			var v any
			if json.Unmarshal([]byte(o[2]), &v) != nil {
				v = o[2] // not JSON: send it as a string value
			}
			ops = append(ops, PatchOp{Op: o[0], Path: o[1], Value: v})
		}
		d := &fakeDoer{bodies: []string{""}}
		rc := NewReferralsClient(d, "https://api.example.test")
		_, err := rc.Patch(context.Background(), "7d0f5b8e-1a2b-4c3d-9e8f-112233445566", ops, `"1"`)
		if verr := ValidatePatch(ops); verr != nil {
			if err == nil || len(d.urls) != 0 {
				t.Fatalf("invalid patch %v sent (%d requests, err %v)", ops, len(d.urls), err)
			}
			return
		}
		if err != nil {
			t.Fatalf("valid patch %v: %v", ops, err)
		}
		if len(d.sent) != 1 {
			t.Fatalf("valid patch made %d requests", len(d.sent))
		}
		var back []map[string]json.RawMessage
		if err := json.Unmarshal(d.sent[0], &back); err != nil || len(back) != len(ops) {
			t.Fatalf("patch body %s is not an array of %d ops: %v", d.sent[0], len(ops), err)
		}
		for i, m := range back {
			var op, path string
			_ = json.Unmarshal(m["op"], &op)
			_ = json.Unmarshal(m["path"], &path)
			if _, ok := m["value"]; !ok || op != ops[i].Op || path != ops[i].Path {
				t.Fatalf("op %d sent as %s, built as %+v", i, d.sent[0], ops[i])
			}
		}
	})
}

// FuzzReferralJSON: arbitrary referral JSON decodes or errors; what decodes
// re-encodes, and the encoding is a fixed point from the first write on
// (unknown fields survive a read-modify-write). The first write may
// normalise: an empty timestamp is written as null, which then decodes as
// absent.
func FuzzReferralJSON(f *testing.F) {
	f.Add(`{"id":"x","name":"n","unknownField":{"a":[1,2]},"details":{"dealValue":12.5,"currency":"USD","extra":true}}`)
	f.Add(`{"customerProfile":{"name":"c","address":{"country":"GB"},"ids":[{"type":"x"}]},"team":[{"email":"e"}]}`)
	f.Add(`{"createdDateTime":"2026-01-01T00:00:00.0000000Z","closedDateTime":null}`)
	f.Add(`{"details":{"dealValue":"not a number"}}`)
	f.Add(`{"consent":{"consentToShareReferralWithMicrosoftSellers":"yes"}}`)
	f.Add(`[]`)
	f.Add(`{"target":null,"trackingInfo":{"microsoftMsxId":"7-XYZ"}}`)
	f.Fuzz(func(t *testing.T, s string) {
		var r Referral
		if err := json.Unmarshal([]byte(s), &r); err != nil {
			return
		}
		first, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("decoded referral does not encode: %v (%s)", err, s)
		}
		var norm Referral
		if err := json.Unmarshal(first, &norm); err != nil {
			t.Fatalf("re-decode of %s: %v", first, err)
		}
		if first, err = json.Marshal(norm); err != nil {
			t.Fatalf("re-encode: %v", err)
		}
		var again Referral
		if err := json.Unmarshal(first, &again); err != nil {
			t.Fatalf("re-decode of %s: %v", first, err)
		}
		second, err := json.Marshal(again)
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("encoding is not stable:\n%s\n%s (%v)", first, second, err)
		}
	})
}

// FuzzWebhookEvent: arbitrary callback bodies parse or error, and a parsed
// event either names a referral id or says why not.
func FuzzWebhookEvent(f *testing.F) {
	f.Add([]byte(`{"EventName":"referral-created","ResourceUri":"https://api.partnercenter.microsoft.com/engagements/v1/referrals/abc","ResourceName":"referral","ResourceChangeUtcDate":"2026-01-01T00:00:00Z"}`))
	f.Add([]byte(`{"EventName":"test-created","ResourceUri":"http://localhost:8080/webhooks/callback"}`))
	f.Add([]byte(`{"EventName":"referral-updated","ResourceUri":"/"}`))
	f.Add([]byte(`{"EventName":"referral-updated","ResourceUri":"%zz"}`))
	f.Add([]byte(`{"EventName":"","ResourceUri":"x"}`))
	f.Add([]byte(`{"EventName":1}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, body []byte) {
		e, err := ParseEvent(body)
		if err != nil {
			if e != nil {
				t.Fatal("an error with an event")
			}
			return
		}
		if e.EventName == "" {
			t.Fatal("parsed an event without a name")
		}
		id, err := e.ReferralID()
		if err == nil && (id == "" || strings.Contains(id, "/") || id == "referrals") {
			t.Fatalf("ResourceUri %q gave referral id %q", e.ResourceURI, id)
		}
	})
}

// FuzzVerifyCallback: a signature verifies only over the exact body it was
// made for; forged or mangled headers give an error, never a panic.
func FuzzVerifyCallback(f *testing.F) {
	f.Add([]byte(`{"EventName":"referral-created"}`), "", "", "rsa-sha256", true)
	f.Add([]byte(`{}`), "Signature AAAA", "", "RSA-SHA256", false)
	f.Add([]byte(``), "", "not base64!", "rsa-sha256", false)
	f.Add([]byte(`x`), "Bearer abc", "QUJD", "hmac-sha256", true)
	f.Add([]byte(`x`), "signature ", "====", "", true)
	f.Fuzz(func(t *testing.T, body []byte, auth, msSig, alg string, signIt bool) {
		p := getPKI(t)
		h := http.Header{}
		h.Set(HeaderCertificateURL, "https://"+CertificateHost+"/cert.cer")
		if alg != "" {
			h.Set(HeaderSignatureAlgorithm, alg)
		}
		if auth != "" {
			h.Set(HeaderAuthorization, auth)
		}
		if msSig != "" {
			h.Set(HeaderMSSignature, msSig)
		}
		var good string
		if signIt {
			good = sign(t, p.leafKey, body)
			h.Add(HeaderAuthorization, "Signature "+good)
		}
		err := VerifyCallback(h, body, p.leaf)
		validAlg := strings.EqualFold(strings.TrimSpace(alg), SignatureAlgorithmRSA256)
		if signIt && validAlg && err != nil {
			t.Fatalf("a correct signature did not verify: %v", err)
		}
		if !signIt && err == nil {
			// Only a genuine signature of body may verify: the fuzzer cannot forge one.
			t.Fatalf("unsigned callback verified (auth %q, x-ms-signature %q)", auth, msSig)
		}
		if signIt && validAlg && len(body) > 0 {
			tampered := append([]byte{body[0] ^ 1}, body[1:]...)
			if err := VerifyCallback(h, tampered, p.leaf); !errors.Is(err, ErrBadSignature) {
				t.Fatalf("tampered body: err = %v, want ErrBadSignature", err)
			}
		}
	})
}

package validate

import (
	"strings"
	"testing"
)

func TestCheckSecretHTTPSURL(t *testing.T) {
	const sig = "s3cr3tSig"
	for _, tc := range []struct {
		in   string
		want string // substring of the message; "" = valid
	}{
		{"https://prod-01.westeurope.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig=" + sig, ""},
		{"HTTPS://example.com/hook", ""},
		{"http://example.com/hook?sig=" + sig, "only https:// URLs"},
		{"ftp://example.com/?sig=" + sig, "uses ftp://"},
		{"example.com/hook?sig=" + sig, "not an absolute URL"},
		{"/relative?sig=" + sig, "not an absolute URL"},
		{"https://%zz?sig=" + sig, "not an absolute URL"},
	} {
		got := CheckSecretHTTPSURL(tc.in)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("CheckSecretHTTPSURL(%q) = %q, want message containing %q", tc.in, got, tc.want)
		}
		if strings.Contains(got, sig) || (got != "" && strings.Contains(got, "example.com")) {
			t.Errorf("CheckSecretHTTPSURL(%q) = %q repeats the sensitive value", tc.in, got)
		}
	}
}

package validate

import (
	"strings"
	"testing"
)

func TestEndpointNormalize(t *testing.T) {
	e := Endpoint{Example: "https://contoso.crm.dynamics.com", Suffixes: []string{"/api/data/v9.2"}, PathHint: "host only"}
	for _, tc := range []struct {
		in, want, msg string
	}{
		{"https://contoso.crm.dynamics.com", "https://contoso.crm.dynamics.com", ""},
		{" https://Contoso.CRM.dynamics.com/ ", "https://contoso.crm.dynamics.com", ""},
		{"https://contoso.crm.dynamics.com/api/data/v9.2/", "https://contoso.crm.dynamics.com", ""},
		{"https://127.0.0.1:8443", "https://127.0.0.1:8443", ""},
		{"https://contoso.crm.dynamics.com/api/data/v9.2/accounts", "", "has a path (/api/data/v9.2/accounts)"},
		{"https://contoso crm.dynamics.com", "", "contains whitespace"},
		{"https://", "", "has no host"},
		{"https://:443", "", "has no host"},
		{"http://contoso.crm.dynamics.com", "", "uses http://"},
		{"contoso.crm.dynamics.com", "", "not an absolute URL"},
		{"https://user:secret@contoso.crm.dynamics.com", "", "user name or password"},
		{"https://contoso.crm.dynamics.com?x=1", "", "query or fragment"},
		{"https://contoso.crm.dynamics.com#top", "", "query or fragment"},
		{"https://%zz", "", "is not a URL"},
		{"", "", "is empty"},
	} {
		got, msg := e.Normalize(tc.in)
		if got != tc.want || (tc.msg == "") != (msg == "") || !strings.Contains(msg, tc.msg) {
			t.Errorf("Normalize(%q) = %q, %q; want %q, message containing %q", tc.in, got, msg, tc.want, tc.msg)
		}
		if strings.Contains(msg, "secret") {
			t.Errorf("Normalize(%q) repeats a password: %q", tc.in, msg)
		}
	}
}

func TestIdentifierChecks(t *testing.T) {
	if CheckEnvironmentID("00000000-0000-0000-0000-00000000e001") != "" || CheckTenantID("00000000-0000-4000-8000-00000000c0de") != "" {
		t.Error("valid GUIDs refused")
	}
	if m := CheckEnvironmentID("production"); !strings.Contains(m, "not a Power Platform environment id") {
		t.Errorf("got %q", m)
	}
	if m := CheckClientID("my-app"); !strings.Contains(m, "Application (client) ID") {
		t.Errorf("got %q", m)
	}
}

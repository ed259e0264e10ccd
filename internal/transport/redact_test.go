package transport

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestRedactURL(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"https://api.partner.microsoft.com/v1.0/engagements/referrals?$top=10", "https://api.partner.microsoft.com/v1.0/engagements/referrals?$top=10"},
		{
			"https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=Zm9vYmFy-123_x",
			"https://prod-12.westus.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=REDACTED",
		},
		{"https://h/p?SIG=abc&x=1", "https://h/p?SIG=REDACTED&x=1"},
		{"https://h/p?client_secret=s3cr3t&refresh_token=rt&access_token=at&code=ok", "https://h/p?client_secret=REDACTED&refresh_token=REDACTED&access_token=REDACTED&code=ok"},
		{"https://user:pa55@h/p", "https://user:REDACTED@h/p"},
		{"https://h/api/data/v9.2/accounts?$filter=name%20eq%20'sig=1'", "https://h/api/data/v9.2/accounts?$filter=name%20eq%20'sig=1'"},
		{"https://h/p?x=1&sig=", "https://h/p?x=1&sig=REDACTED"},
		{"://bad url?sig=abc&y=2", "://bad url?sig=REDACTED&y=2"},
	} {
		if got := RedactURL(tc.in); got != tc.want {
			t.Errorf("RedactURL(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
	}
}

func TestRedactHeaders(t *testing.T) {
	in := http.Header{
		"Authorization":            {"Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"},
		"Proxy-Authorization":      {"Basic dXNlcjpwYXNz"},
		"Cookie":                   {"session=abc"},
		"X-Ms-Signature":           {"Signature c2lnbmF0dXJl"},
		"X-Client-Secret":          {"s3cr3t"},
		"Location":                 {"https://prod.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sv=1.0&sig=abc123"},
		"Www-Authenticate":         {`Bearer error="invalid_token", error_description="The audience 'https://a' is invalid"`},
		"Ms-Correlationid":         {"7d1d6c8b-0000-4000-8000-000000000001"},
		"Content-Type":             {"application/json"},
		"X-Ms-Ratelimit-Burst":     {"5999"},
		"Odata-Entityid":           {"https://org/api/data/v9.2/accounts(1)"},
		"X-Forwarded-Access-Token": {"abc"},
	}
	want := http.Header{
		"Authorization":            {"Bearer REDACTED"},
		"Proxy-Authorization":      {"Basic REDACTED"},
		"Cookie":                   {"REDACTED"},
		"X-Ms-Signature":           {"Signature REDACTED"},
		"X-Client-Secret":          {"REDACTED"},
		"Location":                 {"https://prod.logic.azure.com/workflows/1/triggers/manual/paths/invoke?sv=1.0&sig=REDACTED"},
		"Www-Authenticate":         {`Bearer error="invalid_token", error_description="The audience 'https://a' is invalid"`},
		"Ms-Correlationid":         {"7d1d6c8b-0000-4000-8000-000000000001"},
		"Content-Type":             {"application/json"},
		"X-Ms-Ratelimit-Burst":     {"5999"},
		"Odata-Entityid":           {"https://org/api/data/v9.2/accounts(1)"},
		"X-Forwarded-Access-Token": {"REDACTED"},
	}
	got := RedactHeaders(in)
	if !reflect.DeepEqual(got, want) {
		for k := range want {
			if !reflect.DeepEqual(got[k], want[k]) {
				t.Errorf("%s: got %q want %q", k, got[k], want[k])
			}
		}
	}
	if in.Get("Authorization") == "Bearer REDACTED" {
		t.Fatal("RedactHeaders changed its input")
	}
}

func TestRedactBody(t *testing.T) {
	for _, tc := range []struct {
		name, ct, in string
		want         string // exact, when set
		gone, kept   []string
	}{
		{
			name: "token response",
			ct:   "application/json; charset=utf-8",
			in:   `{"token_type":"Bearer","expires_in":3599,"access_token":"eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.sig","refresh_token":"0.AAAA-rt","id_token":"idt"}`,
			want: `{"access_token":"REDACTED","expires_in":3599,"id_token":"REDACTED","refresh_token":"REDACTED","token_type":"Bearer"}`,
		},
		{
			name: "token request form",
			ct:   "application/x-www-form-urlencoded",
			in:   "grant_type=client_credentials&client_id=1111&client_secret=s3cr3t%21&scope=https%3A%2F%2Fapi.partner.microsoft.com%2F.default",
			want: "grant_type=client_credentials&client_id=1111&client_secret=REDACTED&scope=https%3A%2F%2Fapi.partner.microsoft.com%2F.default",
		},
		{
			name: "assertion, ropc and refresh form",
			ct:   "application/x-www-form-urlencoded",
			in:   "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=eyJhbGc.eyJzdWI.sig&username=admin%40contoso.example&password=p%40ss&refresh_token=rt1",
			gone: []string{"eyJhbGc", "p%40ss", "rt1"},
			kept: []string{"username=admin%40contoso.example", "client_assertion_type=urn"},
		},
		{
			name: "power platform connection parameters",
			ct:   "application/json",
			in:   `{"properties":{"displayName":"Dataverse","connectionParametersSet":{"name":"oauthSP","values":{"token:clientId":{"value":"1111"},"token:clientSecret":{"value":"pp-secret"},"token:TenantId":{"value":"tenant"}}},"connectionParameters":{"password":"pw1","apiKeySecret":"k1","username":"u"}}}`,
			gone: []string{"pp-secret", "pw1", "k1"},
			kept: []string{`"token:clientId":{"value":"1111"}`, `"token:TenantId":{"value":"tenant"}`, `"username":"u"`, `"token:clientSecret":"REDACTED"`},
		},
		{
			name: "trigger url embedded in json",
			ct:   "application/json",
			in:   `{"value":[{"WebhookUrl":"https://prod-1.westus.logic.azure.com/workflows/x/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers&sv=1.0&sig=AbC-123_z","WebhookEvents":["referral-created"],"SignatureTokenToMsSignatureHeader":true}]}`,
			gone: []string{"AbC-123_z"},
			kept: []string{"sig=REDACTED", "api-version=2016-06-01&sp=", `"SignatureTokenToMsSignatureHeader":true`, "referral-created"},
		},
		{
			name: "oauth error",
			ct:   "application/json",
			in:   `{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}`,
			kept: []string{"AADSTS7000215", "invalid_client"},
		},
		{
			name: "dataverse error keeps code",
			ct:   "application/json",
			in:   `{"error":{"code":"0x80040265","message":"bad"}}`,
			want: `{"error":{"code":"0x80040265","message":"bad"}}`,
		},
		{
			name: "truncated json falls back to patterns",
			ct:   "application/json",
			in:   `{"client_secret":"s3cr3t","url":"https://h/p?a=1\u0026sig=xyz\u0026b=2","nested":{"refresh_token":"rt-9","Password":"hunter2`,
			gone: []string{"s3cr3t", "xyz", "rt-9"},
			kept: []string{`\u0026b=2`},
		},
		{
			name: "plain text",
			ct:   "text/plain",
			in:   "call https://h/x?sig=abc&y=1 with Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJ4In0.c2ln and password=hunter2",
			gone: []string{"sig=abc", "eyJhbGciOiJSUzI1NiJ9", "hunter2"},
			kept: []string{"&y=1", "Bearer REDACTED"},
		},
		{
			name: "no content type but json",
			in:   `[{"secretValue":"v"},{"name":"n"}]`,
			want: `[{"secretValue":"REDACTED"},{"name":"n"}]`,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := string(RedactBody(tc.ct, []byte(tc.in)))
			if tc.want != "" && got != tc.want {
				t.Fatalf("got  %s\nwant %s", got, tc.want)
			}
			for _, g := range tc.gone {
				if strings.Contains(got, g) {
					t.Errorf("%q still present in %s", g, got)
				}
			}
			for _, k := range tc.kept {
				if !strings.Contains(got, k) {
					t.Errorf("%q lost from %s", k, got)
				}
			}
		})
	}
}

func TestRedactBodyKeepsJSONValid(t *testing.T) {
	in := `{"a":1.50,"b":[true,null,"x"],"client_secret":"s"}`
	out := RedactBody("application/json", []byte(in))
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("invalid JSON %s: %v", out, err)
	}
	if !strings.Contains(string(out), `"a":1.50`) {
		t.Fatalf("number reformatted: %s", out)
	}
}

func TestIsSensitiveName(t *testing.T) {
	for name, want := range map[string]bool{
		"client_secret": true, "Password": true, "token:clientSecret": true, "SIG": true, "refresh_token": true,
		"client_id": false, "code": false, "SignatureTokenToMsSignatureHeader": false, "displayName": false,
	} {
		if IsSensitiveName(name) != want {
			t.Errorf("IsSensitiveName(%q) != %v", name, want)
		}
	}
}

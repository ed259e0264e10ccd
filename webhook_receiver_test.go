package main

import (
	"strings"
	"testing"
)

// A missing or malformed setting stops the receiver before it listens, with
// a message naming the setting (flag, COSELL_RECEIVER_*, COSELL_SYNC_* or the
// provider's own variable).
func TestReceiverStopsOnABadSettingNamingIt(t *testing.T) {
	base := map[string]string{
		"COSELL_TENANT_ID": "00000000-0000-0000-0000-000000000001", "COSELL_CLIENT_ID": "00000000-0000-0000-0000-000000000002",
		"COSELL_CLIENT_SECRET": "s", "COSELL_REFRESH_TOKEN": "r", "COSELL_DATAVERSE_URL": "https://org.example.crm.dynamics.com",
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{env: map[string]string{"COSELL_RECEIVER_QUEUE_SIZE": "many"}, want: "COSELL_RECEIVER_QUEUE_SIZE"},
		{env: map[string]string{"COSELL_SYNC_DIRECTION": "sideways"}, want: "COSELL_SYNC_DIRECTION"},
		{env: map[string]string{"COSELL_SYNC_MAX_PARALLELISM": "30"}, want: "COSELL_SYNC_MAX_PARALLELISM"},
		{env: map[string]string{"COSELL_MAX_RETRIES": "lots"}, want: "COSELL_MAX_RETRIES"},
		{env: map[string]string{"COSELL_DATAVERSE_URL": "http://org.example"}, want: "COSELL_DATAVERSE_URL"},
		{env: map[string]string{"COSELL_DATAVERSE_URL": "-"}, want: "dataverse_url"},
		{args: []string{"-tls-key", "k.pem"}, want: "COSELL_RECEIVER_TLS_CERT"},
	} {
		env := map[string]string{}
		for k, v := range base {
			env[k] = v
		}
		for k, v := range tc.env {
			env[k] = v
		}
		if v := env["COSELL_DATAVERSE_URL"]; v == "-" {
			delete(env, "COSELL_DATAVERSE_URL")
		}
		var stderr strings.Builder
		code := runReceiver(tc.args, func(k string) string { return env[k] }, &stderr)
		if code != 2 || !strings.Contains(stderr.String(), tc.want) {
			t.Errorf("%v %v: exit %d, stderr %q; want 2 naming %s", tc.args, tc.env, code, stderr.String(), tc.want)
		}
	}
}

package receiver

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaultsEnvironmentAndFlags(t *testing.T) {
	c, err := Load(nil, env(nil), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != DefaultListen || c.Path != DefaultPath || c.QueueSize != DefaultQueueSize ||
		c.SweepInterval != DefaultSweepInterval || c.ReplayWindow != DefaultReplayWindow ||
		len(c.CertificateHosts) != 1 || c.CertificateHosts[0] != "3psostorageacct.blob.core.windows.net" {
		t.Fatalf("defaults: %+v", c)
	}
	c, err = Load([]string{"-queue-size", "7"}, env(map[string]string{
		"COSELL_RECEIVER_LISTEN":            "127.0.0.1:9999",
		"COSELL_RECEIVER_QUEUE_SIZE":        "3",
		"COSELL_RECEIVER_SWEEP_INTERVAL":    "2m",
		"COSELL_RECEIVER_REPLAY_WINDOW":     "30m",
		"COSELL_RECEIVER_CERTIFICATE_HOSTS": "127.0.0.1:8443, 3psostorageacct.blob.core.windows.net",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if c.Listen != "127.0.0.1:9999" || c.QueueSize != 7 || c.SweepInterval != 2*time.Minute || c.ReplayWindow != 30*time.Minute ||
		strings.Join(c.CertificateHosts, ",") != "127.0.0.1:8443,3psostorageacct.blob.core.windows.net" {
		t.Fatalf("env + flags (flag wins): %+v", c)
	}
}

// A missing or malformed setting stops start-up with a message naming it.
func TestLoadNamesTheBadSetting(t *testing.T) {
	dir := t.TempDir()
	notPEM := filepath.Join(dir, "roots.pem")
	if err := os.WriteFile(notPEM, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{env: map[string]string{"COSELL_RECEIVER_QUEUE_SIZE": "lots"}, want: "COSELL_RECEIVER_QUEUE_SIZE"},
		{env: map[string]string{"COSELL_RECEIVER_QUEUE_SIZE": "0"}, want: "COSELL_RECEIVER_QUEUE_SIZE"},
		{env: map[string]string{"COSELL_RECEIVER_SWEEP_INTERVAL": "15"}, want: "COSELL_RECEIVER_SWEEP_INTERVAL"},
		{env: map[string]string{"COSELL_RECEIVER_REPLAY_WINDOW": "1s"}, want: "COSELL_RECEIVER_REPLAY_WINDOW"},
		{env: map[string]string{"COSELL_RECEIVER_CERTIFICATE_HOSTS": "https://evil.example/x"}, want: "COSELL_RECEIVER_CERTIFICATE_HOSTS"},
		{env: map[string]string{"COSELL_RECEIVER_LOG_FORMAT": "xml"}, want: "COSELL_RECEIVER_LOG_FORMAT"},
		{args: []string{"-queue-size", "-1"}, want: "queue-size"},
		{args: []string{"-drain-timeout", "soon"}, want: "drain-timeout"},
		{args: []string{"-tls-cert", "cert.pem"}, want: "COSELL_RECEIVER_TLS_KEY"},
		{args: []string{"-path", "events"}, want: "COSELL_RECEIVER_PATH"},
		{args: []string{"-path", "/healthz"}, want: "COSELL_RECEIVER_PATH"},
		{args: []string{"-certificate-roots", filepath.Join(dir, "missing.pem")}, want: "COSELL_RECEIVER_CERTIFICATE_ROOTS"},
		{args: []string{"-certificate-roots", notPEM}, want: "no PEM certificate"},
		{args: []string{"extra"}, want: `unexpected argument "extra"`},
		{args: []string{"-nope"}, want: "-nope"},
	} {
		_, err := Load(tc.args, env(tc.env), io.Discard)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("args %v env %v: error %v, want it to name %s", tc.args, tc.env, err, tc.want)
		}
	}
}

func TestUsageListsEverySettingWithItsVariable(t *testing.T) {
	u := strings.Join(Usage(), "\n")
	for _, s := range settings {
		if !strings.Contains(u, "-"+s.flag+" / "+s.env) {
			t.Errorf("usage lacks %s", s.flag)
		}
	}
}

package apierror

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestBody(t *testing.T) {
	if got := Body([]byte("  \n\t ")); got != "" {
		t.Errorf("blank body = %q", got)
	}
	if got := Body([]byte("  <html>oops</html>\n")); got != "<html>oops</html>" {
		t.Errorf("short body = %q", got)
	}
	exact := strings.Repeat("a", 512)
	if got := Body([]byte(exact)); got != exact {
		t.Errorf("512-byte body was cut: %d bytes", len(got))
	}
	long := strings.Repeat("b", 600)
	if got := Body([]byte(long)); got != strings.Repeat("b", 512)+"…" {
		t.Errorf("long body = %q…, %d bytes", got[:10], len(got))
	}
}

func TestDetail(t *testing.T) {
	for _, tc := range []struct {
		msg, body string
		status    int
		want      string
	}{
		{"Record not found", "raw", 404, "Record not found"},
		{"", "raw", 404, "raw"},
		{"", "", 404, "Not Found"},
		{"", "", http.StatusTooManyRequests, "Too Many Requests"},
	} {
		if got := Detail(tc.msg, tc.body, tc.status); got != tc.want {
			t.Errorf("Detail(%q, %q, %d) = %q, want %q", tc.msg, tc.body, tc.status, got, tc.want)
		}
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	for _, tc := range []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"  ", 0},
		{"0", 0},
		{" 7 ", 7 * time.Second},
		{"-3", 0},
		{"1.5", 0}, // delay-seconds is a whole number
		{"soon", 0},
		{now.Add(90 * time.Second).Format(http.TimeFormat), 90 * time.Second},
		{now.Add(-time.Minute).Format(http.TimeFormat), 0},
		{now.Format(http.TimeFormat), 0},
	} {
		if got := RetryAfter(tc.in, now); got != tc.want {
			t.Errorf("RetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// Error text never carries what the redaction of request logs hides.
func TestBodyAndDetailAreRedacted(t *testing.T) {
	url := "https://prod-00.westus.logic.azure.com/workflows/x/triggers/manual/paths/invoke?api-version=1&sig=s3cr3t"
	for _, got := range []string{
		Body([]byte(`{"message":"bad url ` + url + `","client_secret":"hunter2"}`)),
		Detail("Invalid WebhookUrl "+url, "", 400),
	} {
		if strings.Contains(got, "s3cr3t") || strings.Contains(got, "hunter2") {
			t.Errorf("secret in error text: %s", got)
		}
	}
}

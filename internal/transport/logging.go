package transport

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of the transport; its level can be set
// apart with TF_LOG_PROVIDER_COSELL_TRANSPORT.
const LogSubsystem = "transport"

// maxLoggedBody bounds a body written to the TRACE log.
const maxLoggedBody = 32 << 10

func withLogging(ctx context.Context) context.Context {
	return tflog.NewSubsystem(ctx, LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_COSELL", LogSubsystem))
}

func (c *Client) fields(method, redURL string, attempt int, corrID string) map[string]any {
	return map[string]any{
		"service":        c.o.Service,
		"method":         method,
		"url":            redURL,
		"attempt":        attempt,
		"correlation_id": corrID,
	}
}

func (c *Client) logRequest(ctx context.Context, r *http.Request, redURL string, attempt int, corrID string, body []byte) {
	f := c.fields(r.Method, redURL, attempt, corrID)
	tflog.SubsystemDebug(ctx, LogSubsystem, "HTTP request", f)
	if tflog.SubsystemIsTrace(ctx, LogSubsystem) {
		t := c.fields(r.Method, redURL, attempt, corrID)
		t["headers"] = flatten(RedactHeaders(r.Header))
		if len(body) > 0 {
			t["body"] = logBody(r.Header.Get("Content-Type"), body)
		}
		tflog.SubsystemTrace(ctx, LogSubsystem, "HTTP request detail", t)
	}
}

func (c *Client) logResponse(ctx context.Context, resp *http.Response, redURL string, attempt int, corrID string, elapsed time.Duration) {
	f := c.fields(resp.Request.Method, redURL, attempt, corrID)
	f["status"] = resp.StatusCode
	f["duration_ms"] = elapsed.Milliseconds()
	tflog.SubsystemDebug(ctx, LogSubsystem, "HTTP response", f)
	if tflog.SubsystemIsTrace(ctx, LogSubsystem) {
		t := c.fields(resp.Request.Method, redURL, attempt, corrID)
		t["status"] = resp.StatusCode
		t["headers"] = flatten(RedactHeaders(resp.Header))
		if resp.Body != nil && resp.Body != http.NoBody {
			// Read the body for the log and hand the caller an identical copy.
			raw, err := io.ReadAll(resp.Body)
			_ = resp.Body.Close()
			resp.Body = io.NopCloser(io.MultiReader(bytes.NewReader(raw), errReader{err}))
			if len(raw) > 0 {
				t["body"] = logBody(resp.Header.Get("Content-Type"), raw)
			}
		}
		tflog.SubsystemTrace(ctx, LogSubsystem, "HTTP response detail", t)
	}
}

func (c *Client) logFailure(ctx context.Context, r *http.Request, redURL string, attempt int, corrID string, elapsed time.Duration, err error) {
	f := c.fields(r.Method, redURL, attempt, corrID)
	f["error"] = redactText(err.Error())
	f["duration_ms"] = elapsed.Milliseconds()
	tflog.SubsystemDebug(ctx, LogSubsystem, "HTTP request failed", f)
}

func (c *Client) logRetry(ctx context.Context, method, redURL string, attempt int, corrID string, delay time.Duration) {
	f := c.fields(method, redURL, attempt, corrID)
	f["retry_in_ms"] = delay.Milliseconds()
	tflog.SubsystemDebug(ctx, LogSubsystem, "retrying HTTP request", f)
}

func (c *Client) logGiveUp(ctx context.Context, e *RetryError) {
	f := c.fields(e.Method, e.URL, e.Attempts, e.CorrelationID)
	f["reason"] = e.Reason
	tflog.SubsystemDebug(ctx, LogSubsystem, "giving up HTTP request", f)
}

func logBody(contentType string, b []byte) string {
	red := RedactBody(contentType, b)
	if len(red) > maxLoggedBody {
		return string(red[:maxLoggedBody]) + "…(truncated)"
	}
	return string(red)
}

func flatten(h http.Header) map[string]string {
	out := make(map[string]string, len(h))
	for k, vs := range h {
		if len(vs) == 1 {
			out[k] = vs[0]
			continue
		}
		var b bytes.Buffer
		for i, v := range vs {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(v)
		}
		out[k] = b.String()
	}
	return out
}

// errReader replays a read error after the buffered bytes (nil: EOF).
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	return 0, io.EOF
}

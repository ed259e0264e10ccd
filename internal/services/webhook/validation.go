package webhook

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// validationAPI is the part of the webhooks client a validation needs.
type validationAPI interface {
	SendValidationEvent(ctx context.Context) (string, error)
	ValidationStatus(ctx context.Context, correlationID string) (*partnercenter.ValidationStatus, error)
}

// validationRun sends one test event and waits for its outcome.
type validationRun struct {
	api        validationAPI
	webhookURL string                                           // for messages: only its host is shown
	sleep      func(ctx context.Context, d time.Duration) error // nil: a timer honouring ctx
}

// validationOutcome is what the resource stores and reports.
type validationOutcome struct {
	CorrelationID string
	Status        string // completed | failed | the last status seen
	Result        string // "<responseCode>[: <message>]" of the last attempt, redacted
	Attempts      int
}

// errValidationFailed wraps a delivered-but-failed test event.
var errValidationFailed = errors.New("the test event was not delivered")

func (v validationRun) wait(ctx context.Context, d time.Duration) error {
	if v.sleep != nil {
		return v.sleep(ctx, d)
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// run returns the outcome; err is errValidationFailed (wrapped, with what the
// receiver answered) when Partner Center gave up delivering, or the API or
// timeout error that stopped the wait.
func (v validationRun) run(ctx context.Context) (validationOutcome, error) {
	cid, err := v.send(ctx)
	if err != nil {
		return validationOutcome{}, err
	}
	out := validationOutcome{CorrelationID: cid}
	delay := validationPollFirst
	for {
		st, err := v.api.ValidationStatus(ctx, cid)
		switch {
		case err == nil && st != nil:
			v.record(&out, st)
			switch strings.ToLower(st.Status) {
			case validationCompleted:
				return out, nil
			case validationFailed:
				return out, fmt.Errorf("%w: Partner Center gave up delivering it to host %s after %d attempt(s); the last answer was %s",
					errValidationFailed, hostOf(v.webhookURL), out.Attempts, describeResult(out.Result))
			}
		case partnercenter.IsNotFound(err), partnercenter.IsThrottled(err):
			// Not visible yet, or reading too fast: ask again.
		default:
			return out, fmt.Errorf("reading the result of test event %s: %w", cid, err)
		}
		if err := v.wait(ctx, delay); err != nil {
			return out, fmt.Errorf("no result for test event %s before the timeout (last status %q, %d delivery attempt(s) so far; last answer %s): %w",
				cid, out.Status, out.Attempts, describeResult(out.Result), err)
		}
		delay = min(delay*2, validationPollMax)
	}
}

// send posts the validation event, waiting out the documented 2-per-minute
// limit (429 + Retry-After) while the deadline allows.
func (v validationRun) send(ctx context.Context) (string, error) {
	for {
		cid, err := v.api.SendValidationEvent(ctx)
		if err == nil {
			return cid, nil
		}
		wait, throttled := throttleWait(err)
		if !throttled {
			return "", fmt.Errorf("sending the test event: %w", err)
		}
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < wait {
			return "", fmt.Errorf("Partner Center allows 2 test events per minute and asks to wait %s, which is past this operation's timeout: "+
				"apply again in a minute, or raise the create/update timeout: %w", wait.Round(time.Second), err)
		}
		if err := v.wait(ctx, wait); err != nil {
			return "", fmt.Errorf("waiting out the test event limit (2 per minute): %w", err)
		}
	}
}

// throttleWait reports whether err is a 429 and how long to wait.
func throttleWait(err error) (time.Duration, bool) {
	var pe *partnercenter.Error
	if errors.As(err, &pe) && pe.StatusCode == http.StatusTooManyRequests {
		if pe.RetryAfter > 0 {
			return pe.RetryAfter, true
		}
		return validationThrottleWait, true
	}
	// The transport gave up on its own 429 retries (attempts or deadline).
	var re *transport.RetryError
	if errors.As(err, &re) && re.LastStatus == http.StatusTooManyRequests && !errors.Is(err, context.DeadlineExceeded) {
		return validationThrottleWait, true
	}
	return 0, false
}

func (v validationRun) record(out *validationOutcome, st *partnercenter.ValidationStatus) {
	out.Status = strings.ToLower(st.Status)
	out.Attempts = len(st.Results)
	if n := len(st.Results); n > 0 {
		out.Result = formatResult(st.Results[n-1], v.webhookURL)
	}
}

// formatResult renders one delivery attempt: "OK", "InternalServerError: flow is off".
func formatResult(r partnercenter.ValidationResult, webhookURL string) string {
	code := strings.TrimSpace(string(r.ResponseCode))
	if code == "" && strings.EqualFold(strings.TrimSpace(string(r.SystemError)), "true") {
		code = "SystemError"
	}
	if code == "" {
		code = "NoResponse"
	}
	msg := oneLine(redact(r.ResponseMessage, webhookURL), maxResultMessage)
	if msg == "" {
		return code
	}
	return code + ": " + msg
}

func describeResult(r string) string {
	if r == "" {
		return "none yet"
	}
	return fmt.Sprintf("%q", r)
}

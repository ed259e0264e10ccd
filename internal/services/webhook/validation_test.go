package webhook

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

const hookURL = "https://prod-07.westeurope.logic.azure.com:443/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=TopSecretSig"

// sleeps records the waits instead of waiting.
type sleeps struct{ waits []time.Duration }

func (s *sleeps) sleep(ctx context.Context, d time.Duration) error {
	s.waits = append(s.waits, d)
	return ctx.Err()
}

func result(code, msg string) partnercenter.ValidationResult {
	return partnercenter.ValidationResult{ResponseCode: partnercenter.FlexString(code), ResponseMessage: msg}
}

func TestValidationCompletes(t *testing.T) {
	f := &fakeAPI{statuses: []*partnercenter.ValidationStatus{
		{Status: "processing"},
		{Status: "Completed", Results: []partnercenter.ValidationResult{result("OK", "")}},
	}}
	s := &sleeps{}
	out, err := validationRun{api: f, webhookURL: hookURL, sleep: s.sleep}.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out.Status != "completed" || out.Result != "OK" || out.Attempts != 1 || out.CorrelationID != "cid-1" {
		t.Errorf("outcome = %+v", out)
	}
	if len(s.waits) != 1 || s.waits[0] != validationPollFirst {
		t.Errorf("waits = %v, want one poll interval", s.waits)
	}
}

func TestValidationFailedSaysWhatTheReceiverAnswered(t *testing.T) {
	f := &fakeAPI{statuses: []*partnercenter.ValidationStatus{{Status: "failed", Results: []partnercenter.ValidationResult{
		result("ServiceUnavailable", "first"),
		result("InternalServerError", "The flow is turned off; see "+hookURL),
	}}}}
	out, err := validationRun{api: f, webhookURL: hookURL, sleep: (&sleeps{}).sleep}.run(context.Background())
	if !errors.Is(err, errValidationFailed) {
		t.Fatalf("err = %v, want errValidationFailed", err)
	}
	for _, want := range []string{"InternalServerError", "The flow is turned off", "2 attempt(s)", "prod-07.westeurope.logic.azure.com"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "TopSecretSig") || strings.Contains(out.Result, "TopSecretSig") {
		t.Errorf("the sig leaked: %q / %q", err, out.Result)
	}
	if out.Status != "failed" || !strings.HasPrefix(out.Result, "InternalServerError: The flow is turned off") {
		t.Errorf("outcome = %+v", out)
	}
}

func TestValidationWaitsOutThrottling(t *testing.T) {
	f := &fakeAPI{
		sendErrs: []error{
			&partnercenter.Error{StatusCode: http.StatusTooManyRequests, RetryAfter: 37 * time.Second},
			&partnercenter.Error{StatusCode: http.StatusTooManyRequests}, // no Retry-After
		},
		statuses: []*partnercenter.ValidationStatus{{Status: "completed", Results: []partnercenter.ValidationResult{result("OK", "accepted")}}},
	}
	s := &sleeps{}
	out, err := validationRun{api: f, webhookURL: hookURL, sleep: s.sleep}.run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if out.Result != "OK: accepted" {
		t.Errorf("result = %q", out.Result)
	}
	if len(s.waits) != 2 || s.waits[0] != 37*time.Second || s.waits[1] != validationThrottleWait {
		t.Errorf("waits = %v, want [37s %s]", s.waits, validationThrottleWait)
	}
	if n := strings.Count(strings.Join(f.calls, ","), "POST validationEvents"); n != 3 {
		t.Errorf("sent %d validation events, want 3 (2 throttled)", n)
	}
}

func TestValidationThrottleBeyondTheTimeoutFailsAtOnce(t *testing.T) {
	f := &fakeAPI{sendErrs: []error{&partnercenter.Error{StatusCode: http.StatusTooManyRequests, RetryAfter: time.Hour}}}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s := &sleeps{}
	_, err := validationRun{api: f, webhookURL: hookURL, sleep: s.sleep}.run(ctx)
	if err == nil || !strings.Contains(err.Error(), "2 test events per minute") || !strings.Contains(err.Error(), "timeout") {
		t.Fatalf("err = %v", err)
	}
	if len(s.waits) != 0 {
		t.Errorf("waited %v although the wait could not fit the deadline", s.waits)
	}
}

func TestValidationTransportGaveUpOnThrottling(t *testing.T) {
	f := &fakeAPI{
		sendErrs: []error{&transport.RetryError{Service: "webhooks", Attempts: 6, LastStatus: http.StatusTooManyRequests}},
		statuses: []*partnercenter.ValidationStatus{{Status: "completed", Results: []partnercenter.ValidationResult{result("OK", "")}}},
	}
	s := &sleeps{}
	if _, err := (validationRun{api: f, webhookURL: hookURL, sleep: s.sleep}).run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(s.waits) < 1 || s.waits[0] != validationThrottleWait {
		t.Errorf("waits = %v", s.waits)
	}
}

func TestValidationNotFoundYetThenCompleted(t *testing.T) {
	f := &fakeAPI{
		statusErrs: []error{pcErr(http.StatusNotFound)},
		statuses:   []*partnercenter.ValidationStatus{{Status: "completed", Results: []partnercenter.ValidationResult{result("OK", "")}}},
	}
	s := &sleeps{}
	if _, err := (validationRun{api: f, webhookURL: hookURL, sleep: s.sleep}).run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(s.waits) != 1 {
		t.Errorf("waits = %v", s.waits)
	}
}

func TestValidationOtherErrorsStop(t *testing.T) {
	f := &fakeAPI{sendErrs: []error{pcErr(http.StatusBadRequest)}}
	_, err := validationRun{api: f, sleep: (&sleeps{}).sleep}.run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "sending the test event") {
		t.Fatalf("err = %v", err)
	}
	f = &fakeAPI{statusErrs: []error{pcErr(http.StatusForbidden)}}
	_, err = validationRun{api: f, sleep: (&sleeps{}).sleep}.run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "reading the result of test event cid-1") {
		t.Fatalf("err = %v", err)
	}
}

func TestValidationTimesOutWhileProcessing(t *testing.T) {
	f := &fakeAPI{statuses: []*partnercenter.ValidationStatus{{Status: "processing", Results: []partnercenter.ValidationResult{
		{ResponseMessage: "dial tcp: connection refused", SystemError: "true"},
	}}}}
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	sleep := func(ctx context.Context, d time.Duration) error {
		if n++; n == 4 {
			cancel()
		}
		return ctx.Err()
	}
	out, err := validationRun{api: f, webhookURL: hookURL, sleep: sleep}.run(ctx)
	if err == nil || !strings.Contains(err.Error(), "before the timeout") || !strings.Contains(err.Error(), "SystemError: dial tcp") {
		t.Fatalf("err = %v", err)
	}
	if out.Status != "processing" {
		t.Errorf("status = %q", out.Status)
	}
}

func TestPollIntervalDoublesToTheMax(t *testing.T) {
	f := &fakeAPI{}
	var waits []time.Duration
	ctx, cancel := context.WithCancel(context.Background())
	sleep := func(ctx context.Context, d time.Duration) error {
		if waits = append(waits, d); len(waits) == 8 {
			cancel()
		}
		return ctx.Err()
	}
	_, _ = validationRun{api: f, sleep: sleep}.run(ctx)
	if waits[0] != validationPollFirst || waits[1] != 2*validationPollFirst || waits[len(waits)-1] != validationPollMax {
		t.Errorf("waits = %v", waits)
	}
}

// The advice after a failed validation says what the next apply really
// does: after a create the registration is tainted and replaced (disarmed
// first); after an update it is updated in place.
func TestAfterFailedValidationAdvice(t *testing.T) {
	created, updated := afterFailedValidation("created"), afterFailedValidation("updated")
	for _, want := range []string{"tainted", "replaces it", "disarms the registration", "untaint"} {
		if !strings.Contains(created, want) {
			t.Errorf("after create: missing %q in %q", want, created)
		}
	}
	if !strings.Contains(updated, "updates it in place and validates again, without disarming it") {
		t.Errorf("after update: %q", updated)
	}
}

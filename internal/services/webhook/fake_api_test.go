package webhook

import (
	"context"
	"net/http"
	"slices"
	"sync"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

// fakeAPI is an in-memory Webhooks API with scripted answers, for unit tests
// of the decisions the resource makes (the acceptance tests drive the real
// client against the emulator).
type fakeAPI struct {
	mu    sync.Mutex
	reg   *partnercenter.Registration
	calls []string

	// Scripted errors, consumed one per call of that kind.
	postErrs, putErrs, sendErrs []error
	// statuses are returned by ValidationStatus in order; the last repeats.
	statuses   []*partnercenter.ValidationStatus
	statusErrs []error
	// onPost runs before a POST is answered (e.g. another tool creating first).
	onPost func(f *fakeAPI)
}

func pcErr(status int) error {
	return &partnercenter.Error{StatusCode: status, Description: http.StatusText(status)}
}

func (f *fakeAPI) log(c string) { f.calls = append(f.calls, c) }

func pop(errs *[]error) error {
	if len(*errs) == 0 {
		return nil
	}
	e := (*errs)[0]
	*errs = (*errs)[1:]
	return e
}

func (f *fakeAPI) Get(context.Context) (*partnercenter.Registration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("GET")
	if f.reg == nil {
		return nil, pcErr(http.StatusNotFound)
	}
	c := *f.reg
	c.WebhookEvents = slices.Clone(f.reg.WebhookEvents)
	return &c, nil
}

func (f *fakeAPI) Create(_ context.Context, reg partnercenter.Registration) (*partnercenter.Registration, error) {
	if f.onPost != nil {
		f.onPost(f)
		f.onPost = nil
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("POST")
	if err := pop(&f.postErrs); err != nil {
		return nil, err
	}
	if f.reg != nil {
		return nil, pcErr(http.StatusConflict)
	}
	reg.SubscriberID = "tenant-sub"
	f.reg = &reg
	return &reg, nil
}

func (f *fakeAPI) Update(_ context.Context, reg partnercenter.Registration) (*partnercenter.Registration, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("PUT")
	if err := pop(&f.putErrs); err != nil {
		return nil, err
	}
	if f.reg == nil {
		return nil, pcErr(http.StatusNotFound)
	}
	reg.SubscriberID = "tenant-sub"
	f.reg = &reg
	return &reg, nil
}

func (f *fakeAPI) SendValidationEvent(context.Context) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("POST validationEvents")
	if err := pop(&f.sendErrs); err != nil {
		return "", err
	}
	return "cid-1", nil
}

func (f *fakeAPI) ValidationStatus(_ context.Context, id string) (*partnercenter.ValidationStatus, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.log("GET validationEvents/" + id)
	if err := pop(&f.statusErrs); err != nil {
		return nil, err
	}
	if len(f.statuses) == 0 {
		return &partnercenter.ValidationStatus{CorrelationID: id, Status: "processing"}, nil
	}
	st := f.statuses[0]
	if len(f.statuses) > 1 {
		f.statuses = f.statuses[1:]
	}
	return st, nil
}

func (f *fakeAPI) writes() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []string
	for _, c := range f.calls {
		if c == "POST" || c == "PUT" {
			out = append(out, c)
		}
	}
	return out
}

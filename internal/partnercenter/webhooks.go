package partnercenter

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// DefaultWebhooksBaseURL is the Webhooks API host (token audience
// https://api.partnercenter.microsoft.com; app or user tokens).
const DefaultWebhooksBaseURL = "https://api.partnercenter.microsoft.com"

// Webhooks API paths under the base URL.
const (
	WebhookRegistrationPath     = "/webhooks/v1/registration"
	WebhookEventsPath           = WebhookRegistrationPath + "/events"
	WebhookValidationEventsPath = WebhookRegistrationPath + "/validationEvents"
)

// WebhooksClient manages the partner tenant's (singleton) webhook registration.
type WebhooksClient struct{ c conn }

// NewWebhooksClient returns a client for baseURL ("" = DefaultWebhooksBaseURL).
func NewWebhooksClient(d Doer, baseURL string, opts ...Options) *WebhooksClient {
	return &WebhooksClient{c: newConn(d, baseURL, DefaultWebhooksBaseURL, opts)}
}

// BaseURL returns the base URL requests go to.
func (wc *WebhooksClient) BaseURL() string { return wc.c.base }

// Registration is the webhook registration. Keys are PascalCase on the wire.
type Registration struct {
	SubscriberID  string   `json:"SubscriberId,omitempty"` // returned by create/update; never sent
	WebhookURL    string   `json:"WebhookUrl"`
	WebhookEvents []string `json:"WebhookEvents"`
	// SignatureTokenToMsSignatureHeader puts the signature in x-ms-signature
	// instead of Authorization. nil = not sent / not reported.
	SignatureTokenToMsSignatureHeader *bool `json:"SignatureTokenToMsSignatureHeader,omitempty"`
}

// ValidationStatus is the outcome of a test (validation) event.
type ValidationStatus struct {
	CorrelationID string             `json:"correlationId"`
	PartnerID     string             `json:"partnerId,omitempty"`
	Status        string             `json:"status"` // "completed", …
	CallbackURL   string             `json:"callbackUrl,omitempty"`
	Results       []ValidationResult `json:"results,omitempty"`
}

// ValidationResult is one delivery attempt of a test event.
type ValidationResult struct {
	ResponseCode    FlexString `json:"responseCode"` // e.g. "OK"
	ResponseMessage string     `json:"responseMessage,omitempty"`
	SystemError     FlexString `json:"systemError,omitempty"`
	DateTimeUTC     *Time      `json:"dateTimeUtc,omitempty"`
}

// Events lists the event names a registration may subscribe to.
func (wc *WebhooksClient) Events(ctx context.Context) ([]string, error) {
	req, err := wc.c.newRequest(ctx, http.MethodGet, wc.c.base+WebhookEventsPath, nil)
	if err != nil {
		return nil, err
	}
	_, body, err := wc.c.do(req)
	if err != nil {
		return nil, err
	}
	var events []string
	if err := decode(req, body, &events); err != nil {
		return nil, err
	}
	return events, nil
}

// Get reads the registration. When none exists it returns nil and an error
// for which IsNotFound is true (see facts.go for what counts as none).
func (wc *WebhooksClient) Get(ctx context.Context) (*Registration, error) {
	req, err := wc.c.newRequest(ctx, http.MethodGet, wc.c.base+WebhookRegistrationPath, nil)
	if err != nil {
		return nil, err
	}
	_, body, err := wc.c.do(req)
	if err != nil {
		return nil, err
	}
	if t := bytes.TrimSpace(body); len(t) == 0 || string(t) == "null" {
		return nil, fmt.Errorf("webhook registration: %w", ErrNotFound)
	}
	var reg Registration
	if err := decode(req, body, &reg); err != nil {
		return nil, err
	}
	if reg.WebhookURL == "" {
		return nil, fmt.Errorf("webhook registration: %w", ErrNotFound)
	}
	return &reg, nil
}

// Create registers the webhook (POST). Partner Center keeps one registration
// per tenant: Create when Get reports none, Update otherwise.
func (wc *WebhooksClient) Create(ctx context.Context, reg Registration) (*Registration, error) {
	return wc.write(ctx, http.MethodPost, reg)
}

// Update replaces the registration (PUT).
func (wc *WebhooksClient) Update(ctx context.Context, reg Registration) (*Registration, error) {
	return wc.write(ctx, http.MethodPut, reg)
}

func (wc *WebhooksClient) write(ctx context.Context, method string, reg Registration) (*Registration, error) {
	if err := validateRegistration(reg); err != nil {
		return nil, err
	}
	reg.SubscriberID = ""
	req, err := wc.c.newRequest(ctx, method, wc.c.base+WebhookRegistrationPath, reg)
	if err != nil {
		return nil, err
	}
	if method == http.MethodPost {
		req = wc.c.retrySafe(req)
	}
	_, body, err := wc.c.do(req)
	if err != nil {
		return nil, err
	}
	if len(bytes.TrimSpace(body)) == 0 {
		// Nothing echoed: report what was sent.
		return &reg, nil
	}
	var out Registration
	if err := decode(req, body, &out); err != nil {
		return nil, err
	}
	if out.SignatureTokenToMsSignatureHeader == nil {
		out.SignatureTokenToMsSignatureHeader = reg.SignatureTokenToMsSignatureHeader
	}
	return &out, nil
}

func validateRegistration(reg Registration) error {
	u, err := url.Parse(reg.WebhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("partnercenter: webhook URL %q must be an absolute http(s) URL", reg.WebhookURL)
	}
	if len(reg.WebhookEvents) == 0 {
		return errors.New("partnercenter: webhook registration needs at least one event")
	}
	for _, e := range reg.WebhookEvents {
		if strings.TrimSpace(e) == "" {
			return errors.New("partnercenter: webhook registration has an empty event name")
		}
	}
	return nil
}

// SendValidationEvent asks Partner Center to send a test event (the
// registration must include test-created; throttled to 2 requests/minute)
// and returns the correlation id to poll with ValidationStatus.
func (wc *WebhooksClient) SendValidationEvent(ctx context.Context) (string, error) {
	req, err := wc.c.newRequest(ctx, http.MethodPost, wc.c.base+WebhookValidationEventsPath, nil)
	if err != nil {
		return "", err
	}
	_, body, err := wc.c.do(req)
	if err != nil {
		return "", err
	}
	var out struct {
		CorrelationID string `json:"correlationId"`
	}
	if err := decode(req, body, &out); err != nil {
		return "", err
	}
	if out.CorrelationID == "" {
		return "", errors.New("partnercenter: validation event answer has no correlationId")
	}
	return out.CorrelationID, nil
}

// ValidationStatus reads the outcome of a test event.
func (wc *WebhooksClient) ValidationStatus(ctx context.Context, correlationID string) (*ValidationStatus, error) {
	if strings.TrimSpace(correlationID) == "" {
		return nil, errors.New("partnercenter: validation correlation id is empty")
	}
	u := wc.c.base + WebhookValidationEventsPath + "/" + url.PathEscape(correlationID)
	req, err := wc.c.newRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	_, body, err := wc.c.do(req)
	if err != nil {
		return nil, err
	}
	var st ValidationStatus
	if err := decode(req, body, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

package partnercenter

import (
	"math"
	"net/http"
	"slices"
	"time"

	"github.com/google/uuid"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// ValidationEvent is a test-created event and its delivery results, in the
// wire shape of GET /registration/validationEvents/{correlationId}.
type ValidationEvent struct {
	CorrelationID string             `json:"correlationId"`
	PartnerID     string             `json:"partnerId"`
	Status        string             `json:"status"` // processing | completed | failed (see facts.go)
	CallbackURL   string             `json:"callbackUrl"`
	Results       []ValidationResult `json:"results"`
	CreatedAt     time.Time          `json:"-"`
}

// ValidationResult is one delivery attempt of a validation event.
type ValidationResult struct {
	ResponseCode    string `json:"responseCode"`
	ResponseMessage string `json:"responseMessage"`
	SystemError     bool   `json:"systemError"`
	DateTimeUTC     string `json:"dateTimeUtc"`
}

func (s *Service) createValidationEvent(w http.ResponseWriter, r *http.Request) {
	tenant := ""
	if c := core.ClaimsFrom(r.Context()); c != nil {
		tenant = c.TenantID
	}
	s.mu.Lock()
	now := s.now()
	if retry, throttled := s.throttleLocked(tenant, now); throttled {
		s.mu.Unlock()
		writeThrottled(w, retry)
		return
	}
	reg := s.registration
	if reg == nil || !slices.Contains(reg.WebhookEvents, "test-created") {
		s.mu.Unlock()
		s.WriteError(w, http.StatusBadRequest, "TestEventNotRegistered",
			"Register for the 'test-created' event before requesting a validation event.")
		return
	}
	cid := uuid.NewString()
	ev := &ValidationEvent{CorrelationID: cid, PartnerID: firstNonEmpty(tenant, s.tenantID), Status: "processing",
		CallbackURL: reg.WebhookURL, Results: []ValidationResult{}, CreatedAt: now}
	s.valEvents[cid] = ev
	s.valOrder = append(s.valOrder, cid)
	s.startDeliveryLocked(*reg, Event{
		EventName:             "test-created",
		ResourceURI:           testEventResourceBase + cid,
		ResourceName:          "test",
		ResourceChangeUtcDate: now.UTC().Format(eventTimeLayout),
	}, cid)
	s.mu.Unlock()
	w.Header().Set("MS-CorrelationId", cid)
	writeJSON(w, http.StatusOK, map[string]string{"correlationId": cid})
}

// throttleLocked applies the documented 2 requests per minute per tenant;
// it returns the Retry-After seconds when the request must be refused.
func (s *Service) throttleLocked(tenant string, now time.Time) (int, bool) {
	var recent []time.Time
	for _, t := range s.valThrottle[tenant] {
		if now.Sub(t) < validationEventsWindow {
			recent = append(recent, t)
		}
	}
	if len(recent) >= validationEventsPerWindow {
		s.valThrottle[tenant] = recent
		wait := recent[0].Add(validationEventsWindow).Sub(now)
		return max(1, int(math.Ceil(wait.Seconds()))), true
	}
	s.valThrottle[tenant] = append(recent, now)
	return 0, false
}

func (s *Service) getValidationEvent(w http.ResponseWriter, r *http.Request) {
	tenant := ""
	if c := core.ClaimsFrom(r.Context()); c != nil {
		tenant = c.TenantID
	}
	cid := r.PathValue("correlationId")
	s.mu.Lock()
	ev, ok := s.valEvents[cid]
	if ok && (s.now().Sub(ev.CreatedAt) > validationEventRetention || (tenant != "" && ev.PartnerID != tenant)) {
		ok = false
	}
	var out ValidationEvent
	if ok {
		out = copyValidationEvent(ev)
	}
	s.mu.Unlock()
	if !ok {
		s.WriteError(w, http.StatusNotFound, "ValidationEventNotFound", "No validation event with correlationId '"+cid+"' exists.")
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// ValidationEvents returns copies of all validation events, oldest first.
func (s *Service) ValidationEvents() []ValidationEvent {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]ValidationEvent, 0, len(s.valOrder))
	for _, cid := range s.valOrder {
		out = append(out, copyValidationEvent(s.valEvents[cid]))
	}
	return out
}

func copyValidationEvent(ev *ValidationEvent) ValidationEvent {
	c := *ev
	c.Results = slices.Clone(ev.Results)
	if c.Results == nil {
		c.Results = []ValidationResult{}
	}
	return c
}

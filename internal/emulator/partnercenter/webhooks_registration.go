package partnercenter

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Registration is the partner tenant's webhook registration (a singleton).
// The JSON tags are for scenario files; the wire format is PascalCase.
type Registration struct {
	SubscriberID                      string   `json:"subscriber_id,omitempty"`
	WebhookURL                        string   `json:"webhook_url"`
	WebhookEvents                     []string `json:"webhook_events"`
	SignatureTokenToMsSignatureHeader bool     `json:"signature_token_to_ms_signature_header,omitempty"`
}

func (r Registration) clone() Registration {
	r.WebhookEvents = slices.Clone(r.WebhookEvents)
	return r
}

// registrationRequest is the POST/PUT body; encoding/json binds keys
// case-insensitively, as the real API appears to (§3.2).
type registrationRequest struct {
	WebhookURL                        *string         `json:"WebhookUrl"`
	WebhookEvents                     []string        `json:"WebhookEvents"`
	SignatureTokenToMsSignatureHeader json.RawMessage `json:"SignatureTokenToMsSignatureHeader"`
}

// registrationResponse is the POST/PUT answer; GET omits SubscriberId.
type registrationResponse struct {
	SubscriberID  string   `json:"SubscriberId,omitempty"`
	WebhookURL    string   `json:"WebhookUrl"`
	WebhookEvents []string `json:"WebhookEvents"`
}

func (s *Service) listEvents(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.events)
}

func (s *Service) getRegistration(w http.ResponseWriter, r *http.Request) {
	reg, ok := s.Registration()
	if !ok {
		s.WriteError(w, http.StatusNotFound, "RegistrationNotFound", "No webhook registration exists for this partner tenant.")
		return
	}
	writeJSON(w, http.StatusOK, registrationResponse{WebhookURL: reg.WebhookURL, WebhookEvents: reg.WebhookEvents})
}

func (s *Service) createRegistration(w http.ResponseWriter, r *http.Request) {
	reg, err := s.readRegistration(r)
	if err != nil {
		writeHTTPError(w, err)
		return
	}
	if c := core.ClaimsFrom(r.Context()); c != nil && c.TenantID != "" {
		reg.SubscriberID = c.TenantID
	} else {
		reg.SubscriberID = s.tenantID
	}
	s.mu.Lock()
	if s.registration != nil {
		s.mu.Unlock()
		s.WriteError(w, http.StatusConflict, "RegistrationAlreadyExists",
			"A webhook registration already exists for this partner tenant; use PUT to change it.")
		return
	}
	s.registration = &reg
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, registrationResponse{reg.SubscriberID, reg.WebhookURL, reg.WebhookEvents})
}

func (s *Service) updateRegistration(w http.ResponseWriter, r *http.Request) {
	reg, err := s.readRegistration(r)
	if err != nil {
		writeHTTPError(w, err)
		return
	}
	s.mu.Lock()
	if s.registration == nil {
		s.mu.Unlock()
		s.WriteError(w, http.StatusNotFound, "RegistrationNotFound",
			"No webhook registration exists for this partner tenant; use POST to create it.")
		return
	}
	reg.SubscriberID = s.registration.SubscriberID
	s.registration = &reg
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, registrationResponse{reg.SubscriberID, reg.WebhookURL, reg.WebhookEvents})
}

func (s *Service) readRegistration(r *http.Request) (Registration, error) {
	var body registrationRequest
	if err := readJSONBody(r, &body); err != nil {
		return Registration{}, err
	}
	var reg Registration
	if body.WebhookURL != nil {
		reg.WebhookURL = *body.WebhookURL
	}
	reg.WebhookEvents = body.WebhookEvents
	if raw := strings.TrimSpace(string(body.SignatureTokenToMsSignatureHeader)); raw != "" && raw != "null" {
		var b bool
		var str string
		switch {
		case json.Unmarshal(body.SignatureTokenToMsSignatureHeader, &b) == nil:
		case json.Unmarshal(body.SignatureTokenToMsSignatureHeader, &str) == nil:
			v, err := strconv.ParseBool(strings.TrimSpace(str))
			if err != nil {
				return Registration{}, badRequest("InvalidRegistration", "SignatureTokenToMsSignatureHeader must be true or false, not '%s'", str)
			}
			b = v
		default:
			return Registration{}, badRequest("InvalidRegistration", "SignatureTokenToMsSignatureHeader must be a boolean")
		}
		reg.SignatureTokenToMsSignatureHeader = b
	}
	if err := s.checkRegistration(reg); err != nil {
		return Registration{}, badRequest("InvalidRegistration", "%v", err)
	}
	return reg, nil
}

// checkRegistration validates the URL and the event names.
func (s *Service) checkRegistration(reg Registration) error {
	if reg.WebhookURL == "" {
		return fmt.Errorf("WebhookUrl is required")
	}
	u, err := url.Parse(reg.WebhookURL)
	if err != nil || !u.IsAbs() || u.Host == "" || !strings.EqualFold(u.Scheme, "https") {
		return fmt.Errorf("WebhookUrl '%s' must be an absolute https URL", reg.WebhookURL)
	}
	if len(reg.WebhookEvents) == 0 {
		return fmt.Errorf("WebhookEvents must list at least one event")
	}
	for _, e := range reg.WebhookEvents {
		if !s.eventSet[e] {
			return fmt.Errorf("'%s' is not a supported webhook event; GET /webhooks/v1/registration/events lists them", e)
		}
	}
	return nil
}

// Registration returns the current webhook registration, if any.
func (s *Service) Registration() (Registration, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.registration == nil {
		return Registration{}, false
	}
	return s.registration.clone(), true
}

// SetRegistration replaces the registration (validated like the API does);
// an empty SubscriberID becomes the scenario's tenant id.
func (s *Service) SetRegistration(reg Registration) error {
	reg = reg.clone()
	if err := s.checkRegistration(reg); err != nil {
		return err
	}
	if reg.SubscriberID == "" {
		reg.SubscriberID = s.tenantID
	}
	s.mu.Lock()
	s.registration = &reg
	s.mu.Unlock()
	return nil
}

// ClearRegistration removes the registration (as if deleted in the Partner Center UI).
func (s *Service) ClearRegistration() {
	s.mu.Lock()
	s.registration = nil
	s.mu.Unlock()
}

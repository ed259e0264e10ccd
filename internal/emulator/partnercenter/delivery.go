package partnercenter

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Event is the callback payload Partner Center POSTs to the webhook URL (§3.4).
type Event struct {
	EventName             string  `json:"EventName"`
	ResourceURI           string  `json:"ResourceUri"`
	ResourceName          string  `json:"ResourceName"`
	AuditURI              *string `json:"AuditUri"`
	ResourceChangeUtcDate string  `json:"ResourceChangeUtcDate"`
}

// Delivery records one event sent (or being sent) to the webhook URL.
type Delivery struct {
	ID            string
	Event         Event
	URL           string
	Body          []byte      // the exact bytes that were signed and POSTed
	Header        http.Header // headers sent with every attempt
	Attempts      []DeliveryAttempt
	State         string // pending | delivered | failed
	CorrelationID string // the validation event's correlationId for test-created events
}

// DeliveryAttempt is one POST of a delivery.
type DeliveryAttempt struct {
	At           time.Time
	StatusCode   int    // 0 on a transport error
	ResponseBody string // first 1024 bytes of the receiver's answer
	Error        string // transport error, if any
	// RetryAfter is the receiver's Retry-After on a 503 or 429 (0: none);
	// the next attempt waits that long instead of the backoff.
	RetryAfter time.Duration
}

// Deliveries returns copies of every delivery, oldest first.
func (s *Service) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Delivery, 0, len(s.deliveries))
	for _, d := range s.deliveries {
		c := *d
		c.Body = slices.Clone(d.Body)
		c.Header = d.Header.Clone()
		c.Attempts = slices.Clone(d.Attempts)
		out = append(out, c)
	}
	return out
}

// WaitDeliveries blocks until no delivery has attempts left to make (or ctx ends).
func (s *Service) WaitDeliveries(ctx context.Context) error {
	s.mu.Lock()
	if s.pending == 0 {
		s.mu.Unlock()
		return nil
	}
	ch := make(chan struct{})
	s.idle = append(s.idle, ch)
	s.mu.Unlock()
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// emitReferralEventLocked sends a referral event when delivery is on and the
// registration lists it: name (referral-created or referral-updated) becomes
// related-referral-* for a referral that joined an engagement after its
// first referral (see facts.go). The caller holds s.mu.
func (s *Service) emitReferralEventLocked(name, id string) {
	if s.deliver && s.isRelatedLocked(id) {
		name = "related-" + name
	}
	if !s.deliver || s.registration == nil || !slices.Contains(s.registration.WebhookEvents, name) {
		return
	}
	s.startDeliveryLocked(*s.registration, Event{
		EventName:             name,
		ResourceURI:           referralEventResourceBase + id,
		ResourceName:          "referral",
		ResourceChangeUtcDate: s.now().UTC().Format(eventTimeLayout),
	}, "")
}

// isRelatedLocked reports whether another referral of id's engagement was
// created before it (earlier createdDateTime, or the same and a smaller id):
// id is then a related referral of that engagement, not its first.
func (s *Service) isRelatedLocked(id string) bool {
	r, ok := s.referrals[id]
	eng, _ := r.doc["engagementId"].(string)
	if !ok || eng == "" {
		return false
	}
	created := r.CreatedDateTime()
	for oid, o := range s.referrals {
		if other, _ := o.doc["engagementId"].(string); oid == id || other != eng {
			continue
		}
		if oc := o.CreatedDateTime(); oc.Before(created) || (oc.Equal(created) && oid < id) {
			return true
		}
	}
	return false
}

// startDeliveryLocked records ev and delivers it asynchronously, signed
// there (an RSA signature is too slow to hold s.mu for). The caller holds s.mu.
func (s *Service) startDeliveryLocked(reg Registration, ev Event, correlationID string) {
	body, err := encodeJSON(ev)
	if err != nil {
		return
	}
	d := &Delivery{ID: uuid.NewString(), Event: ev, URL: reg.WebhookURL, Body: body,
		State: "pending", CorrelationID: correlationID}
	s.deliveries = append(s.deliveries, d)
	s.pending++
	go s.run(d, reg.SignatureTokenToMsSignatureHeader)
}

// signedHeader is the header sent with every attempt of a delivery of body.
func (s *Service) signedHeader(body []byte, msHeader bool) http.Header {
	h := http.Header{}
	h.Set("Content-Type", "application/json")
	sig := "Signature " + s.signer.sign(body)
	if msHeader {
		h.Set("x-ms-signature", sig)
	} else {
		h.Set("Authorization", sig)
	}
	h.Set("X-MS-Certificate-Url", s.CertificateURL())
	h.Set("X-MS-Signature-Algorithm", "rsa-sha256")
	return h
}

// run signs d, then makes up to maxDeliveryAttempts POSTs with a doubling
// backoff (or the receiver's Retry-After).
func (s *Service) run(d *Delivery, msHeader bool) {
	defer s.doneOne()
	h := s.signedHeader(d.Body, msHeader)
	s.mu.Lock()
	d.Header = h
	s.mu.Unlock()
	backoff := s.opts.DeliveryBackoff
	if backoff <= 0 {
		backoff = defaultDeliveryBackoff
	}
	var wait time.Duration
	for attempt := 1; attempt <= maxDeliveryAttempts; attempt++ {
		if attempt > 1 {
			t := time.NewTimer(wait)
			select {
			case <-t.C:
			case <-s.ctx.Done():
				t.Stop()
				s.mu.Lock()
				d.State = "failed"
				s.markValidationLocked(d, "failed")
				s.mu.Unlock()
				return
			}
		}
		a, ok := s.attempt(d)
		last := attempt == maxDeliveryAttempts
		s.mu.Lock()
		d.Attempts = append(d.Attempts, a)
		s.recordValidationResultLocked(d, a)
		switch {
		case ok:
			d.State = "delivered"
			s.markValidationLocked(d, "completed")
		case last:
			d.State = "failed" // Partner Center moves it to an offline queue: no more attempts
			s.markValidationLocked(d, "failed")
		}
		s.mu.Unlock()
		if ok || last {
			return
		}
		wait = min(backoff<<(attempt-1), maxDeliveryBackoff)
		if a.RetryAfter > 0 {
			wait = a.RetryAfter
		}
	}
}

func (s *Service) attempt(d *Delivery) (DeliveryAttempt, bool) {
	req, err := http.NewRequestWithContext(s.ctx, http.MethodPost, d.URL, bytes.NewReader(d.Body))
	if err != nil {
		return DeliveryAttempt{At: s.now(), Error: err.Error()}, false
	}
	s.mu.Lock()
	req.Header = d.Header.Clone()
	s.mu.Unlock()
	resp, err := s.client.Do(req)
	a := DeliveryAttempt{At: s.now()}
	if err != nil {
		a.Error = err.Error()
		return a, false
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	a.StatusCode, a.ResponseBody = resp.StatusCode, string(b)
	if resp.StatusCode == http.StatusServiceUnavailable || resp.StatusCode == http.StatusTooManyRequests {
		a.RetryAfter = retryAfter(resp.Header.Get("Retry-After"), s.now())
	}
	return a, resp.StatusCode >= 200 && resp.StatusCode < 300
}

// retryAfter reads a Retry-After header (delay-seconds or an HTTP date),
// capped at maxDeliveryRetryAfter; 0 when absent or malformed.
func retryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	var d time.Duration
	if n, err := strconv.Atoi(v); err == nil {
		d = time.Duration(n) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		d = t.Sub(now)
	}
	return min(max(d, 0), maxDeliveryRetryAfter)
}

func (s *Service) recordValidationResultLocked(d *Delivery, a DeliveryAttempt) {
	ev, ok := s.valEvents[d.CorrelationID]
	if d.CorrelationID == "" || !ok {
		return
	}
	res := ValidationResult{DateTimeUTC: a.At.UTC().Format("2006-01-02T15:04:05.0000000")}
	if a.Error != "" {
		res.SystemError, res.ResponseMessage = true, a.Error
	} else {
		res.ResponseCode, res.ResponseMessage = dotNetStatusName(a.StatusCode), a.ResponseBody
	}
	ev.Results = append(ev.Results, res)
}

func (s *Service) markValidationLocked(d *Delivery, status string) {
	if ev, ok := s.valEvents[d.CorrelationID]; ok && d.CorrelationID != "" {
		ev.Status = status
	}
}

func (s *Service) doneOne() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pending--
	if s.pending == 0 {
		for _, ch := range s.idle {
			close(ch)
		}
		s.idle = nil
	}
}

// dotNetStatusName renders a status code as .NET's HttpStatusCode name, the
// form of responseCode in validation results ("OK" in the docs' sample).
func dotNetStatusName(code int) string {
	names := map[int]string{
		200: "OK", 201: "Created", 202: "Accepted", 204: "NoContent", 301: "MovedPermanently", 302: "Redirect",
		307: "TemporaryRedirect", 308: "PermanentRedirect", 400: "BadRequest", 401: "Unauthorized", 403: "Forbidden",
		404: "NotFound", 405: "MethodNotAllowed", 408: "RequestTimeout", 409: "Conflict", 410: "Gone",
		413: "RequestEntityTooLarge", 415: "UnsupportedMediaType", 429: "TooManyRequests",
		500: "InternalServerError", 501: "NotImplemented", 502: "BadGateway", 503: "ServiceUnavailable",
		504: "GatewayTimeout",
	}
	if n, ok := names[code]; ok {
		return n
	}
	if t := http.StatusText(code); t != "" {
		return strings.ReplaceAll(strings.ReplaceAll(t, " ", ""), "-", "")
	}
	return strconv.Itoa(code)
}

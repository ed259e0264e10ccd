// Package partnercenter emulates the Partner Center Referrals API
// (https://api.partner.microsoft.com/v1.0/engagements/referrals) and the
// Partner Center Webhooks API (https://api.partnercenter.microsoft.com/webhooks/v1),
// including signed event delivery to the registered webhook URL. It is
// written from the reference documents only; every unconfirmed behaviour it
// chose is listed in facts.go.
package partnercenter

import (
	"context"
	"crypto/rsa"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// Options are the run-time settings of the service.
type Options struct {
	// WebhooksBaseURL returns the webhooks listener's base URL (https://127.0.0.1:P); events carry
	// X-MS-Certificate-Url = WebhooksBaseURL()+"/cert/pcnotifications-dispatch.microsoft.com.cer".
	// Nil sends the real Microsoft certificate URL.
	WebhooksBaseURL func() string
	// DeliveryClient posts events to the webhook URL (must trust the receiver's TLS certificate).
	// Nil uses a client with a 10 s timeout.
	DeliveryClient *http.Client
	// Now is the clock for timestamps and the validation-event throttle (nil: time.Now).
	Now func() time.Time
	// Deliver enables signed delivery of referral-created/referral-updated events; it is ORed
	// with Scenario.DeliverEvents and can be changed later with SetDelivery.
	Deliver bool
	// DeliveryBackoff is the first retry delay between delivery attempts (0: 50 ms, doubling, ≤ 2 s).
	DeliveryBackoff time.Duration
	// SigningKey, when set, signs events instead of a fresh 2048-bit key (saves time in tests).
	SigningKey *rsa.PrivateKey
	// SigningCertDER, with SigningKey, replaces the generated self-signed certificate.
	SigningCertDER []byte
}

// Service is the emulated Partner Center (Referrals + Webhooks).
type Service struct {
	verifier core.TokenVerifier
	now      func() time.Time
	opts     Options
	signer   *signer
	client   *http.Client

	tenantID, orgID, orgName, mpnID string
	pageSize, maxPageSize           int
	events                          []string
	eventSet                        map[string]bool

	mu           sync.Mutex
	referrals    map[string]Referral
	version      uint64 // bumped by every change of referrals (storeLocked, deleteLocked)
	lists        listCache
	idempotency  map[string]string // caller + MS-RequestId → referral id
	registration *Registration
	deliver      bool
	valEvents    map[string]*ValidationEvent
	valOrder     []string
	valThrottle  map[string][]time.Time // tenant → accepted POST times within the window
	deliveries   []*Delivery

	ctx     context.Context
	cancel  context.CancelFunc
	pending int
	idle    []chan struct{}
}

// New builds the service from a scenario. The scenario's referrals must have
// unique ids; missing eTag/createdDateTime/updatedDateTime are filled in.
func New(v core.TokenVerifier, sc Scenario, opts Options) (*Service, error) {
	if v == nil {
		return nil, errors.New("partnercenter: a token verifier is required")
	}
	s := &Service{
		verifier:    v,
		opts:        opts,
		now:         opts.Now,
		client:      opts.DeliveryClient,
		tenantID:    sc.TenantID,
		orgID:       firstNonEmpty(sc.OrganizationID, defaultOrganizationID),
		orgName:     firstNonEmpty(sc.OrganizationName, defaultOrganizationName),
		mpnID:       firstNonEmpty(sc.MpnID, defaultMpnID),
		pageSize:    sc.PageSize,
		maxPageSize: sc.MaxPageSize,
		events:      append([]string(nil), sc.Events...),
		referrals:   map[string]Referral{},
		idempotency: map[string]string{},
		deliver:     sc.DeliverEvents || opts.Deliver,
		valEvents:   map[string]*ValidationEvent{},
		valThrottle: map[string][]time.Time{},
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.client == nil {
		s.client = &http.Client{Timeout: 10 * time.Second}
	}
	if s.pageSize <= 0 {
		s.pageSize = DefaultPageSize
	}
	if s.maxPageSize <= 0 {
		s.maxPageSize = MaxPageSize
	}
	if s.pageSize > s.maxPageSize {
		return nil, fmt.Errorf("partnercenter: page_size %d exceeds max_page_size %d", s.pageSize, s.maxPageSize)
	}
	if len(s.events) == 0 {
		s.events = append([]string(nil), DocumentedEvents...)
	}
	s.eventSet = set(s.events...)
	for i, r := range sc.Referrals {
		r = r.Clone()
		id := r.ID()
		if id == "" {
			return nil, fmt.Errorf("partnercenter: scenario referral %d has no id", i)
		}
		if _, dup := s.referrals[id]; dup {
			return nil, fmt.Errorf("partnercenter: scenario referral id %s appears twice", id)
		}
		s.fillServerFields(&r, nil)
		s.storeLocked(r)
	}
	if sc.Registration != nil {
		reg := sc.Registration.clone()
		if err := s.checkRegistration(reg); err != nil {
			return nil, fmt.Errorf("partnercenter: scenario registration: %w", err)
		}
		if reg.SubscriberID == "" {
			reg.SubscriberID = s.tenantID
		}
		s.registration = &reg
	}
	sg, err := newSigner(opts.SigningKey, opts.SigningCertDER, s.now())
	if err != nil {
		return nil, err
	}
	s.signer = sg
	s.ctx, s.cancel = context.WithCancel(context.Background())
	return s, nil
}

// Close stops pending deliveries (their remaining attempts are abandoned) and
// waits for the delivery goroutines to return.
func (s *Service) Close() {
	s.cancel()
	_ = s.WaitDeliveries(context.Background())
}

func (s *Service) referralsPolicy() core.AuthPolicy {
	return core.AuthPolicy{Audience: func() string { return core.AudienceReferrals }, UserOnly: true}
}

func (s *Service) webhooksPolicy() core.AuthPolicy {
	return core.AuthPolicy{Audience: func() string { return core.AudienceWebhooks }}
}

// ReferralsHandler serves /v1.0/engagements/referrals[/{id}] (user tokens for
// https://api.partner.microsoft.com only).
func (s *Service) ReferralsHandler() http.Handler {
	mux := http.NewServeMux()
	auth := func(h http.HandlerFunc) http.Handler {
		return core.RequireToken(s.verifier, s.referralsPolicy(), s.WriteError, h)
	}
	item := referralsBasePath + "/{id}"
	mux.Handle("GET "+referralsBasePath, auth(s.listReferrals))
	mux.Handle("POST "+referralsBasePath, auth(s.createReferral))
	mux.Handle(referralsBasePath, auth(s.methodNotAllowed("GET, POST")))
	mux.Handle("GET "+item, auth(s.getReferral))
	mux.Handle("PATCH "+item, auth(s.patchReferral))
	mux.Handle("PUT "+item, auth(s.putReferral))
	mux.Handle(item, auth(s.methodNotAllowed("GET, PATCH, PUT")))
	mux.Handle("/", auth(s.notFound))
	return withMSHeaders(mux)
}

// WebhooksHandler serves /webhooks/v1/registration[...] (app or user tokens
// for https://api.partnercenter.microsoft.com) and, without authentication,
// the event-signing certificate at /cert/pcnotifications-dispatch.microsoft.com.cer.
func (s *Service) WebhooksHandler() http.Handler {
	mux := http.NewServeMux()
	auth := func(h http.HandlerFunc) http.Handler {
		return core.RequireToken(s.verifier, s.webhooksPolicy(), s.WriteError, h)
	}
	reg := webhooksBasePath + "/registration"
	mux.Handle("GET "+reg+"/events", auth(s.listEvents))
	mux.Handle("GET "+reg, auth(s.getRegistration))
	mux.Handle("POST "+reg, auth(s.createRegistration))
	mux.Handle("PUT "+reg, auth(s.updateRegistration))
	mux.Handle(reg, auth(s.methodNotAllowed("GET, POST, PUT")))
	mux.Handle("POST "+reg+"/validationEvents", auth(s.createValidationEvent))
	mux.Handle("GET "+reg+"/validationEvents/{correlationId}", auth(s.getValidationEvent))
	mux.HandleFunc("GET "+certPath, s.serveCertificate)
	mux.Handle("/", auth(s.notFound))
	return withMSHeaders(mux)
}

// Handler serves both APIs on one mux (the emulator itself serves them on two
// listeners, because the real hosts differ).
func (s *Service) Handler() http.Handler {
	ref, wh := s.ReferralsHandler(), s.WebhooksHandler()
	mux := http.NewServeMux()
	mux.Handle("/webhooks/", wh)
	mux.Handle("/cert/", wh)
	mux.Handle("/", ref)
	return mux
}

func (s *Service) methodNotAllowed(allow string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Allow", allow)
		s.WriteError(w, http.StatusMethodNotAllowed, "MethodNotAllowed",
			fmt.Sprintf("The method '%s' is not supported on %s; allowed: %s.", r.Method, r.URL.Path, allow))
	}
}

func (s *Service) notFound(w http.ResponseWriter, r *http.Request) {
	s.WriteError(w, http.StatusNotFound, "NotFound", fmt.Sprintf("No resource exists at %s.", r.URL.Path))
}

// SetDelivery turns signed delivery of referral events on or off.
func (s *Service) SetDelivery(on bool) {
	s.mu.Lock()
	s.deliver = on
	s.mu.Unlock()
}

// Events returns the event names GET /registration/events answers with.
func (s *Service) Events() []string { return append([]string(nil), s.events...) }

// sortedReferrals returns copies ordered by createdDateTime, then id.
func (s *Service) sortedReferralsLocked() []Referral {
	out := make([]Referral, 0, len(s.referrals))
	for _, r := range s.referrals {
		out = append(out, r.Clone())
	}
	sortByCreation(out)
	return out
}

// sortByCreation orders referrals by createdDateTime, then id (the list's
// default order), reading each key once.
func sortByCreation(rs []Referral) {
	type keyed struct {
		at  time.Time
		id  string
		ref Referral
	}
	ks := make([]keyed, len(rs))
	for i, r := range rs {
		ks[i] = keyed{r.CreatedDateTime(), r.ID(), r}
	}
	sort.SliceStable(ks, func(i, j int) bool {
		if !ks[i].at.Equal(ks[j].at) {
			return ks[i].at.Before(ks[j].at)
		}
		return ks[i].id < ks[j].id
	})
	for i := range ks {
		rs[i] = ks[i].ref
	}
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}

package partnercenter

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/google/uuid"
)

// Defaults for the partner organisation that owns created referrals.
const (
	defaultOrganizationID   = "9e8d7c6b-5a4f-4e3d-2c1b-0a9f8e7d6c5b"
	defaultOrganizationName = "Northwind Consulting"
	defaultMpnID            = "1234567"
)

// newETag returns a Cosmos DB-style eTag including its literal quotes, e.g.
// "\"0a00f1e2-0000-0000-0000-66ed9a2c0000\"" (the docs' and payloads' format).
func newETag(now time.Time, old string) string {
	for {
		e := fmt.Sprintf(`"%08x-0000-0000-0000-%08x0000"`, rand.Uint32(), uint32(now.Unix()))
		if e != old {
			return e
		}
	}
}

func formatReferralTime(t time.Time) string { return t.UTC().Format(referralTimeLayout) }

// fillServerFields supplies eTag and timestamps a stored referral must have.
func (s *Service) fillServerFields(r *Referral, old *Referral) {
	now := formatReferralTime(s.now())
	if r.doc == nil {
		r.doc = map[string]any{}
	}
	if old != nil {
		if r.ETag() == "" || r.ETag() == old.ETag() {
			r.doc["eTag"] = newETag(s.now(), old.ETag())
		}
		if r.String("/updatedDateTime") == "" || r.String("/updatedDateTime") == old.String("/updatedDateTime") {
			r.doc["updatedDateTime"] = now
		}
		if r.String("/createdDateTime") == "" {
			r.doc["createdDateTime"] = old.String("/createdDateTime")
		}
		return
	}
	if r.ETag() == "" {
		r.doc["eTag"] = newETag(s.now(), "")
	}
	if r.String("/createdDateTime") == "" {
		r.doc["createdDateTime"] = now
	}
	if r.String("/updatedDateTime") == "" {
		r.doc["updatedDateTime"] = r.doc["createdDateTime"]
	}
}

// bump gives a changed referral a new eTag and updatedDateTime.
func (s *Service) bump(doc map[string]any) {
	old, _ := doc["eTag"].(string)
	doc["eTag"] = newETag(s.now(), old)
	doc["updatedDateTime"] = formatReferralTime(s.now())
}

// Referral returns a copy of the stored referral.
func (s *Service) Referral(id string) (Referral, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.referrals[id]
	if !ok {
		return Referral{}, false
	}
	return r.Clone(), true
}

// Referrals returns copies of all referrals ordered by createdDateTime, then id.
func (s *Service) Referrals() []Referral {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sortedReferralsLocked()
}

// PutReferral stores r as is, as if changed inside Partner Center (no
// validation): a missing id is generated, a replaced referral gets a new eTag
// and updatedDateTime unless r sets different ones. It emits referral-created
// or referral-updated when delivery is enabled.
func (s *Service) PutReferral(r Referral) (Referral, error) {
	r = r.Clone()
	if r.ID() == "" {
		r.doc["id"] = uuid.NewString()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	old, exists := s.referrals[r.ID()]
	event := "referral-created"
	if exists {
		s.fillServerFields(&r, &old)
		event = "referral-updated"
	} else {
		s.fillServerFields(&r, nil)
	}
	s.storeLocked(r)
	s.emitReferralEventLocked(event, r.ID())
	return r.Clone(), nil
}

// UpdateReferral changes a stored referral in place, as if edited in Partner
// Center: fn edits a copy, then the eTag and updatedDateTime are bumped and
// referral-updated is emitted when delivery is enabled. The id cannot change.
func (s *Service) UpdateReferral(id string, fn func(*Referral)) (Referral, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.referrals[id]
	if !ok {
		return Referral{}, false
	}
	r := old.Clone()
	fn(&r)
	if r.doc == nil {
		r.doc = map[string]any{}
	}
	r.doc["id"] = id
	s.bump(r.doc)
	s.storeLocked(r)
	s.emitReferralEventLocked("referral-updated", id)
	return r.Clone(), true
}

// DeleteReferral removes a referral (there is no DELETE in the API; this
// models a referral disappearing); it reports whether one was removed.
func (s *Service) DeleteReferral(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.referrals[id]
	if ok {
		s.deleteLocked(id)
	}
	return ok
}

package sync

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"slices"
	"strings"
	"time"
)

// Settled is the set of record versions a run left in sync: each referral
// (id and eTag) and each opportunity (id and ETag) of a pair that ended
// without failure, as the run read or wrote it. An incremental run re-lists
// a little before its watermark (WatermarkOverlap), so the previous run's
// own writes come back in the next listing; a record whose version is in
// the set has not changed since it was settled, and a pair made only of
// such records is set aside before its counterparts and lookups are read.
// That is what makes a no-op run, and the plan right after an apply, cost
// the listing and nothing more.
//
// Versions are kept as 64-bit FNV-1a hashes (8 bytes each, so a caller can
// keep the set: cosell_sync holds it in private state). A false match needs
// a hash collision between a changed record's new version and a kept one
// (about n/2^64); the set is also tied to the settings and options that
// decisions depend on (Key), and a run with other settings ignores it.
type Settled struct {
	key  uint64
	hash map[uint64]struct{}
}

// settledFormat is the first byte of MarshalBinary's output.
const settledFormat = 1

// newSettled is an empty set for decisions made under key.
func newSettled(key uint64) *Settled { return &Settled{key: key, hash: map[uint64]struct{}{}} }

// Len is the number of versions held.
func (s *Settled) Len() int {
	if s == nil {
		return 0
	}
	return len(s.hash)
}

// Key is the fingerprint of the settings and options the set was made under.
func (s *Settled) Key() uint64 {
	if s == nil {
		return 0
	}
	return s.key
}

func (s *Settled) addReferral(r *Referral) {
	if r != nil && r.ID != "" && r.ETag != "" {
		s.hash[versionHash('R', r.ID, r.ETag)] = struct{}{}
	}
}

func (s *Settled) addOpportunity(id, etag string) {
	if id != "" && etag != "" {
		s.hash[versionHash('O', id, etag)] = struct{}{}
	}
}

func (s *Settled) hasReferral(r *Referral) bool {
	if s == nil || r.ETag == "" {
		return false
	}
	_, ok := s.hash[versionHash('R', r.ID, r.ETag)]
	return ok
}

func (s *Settled) hasOpportunity(o *Opportunity) bool {
	if s == nil || o.ETag == "" {
		return false
	}
	_, ok := s.hash[versionHash('O', o.ID, o.ETag)]
	return ok
}

// versionHash names one version of one record. Ids compare without case
// (GUIDs come back in either case); ETags are opaque and compared exactly.
func versionHash(kind byte, id, etag string) uint64 {
	h := fnv.New64a()
	h.Write([]byte{kind, 0})
	h.Write([]byte(strings.ToLower(id)))
	h.Write([]byte{0})
	h.Write([]byte(etag))
	return h.Sum64()
}

// MarshalBinary is format byte, key, then the sorted hashes (8 bytes each,
// big-endian): about 80 KB for 10,000 settled pairs.
func (s *Settled) MarshalBinary() ([]byte, error) {
	if s == nil {
		return nil, nil
	}
	hs := make([]uint64, 0, len(s.hash))
	for h := range s.hash {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	out := make([]byte, 9, 9+8*len(hs))
	out[0] = settledFormat
	binary.BigEndian.PutUint64(out[1:], s.key)
	for _, h := range hs {
		out = binary.BigEndian.AppendUint64(out, h)
	}
	return out, nil
}

// UnmarshalSettled reads MarshalBinary's output. Empty input is no set.
func UnmarshalSettled(b []byte) (*Settled, error) {
	if len(b) == 0 {
		return nil, nil
	}
	if b[0] != settledFormat {
		return nil, fmt.Errorf("settled versions: format %d is not known (this provider writes %d)", b[0], settledFormat)
	}
	if len(b) < 9 || (len(b)-9)%8 != 0 {
		return nil, errors.New("settled versions: truncated")
	}
	s := newSettled(binary.BigEndian.Uint64(b[1:9]))
	for i := 9; i < len(b); i += 8 {
		s.hash[binary.BigEndian.Uint64(b[i:])] = struct{}{}
	}
	return s, nil
}

// settledKey fingerprints what a pair's decision depends on besides its
// records: the connector settings and the run's options. A set made under
// another key says nothing about this run.
func settledKey(s Settings, o Options) uint64 {
	h := fnv.New64a()
	statuses := slices.Clone(o.Statuses)
	slices.Sort(statuses)
	fmt.Fprintf(h, "v1|%q|%q|%q|%t|%t|%s|%s|%q|%t|%s", s.DealValueField, s.CountryField, s.CurrencyField, s.CheckMark, s.CoSellOnly,
		o.Direction, o.ConflictPolicy, statuses, o.IncludeLeads, o.SnapshotColumn)
	return h.Sum64()
}

// usable is the set when it was made under key, else nil.
func (s *Settled) usable(key uint64) *Settled {
	if s == nil || s.key != key {
		return nil
	}
	return s
}

// setAside moves the listed records that s holds at their listed version
// out of the world (into quietRefs and quietOpps), then brings back each
// one that a changed record pairs with: its opportunity or referral, the
// related referrals of its engagement, the referrals its snapshot links.
// What stays aside is a pair in which nothing changed since it was settled,
// so nothing is read or decided for it.
func (w *world) setAside(s *Settled) {
	if s == nil {
		return
	}
	var queue []any
	for id, r := range w.referrals {
		if s.hasReferral(r) {
			w.quietRefs[id] = r
			delete(w.referrals, id)
		} else {
			queue = append(queue, r)
		}
	}
	for id, o := range w.opps {
		if s.hasOpportunity(o) {
			w.quietOpps[id] = o
			delete(w.opps, id)
		} else {
			queue = append(queue, o)
		}
	}
	if len(w.quietRefs) == 0 && len(w.quietOpps) == 0 {
		return
	}
	oppsByReferral := map[string][]string{}
	for id, o := range w.quietOpps {
		if o.ReferralID != "" {
			oppsByReferral[o.ReferralID] = append(oppsByReferral[o.ReferralID], id)
		}
	}
	refsByEngagement := map[string][]string{}
	for id, r := range w.quietRefs {
		if r.EngagementID != "" {
			refsByEngagement[r.EngagementID] = append(refsByEngagement[r.EngagementID], id)
		}
	}
	bringRef := func(id string) {
		if r := w.quietRefs[id]; r != nil {
			delete(w.quietRefs, id)
			w.referrals[id] = r
			queue = append(queue, r)
		}
	}
	bringOpp := func(id string) {
		if o := w.quietOpps[id]; o != nil {
			delete(w.quietOpps, id)
			w.opps[id] = o
			queue = append(queue, o)
		}
	}
	for len(queue) > 0 {
		switch x := queue[len(queue)-1].(type) {
		case *Referral:
			queue = queue[:len(queue)-1]
			for _, id := range oppsByReferral[x.ID] {
				bringOpp(id)
			}
			bringOpp(x.ExternalReferenceID)
			bringOpp(opportunityIDFor(x.ID))
			if x.EngagementID != "" {
				for _, id := range refsByEngagement[x.EngagementID] {
					bringRef(id)
				}
			}
		case *Opportunity:
			queue = queue[:len(queue)-1]
			bringRef(x.ReferralID)
			if x.Snapshot != nil {
				for _, id := range x.Snapshot.Related {
					bringRef(id)
				}
			}
		}
	}
}

// settled is the Settled set a run reports: the final versions of the
// pairs that ended without failure, and the records it set aside, each
// only if the next run's listing can return it (changed at or after the
// next watermark less the overlap).
func (w *world) settled(outs []outcome, watermark time.Time) *Settled {
	next := newSettled(w.key)
	since := watermark.Add(-WatermarkOverlap)
	listed := func(t time.Time) bool { return !t.Before(since) }
	for _, out := range outs {
		if out.err != nil || len(out.decision.Failures) > 0 {
			continue
		}
		p := out.pair
		switch {
		case out.pc != nil:
			next.addReferral(out.pc)
		case p.Referral != nil && listed(p.Referral.UpdatedAt):
			next.addReferral(p.Referral)
		}
		for _, r := range p.Related {
			if listed(r.UpdatedAt) {
				next.addReferral(r)
			}
		}
		switch {
		case out.oppWritten:
			next.addOpportunity(out.oppID, out.oppETag) // "" after a Win/Lose action: not kept
		case p.Opportunity != nil && listed(p.Opportunity.ModifiedOn):
			next.addOpportunity(p.Opportunity.ID, p.Opportunity.ETag)
		}
	}
	for _, r := range w.quietRefs {
		if listed(r.UpdatedAt) {
			next.addReferral(r)
		}
	}
	for _, o := range w.quietOpps {
		if listed(o.ModifiedOn) {
			next.addOpportunity(o.ID, o.ETag)
		}
	}
	return next
}

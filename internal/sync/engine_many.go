package sync

import (
	"context"
	"slices"
)

// ReconcileReferrals is ReconcileReferral for many referrals at once (the
// webhook receiver's micro-batches): the same decisions, idempotency and
// related-referral handling, but one settings read, one keyed listing of the
// referrals (instead of a GET each), one bulk load of their counterparts and
// lookups, and the Dataverse writes of all of them in as few $batch
// requests as a full pass makes. A referral that no longer exists is
// skipped (its listing is empty) rather than failing the others.
func (e *Engine) ReconcileReferrals(ctx context.Context, ids []string, o Options) (Report, error) {
	o, err := prepare(o)
	if err != nil {
		return Report{}, err
	}
	o.Full = true // named records are never skipped by the watermark
	l := &loader{pc: e.pc, dyn: e.dyn, st: &statsCounter{}}
	start := e.now()
	s, err := l.settings(ctx)
	if err != nil {
		return Report{}, err
	}
	w := newWorld(s, o)
	if len(ids) > 0 {
		if err := l.referrals(ctx, w, ReferralQuery{IDs: sortedUnique(ids)}); err != nil {
			return Report{}, err
		}
	}
	if err := l.complete(ctx, w, true); err != nil {
		return Report{}, err
	}
	named := func(r *Referral) bool { return r != nil && slices.Contains(ids, r.ID) }
	pairs := slices.DeleteFunc(w.pairs(), func(p *Pair) bool {
		return !named(p.Referral) && !slices.ContainsFunc(p.Related, named)
	})
	rep, err := e.reconcile(ctx, l, w, pairs, start)
	rep.Watermark = o.Watermark // named records say nothing about the others
	return rep, err
}

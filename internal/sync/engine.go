package sync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	gosync "sync"
	"time"

	"golang.org/x/sync/errgroup"
)

// Engine reconciles referrals and opportunities through the ports. It is
// safe for concurrent use; each call loads what it needs afresh.
type Engine struct {
	pc  PartnerCenter
	dyn Dynamics
	now func() time.Time
}

// EngineOption configures an Engine.
type EngineOption func(*Engine)

// WithClock sets the clock (audit timestamps, report times); tests pin it.
func WithClock(now func() time.Time) EngineOption { return func(e *Engine) { e.now = now } }

// New returns an engine over the two ports.
func New(pc PartnerCenter, dyn Dynamics, opts ...EngineOption) *Engine {
	e := &Engine{pc: pc, dyn: dyn, now: time.Now}
	for _, o := range opts {
		o(e)
	}
	return e
}

// Plan loads both sides and decides, writing nothing: the changes a Run
// would make, failures and conflicts. Its Watermark is the given one (a
// plan does not move it).
func (e *Engine) Plan(ctx context.Context, o Options) (Report, error) {
	o.DryRun = true
	return e.Run(ctx, o)
}

// Preview is the list of changes a run would make (cosell_sync_preview).
func (e *Engine) Preview(ctx context.Context, o Options) ([]Change, error) {
	rep, err := e.Plan(ctx, o)
	return rep.Changes, err
}

// Run is the full pass: Load → Pair → Decide → Apply → Report, with at most
// Options.MaxParallelism pairs in flight. With DryRun it is Plan. Per-record
// failures are in the Report; the error is for what stops the whole run
// (invalid options, a failed read).
func (e *Engine) Run(ctx context.Context, o Options) (Report, error) {
	o, err := prepare(o)
	if err != nil {
		return Report{}, err
	}
	st := &statsCounter{}
	l := &loader{pc: e.pc, dyn: e.dyn, st: st}
	start := e.now()
	s, err := l.settings(ctx)
	if err != nil {
		return Report{}, err
	}
	w, err := l.loadAll(ctx, s, o)
	if err != nil {
		return Report{}, err
	}
	return e.reconcile(ctx, l, w, w.pairs(), start)
}

// ReconcileReferral reconciles the one referral a webhook event names (or a
// related referral of an engagement: its primary pair is reconciled), with
// the same decisions and idempotency as Run.
func (e *Engine) ReconcileReferral(ctx context.Context, id string, o Options) (Report, error) {
	return e.reconcileOne(ctx, o, []string{id}, nil, func(p *Pair) bool {
		return (p.Referral != nil && p.Referral.ID == id) || slices.ContainsFunc(p.Related, func(r *Referral) bool { return r.ID == id })
	})
}

// ReconcileOpportunity reconciles one opportunity and its referral.
func (e *Engine) ReconcileOpportunity(ctx context.Context, id string, o Options) (Report, error) {
	return e.reconcileOne(ctx, o, nil, []string{id}, func(p *Pair) bool {
		return p.Opportunity != nil && p.Opportunity.ID == id
	})
}

func (e *Engine) reconcileOne(ctx context.Context, o Options, refIDs, oppIDs []string, match func(*Pair) bool) (Report, error) {
	o, err := prepare(o)
	if err != nil {
		return Report{}, err
	}
	o.Full = true // a single record is never skipped by the watermark
	st := &statsCounter{}
	l := &loader{pc: e.pc, dyn: e.dyn, st: st}
	start := e.now()
	s, err := l.settings(ctx)
	if err != nil {
		return Report{}, err
	}
	w, err := l.loadSeeds(ctx, s, o, refIDs, oppIDs)
	if err != nil {
		return Report{}, err
	}
	pairs := slices.DeleteFunc(w.pairs(), func(p *Pair) bool { return !match(p) })
	rep, err := e.reconcile(ctx, l, w, pairs, start)
	rep.Watermark = o.Watermark // a single record says nothing about the others
	return rep, err
}

func prepare(o Options) (Options, error) {
	if errs := o.Validate(); len(errs) > 0 {
		return o, errors.Join(errs...)
	}
	return o.WithDefaults(), nil
}

// outcome is what happened to one pair.
type outcome struct {
	pair     *Pair
	decision Decision
	err      error // the write error that failed the pair
	// What the writes left (for Report.Settled): the referral Partner
	// Center answered with, and the opportunity row's last written ETag.
	pc         *Referral
	oppWritten bool
	oppID      string
	oppETag    string
}

// job is a pair in flight: its current read, lookups and decision.
type job struct {
	pair *Pair
	lk   *Lookups
	d    Decision
	pc   *Referral // the Partner Center step's result
	err  error
	// The last write to an opportunity row, and the ETag it answered with
	// ("" for a Win/Lose action, whose answer has none).
	oppWritten bool
	oppID      string
	oppETag    string
}

// reconcile decides every pair, then applies in phases so Dataverse writes
// go out in as few $batch requests as possible: (1) one Apply with the
// Dynamics writes that come first (opportunities created from referrals),
// (2) the Partner Center creates and patches, MaxParallelism at a time,
// (3) one Apply with the Dynamics writes that depend on them. Pairs that
// met a 412 are re-read and go round again (maxConflictRetries).
func (e *Engine) reconcile(ctx context.Context, l *loader, w *world, pairs []*Pair, start time.Time) (Report, error) {
	outs := make([]outcome, 0, len(pairs))
	jobs := make([]*job, len(pairs))
	for i, p := range pairs {
		jobs[i] = &job{pair: p, lk: w.lk}
	}
	for attempt := 0; len(jobs) > 0; attempt++ {
		for _, j := range jobs {
			j.d = Decide(Input{Pair: *j.pair, Lookups: j.lk, Settings: w.settings, Options: w.opts, Now: e.now()})
			j.pc, j.err, j.oppWritten, j.oppID, j.oppETag = nil, nil, false, "", ""
		}
		if w.opts.DryRun {
			for _, j := range jobs {
				outs = append(outs, outcome{pair: j.pair, decision: j.d})
			}
			break
		}
		if err := e.applyAll(ctx, l, w, jobs); err != nil {
			return Report{}, err
		}
		var again []*job
		for _, j := range jobs {
			if j.err != nil && errors.Is(j.err, ErrConflict) && attempt < maxConflictRetries {
				again = append(again, j)
				continue
			}
			if j.err != nil && errors.Is(j.err, ErrConflict) {
				j.err = fmt.Errorf("the record kept changing while it was synced (%d attempts): %w", attempt+1, j.err)
			}
			outs = append(outs, outcome{pair: j.pair, decision: j.d, err: j.err, pc: j.pc,
				oppWritten: j.oppWritten, oppID: j.oppID, oppETag: j.oppETag})
		}
		if err := e.rereadAll(ctx, l, w, again); err != nil {
			return Report{}, err
		}
		jobs = again
	}
	rep := Report{Start: start, DryRun: w.opts.DryRun}
	for _, out := range outs {
		tally(&rep, out)
	}
	// Set-aside records are unchanged since the run that settled them.
	rep.SetAside = len(w.quietRefs) + len(w.quietOpps)
	rep.PartnerCenter.Unchanged += len(w.quietRefs)
	rep.Dynamics.Unchanged += len(w.quietOpps)
	if w.opts.DryRun {
		rep.Watermark = w.opts.Watermark
	} else {
		rep.Watermark = w.watermark(w.opts.Watermark)
		if w.settle {
			rep.Settled = w.settled(outs, rep.Watermark)
		}
	}
	rep.Stats = l.st.snapshot()
	rep.End = e.now()
	return rep, nil
}

// applyAll runs the three phases for the jobs; per-pair errors land in
// job.err, the returned error is a cancelled context.
func (e *Engine) applyAll(ctx context.Context, l *loader, w *world, jobs []*job) error {
	// Phase 1: Dynamics first.
	first := map[*job][]Write{}
	for _, j := range jobs {
		if j.d.CRMFirst && j.d.Finish != nil {
			first[j] = j.d.Finish(j.pair.Referral)
		}
	}
	e.applyCRM(ctx, l, first)
	// Phase 2: Partner Center, bounded.
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(w.opts.MaxParallelism)
	for _, j := range jobs {
		if j.err != nil || (j.d.CreateReferral == nil && len(j.d.Patch) == 0) {
			continue
		}
		g.Go(func() error {
			j.pc, j.err = e.applyPC(gctx, l, j.d)
			return gctx.Err()
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	// Phase 3: Dynamics after Partner Center.
	then := map[*job][]Write{}
	for _, j := range jobs {
		if j.err == nil && !j.d.CRMFirst && j.d.Finish != nil {
			pc := j.pc
			if pc == nil {
				pc = j.pair.Referral
			}
			then[j] = j.d.Finish(pc)
		}
	}
	e.applyCRM(ctx, l, then)
	return ctx.Err()
}

func (e *Engine) applyPC(ctx context.Context, l *loader, d Decision) (*Referral, error) {
	if d.CreateReferral != nil {
		r, err := e.pc.CreateReferral(ctx, *d.CreateReferral, d.RequestID)
		l.st.add(func(s *Stats) { s.ReferralCreates++ })
		if err != nil {
			return nil, fmt.Errorf("creating the referral in Partner Center: %w", err)
		}
		return &r, nil
	}
	r, err := e.pc.PatchReferral(ctx, d.ReferralID, d.PatchETag, d.Patch)
	l.st.add(func(s *Stats) { s.ReferralPatches++ })
	if err != nil {
		return nil, fmt.Errorf("updating referral %s in Partner Center: %w", d.ReferralID, err)
	}
	return &r, nil
}

// applyCRM sends the writes of many pairs in one Apply call and sets each
// job's error from its own results. A change set is atomic, so any error in
// a pair's results (ErrSkipped included) means the pair was not written.
func (e *Engine) applyCRM(ctx context.Context, l *loader, byJob map[*job][]Write) {
	var all []Write
	var owner []*job
	for _, j := range sortedJobs(byJob) {
		for _, wr := range byJob[j] {
			all = append(all, wr)
			owner = append(owner, j)
		}
	}
	if len(all) == 0 {
		return
	}
	res := e.dyn.Apply(ctx, all)
	l.st.add(func(s *Stats) { s.ApplyCalls++; s.Writes += len(all) })
	skipped := map[*job]error{}
	for i, wr := range all {
		j := owner[i]
		var err error
		if i >= len(res) {
			err = fmt.Errorf("no answer from Dynamics 365 for this write")
		} else {
			err = res[i].Err
		}
		if err == nil && wr.Table == TableOpportunity {
			j.oppWritten, j.oppID, j.oppETag = true, wr.ID, res[i].ETag
		}
		if err == nil || j.err != nil {
			continue
		}
		err = fmt.Errorf("writing %s %s in Dynamics 365: %w", wr.Table, wr.ID, err)
		if errors.Is(err, ErrSkipped) {
			if skipped[j] == nil {
				skipped[j] = err
			}
			continue
		}
		j.err = err
	}
	for j, err := range skipped {
		if j.err == nil {
			j.err = err
		}
	}
}

func sortedJobs(m map[*job][]Write) []*job {
	out := make([]*job, 0, len(m))
	for j := range m {
		out = append(out, j)
	}
	slices.SortFunc(out, func(a, b *job) int {
		return strings.Compare(a.d.OpportunityID+a.d.ReferralID, b.d.OpportunityID+b.d.ReferralID)
	})
	return out
}

// rereadAll loads the pairs of the jobs again (MaxParallelism at a time).
func (e *Engine) rereadAll(ctx context.Context, l *loader, w *world, jobs []*job) error {
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(w.opts.MaxParallelism)
	for _, j := range jobs {
		g.Go(func() error {
			l.st.add(func(s *Stats) { s.Retries412++ })
			np, nlk, err := e.reread(gctx, l, w, j.pair)
			if err != nil {
				return err
			}
			j.pair, j.lk = np, nlk
			return nil
		})
	}
	return g.Wait()
}

// reread loads the pair again (its referral and opportunity and what they
// pair with), through the same loader as the single-record entry points.
func (e *Engine) reread(ctx context.Context, l *loader, w *world, p *Pair) (*Pair, *Lookups, error) {
	var refIDs, oppIDs []string
	if p.Referral != nil {
		refIDs = append(refIDs, p.Referral.ID)
	}
	if p.Opportunity != nil {
		oppIDs = append(oppIDs, p.Opportunity.ID)
	} else if p.Referral != nil {
		oppIDs = append(oppIDs, opportunityIDFor(p.Referral.ID))
	}
	nw, err := l.loadSeeds(ctx, w.settings, w.opts, refIDs, oppIDs)
	if err != nil {
		return nil, nil, err
	}
	for _, np := range nw.pairs() {
		if (p.Referral != nil && np.Referral != nil && np.Referral.ID == p.Referral.ID) ||
			(p.Opportunity != nil && np.Opportunity != nil && np.Opportunity.ID == p.Opportunity.ID) {
			return np, nw.lk, nil
		}
	}
	return &Pair{}, nw.lk, nil // both records are gone: nothing to do
}

// tally adds one pair's outcome to the report.
func tally(rep *Report, out outcome) {
	d := out.decision
	side := func(s Side) *SideCounts {
		if s == SidePartnerCenter {
			return &rep.PartnerCenter
		}
		return &rep.Dynamics
	}
	if out.err != nil {
		rep.Failures = append(rep.Failures, Failure{ReferralID: d.ReferralID, OpportunityID: d.OpportunityID, Reason: out.err.Error()})
		rep.Changes = append(rep.Changes, Change{Kind: ChangeFailure, ReferralID: d.ReferralID, OpportunityID: d.OpportunityID,
			Summary: out.err.Error()})
		if out.pair.Referral != nil {
			rep.PartnerCenter.Failed++
		}
		if out.pair.Opportunity != nil || out.pair.Referral == nil {
			rep.Dynamics.Failed++
		}
		return
	}
	rep.Changes = append(rep.Changes, d.Changes...)
	rep.Failures = append(rep.Failures, d.Failures...)
	rep.Conflicts = append(rep.Conflicts, d.Conflicts...)
	touched := map[Side]string{}
	for _, c := range d.Changes {
		switch c.Kind {
		case ChangeCreateOpportunity, ChangeCreateLead, ChangeCreateReferral:
			touched[c.Side] = "created"
		case ChangeUpdateOpportunity, ChangeUpdateReferral, ChangeStatusOpportunity, ChangeStatusReferral, ChangeLink:
			if touched[c.Side] == "" {
				touched[c.Side] = "updated"
			}
		}
	}
	for _, f := range d.Failures {
		if f.Side != "" {
			side(f.Side).Failed++
		}
	}
	for _, c := range d.Conflicts {
		if c.Winner == SidePartnerCenter {
			rep.Dynamics.Conflicts++
		} else {
			rep.PartnerCenter.Conflicts++
		}
	}
	exists := map[Side]bool{SidePartnerCenter: out.pair.Referral != nil, SideDynamics: out.pair.Opportunity != nil}
	for _, s := range []Side{SidePartnerCenter, SideDynamics} {
		switch touched[s] {
		case "created":
			side(s).Created++
		case "updated":
			side(s).Updated++
		default:
			if exists[s] && !slices.ContainsFunc(d.Failures, func(f Failure) bool { return f.Side == s }) {
				side(s).Unchanged++
			}
		}
	}
}

// statsCounter counts port calls across goroutines.
type statsCounter struct {
	mu gosync.Mutex
	s  Stats
}

func (c *statsCounter) add(f func(*Stats)) {
	c.mu.Lock()
	f(&c.s)
	c.mu.Unlock()
}

func (c *statsCounter) snapshot() Stats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.s
}

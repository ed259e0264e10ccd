package sync

import (
	"context"
	"slices"
	"strings"
	"time"

	"golang.org/x/sync/errgroup"
)

// world is what a run loaded: both sides' records, the lookups, and the
// pairs made of them.
type world struct {
	settings    Settings
	opts        Options
	referrals   map[string]*Referral
	opps        map[string]*Opportunity
	leads       map[string]*Lead
	lk          *Lookups
	detailsByID map[string]SolutionDetail
	// settle says the run reports its Settled set (listing runs only); key
	// is the fingerprint of the settings and options (settledKey).
	settle bool
	key    uint64
	// quietRefs and quietOpps are listed records set aside because the
	// previous run settled them at the version listed (Options.Settled).
	quietRefs map[string]*Referral
	quietOpps map[string]*Opportunity
}

func newWorld(s Settings, o Options) *world {
	return &world{settings: s, opts: o, referrals: map[string]*Referral{}, opps: map[string]*Opportunity{},
		quietRefs: map[string]*Referral{}, quietOpps: map[string]*Opportunity{}, key: settledKey(s, o),
		leads: map[string]*Lead{}, detailsByID: map[string]SolutionDetail{},
		lk: &Lookups{CurrencyByCode: map[string]string{}, CurrencyByID: map[string]string{}, Accounts: map[string]*Account{},
			Contacts: map[string]*ContactRow{}, Details: map[string]SolutionDetail{}}}
}

// loader reads through the ports (counting calls).
type loader struct {
	pc  PartnerCenter
	dyn Dynamics
	st  *statsCounter
}

func (l *loader) settings(ctx context.Context) (Settings, error) {
	vars, err := l.dyn.ReadVariables(ctx, SettingsVariables())
	if err != nil {
		return Settings{}, &LoadError{What: "the connector's environment variables", Err: err}
	}
	return ParseSettings(vars), nil
}

func (l *loader) referrals(ctx context.Context, w *world, q ReferralQuery) error {
	err := l.pc.ListReferrals(ctx, q, func(page []Referral) error {
		l.st.add(func(s *Stats) { s.ReferralPages++ })
		for i := range page {
			r := page[i]
			w.referrals[r.ID] = &r
		}
		return nil
	})
	if err != nil {
		return &LoadError{What: "Partner Center referrals", Err: err}
	}
	return nil
}

func (l *loader) rows(ctx context.Context, q RowQuery, each func(Row)) error {
	err := l.dyn.ListRows(ctx, q, func(page []Row) error {
		l.st.add(func(s *Stats) { s.RowPages++ })
		for _, r := range page {
			each(r)
		}
		return nil
	})
	if err != nil {
		return &LoadError{What: "Dynamics 365 " + q.Table + " rows", Err: err}
	}
	return nil
}

func (l *loader) opportunities(ctx context.Context, w *world, q RowQuery) error {
	q.Table, q.Columns = TableOpportunity, opportunityColumns(w.settings, w.opts.SnapshotColumn)
	return l.rows(ctx, q, func(r Row) { w.opps[r.ID] = decodeOpportunity(r, w.settings, w.opts.SnapshotColumn) })
}

// LoadError says which read failed; nothing was written.
type LoadError struct {
	What string
	Err  error
}

func (e *LoadError) Error() string { return "reading " + e.What + ": " + e.Err.Error() }
func (e *LoadError) Unwrap() error { return e.Err }

// loadAll lists what changed since the watermark (or everything) on both
// sides, then completes counterparts and lookups.
func (l *loader) loadAll(ctx context.Context, s Settings, o Options) (*world, error) {
	w := newWorld(s, o)
	w.settle = true
	since := o.since()
	if settled := o.Settled.usable(w.key); settled != nil && !since.IsZero() && !o.Full {
		if err := l.changedSince(ctx, w, since, settled); err != nil {
			return nil, err
		}
	} else {
		if err := sideBySide(ctx,
			func(ctx context.Context) error {
				return l.referrals(ctx, w, ReferralQuery{UpdatedSince: since, Statuses: o.Statuses})
			},
			func(ctx context.Context) error {
				return l.opportunities(ctx, w, RowQuery{ModifiedSince: since, Where: listedOpportunities})
			}); err != nil {
			return nil, err
		}
	}
	if !since.IsZero() {
		if err := l.retries(ctx, w, o); err != nil {
			return nil, err
		}
	}
	return w, l.complete(ctx, w, !since.IsZero() || len(o.Statuses) > 0)
}

// listedOpportunities are the opportunities a listing returns: synced, and
// carrying a referral id (new flagged ones are found by complete's keys).
var listedOpportunities = []Cond{{Column: ColSync, Values: []any{true}}, {Column: ColReferralID, NotNull: true}}

// changedSince is the incremental listing with the previous run's Settled
// set: versions first (ids, ETags and the keys that pair records), the
// settled ones set aside, then the whole records of the rest and of their
// counterparts, by id. A no-op run reads only the versions; the cost of a
// run grows with what changed, not with what the overlap lists again.
func (l *loader) changedSince(ctx context.Context, w *world, since time.Time, settled *Settled) error {
	if err := sideBySide(ctx,
		func(ctx context.Context) error {
			return l.referrals(ctx, w, ReferralQuery{UpdatedSince: since, Statuses: w.opts.Statuses, VersionsOnly: true})
		},
		func(ctx context.Context) error {
			q := RowQuery{Table: TableOpportunity, Columns: []string{ColReferralID}, ModifiedSince: since, Where: listedOpportunities}
			return l.rows(ctx, q, func(r Row) {
				w.opps[r.ID] = &Opportunity{ID: r.ID, ETag: r.ETag, ModifiedOn: r.ModifiedOn, ReferralID: str(r.Values[ColReferralID])}
			})
		}); err != nil {
		return err
	}
	listed := make([]time.Time, 0, len(w.referrals))
	for _, r := range w.referrals {
		listed = append(listed, r.UpdatedAt)
	}
	w.setAside(settled)
	refIDs, oppIDs := keys(w.referrals), keys(w.opps)
	clear(w.referrals)
	clear(w.opps)
	return sideBySide(ctx,
		func(ctx context.Context) error {
			if len(refIDs) == 0 {
				return nil
			}
			return l.referrals(ctx, w, ReferralQuery{IDs: refIDs, UpdatedSince: since, Statuses: w.opts.Statuses, Listed: listed})
		},
		func(ctx context.Context) error {
			if len(oppIDs) == 0 {
				return nil
			}
			return l.opportunities(ctx, w, RowQuery{IDs: oppIDs})
		})
}

// sideBySide runs a Partner Center read and a Dataverse read side by side: they
// fill different maps of the world and wait on different services.
func sideBySide(ctx context.Context, pc, dyn func(context.Context) error) error {
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error { return pc(gctx) })
	g.Go(func() error { return dyn(gctx) })
	return g.Wait()
}

// retries reads the previous run's failed records that the listing did not
// return (unchanged since, but perhaps fixed through a related row).
func (l *loader) retries(ctx context.Context, w *world, o Options) error {
	var refs, opps []string
	for _, id := range o.RetryReferrals {
		if id != "" && w.referrals[id] == nil {
			refs = append(refs, id)
		}
	}
	for _, id := range o.RetryOpportunities {
		if id != "" && w.opps[id] == nil {
			opps = append(opps, id)
		}
	}
	if len(refs) > 0 {
		if err := l.referrals(ctx, w, ReferralQuery{IDs: sortedUnique(refs)}); err != nil {
			return err
		}
	}
	if len(opps) > 0 {
		return l.opportunities(ctx, w, RowQuery{IDs: sortedUnique(opps)})
	}
	return nil
}

// loadSeeds loads the named records and everything they pair with: the
// single-record entry points and the re-read after a 412.
func (l *loader) loadSeeds(ctx context.Context, s Settings, o Options, referralIDs, oppIDs []string) (*world, error) {
	w := newWorld(s, o)
	for _, id := range referralIDs {
		r, err := l.pc.GetReferral(ctx, id)
		l.st.add(func(s *Stats) { s.ReferralGets++ })
		if err != nil {
			return nil, &LoadError{What: "referral " + id, Err: err}
		}
		w.referrals[r.ID] = &r
	}
	if len(oppIDs) > 0 {
		if err := l.opportunities(ctx, w, RowQuery{IDs: oppIDs}); err != nil {
			return nil, err
		}
	}
	return w, l.complete(ctx, w, true)
}

// complete fetches, by key and in bulk, the counterparts of what is loaded,
// the related referrals of their engagements, the leads made for lead
// referrals, and the rows the decisions need (accounts, contacts,
// currencies, solutions, the solution catalogue). partial says the listing
// did not cover everything, so counterparts may be missing.
func (l *loader) complete(ctx context.Context, w *world, partial bool) error {
	if partial {
		// Referrals of loaded opportunities: by the id on the opportunity,
		// and by externalReferenceId (a referral created but whose id was
		// never written back).
		var ids, ext []string
		for _, o := range w.opps {
			if o.ReferralID != "" && w.referrals[o.ReferralID] == nil {
				ids = append(ids, o.ReferralID)
			} else if o.ReferralID == "" {
				ext = append(ext, o.ID)
			}
			if o.Snapshot != nil {
				for _, id := range o.Snapshot.Related {
					if w.referrals[id] == nil {
						ids = append(ids, id)
					}
				}
			}
		}
		if len(ids) > 0 {
			if err := l.referrals(ctx, w, ReferralQuery{IDs: sortedUnique(ids)}); err != nil {
				return err
			}
		}
		if len(ext) > 0 {
			if err := l.referrals(ctx, w, ReferralQuery{ExternalReferenceIDs: sortedUnique(ext)}); err != nil {
				return err
			}
		}
	}
	// Opportunities of loaded referrals.
	checked := map[string]bool{}
	if err := l.counterpartOpportunities(ctx, w, checked); err != nil {
		return err
	}
	if partial {
		// Related referrals of the same engagements, for the referrals that
		// no loaded opportunity knows (by its referral id or its snapshot's
		// related ids): a new referral may be Microsoft's copy of an
		// engagement already paired. A known referral needs no look-up: a
		// related referral that appeared since is new, so the listing has it
		// and it is looked up here. With a status filter the listing may
		// miss it, so every engagement is looked up.
		known := knownReferrals(w)
		var eng []string
		for _, r := range w.referrals {
			if r.EngagementID != "" && (len(w.opts.Statuses) > 0 || !known[r.ID]) {
				eng = append(eng, r.EngagementID)
			}
		}
		if len(eng) > 0 {
			n := len(w.referrals)
			if err := l.referrals(ctx, w, ReferralQuery{EngagementIDs: sortedUnique(eng)}); err != nil {
				return err
			}
			if len(w.referrals) > n {
				if err := l.counterpartOpportunities(ctx, w, checked); err != nil {
					return err
				}
			}
		}
	}
	var leadIDs []string
	for _, r := range w.referrals {
		if isLead(r) {
			leadIDs = append(leadIDs, leadIDFor(r.ID))
		}
	}
	if len(leadIDs) > 0 {
		if err := l.rows(ctx, RowQuery{Table: TableLead, Columns: leadColumns, IDs: sortedUnique(leadIDs)}, func(r Row) {
			w.leads[r.ID] = decodeLead(r)
		}); err != nil {
			return err
		}
	}
	if len(w.referrals) == 0 && len(w.opps) == 0 {
		return nil
	}
	return l.lookups(ctx, w)
}

// counterpartOpportunities loads the opportunities of the loaded referrals
// that no loaded opportunity references and that were not looked up yet
// (checked): by referral id column, by externalReferenceId, and by the
// deterministic id a killed run may have created.
func (l *loader) counterpartOpportunities(ctx context.Context, w *world, checked map[string]bool) error {
	var oppIDs, refIDs []string
	referencing := map[string]bool{}
	for _, o := range w.opps {
		referencing[o.ReferralID] = true
	}
	for _, r := range w.referrals {
		if referencing[r.ID] || checked[r.ID] {
			continue
		}
		checked[r.ID] = true
		refIDs = append(refIDs, r.ID)
		if r.ExternalReferenceID != "" && w.opps[r.ExternalReferenceID] == nil {
			oppIDs = append(oppIDs, r.ExternalReferenceID)
		}
		if det := opportunityIDFor(r.ID); w.opps[det] == nil {
			oppIDs = append(oppIDs, det)
		}
	}
	if len(refIDs) == 0 {
		return nil
	}
	q := RowQuery{IDs: sortedUnique(oppIDs), Where: []Cond{{Column: ColReferralID, Values: anys(sortedUnique(refIDs))}}}
	return l.opportunities(ctx, w, q)
}

// knownReferrals is the referrals a loaded opportunity names: its own and
// the related ones its snapshot linked.
func knownReferrals(w *world) map[string]bool {
	known := map[string]bool{}
	for _, o := range w.opps {
		if o.ReferralID != "" {
			known[o.ReferralID] = true
		}
		if o.Snapshot != nil {
			for _, id := range o.Snapshot.Related {
				known[id] = true
			}
		}
	}
	return known
}

// lookups loads currencies and the solution catalogue (small tables, whole),
// and the accounts, contacts and solution rows of the loaded records.
func (l *loader) lookups(ctx context.Context, w *world) error {
	// Five independent reads, into different maps: side by side.
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		return l.rows(gctx, RowQuery{Table: TableCurrency, Columns: currencyColumns}, func(r Row) {
			code := normCode(str(r.Values["isocurrencycode"]))
			w.lk.CurrencyByCode[code], w.lk.CurrencyByID[r.ID] = r.ID, code
		})
	})
	g.Go(func() error {
		return l.rows(gctx, RowQuery{Table: TableSolutionDetail, Columns: detailColumns}, func(r Row) {
			d := decodeDetail(r)
			w.detailsByID[d.ID] = d
			if d.Identifier != "" {
				w.lk.Details[strings.ToUpper(d.Identifier)] = d
			}
		})
	})
	var accountIDs, contactIDs, oppIDs []string
	for _, o := range w.opps {
		oppIDs = append(oppIDs, o.ID)
		if o.AccountID != "" {
			accountIDs = append(accountIDs, o.AccountID)
		}
		if o.ContactID != "" {
			contactIDs = append(contactIDs, o.ContactID)
		}
	}
	// Match candidates for creates: accounts by company name, contacts by email.
	var names, emails []any
	for _, r := range w.referrals {
		if r.Customer.Name != "" {
			names = append(names, r.Customer.Name)
		}
		for _, c := range r.Contacts {
			if e := normEmail(c.Email); e != "" {
				emails = append(emails, e)
			}
		}
	}
	accounts := map[string]*Account{}
	if len(accountIDs) > 0 || len(names) > 0 {
		q := RowQuery{Table: TableAccount, Columns: accountColumns(w.settings), IDs: sortedUnique(accountIDs)}
		if len(names) > 0 {
			q.Where = []Cond{{Column: "name", Values: names}}
		}
		g.Go(func() error {
			return l.rows(gctx, q, func(r Row) {
				a := decodeAccount(r, w.settings)
				accounts[a.ID] = a
				key := accountKey(a.Customer)
				if prev, ok := w.lk.Accounts[key]; !ok || a.ID < prev.ID {
					w.lk.Accounts[key] = a // the oldest-id duplicate wins, deterministically
				}
			})
		})
	}
	contacts := map[string]*ContactRow{}
	if len(contactIDs) > 0 || len(emails) > 0 {
		q := RowQuery{Table: TableContact, Columns: contactColumns, IDs: sortedUnique(contactIDs)}
		if len(emails) > 0 {
			q.Where = []Cond{{Column: "emailaddress1", Values: emails}}
		}
		g.Go(func() error {
			return l.rows(gctx, q, func(r Row) {
				c := decodeContact(r)
				contacts[c.ID] = c
				e := normEmail(c.Email)
				if prev, ok := w.lk.Contacts[e]; e != "" && (!ok || c.ID < prev.ID) {
					w.lk.Contacts[e] = c
				}
			})
		})
	}
	solutions := map[string][]SolutionRow{}
	if len(oppIDs) > 0 {
		g.Go(func() error {
			return l.rows(gctx, RowQuery{Table: TableSolution, Columns: solutionColumns,
				Where: []Cond{{Column: ColSolutionOpportunity, Values: anys(sortedUnique(oppIDs))}}}, func(r Row) {
				opp := refID(r.Values[ColSolutionOpportunity])
				solutions[opp] = append(solutions[opp], SolutionRow{ID: r.ID, Name: str(r.Values[ColSolutionName]), DetailID: refID(r.Values[ColSolutionDetail])})
			})
		})
	}
	if err := g.Wait(); err != nil {
		return err
	}
	for _, rows := range solutions {
		for i := range rows {
			if d, ok := w.detailsByID[rows[i].DetailID]; ok {
				rows[i].Identifier = d.Identifier
			} else {
				rows[i].Identifier = rows[i].Name
			}
		}
	}
	for _, o := range w.opps {
		o.Account = accounts[o.AccountID]
		o.Contact = contacts[o.ContactID]
		o.Solutions = solutions[o.ID]
		slices.SortFunc(o.Solutions, func(a, b SolutionRow) int { return strings.Compare(a.ID, b.ID) })
		if o.CurrencyID != "" {
			o.CurrencyCode = w.lk.CurrencyByID[o.CurrencyID]
		}
	}
	return nil
}

// pairs builds the pairs of the world (sorted, deterministic).
func (w *world) pairs() []*Pair {
	byReferral := map[string]*Opportunity{}
	for _, o := range sortedValues(w.opps, func(o *Opportunity) string { return o.ID }) {
		if o.ReferralID != "" {
			if _, dup := byReferral[o.ReferralID]; !dup {
				byReferral[o.ReferralID] = o
			}
		}
	}
	used := map[string]bool{}
	oppOf := func(r *Referral) *Opportunity {
		for _, o := range []*Opportunity{byReferral[r.ID], w.opps[r.ExternalReferenceID], w.opps[opportunityIDFor(r.ID)]} {
			if o != nil && !used[o.ID] && (o.ReferralID == "" || o.ReferralID == r.ID) {
				return o
			}
		}
		return nil
	}
	// Group referrals by engagement.
	groups := map[string][]*Referral{}
	for _, r := range sortedValues(w.referrals, func(r *Referral) string { return r.ID }) {
		key := r.EngagementID
		if key == "" {
			key = "id:" + r.ID
		}
		groups[key] = append(groups[key], r)
	}
	var out []*Pair
	keys := make([]string, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		rs := groups[k]
		var paired []*Pair
		var loose []*Referral
		for _, r := range rs {
			if o := oppOf(r); o != nil {
				used[o.ID] = true
				paired = append(paired, &Pair{Referral: r, Opportunity: o, Lead: w.leads[leadIDFor(r.ID)]})
			} else {
				loose = append(loose, r)
			}
		}
		if len(paired) == 0 && len(loose) > 0 {
			primary := choosePrimary(loose)
			p := &Pair{Referral: primary, Lead: w.leads[leadIDFor(primary.ID)]}
			paired = append(paired, p)
			loose = slices.DeleteFunc(loose, func(r *Referral) bool { return r == primary })
		}
		// The other referrals of the engagement link to the primary pair,
		// never to a second opportunity.
		paired[0].Related = append(paired[0].Related, loose...)
		out = append(out, paired...)
	}
	for _, o := range sortedValues(w.opps, func(o *Opportunity) string { return o.ID }) {
		if used[o.ID] {
			continue
		}
		if o.ReferralID != "" && w.referrals[o.ReferralID] != nil {
			continue // its referral paired with another opportunity (a duplicate): left alone
		}
		out = append(out, &Pair{Opportunity: o})
	}
	return out
}

// choosePrimary picks the referral of an engagement that owns the
// opportunity (choices.go: partner-side first, then oldest, then id).
func choosePrimary(rs []*Referral) *Referral {
	best := rs[0]
	for _, r := range rs[1:] {
		a, b := isMicrosoftCopy(r), isMicrosoftCopy(best)
		switch {
		case a != b:
			if !a {
				best = r
			}
		case !r.CreatedAt.Equal(best.CreatedAt):
			if r.CreatedAt.Before(best.CreatedAt) {
				best = r
			}
		case r.ID < best.ID:
			best = r
		}
	}
	return best
}

// watermark is the newest change seen. It moves past records that failed:
// the caller carries them to the next run (Options.RetryReferrals,
// RetryOpportunities), so one invalid record does not make every later run
// list everything changed since it.
func (w *world) watermark(prev time.Time) time.Time {
	wm := prev
	for _, rs := range []map[string]*Referral{w.referrals, w.quietRefs} {
		for _, r := range rs {
			if r.UpdatedAt.After(wm) {
				wm = r.UpdatedAt
			}
		}
	}
	for _, os := range []map[string]*Opportunity{w.opps, w.quietOpps} {
		for _, o := range os {
			if o.ModifiedOn.After(wm) {
				wm = o.ModifiedOn
			}
		}
	}
	return wm
}

func keys[T any](m map[string]T) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func sortedUnique(ss []string) []string {
	out := slices.Clone(ss)
	slices.Sort(out)
	return slices.Compact(out)
}

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func sortedValues[T any](m map[string]T, key func(T) string) []T {
	out := make([]T, 0, len(m))
	for _, v := range m {
		out = append(out, v)
	}
	slices.SortFunc(out, func(a, b T) int { return strings.Compare(key(a), key(b)) })
	return out
}

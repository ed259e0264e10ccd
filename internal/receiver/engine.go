package receiver

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// dataverseConcurrentLimit is Dataverse's concurrent-request limit per user
// (dataverse-api.md §1.10); event reconciles and a sweep run at once, each
// bounded by max_parallelism, so twice that must stay within it.
const dataverseConcurrentLimit = 52

// syncSettings maps each sync option (the engine's one definition,
// internal/sync/options.go) to its environment variable.
var syncSettings = []struct {
	attr, env string
	set       func(o *sync.Options, v string) error
}{
	{"direction", "COSELL_SYNC_DIRECTION", func(o *sync.Options, v string) error { o.Direction = sync.Direction(v); return nil }},
	{"conflict_policy", "COSELL_SYNC_CONFLICT_POLICY", func(o *sync.Options, v string) error { o.ConflictPolicy = sync.ConflictPolicy(v); return nil }},
	{"statuses", "COSELL_SYNC_STATUSES", func(o *sync.Options, v string) error {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				o.Statuses = append(o.Statuses, s)
			}
		}
		return nil
	}},
	{"updated_since", "COSELL_SYNC_UPDATED_SINCE", func(o *sync.Options, v string) (err error) {
		o.UpdatedSince, err = time.Parse(time.RFC3339, v)
		if err != nil {
			return fmt.Errorf("%q is not an RFC 3339 time such as 2026-10-01T00:00:00Z", v)
		}
		return nil
	}},
	{"include_leads", "COSELL_SYNC_INCLUDE_LEADS", func(o *sync.Options, v string) (err error) {
		o.IncludeLeads, err = strconv.ParseBool(v)
		if err != nil {
			return fmt.Errorf("%q is not true or false", v)
		}
		return nil
	}},
	{"max_parallelism", "COSELL_SYNC_MAX_PARALLELISM", func(o *sync.Options, v string) (err error) {
		o.MaxParallelism, err = strconv.Atoi(v)
		if err != nil {
			return fmt.Errorf("%q is not a whole number", v)
		}
		return nil
	}},
	{"snapshot_column", "COSELL_SYNC_SNAPSHOT_COLUMN", func(o *sync.Options, v string) error { o.SnapshotColumn = v; return nil }},
}

// SyncOptionsFromEnv reads the sync options the cosell_sync resource takes
// as attributes from COSELL_SYNC_* and validates them with the engine's own
// Options.Validate; every error names the variable.
func SyncOptionsFromEnv(getenv func(string) string) (sync.Options, error) {
	o := sync.DefaultOptions()
	envOf := map[string]string{}
	var errs []error
	for _, s := range syncSettings {
		envOf[s.attr] = s.env
		if v := strings.TrimSpace(getenv(s.env)); v != "" {
			if err := s.set(&o, v); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", s.env, err))
			}
		}
	}
	for _, err := range o.Validate() {
		var oe *sync.OptionError
		if errors.As(err, &oe) && envOf[oe.Attribute] != "" {
			err = fmt.Errorf("%s: %s", envOf[oe.Attribute], oe.Message)
		}
		errs = append(errs, err)
	}
	o = o.WithDefaults()
	if 2*o.MaxParallelism > dataverseConcurrentLimit {
		errs = append(errs, fmt.Errorf("COSELL_SYNC_MAX_PARALLELISM: %d is too high for the receiver, which runs event reconciles and a sweep at once with this bound each; use at most %d to stay within Dataverse's %d concurrent requests",
			o.MaxParallelism, dataverseConcurrentLimit/2, dataverseConcurrentLimit))
	}
	return o, errors.Join(errs...)
}

// Engine adapts the sync engine to Reconciler: events run its
// single-referral entry, sweeps its incremental Run from the watermark the
// previous sweep reached (the first sweep after start-up is a full pass).
type Engine struct {
	e *sync.Engine
	o sync.Options

	mu        gosync.Mutex
	watermark time.Time
	failed    []sync.Failure // the last sweep's failed records, re-read by id next time
	settled   *sync.Settled  // the last sweep's settled versions: its own writes are set aside next time
}

// NewEngine wraps e with the options every reconcile and sweep uses.
func NewEngine(e *sync.Engine, o sync.Options) *Engine { return &Engine{e: e, o: o} }

// ReconcileReferral implements Reconciler.
func (a *Engine) ReconcileReferral(ctx context.Context, id string) (Result, error) {
	rep, err := a.e.ReconcileReferral(ctx, id, a.o)
	return result(rep), err
}

// ReconcileReferrals implements BatchReconciler.
func (a *Engine) ReconcileReferrals(ctx context.Context, ids []string) (Result, error) {
	rep, err := a.e.ReconcileReferrals(ctx, ids, a.o)
	return result(rep), err
}

// Sweep implements Reconciler.
func (a *Engine) Sweep(ctx context.Context) (Result, error) {
	a.mu.Lock()
	o := a.o
	o.Watermark = a.watermark
	// The watermark moves past failed records; the next sweep re-reads
	// them by id (as cosell_sync does with the failures in its state).
	o.RetryFailed(a.failed)
	o.Settled = a.settled
	a.mu.Unlock()
	rep, err := a.e.Run(ctx, o)
	if err != nil {
		return result(rep), err
	}
	a.mu.Lock()
	if rep.Watermark.After(a.watermark) {
		a.watermark = rep.Watermark
	}
	a.failed = rep.Failures
	a.settled = rep.Settled
	a.mu.Unlock()
	return result(rep), nil
}

func result(rep sync.Report) Result {
	r := Result{Written: rep.PartnerCenter.Created + rep.PartnerCenter.Updated + rep.Dynamics.Created + rep.Dynamics.Updated}
	for _, f := range rep.Failures {
		r.Failures = append(r.Failures, fmt.Sprintf("referral %s / opportunity %s: %s", f.ReferralID, f.OpportunityID, f.Reason))
	}
	return r
}

// CacheReferenceData wraps the engine's Dynamics port so that what every
// reconcile reads first and what rarely changes is answered from a copy at
// most ttl old: the connector's environment variables (ReadVariables) and
// the small tables read whole (currencies, the solution catalogue). Errors
// are not cached; every other read and every write goes through.
func CacheReferenceData(d sync.Dynamics, ttl time.Duration) sync.Dynamics {
	return &cachedReference{Dynamics: d, ttl: ttl, now: time.Now, entries: map[string]*cacheEntry{}}
}

// wholeTables are the tables the engine reads whole on every reconcile.
var wholeTables = map[string]bool{sync.TableCurrency: true, sync.TableSolutionDetail: true}

type cachedReference struct {
	sync.Dynamics
	ttl time.Duration
	now func() time.Time

	mu      gosync.Mutex
	entries map[string]*cacheEntry
}

type cacheEntry struct {
	at   time.Time
	vars map[string]string
	rows []sync.Row
}

func (c *cachedReference) get(key string) *cacheEntry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[key]; e != nil && c.now().Sub(e.at) < c.ttl {
		return e
	}
	return nil
}

func (c *cachedReference) put(key string, e *cacheEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e.at = c.now()
	c.entries[key] = e
}

func (c *cachedReference) ReadVariables(ctx context.Context, names []string) (map[string]string, error) {
	key := "vars\x00" + strings.Join(names, "\x00")
	if e := c.get(key); e != nil {
		return maps.Clone(e.vars), nil
	}
	vars, err := c.Dynamics.ReadVariables(ctx, names)
	if err != nil {
		return nil, err
	}
	c.put(key, &cacheEntry{vars: maps.Clone(vars)})
	return vars, nil
}

func (c *cachedReference) ListRows(ctx context.Context, q sync.RowQuery, page func([]sync.Row) error) error {
	if !wholeTables[q.Table] || len(q.IDs) > 0 || len(q.Where) > 0 || !q.ModifiedSince.IsZero() {
		return c.Dynamics.ListRows(ctx, q, page)
	}
	key := "rows\x00" + q.Table + "\x00" + strings.Join(q.Columns, "\x00")
	e := c.get(key)
	if e == nil {
		var rows []sync.Row
		if err := c.Dynamics.ListRows(ctx, q, func(p []sync.Row) error { rows = append(rows, p...); return nil }); err != nil {
			return err
		}
		e = &cacheEntry{rows: rows}
		c.put(key, e)
	}
	out := make([]sync.Row, len(e.rows))
	for i, r := range e.rows {
		r.Values = maps.Clone(r.Values)
		out[i] = r
	}
	return page(out)
}

package sync

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// Options is THE one definition of the sync's settings: the cosell_sync
// resource, the cosell_sync_preview data source and the webhook receiver all
// build an Options and call Validate. Attribute names in the messages are the
// resource's (direction, conflict_policy, statuses, updated_since,
// include_leads, dry_run, max_parallelism, full).
type Options struct {
	// Direction limits which side is written.
	Direction Direction
	// ConflictPolicy resolves a field changed on both sides since the last sync.
	ConflictPolicy ConflictPolicy
	// Statuses keeps only referrals in these statuses (New, Active, Closed);
	// empty = all. Opportunities whose referral falls outside are left alone.
	Statuses []string
	// UpdatedSince ignores records last changed before it (zero: no bound).
	UpdatedSince time.Time
	// IncludeLeads lets unaccepted Partner Center leads become Dynamics leads
	// (the connector's "Sync co-sell opportunities only" = Yes also stops them).
	IncludeLeads bool
	// DryRun decides without writing (Run behaves like Plan).
	DryRun bool
	// MaxParallelism bounds concurrent record pairs in flight (1..MaxParallelismLimit).
	MaxParallelism int
	// Full lists every record instead of those changed since Watermark.
	Full bool
	// Watermark is the previous run's Report.Watermark (zero: full pass).
	Watermark time.Time
	// RetryReferrals and RetryOpportunities are the records that failed in
	// the previous run (its Report.Failures, kept by the caller): an
	// incremental run reads them again by id, since the watermark moves past
	// them. A record fixed where the listing cannot see it (a solution row
	// added, an account's country corrected) is then retried all the same.
	RetryReferrals     []string
	RetryOpportunities []string
	// SnapshotColumn is the opportunity memo column holding the Snapshot.
	SnapshotColumn string
	// Settled is the previous run's Report.Settled, kept by the caller: an
	// incremental run sets aside the listed records it holds (settled.go).
	// Ignored by full runs and when the settings or options changed.
	Settled *Settled
}

// Direction says which sides a run may write.
type Direction string

// The directions.
const (
	// DirectionBoth writes both sides.
	DirectionBoth Direction = "both"
	// DirectionToDynamics writes Dynamics only: a staging workspace can read
	// referrals without writing to Partner Center.
	DirectionToDynamics Direction = "to_dynamics"
	// DirectionToPartnerCenter writes Partner Center, plus the bookkeeping
	// columns on the opportunity (referral id, link, snapshot, audit, mark)
	// that make re-runs idempotent.
	DirectionToPartnerCenter Direction = "to_partner_center"
)

// Directions lists the valid directions (for schema validators and docs).
func Directions() []string {
	return []string{string(DirectionBoth), string(DirectionToDynamics), string(DirectionToPartnerCenter)}
}

// ConflictPolicy resolves a field changed on both sides since the last sync.
type ConflictPolicy string

// The conflict policies.
const (
	PolicyPartnerCenterWins ConflictPolicy = "partner_center_wins"
	PolicyDynamicsWins      ConflictPolicy = "dynamics_wins"
	// PolicyNewestWins keeps the side whose record changed last
	// (updatedDateTime vs modifiedon); a tie goes to Partner Center.
	PolicyNewestWins ConflictPolicy = "newest_wins"
)

// ConflictPolicies lists the valid policies (for schema validators and docs).
func ConflictPolicies() []string {
	return []string{string(PolicyPartnerCenterWins), string(PolicyDynamicsWins), string(PolicyNewestWins)}
}

// ReferralStatuses lists the values accepted in Options.Statuses.
func ReferralStatuses() []string { return []string{"New", "Active", "Closed"} }

// Defaults and limits of the options.
const (
	DefaultMaxParallelism = 4
	// MaxParallelismLimit stays well inside Dataverse's 52 concurrent
	// requests per user (dataverse-api.md §1.10) with room for other clients.
	MaxParallelismLimit = 32
	// DefaultSnapshotColumn is the provider-owned opportunity memo column.
	DefaultSnapshotColumn = "cosell_syncsnapshot"
	// WatermarkOverlap re-lists a little before the watermark, for records
	// written while the previous run listed (and clock skew between services).
	WatermarkOverlap = 2 * time.Minute
)

// DefaultOptions returns the defaults: both directions, Partner Center wins,
// leads included (the connector variable still applies), parallelism 4.
func DefaultOptions() Options {
	return Options{
		Direction:      DirectionBoth,
		ConflictPolicy: PolicyPartnerCenterWins,
		IncludeLeads:   true,
		MaxParallelism: DefaultMaxParallelism,
		SnapshotColumn: DefaultSnapshotColumn,
	}
}

// OptionError is an invalid option: the attribute, the value and the fix.
type OptionError struct {
	Attribute string
	Message   string
}

func (e *OptionError) Error() string { return e.Attribute + ": " + e.Message }

// Validate checks every option and returns all problems (nil when valid).
// Zero values of Direction, ConflictPolicy, MaxParallelism and SnapshotColumn
// are valid and mean the default (see WithDefaults).
func (o Options) Validate() []error {
	var errs []error
	bad := func(attr, format string, args ...any) {
		errs = append(errs, &OptionError{Attribute: attr, Message: fmt.Sprintf(format, args...)})
	}
	if o.Direction != "" && !slices.Contains(Directions(), string(o.Direction)) {
		bad("direction", "%q is not a direction; use one of %s", o.Direction, strings.Join(Directions(), ", "))
	}
	if o.ConflictPolicy != "" && !slices.Contains(ConflictPolicies(), string(o.ConflictPolicy)) {
		bad("conflict_policy", "%q is not a conflict policy; use one of %s", o.ConflictPolicy, strings.Join(ConflictPolicies(), ", "))
	}
	for _, s := range o.Statuses {
		if !slices.Contains(ReferralStatuses(), s) {
			bad("statuses", "%q is not a referral status; use any of %s (case-sensitive)", s, strings.Join(ReferralStatuses(), ", "))
		}
	}
	if o.MaxParallelism < 0 || o.MaxParallelism > MaxParallelismLimit {
		bad("max_parallelism", "%d is out of range; use 1 to %d", o.MaxParallelism, MaxParallelismLimit)
	}
	if o.SnapshotColumn != "" && (strings.ToLower(o.SnapshotColumn) != o.SnapshotColumn || strings.ContainsAny(o.SnapshotColumn, " /()'")) {
		bad("snapshot_column", "%q is not a column logical name; use the lower-case logical name, e.g. %s", o.SnapshotColumn, DefaultSnapshotColumn)
	}
	return errs
}

// WithDefaults fills zero values with the defaults.
func (o Options) WithDefaults() Options {
	d := DefaultOptions()
	if o.Direction == "" {
		o.Direction = d.Direction
	}
	if o.ConflictPolicy == "" {
		o.ConflictPolicy = d.ConflictPolicy
	}
	if o.MaxParallelism == 0 {
		o.MaxParallelism = d.MaxParallelism
	}
	if o.SnapshotColumn == "" {
		o.SnapshotColumn = d.SnapshotColumn
	}
	return o
}

// writesPartnerCenter / writesDynamics say whether the direction allows data
// writes to that side.
func (o Options) writesPartnerCenter() bool { return o.Direction != DirectionToDynamics }
func (o Options) writesDynamics() bool      { return o.Direction != DirectionToPartnerCenter }

// since is the lower bound of an incremental listing ("" zero = list all).
func (o Options) since() time.Time {
	var t time.Time
	if !o.Full && !o.Watermark.IsZero() {
		t = o.Watermark.Add(-WatermarkOverlap)
	}
	if o.UpdatedSince.After(t) {
		t = o.UpdatedSince
	}
	return t
}

// Continue prepares the next incremental run after rep (a Run's report,
// not a Plan's): its watermark, its failures to retry by id, and the
// versions it settled.
func (o *Options) Continue(rep Report) {
	o.Watermark = rep.Watermark
	o.RetryFailed(rep.Failures)
	o.Settled = rep.Settled
}

// RetryFailed sets RetryReferrals and RetryOpportunities to the records of
// failures (the previous run's Report.Failures).
func (o *Options) RetryFailed(failures []Failure) {
	o.RetryReferrals, o.RetryOpportunities = nil, nil
	for _, f := range failures {
		if f.ReferralID != "" {
			o.RetryReferrals = append(o.RetryReferrals, f.ReferralID)
		}
		if f.OpportunityID != "" {
			o.RetryOpportunities = append(o.RetryOpportunities, f.OpportunityID)
		}
	}
}

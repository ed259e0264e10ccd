package receiver

import "context"

// Reconciler is the sync engine as the receiver needs it. The subcommand
// wires the engine of internal/sync (with the provider's clients) into it;
// tests use a fake.
type Reconciler interface {
	// ReconcileReferral runs the engine's single-referral entry for the
	// referral id an event names: the same decisions, conflict policy, audit
	// line and ✔/✘ mark as a full pass. It reads the referral's current
	// state, so one call covers every change made before it started.
	ReconcileReferral(ctx context.Context, referralID string) (Result, error)
	// Sweep runs one incremental pass (the watermark pass of cosell_sync),
	// catching what events missed.
	Sweep(ctx context.Context) (Result, error)
}

// BatchReconciler is a Reconciler that can reconcile many referrals in one
// call (the engine's ReconcileReferrals): the receiver then hands each call
// every referral that became due together, up to the batch size.
type BatchReconciler interface {
	Reconciler
	// ReconcileReferrals is ReconcileReferral for each id, in one pass.
	ReconcileReferrals(ctx context.Context, referralIDs []string) (Result, error)
}

// Result is what a reconcile or a sweep did.
type Result struct {
	// Written counts the records written.
	Written int
	// Failures are record-level failures (invalid data, refused writes),
	// each with its reason; the engine retries them on every later run.
	Failures []string
}

// Package receiver is the webhook receiver: it verifies Partner Center's
// signed callbacks (partner-center-api.md §3.4) before anything else
// happens, answers fast, and reconciles the referral each event names from a
// bounded queue that coalesces events per referral, never runs one referral
// twice at once and runs different referrals in parallel — under load, the
// referrals that became due together in one engine pass (BatchReconciler),
// with at most 52 Dataverse requests in flight. A periodic sweep
// (and one at start-up) catches whatever a crash or a lost delivery missed.
//
// It knows no Terraform types and reaches the sync engine only through the
// Reconciler interface it defines; the `webhook-receiver` subcommand of the
// provider binary wires the real engine and clients into it.
package receiver

// Package sync is the cosell_sync reconciliation engine: Partner Center
// referrals ↔ Dynamics 365 opportunities (and leads).
//
// Data flows Load → Pair → Decide → Apply → Report (engine.go). Decisions are
// pure functions (decide.go) of a pair, its snapshot, the connector settings,
// the options and the time; the engine reaches the APIs only through the
// ports it defines (ports.go), implemented by internal/syncio with the real
// clients and by internal/sync/synctest in memory. The package knows no
// Terraform types and imports none of the API clients.
//
// The facts live in one declarative place each: the field table (mapping.go),
// the status table (status.go), the connector's variables (settings.go), and
// every choice on an unconfirmed fact (choices.go).
package sync

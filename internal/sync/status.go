package sync

import "fmt"

// Opportunity statecode/statuscode values (dataverse-api.md §2).
const (
	oppOpen = 0
	oppWon  = 1
	oppLost = 2

	oppInProgress = 1
	oppOnHold     = 2
	oppWonStatus  = 3
	oppCanceled   = 4
	oppOutSold    = 5
)

// Lead statecode/statuscode values (Dataverse lead table: Open 0 New 1 /
// Qualified 1 Qualified 3 / Disqualified 2 Lost 4, Canceled 7).
const (
	leadOpen         = 0
	leadQualified    = 1
	leadDisqualified = 2

	leadNew             = 1
	leadQualifiedStatus = 3
	leadLostStatus      = 4
	leadCanceledStatus  = 7
)

// statusRow is one row of THE status table.
type statusRow struct {
	Status, Substatus string // Partner Center
	State, StatusCode int    // opportunity statecode/statuscode
	LeadState         int    // lead statecode while the referral is a lead
	LeadStatus        int    // lead statuscode
	Terminal          bool
}

// statusTable maps Partner Center status/substatus to the opportunity's
// statecode/statuscode. Microsoft's own mapping is not public
// (cosell-connector.md §0.3); this one is ours:
//
//	| Partner Center (status / substatus) | Opportunity (statecode / statuscode) | Lead (while unaccepted) | Terminal |
//	|---|---|---|---|
//	| New / Pending                       | Open (0) / On Hold (2)               | Open / New              | no  |
//	| New / Received                      | Open (0) / On Hold (2)               | Open / New              | no  |
//	| Active / Accepted                   | Open (0) / In Progress (1)           | Qualified / Qualified   | no  |
//	| Closed / Won                        | Won (1) / Won (3) — WinOpportunity   | Qualified / Qualified   | yes |
//	| Closed / Lost                       | Lost (2) / Out-Sold (5) — LoseOpportunity | Disqualified / Lost | yes |
//	| Closed / Declined                   | Lost (2) / Canceled (4) — LoseOpportunity | Disqualified / Canceled | yes |
//	| Closed / Expired                    | Lost (2) / Canceled (4) — LoseOpportunity | Disqualified / Canceled | yes |
//
// Dynamics → Partner Center (only transitions Partner Center allows:
// New → Active/Closed, Active → Closed; never out of a terminal state):
//
//	| Opportunity                         | Referral New (Pending/Received) | Referral Active/Accepted |
//	|---|---|---|
//	| Open / On Hold (2)                  | unchanged                       | unchanged (no way back to New) |
//	| Open / In Progress (1) or other     | accept → Active / Accepted      | unchanged                |
//	| Won (1) / any                       | Closed / Won                    | Closed / Won             |
//	| Lost (2) / any                      | decline → Closed / Declined     | Closed / Lost            |
//
// The Salesforce connector's on-hold stage works the same way: unaccepted
// co-sells wait on hold; moving to active accepts (cosell-connector.md §3).
var statusTable = []statusRow{
	{"New", "Pending", oppOpen, oppOnHold, leadOpen, leadNew, false},
	{"New", "Received", oppOpen, oppOnHold, leadOpen, leadNew, false},
	{"Active", "Accepted", oppOpen, oppInProgress, leadQualified, leadQualifiedStatus, false},
	{"Closed", "Won", oppWon, oppWonStatus, leadQualified, leadQualifiedStatus, true},
	{"Closed", "Lost", oppLost, oppOutSold, leadDisqualified, leadLostStatus, true},
	{"Closed", "Declined", oppLost, oppCanceled, leadDisqualified, leadCanceledStatus, true},
	{"Closed", "Expired", oppLost, oppCanceled, leadDisqualified, leadCanceledStatus, true},
}

// statusOf finds the row of a referral status; unknown pairs (None/None,
// New without substatus) read as New/Pending, the state of a fresh referral.
func statusOf(status, substatus string) statusRow {
	for _, r := range statusTable {
		if r.Status == status && r.Substatus == substatus {
			return r
		}
	}
	if status == "Active" {
		return statusTable[2]
	}
	return statusTable[0]
}

// referralTerminal: Won, Lost, Declined, Expired never change again.
func referralTerminal(r *Referral) bool { return statusOf(r.Status, r.Substatus).Terminal }

// opportunityClosed: Won and Lost opportunities are read-only in Dataverse.
func opportunityClosed(o *Opportunity) bool { return o.State == oppWon || o.State == oppLost }

// pcStatusValue / crmStatusValue are the normalised status field values.
func pcStatusValue(r *Referral) string {
	row := statusOf(r.Status, r.Substatus)
	return row.Status + "/" + row.Substatus
}

func crmStatusValue(o *Opportunity) string { return fmt.Sprintf("%d/%d", o.State, o.Status) }

// statusEquivalent reports whether the two sides agree on the status.
func statusEquivalent(r *Referral, o *Opportunity) bool {
	row := statusOf(r.Status, r.Substatus)
	switch o.State {
	case oppWon:
		return row.Substatus == "Won"
	case oppLost:
		return row.Status == "Closed" && row.Substatus != "Won"
	default:
		if row.Status == "Closed" {
			return false
		}
		if o.Status == oppOnHold {
			return row.Status == "New"
		}
		return row.Status == "Active"
	}
}

// referralStatusFor is the Dynamics → Partner Center direction of the table:
// the status/substatus the referral should move to for this opportunity, or
// ok=false when the opportunity's status implies no allowed transition.
func referralStatusFor(o *Opportunity, r *Referral) (status, substatus string, ok bool) {
	cur := statusOf(r.Status, r.Substatus)
	if cur.Terminal {
		return "", "", false
	}
	switch o.State {
	case oppWon:
		return "Closed", "Won", true
	case oppLost:
		if cur.Status == "New" {
			return "Closed", "Declined", true
		}
		return "Closed", "Lost", true
	default:
		if o.Status != oppOnHold && cur.Status == "New" {
			return "Active", "Accepted", true
		}
		return "", "", false
	}
}

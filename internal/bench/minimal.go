package bench

// Paging is what the APIs allow per call, as the minimal count assumes.
type Paging struct {
	// ReferralPage is the referrals one list call returns (the $top the sync
	// asks, capped by Partner Center: 500 in the emulator, unconfirmed).
	ReferralPage int
	// RowPage is the Dataverse rows one page returns (odata.maxpagesize ≤ 5000).
	RowPage int
	// BatchOps is the operations one Dataverse $batch may carry (1000).
	BatchOps int
}

// DefaultPaging is the documented maxima (dataverse-api.md §1.3, §1.8) and
// the referral page the sync asks for.
var DefaultPaging = Paging{ReferralPage: 500, RowPage: 5000, BatchOps: 1000}

// Minimal is a lower bound of the API calls a run over the scenario needs,
// by part. Token requests are not counted (on either side of the ratio).
type Minimal struct {
	ReferralReads int // list pages: changed and new referrals, and the counterparts of changed opportunities
	RowReads      int // opportunity pages + one page per related table touched + the settings
	ReferralWrite int // one create per new opportunity, one patch per opportunity changed in Dynamics and per new referral (CRM id)
	BatchWrites   int // Dataverse $batch requests carrying every row write
	BatchOps      int // the row writes inside them
}

// Total is the sum of the parts.
func (m Minimal) Total() int {
	return m.ReferralReads + m.RowReads + m.ReferralWrite + m.BatchWrites
}

func pages(n, size int) int {
	if n <= 0 {
		return 0
	}
	return (n + size - 1) / size
}

// MinimalChangeRun is the lower bound for the incremental run after
// ApplyChanges:
//   - reads: every record that changed must be read once, and the
//     counterpart of each changed pair: Partner Center pages of (changed +
//     new referrals + referrals of changed opportunities); Dataverse pages of
//     (changed + new + invalid opportunities + opportunities of changed and
//     new referrals), plus one page each of accounts, contacts, currencies,
//     the solution catalogue and solution rows (new records need them), plus
//     one call for the connector's environment variables;
//   - writes: Partner Center has no batch, so one call per referral created
//     (new flagged opportunity) or patched (changed opportunity), plus one
//     patch per new Partner Center referral: its externalReferenceId must
//     name the opportunity made for it (cosell-connector.md §3 mapping
//     table, "externalReferenceId | CRM record id ("CRM ID" in PC) |
//     CRM→PC"), and a referral that already exists can only get it by a
//     PATCH; Dataverse
//     row writes go in $batch requests of BatchOps: one update per pair
//     changed on either side (the field and the pair's snapshot in one
//     PATCH), account + contact + opportunity + solution row per new
//     referral, the referral id/link write-back per new opportunity, and one
//     audit write per invalid record.
func (s *Scenario) MinimalChangeRun(p Paging) Minimal {
	cpc, ccrm, npc, ncrm, inv := len(s.ChangedPC), len(s.ChangedCRM), len(s.NewPC), len(s.NewCRM), len(s.Invalid)
	m := Minimal{
		ReferralReads: max(1, pages(cpc+npc+ccrm, p.ReferralPage)),
		RowReads:      max(1, pages(ccrm+ncrm+inv+cpc+npc, p.RowPage)) + 5 + 1,
		ReferralWrite: ncrm + ccrm + npc,
		BatchOps:      cpc + ccrm + 4*npc + ncrm + inv,
	}
	m.BatchWrites = pages(m.BatchOps, p.BatchOps)
	return m
}

// MinimalNoOp is the lower bound for a run (or plan) that finds nothing
// changed since the last one: one list call on each side that comes back
// empty, and the environment variables.
func MinimalNoOp() Minimal { return Minimal{ReferralReads: 1, RowReads: 2} }

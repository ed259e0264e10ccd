package sync

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

// crmAfter is the opportunity's statecode/statuscode after a decision's writes.
func crmAfter(o *Opportunity, d Decision) (int, int) {
	state, status := o.State, o.Status
	for _, w := range writes(d) {
		switch w.Kind {
		case WriteWin:
			state, status = oppWon, w.Status
		case WriteLose:
			state, status = oppLost, w.Status
		case WriteUpdate, WriteUpsert:
			if v, ok := w.Values["statuscode"]; ok && w.Table == TableOpportunity {
				status = v.(int)
			}
		}
	}
	return state, status
}

// Every row of the status table, Partner Center → Dynamics: the referral
// moves (from the state before it), the opportunity follows.
func TestStatusTablePartnerCenterToDynamics(t *testing.T) {
	for _, row := range statusTable {
		t.Run(row.Status+"/"+row.Substatus, func(t *testing.T) {
			r, o := syncedPair()
			// The state before: New/Pending ↔ Open/On Hold for rows reachable from New.
			r.Status, r.Substatus, o.State, o.Status = "New", "Pending", oppOpen, oppOnHold
			o.Snapshot.PartnerCenter, o.Snapshot.Dynamics = pcValues(r), crmValues(o)
			r.Status, r.Substatus = row.Status, row.Substatus
			d := Decide(input(r, o))
			state, status := crmAfter(o, d)
			if state != row.State || status != row.StatusCode {
				t.Fatalf("opportunity %d/%d, want %d/%d (writes %+v)", state, status, row.State, row.StatusCode, writes(d))
			}
			if len(d.Patch) != 0 {
				t.Errorf("nothing goes back to Partner Center: %+v", d.Patch)
			}
		})
	}
}

// Every opportunity status × the referral's open states, Dynamics → Partner
// Center, as documented on statusTable.
func TestStatusTableDynamicsToPartnerCenter(t *testing.T) {
	type crm struct{ state, status int }
	cases := []struct {
		from crm
		to   crm
		pc   string // referral status before
		want string // status/substatus after ("" = unchanged)
	}{
		{crm{0, 1}, crm{0, 2}, "New/Pending", ""},
		{crm{0, 1}, crm{0, 2}, "Active/Accepted", ""},
		{crm{0, 2}, crm{0, 1}, "New/Pending", "Active/Accepted"},
		{crm{0, 2}, crm{0, 1}, "New/Received", "Active/Accepted"},
		{crm{0, 2}, crm{1, 3}, "New/Pending", "Closed/Won"},
		{crm{0, 1}, crm{1, 3}, "Active/Accepted", "Closed/Won"},
		{crm{0, 2}, crm{2, 4}, "New/Pending", "Closed/Declined"},
		{crm{0, 2}, crm{2, 5}, "New/Pending", "Closed/Declined"},
		{crm{0, 1}, crm{2, 4}, "Active/Accepted", "Closed/Lost"},
		{crm{0, 1}, crm{2, 5}, "Active/Accepted", "Closed/Lost"},
	}
	for _, c := range cases {
		t.Run(c.pc+"→"+c.want, func(t *testing.T) {
			r, o := syncedPair()
			r.Status, r.Substatus, _ = strings.Cut(c.pc, "/")
			o.State, o.Status = c.from.state, c.from.status
			o.Snapshot.PartnerCenter, o.Snapshot.Dynamics = pcValues(r), crmValues(o)
			o.State, o.Status = c.to.state, c.to.status
			d := Decide(input(r, o))
			p := patchOf(d)
			got := ""
			if p["/status"] != nil {
				got = p["/status"].(string) + "/" + p["/substatus"].(string)
			}
			if got != c.want {
				t.Fatalf("referral → %q, want %q", got, c.want)
			}
		})
	}
}

func TestAuditBounded(t *testing.T) {
	audit := ""
	for range 200 {
		audit = appendAudit(audit, auditSuccess(now, "opportunity updated (notes, deal_value)"))
	}
	if n := utf8.RuneCountInString(audit); n > auditMaxLen {
		t.Fatalf("audit %d runes, bound %d", n, auditMaxLen)
	}
	if !strings.HasSuffix(audit, "opportunity updated (notes, deal_value).") {
		t.Error("the newest line must be kept")
	}
	long := appendAudit("", auditFailure(now, []string{strings.Repeat("x", 5000)}))
	if utf8.RuneCountInString(long) > auditMaxLen {
		t.Error("a single long line must be cut")
	}
	if lastAuditMessage(auditFailure(now, []string{"a"})) != lastAuditMessage(auditFailure(now.Add(48*3600e9), []string{"a"})) {
		t.Error("the same failure at another time must compare equal")
	}
}

func TestStripMark(t *testing.T) {
	for in, want := range map[string]string{"Deal ✔": "Deal", "Deal ✘": "Deal", "Deal ✗ ✔": "Deal", "Deal": "Deal", " Deal ✓ ": "Deal"} {
		if got := stripMark(in); got != want {
			t.Errorf("stripMark(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	if errs := DefaultOptions().Validate(); errs != nil {
		t.Fatalf("defaults invalid: %v", errs)
	}
	o := Options{Direction: "sideways", ConflictPolicy: "coin_flip", Statuses: []string{"Won"}, MaxParallelism: 99, SnapshotColumn: "Bad Name"}
	errs := o.Validate()
	attrs := map[string]bool{}
	for _, err := range errs {
		var oe *OptionError
		if !errors.As(err, &oe) {
			t.Fatalf("not an OptionError: %v", err)
		}
		attrs[oe.Attribute] = true
	}
	for _, a := range []string{"direction", "conflict_policy", "statuses", "max_parallelism", "snapshot_column"} {
		if !attrs[a] {
			t.Errorf("no error for %s in %v", a, errs)
		}
	}
}

func TestParseSettings(t *testing.T) {
	s := ParseSettings(nil)
	if s.DealValueField != "estimatedvalue" || s.CountryField != "address1_country" || s.CurrencyField != "transactioncurrencyid" || !s.CheckMark || s.CoSellOnly {
		t.Fatalf("defaults %+v", s)
	}
	s = ParseSettings(map[string]string{VarDealValueField: " Cosell_Budget ", VarCheckMark: "no", VarCoSellOnly: "Yes"})
	if s.DealValueField != "cosell_budget" || s.CheckMark || !s.CoSellOnly {
		t.Fatalf("parsed %+v", s)
	}
}

// The engine's own writes are not changes on the next decision (no echo):
// apply a decision's writes and snapshot to the pair, decide again.
func TestNoEchoAfterOwnWrites(t *testing.T) {
	r, o := syncedPair()
	r.DealValue, o.CloseDate = 80000, "2027-08-31"
	d := Decide(input(r, o))
	if len(d.Patch) == 0 || len(writes(d)) == 0 {
		t.Fatalf("want writes both ways: %+v", d)
	}
	// Partner Center after the patch.
	after := *r
	for _, c := range d.Patch {
		if c.Path == "/details/closingDateTime" {
			after.CloseDate = normDate(c.Value.(string))
		}
	}
	after.ETag = `"2"`
	w := d.Finish(&after)
	// Dynamics after the writes.
	var snap Snapshot
	for _, x := range w {
		if x.Table == TableOpportunity && x.Kind == WriteUpdate {
			if v, ok := x.Values["estimatedvalue"]; ok {
				o.DealValue = v.(float64)
			}
			if err := json.Unmarshal([]byte(x.Values[DefaultSnapshotColumn].(string)), &snap); err != nil {
				t.Fatal(err)
			}
			o.Name = x.Values["name"].(string)
		}
	}
	o.Snapshot = &snap
	again := Decide(input(&after, o))
	noWrites(t, again)
	if len(again.Changes) != 0 {
		t.Fatalf("echo: %+v", again.Changes)
	}
}

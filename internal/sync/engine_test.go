package sync_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/sync/synctest"
)

var t0 = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

// world seeds a cloud with referrals and opportunities of every kind.
func world(t testing.TB, n int) *synctest.Cloud {
	t.Helper()
	c := synctest.New(t0)
	c.SeedCurrencies("USD", "EUR", "GBP")
	c.SeedSolutionDetail("SOL-1", "Northwind Accelerator")
	for i := range n {
		c.PutReferral(synctest.CoSellReferral(fmt.Sprintf("r%03d", i), i))
		c.SeedOpportunity(synctest.Opportunity{ID: fmt.Sprintf("o%03d", i), Name: fmt.Sprintf("Deal %d", i), Currency: "EUR",
			CloseDate: "2027-01-31", Value: 5000, Company: fmt.Sprintf("Company %d", i), PostalCode: "10115", Country: "DE",
			Email: fmt.Sprintf("buyer%d@company%d.example", i, i), Help: 299600001, Visible: true, Solutions: []string{"SOL-1"}})
	}
	return c
}

func engine(c *synctest.Cloud) *sync.Engine {
	return sync.New(c.PartnerCenter(), c.Dynamics(), sync.WithClock(c.Now))
}

func run(t testing.TB, e *sync.Engine, o sync.Options) sync.Report {
	t.Helper()
	rep, err := e.Run(context.Background(), o)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	return rep
}

func TestRunConvergesAndSecondRunIsNoOp(t *testing.T) {
	c := world(t, 5)
	e := engine(c)
	rep := run(t, e, sync.DefaultOptions())
	if len(rep.Failures) > 0 {
		t.Fatalf("failures: %+v", rep.Failures)
	}
	if rep.Dynamics.Created != 5 || rep.PartnerCenter.Created != 5 {
		t.Errorf("created: dynamics %+v partner center %+v", rep.Dynamics, rep.PartnerCenter)
	}
	if got := len(c.Rows(sync.TableOpportunity)); got != 10 {
		t.Errorf("opportunities = %d, want 10", got)
	}
	if got := len(c.Referrals()); got != 10 {
		t.Errorf("referrals = %d, want 10", got)
	}
	plan, err := e.Plan(context.Background(), sync.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if !plan.InSync() {
		t.Fatalf("plan after run not in sync: %+v", plan.Changes)
	}
	before := c.Calls
	rep2 := run(t, e, sync.DefaultOptions())
	if !rep2.InSync() || c.Calls.Writes != before.Writes || c.Calls.PatchReferral != before.PatchReferral {
		t.Fatalf("second run wrote: %+v", rep2.Changes)
	}
	if rep2.Dynamics.Unchanged != 10 || rep2.PartnerCenter.Unchanged != 10 {
		t.Errorf("unchanged: %+v %+v", rep2.Dynamics, rep2.PartnerCenter)
	}
}

// state is a comparable picture of both sides, ids and the fields that
// matter (ETags, clocks and snapshots' times left out).
func state(c *synctest.Cloud) string {
	var b strings.Builder
	for _, r := range c.Referrals() {
		fmt.Fprintf(&b, "R %s ext=%s %s %s/%s %.0f %s %s %v help=%s\n", r.ID, r.ExternalReferenceID, r.Name, r.Status, r.Substatus,
			r.DealValue, r.Currency, r.Notes, r.SharedWithMicrosoft, r.HelpCode)
	}
	for _, table := range []string{sync.TableOpportunity, sync.TableAccount, sync.TableContact, sync.TableSolution, sync.TableLead} {
		for _, row := range c.Rows(table) {
			keys := make([]string, 0, len(row.Values))
			for k := range row.Values {
				if k != sync.DefaultSnapshotColumn && k != sync.ColAudit {
					keys = append(keys, k)
				}
			}
			slices.Sort(keys)
			fmt.Fprintf(&b, "%s %s", table, row.ID)
			for _, k := range keys {
				fmt.Fprintf(&b, " %s=%v", k, row.Values[k])
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func counts(c *synctest.Cloud) (refs, opps, accounts, contacts, solutions int) {
	return len(c.Referrals()), len(c.Rows(sync.TableOpportunity)), len(c.Rows(sync.TableAccount)), len(c.Rows(sync.TableContact)), len(c.Rows(sync.TableSolution))
}

// A run killed at any write and run again creates no duplicates and ends
// where an uninterrupted run ends.
func TestKillAtRandomWriteThenRerunConverges(t *testing.T) {
	ref := world(t, 4)
	run(t, engine(ref), sync.DefaultOptions())
	wantRefs, wantOpps, wantAcc, wantCon, wantSol := counts(ref)
	writes := ref.Calls.Writes + ref.Calls.CreateReferral + ref.Calls.PatchReferral
	for seed := range uint64(24) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			c := world(t, 4)
			e := engine(c)
			rng := rand.New(rand.NewPCG(seed, 7))
			c.KillAfter(rng.IntN(writes))
			if _, err := e.Run(context.Background(), sync.DefaultOptions()); err != nil {
				t.Fatalf("killed run: %v", err)
			}
			c.Revive()
			for i := range 2 { // failed pairs are retried on every run
				rep := run(t, e, sync.DefaultOptions())
				if i == 1 && !rep.InSync() {
					t.Fatalf("not converged after the re-run: %+v %+v", rep.Changes, rep.Failures)
				}
			}
			gotRefs, gotOpps, gotAcc, gotCon, gotSol := counts(c)
			if gotRefs != wantRefs || gotOpps != wantOpps || gotAcc != wantAcc || gotCon != wantCon || gotSol != wantSol {
				t.Fatalf("counts refs/opps/accounts/contacts/solutions = %d/%d/%d/%d/%d, want %d/%d/%d/%d/%d",
					gotRefs, gotOpps, gotAcc, gotCon, gotSol, wantRefs, wantOpps, wantAcc, wantCon, wantSol)
			}
		})
	}
}

// A record changed under the engine between its read and its write (412)
// is re-read and decided again; both edits survive.
func TestConflict412IsReReadAndResolved(t *testing.T) {
	c := world(t, 2)
	e := engine(c)
	run(t, e, sync.DefaultOptions())
	opp := c.Rows(sync.TableOpportunity)[0]
	refID := opp.Values[sync.ColReferralID].(string)
	r, _ := c.Referral(refID)
	r.Notes = "Microsoft seller: budget approved"
	c.PutReferral(r)
	raced := false
	c.BeforeWrite = func(kind, id string) {
		if !raced && id == opp.ID {
			raced = true
			c.PutRow(sync.TableOpportunity, opp.ID, map[string]any{"estimatedclosedate": "2027-09-30"})
		}
	}
	rep := run(t, e, sync.DefaultOptions())
	c.BeforeWrite = nil
	if !raced || rep.Stats.Retries412 == 0 {
		t.Fatalf("no 412 race happened (raced=%v, retries=%d)", raced, rep.Stats.Retries412)
	}
	if len(rep.Failures) > 0 {
		t.Fatalf("failures: %+v", rep.Failures)
	}
	got, _ := c.Row(sync.TableOpportunity, opp.ID)
	r, _ = c.Referral(refID)
	if got.Values["description"] != "Microsoft seller: budget approved" || r.CloseDate != "2027-09-30" {
		t.Fatalf("both edits must survive: description %v, referral close date %s", got.Values["description"], r.CloseDate)
	}
	if rep := run(t, e, sync.DefaultOptions()); !rep.InSync() {
		t.Fatalf("not in sync after: %+v", rep.Changes)
	}
}

// The single-record entry points make the same writes as the full pass for
// that record.
func TestSingleRecordEqualsFullPass(t *testing.T) {
	full, single := world(t, 3), world(t, 3)
	run(t, engine(full), sync.DefaultOptions())
	e := engine(single)
	for _, id := range []string{"r000", "r001", "r002"} {
		if _, err := e.ReconcileReferral(context.Background(), id, sync.DefaultOptions()); err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range []string{"o000", "o001", "o002"} {
		if _, err := e.ReconcileOpportunity(context.Background(), id, sync.DefaultOptions()); err != nil {
			t.Fatal(err)
		}
	}
	if a, b := state(full), state(single); a != b {
		t.Fatalf("full pass and single-record runs differ:\n--- full\n%s--- single\n%s", a, b)
	}
	if rep := run(t, e, sync.DefaultOptions()); !rep.InSync() {
		t.Fatalf("single-record runs left work: %+v", rep.Changes)
	}
}

// Out-of-band changes on both sides reach the other side on an
// incremental run (watermark), and the engine's own writes do not echo.
func TestIncrementalRunPicksUpBothSidesWithoutEcho(t *testing.T) {
	c := world(t, 3)
	e := engine(c)
	rep := run(t, e, sync.DefaultOptions())
	o := sync.DefaultOptions()
	o.Watermark = rep.Watermark
	rep = run(t, e, o) // the engine's own writes are re-listed once: no change
	if !rep.InSync() {
		t.Fatalf("echo: %+v", rep.Changes)
	}
	o.Watermark = rep.Watermark
	r, _ := c.Referral("r001")
	r.DealValue = 4242
	c.PutReferral(r)
	c.PutRow(sync.TableOpportunity, "o002", map[string]any{"description": "CRM note"})
	rep = run(t, e, o)
	if rep.Dynamics.Updated != 1 || rep.PartnerCenter.Updated != 1 {
		t.Fatalf("counts %+v %+v changes %+v", rep.Dynamics, rep.PartnerCenter, rep.Changes)
	}
	opp, _ := c.Row(sync.TableOpportunity, rep.Changes[0].OpportunityID)
	_ = opp
	for _, row := range c.Rows(sync.TableOpportunity) {
		if row.Values[sync.ColReferralID] == "r001" && row.Values["estimatedvalue"] != 4242.0 {
			t.Errorf("deal value not synced: %v", row.Values["estimatedvalue"])
		}
	}
	ref, _ := c.Referral(c.Rows(sync.TableOpportunity)[len(c.Rows(sync.TableOpportunity))-1].Values[sync.ColReferralID].(string))
	_ = ref
	found := false
	for _, x := range c.Referrals() {
		if x.ExternalReferenceID == "o002" {
			found = x.Notes == "CRM note"
		}
	}
	if !found {
		t.Error("the opportunity's note did not reach its referral")
	}
	o.Watermark = rep.Watermark
	if rep := run(t, e, o); !rep.InSync() {
		t.Fatalf("not in sync: %+v", rep.Changes)
	}
}

// Microsoft's related referral links to the same opportunity, never a second.
func TestRelatedReferralLinksToTheSameOpportunity(t *testing.T) {
	c := synctest.New(t0)
	c.SeedCurrencies("USD")
	c.SeedSolutionDetail("SOL-1", "Northwind Accelerator")
	own := synctest.CoSellReferral("r-own", 1)
	own.EngagementID = "eng-shared"
	c.PutReferral(own)
	e := engine(c)
	run(t, e, sync.DefaultOptions())
	ms := synctest.CoSellReferral("r-msft", 1)
	ms.EngagementID, ms.InvitedBy, ms.MicrosoftMsxID = "eng-shared", "msft", "7-MSX"
	c.PutReferral(ms)
	if _, err := e.ReconcileReferral(context.Background(), "r-msft", sync.DefaultOptions()); err != nil {
		t.Fatal(err)
	}
	rows := c.Rows(sync.TableOpportunity)
	if len(rows) != 1 || rows[0].Values[sync.ColMsxID] != "7-MSX" || rows[0].Values[sync.ColReferralID] != "r-own" {
		t.Fatalf("opportunities: %+v", rows)
	}
	if rep := run(t, e, sync.DefaultOptions()); !rep.InSync() || len(c.Rows(sync.TableOpportunity)) != 1 {
		t.Fatalf("full pass after: %+v", rep.Changes)
	}
}

// An invalid record fails with a reason, the rest of the run goes on, and
// the failure line + ✘ is written once, not on every run.
func TestInvalidRecordFailsOnceAndRunGoesOn(t *testing.T) {
	c := world(t, 2)
	c.PutRow(sync.TableAccount, "acc-o001", map[string]any{"address1_country": "Germany"})
	e := engine(c)
	rep := run(t, e, sync.DefaultOptions())
	if len(rep.Failures) != 1 || rep.Failures[0].OpportunityID != "o001" || !strings.Contains(rep.Failures[0].Reason, "ISO 3166") {
		t.Fatalf("failures %+v", rep.Failures)
	}
	if rep.PartnerCenter.Created != 1 || rep.Dynamics.Created != 2 { // o000 shared; r000, r001 imported
		t.Errorf("the rest of the run must go on: %+v %+v", rep.PartnerCenter, rep.Dynamics)
	}
	row, _ := c.Row(sync.TableOpportunity, "o001")
	if !strings.HasSuffix(row.Values["name"].(string), "✘") || !strings.Contains(row.Values[sync.ColAudit].(string), "ISO 3166") {
		t.Fatalf("failure not audited: %v", row.Values)
	}
	before := c.Calls.Writes
	rep = run(t, e, sync.DefaultOptions())
	if len(rep.Failures) != 1 || c.Calls.Writes != before {
		t.Fatalf("second run: failures %+v, writes %d → %d", rep.Failures, before, c.Calls.Writes)
	}
	c.PutRow(sync.TableAccount, "acc-o001", map[string]any{"address1_country": "DE"})
	c.PutRow(sync.TableOpportunity, "o001", map[string]any{"description": "fixed the account"})
	rep = run(t, e, sync.DefaultOptions())
	row, _ = c.Row(sync.TableOpportunity, "o001")
	if len(rep.Failures) != 0 || !strings.HasSuffix(row.Values["name"].(string), "✔") {
		t.Fatalf("fixed record not synced: %+v %v", rep.Failures, row.Values["name"])
	}
}

func TestPlanWritesNothingAndPreviewCounts(t *testing.T) {
	c := world(t, 3)
	e := engine(c)
	before := state(c)
	plan, err := e.Plan(context.Background(), sync.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	if state(c) != before || c.Calls.Writes != 0 || c.Calls.CreateReferral != 0 || c.Calls.PatchReferral != 0 {
		t.Fatal("plan wrote")
	}
	p := plan.Pending()
	if p[sync.ChangeCreateOpportunity] != 3 || p[sync.ChangeCreateReferral] != 3 {
		t.Fatalf("pending %v", p)
	}
	changes, _ := e.Preview(context.Background(), sync.DefaultOptions())
	if len(changes) != len(plan.Changes) {
		t.Fatalf("preview %d vs plan %d", len(changes), len(plan.Changes))
	}
}

// Status both ways through the engine: a lead while unaccepted, accepted →
// opportunity (lead qualified), won in Partner Center → WinOpportunity, and
// then nothing more either way.
func TestLifecycleLeadToWon(t *testing.T) {
	c := synctest.New(t0)
	c.SeedCurrencies("USD")
	r := synctest.CoSellReferral("r-lead", 7)
	r.Type, r.HelpCode, r.SharedWithMicrosoft, r.InvitedBy, r.Status, r.Substatus = "Independent", "", false, "msft", "New", "Pending"
	r.Solutions = nil
	c.PutReferral(r)
	e := engine(c)
	run(t, e, sync.DefaultOptions())
	if len(c.Rows(sync.TableLead)) != 1 || len(c.Rows(sync.TableOpportunity)) != 0 {
		t.Fatalf("want a lead: leads %d opportunities %d", len(c.Rows(sync.TableLead)), len(c.Rows(sync.TableOpportunity)))
	}
	r, _ = c.Referral("r-lead")
	r.Status, r.Substatus = "Active", "Accepted"
	c.PutReferral(r)
	run(t, e, sync.DefaultOptions())
	lead := c.Rows(sync.TableLead)[0]
	opps := c.Rows(sync.TableOpportunity)
	if len(opps) != 1 || lead.Values["statecode"] != 1 || opps[0].Values["originatingleadid"] != (sync.Ref{Table: sync.TableLead, ID: lead.ID}) {
		t.Fatalf("accepted lead: lead %v opportunities %+v", lead.Values, opps)
	}
	r, _ = c.Referral("r-lead")
	r.Status, r.Substatus = "Closed", "Won"
	c.PutReferral(r)
	run(t, e, sync.DefaultOptions())
	opp, _ := c.Row(sync.TableOpportunity, opps[0].ID)
	if opp.Values["statecode"] != 1 || opp.Values["statuscode"] != 3 {
		t.Fatalf("opportunity not won: %v", opp.Values)
	}
	if rep := run(t, e, sync.DefaultOptions()); !rep.InSync() {
		t.Fatalf("terminal pair still has work: %+v", rep.Changes)
	}
}

// Lost in Dynamics closes the referral as Lost; the closed pair stays put.
func TestLostInDynamicsClosesReferral(t *testing.T) {
	c := world(t, 1)
	e := engine(c)
	run(t, e, sync.DefaultOptions())
	c.PutRow(sync.TableOpportunity, "o000", map[string]any{"statecode": 2, "statuscode": 5})
	run(t, e, sync.DefaultOptions())
	var got sync.Referral
	for _, x := range c.Referrals() {
		if x.ExternalReferenceID == "o000" {
			got = x
		}
	}
	if got.Status != "Closed" || got.Substatus != "Lost" {
		t.Fatalf("referral %s/%s, want Closed/Lost", got.Status, got.Substatus)
	}
	if rep := run(t, e, sync.DefaultOptions()); !rep.InSync() {
		t.Fatalf("closed pair still has work: %+v", rep.Changes)
	}
}

// A referral changed by a Microsoft seller between the engine's read and its
// JSON Patch (412 on If-Match) is re-read; both edits survive.
func TestConflict412OnPartnerCenterIsReReadAndResolved(t *testing.T) {
	c := world(t, 1)
	e := engine(c)
	run(t, e, sync.DefaultOptions())
	c.PutRow(sync.TableOpportunity, "o000", map[string]any{"estimatedvalue": 7777.0})
	var refID string
	for _, r := range c.Referrals() {
		if r.ExternalReferenceID == "o000" {
			refID = r.ID
		}
	}
	raced := false
	c.BeforeWrite = func(kind, id string) {
		if !raced && kind == "patch_referral" && id == refID {
			raced = true
			r, _ := c.Referral(refID)
			r.Notes = "Microsoft seller note"
			c.PutReferral(r)
		}
	}
	rep := run(t, e, sync.DefaultOptions())
	c.BeforeWrite = nil
	if !raced || rep.Stats.Retries412 == 0 || len(rep.Failures) > 0 {
		t.Fatalf("raced=%v retries=%d failures=%+v", raced, rep.Stats.Retries412, rep.Failures)
	}
	r, _ := c.Referral(refID)
	row, _ := c.Row(sync.TableOpportunity, "o000")
	if r.DealValue != 7777 || row.Values["description"] != "Microsoft seller note" {
		t.Fatalf("referral deal value %v, opportunity description %v", r.DealValue, row.Values["description"])
	}
	if rep := run(t, e, sync.DefaultOptions()); !rep.InSync() {
		t.Fatalf("not in sync after: %+v", rep.Changes)
	}
}

// An invalid record does not hold the watermark back: the incremental run
// moves past it, and the failures carried forward (Options.RetryFailed) are
// read again by id, so a fix the listing cannot see (the account's country)
// still reaches the next incremental run.
func TestFailedRecordsAreRetriedByIDNotByHoldingTheWatermark(t *testing.T) {
	c := world(t, 2)
	c.PutRow(sync.TableAccount, "acc-o001", map[string]any{"address1_country": "Germany"})
	e := engine(c)
	rep := run(t, e, sync.DefaultOptions())
	if len(rep.Failures) != 1 || rep.Failures[0].OpportunityID != "o001" {
		t.Fatalf("failures %+v", rep.Failures)
	}
	o := sync.DefaultOptions()
	o.Continue(rep)
	for i := range 200 { // time passes beyond the watermark's overlap
		c.PutRow("scratch", fmt.Sprintf("s%03d", i), map[string]any{"n": i})
	}
	c.PutRow(sync.TableOpportunity, "o000", map[string]any{"description": "a later change"})
	rep = run(t, e, o) // moves the watermark past the failed record, which is retried and fails again
	if len(rep.Failures) != 1 || rep.Failures[0].OpportunityID != "o001" {
		t.Fatalf("the carried failure was not retried: %+v", rep.Failures)
	}
	o.Continue(rep)
	c.PutRow(sync.TableAccount, "acc-o001", map[string]any{"address1_country": "DE"}) // the opportunity itself is unchanged
	without := o
	without.RetryReferrals, without.RetryOpportunities = nil, nil
	if plan, err := e.Plan(context.Background(), without); err != nil || len(plan.Changes) != 0 {
		t.Fatalf("the watermark was held back before the failed record: %v %+v", err, plan.Changes)
	}
	rep = run(t, e, o)
	row, _ := c.Row(sync.TableOpportunity, "o001")
	if len(rep.Failures) != 0 || !strings.HasSuffix(row.Values["name"].(string), "✔") {
		t.Fatalf("fixed record not retried: %+v %v", rep.Failures, row.Values["name"])
	}
}

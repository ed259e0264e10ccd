package sync_test

import (
	"bytes"
	"context"
	"fmt"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/sync/synctest"
)

// settledWorld is a world synced once: o continues from that run.
func settledWorld(t *testing.T, n int) (*synctest.Cloud, *sync.Engine, sync.Options) {
	t.Helper()
	c := world(t, n)
	e := engine(c)
	rep := run(t, e, sync.DefaultOptions())
	if len(rep.Failures) > 0 {
		t.Fatalf("first run failures: %+v", rep.Failures)
	}
	if rep.Settled.Len() != 4*n { // n referral→opportunity pairs and n opportunity→referral pairs
		t.Fatalf("settled %d versions, want %d", rep.Settled.Len(), 4*n)
	}
	o := sync.DefaultOptions()
	o.Continue(rep)
	return c, e, o
}

// Right after a run everything falls inside the watermark's overlap, so the
// next run lists it all again; the settled versions let it set every pair
// aside after the versions-only listing: nothing else is read or written.
func TestRunAfterRunSetsAsideItsOwnWritesAndReadsNothingElse(t *testing.T) {
	c, e, o := settledWorld(t, 5)
	before := c.Calls
	rep := run(t, e, o)
	if !rep.InSync() || rep.SetAside != 20 {
		t.Fatalf("set aside %d, changes %+v", rep.SetAside, rep.Changes)
	}
	if rep.PartnerCenter.Unchanged != 10 || rep.Dynamics.Unchanged != 10 {
		t.Errorf("unchanged: partner center %+v dynamics %+v", rep.PartnerCenter, rep.Dynamics)
	}
	calls := c.Calls
	if got := calls.ListReferrals - before.ListReferrals; got != 1 {
		t.Errorf("referral lists = %d, want 1 (versions only)", got)
	}
	if got := calls.ListRows - before.ListRows; got != 1 {
		t.Errorf("row lists = %d, want 1 (opportunity versions only): nothing else is read for set-aside pairs", got)
	}
	if calls.Apply != before.Apply || calls.PatchReferral != before.PatchReferral {
		t.Errorf("a no-op run wrote: %+v → %+v", before, calls)
	}
	// The set is carried: the run after that sets everything aside again.
	o.Continue(rep)
	if rep := run(t, e, o); rep.SetAside != 20 {
		t.Errorf("second continuation set aside %d", rep.SetAside)
	}
}

// A record changed since it was settled is decided as before, with its
// counterpart brought back from the set-aside records.
func TestChangedRecordIsDecidedWithItsSetAsideCounterpart(t *testing.T) {
	c, e, o := settledWorld(t, 5)
	r, _ := c.Referral("r002")
	r.DealValue = 4242
	c.PutReferral(r)
	c.PutRow(sync.TableOpportunity, "o004", map[string]any{"description": "changed in Dynamics"})

	plan, err := e.Plan(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if got := plan.Pending()[sync.ChangeUpdateOpportunity]; got != 1 {
		t.Errorf("plan: %d opportunity updates pending, want 1: %+v", got, plan.Changes)
	}
	if got := plan.Pending()[sync.ChangeUpdateReferral]; got != 1 {
		t.Errorf("plan: %d referral updates pending, want 1: %+v", got, plan.Changes)
	}
	if plan.Settled != nil {
		t.Error("a plan reported a Settled set")
	}
	rep := run(t, e, o)
	if len(rep.Failures) > 0 || rep.SetAside != 16 {
		t.Fatalf("set aside %d (want 16: all but the two changed pairs), failures %+v", rep.SetAside, rep.Failures)
	}
	row, _ := c.Row(sync.TableOpportunity, r.ExternalReferenceID)
	if row.Values["estimatedvalue"] != 4242.0 {
		t.Errorf("the changed referral's deal value did not reach its opportunity: %v", row.Values["estimatedvalue"])
	}
	o.Continue(rep)
	if rep := run(t, e, o); !rep.InSync() || rep.SetAside != 20 {
		t.Errorf("after the change: set aside %d, changes %+v", rep.SetAside, rep.Changes)
	}
}

// The set is tied to the settings and options decisions depend on; a full
// run ignores it.
func TestSettledIsIgnoredWhenSettingsChangeOrTheRunIsFull(t *testing.T) {
	c, e, o := settledWorld(t, 3)
	full := o
	full.Full = true
	if rep := run(t, e, full); rep.SetAside != 0 {
		t.Errorf("a full run set aside %d records", rep.SetAside)
	}
	c.SetVariable(sync.VarCheckMark, "No")
	if rep, err := e.Plan(context.Background(), o); err != nil || rep.SetAside != 0 {
		t.Errorf("a changed setting: %v, set aside %d", err, rep.SetAside)
	}
	c.SetVariable(sync.VarCheckMark, "Yes")
	other := o
	other.ConflictPolicy = sync.PolicyDynamicsWins
	if rep := run(t, e, other); rep.SetAside != 0 {
		t.Errorf("another conflict policy still set aside %d records", rep.SetAside)
	}
}

func TestSettledRoundTripsThroughBytes(t *testing.T) {
	_, _, o := settledWorld(t, 3)
	b, err := o.Settled.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if len(b) != 9+8*12 {
		t.Errorf("%d bytes for 12 versions", len(b))
	}
	back, err := sync.UnmarshalSettled(b)
	if err != nil || back.Len() != 12 || back.Key() != o.Settled.Key() {
		t.Fatalf("round trip: %v, %d versions", err, back.Len())
	}
	again, _ := back.MarshalBinary()
	if !bytes.Equal(again, b) {
		t.Error("encoding is not canonical")
	}
	for _, bad := range [][]byte{{9}, {1, 2, 3}, append(bytes.Clone(b), 1)} {
		if _, err := sync.UnmarshalSettled(bad); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
	if s, err := sync.UnmarshalSettled(nil); s != nil || err != nil {
		t.Errorf("empty input: %v %v", s, err)
	}
}

// A related referral that appears for a settled engagement (Microsoft's
// copy) is new, so the listing has it; its engagement's set-aside primary
// and opportunity are brought back, and it links to that opportunity.
func TestNewRelatedReferralOfSettledEngagementLinksToItsOpportunity(t *testing.T) {
	c := synctest.New(t0)
	c.SeedCurrencies("USD")
	c.SeedSolutionDetail("SOL-1", "Northwind Accelerator")
	own := synctest.CoSellReferral("r-own", 1)
	own.EngagementID = "eng-shared"
	c.PutReferral(own)
	for i := range 3 {
		c.PutReferral(synctest.CoSellReferral(fmt.Sprintf("r-other-%d", i), i+2))
	}
	e := engine(c)
	o := sync.DefaultOptions()
	o.Continue(run(t, e, o))
	ms := synctest.CoSellReferral("r-msft", 1)
	ms.EngagementID, ms.InvitedBy, ms.MicrosoftMsxID = "eng-shared", "msft", "7-MSX"
	c.PutReferral(ms)
	rep := run(t, e, o)
	if len(rep.Failures) > 0 || rep.SetAside != 6 {
		t.Fatalf("set aside %d (want the 3 other pairs), failures %+v", rep.SetAside, rep.Failures)
	}
	var linked int
	for _, row := range c.Rows(sync.TableOpportunity) {
		if row.Values[sync.ColMsxID] == "7-MSX" {
			linked++
			if row.Values[sync.ColReferralID] != "r-own" {
				t.Errorf("Microsoft's copy linked to the opportunity of %v", row.Values[sync.ColReferralID])
			}
		}
	}
	if linked != 1 || len(c.Rows(sync.TableOpportunity)) != 4 {
		t.Fatalf("%d opportunities carry the MSX id, %d opportunities in all (want 1 and 4)", linked, len(c.Rows(sync.TableOpportunity)))
	}
	o.Continue(rep)
	if rep := run(t, e, o); !rep.InSync() {
		t.Fatalf("not in sync after: %+v", rep.Changes)
	}
}

package synctest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

var ctx = context.Background()

func TestReferralETagsTerminalAndIdempotentCreate(t *testing.T) {
	c := New(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	pc := c.PartnerCenter()
	draft := CoSellReferral("", 1)
	a, err := pc.CreateReferral(ctx, draft, "req-1")
	if err != nil {
		t.Fatal(err)
	}
	b, err := pc.CreateReferral(ctx, draft, "req-1")
	if err != nil || b.ID != a.ID || len(c.Referrals()) != 1 {
		t.Fatalf("retried create made another referral: %v %s %s", err, a.ID, b.ID)
	}
	ch := []sync.FieldChange{{Op: sync.PatchReplace, Path: "/details/notes", Value: "x"}}
	after, err := pc.PatchReferral(ctx, a.ID, a.ETag, ch)
	if err != nil || after.ETag == a.ETag {
		t.Fatalf("patch: %v, etag %s → %s", err, a.ETag, after.ETag)
	}
	if _, err := pc.PatchReferral(ctx, a.ID, a.ETag, ch); !errors.Is(err, sync.ErrConflict) {
		t.Fatalf("stale etag: %v, want ErrConflict", err)
	}
	won := []sync.FieldChange{{Op: sync.PatchReplace, Path: "/status", Value: "Closed"}, {Op: sync.PatchReplace, Path: "/substatus", Value: "Won"}}
	if _, err := pc.PatchReferral(ctx, a.ID, "", won); err != nil {
		t.Fatal(err)
	}
	if _, err := pc.PatchReferral(ctx, a.ID, "", ch); err == nil {
		t.Fatal("a won referral must be immutable")
	}
	back := []sync.FieldChange{{Op: sync.PatchReplace, Path: "/status", Value: "New"}, {Op: sync.PatchReplace, Path: "/substatus", Value: "Pending"}}
	r2, _ := pc.CreateReferral(ctx, draft, "req-2")
	if _, err := pc.PatchReferral(ctx, r2.ID, "", back); err == nil {
		t.Fatal("Active → New is not an allowed transition")
	}
}

func TestRowsConflictClosedAndAtomicGroups(t *testing.T) {
	c := New(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	dyn := c.Dynamics()
	row := c.PutRow(sync.TableOpportunity, "o1", map[string]any{"name": "A", "statecode": 0, "statuscode": 1})
	res := dyn.Apply(ctx, []sync.Write{{Group: "o1", Kind: sync.WriteUpdate, Table: sync.TableOpportunity, ID: "o1", ETag: `"stale"`, Values: map[string]any{"name": "B"}}})
	if !errors.Is(res[0].Err, sync.ErrConflict) {
		t.Fatalf("stale etag: %v", res[0].Err)
	}
	res = dyn.Apply(ctx, []sync.Write{
		{Group: "g", Kind: sync.WriteUpsert, Table: sync.TableAccount, ID: "a1", Values: map[string]any{"name": "Acme"}},
		{Group: "g", Kind: sync.WriteUpdate, Table: sync.TableOpportunity, ID: "missing", Values: map[string]any{"name": "x"}},
		{Group: "h", Kind: sync.WriteUpdate, Table: sync.TableOpportunity, ID: "o1", ETag: row.ETag, Values: map[string]any{"name": "C"}},
		{Group: "h", Kind: sync.WriteWin, Table: sync.TableOpportunity, ID: "o1", Status: 3},
	})
	if !errors.Is(res[0].Err, sync.ErrSkipped) || !errors.Is(res[1].Err, sync.ErrNotFound) || res[2].Err != nil || res[3].Err != nil {
		t.Fatalf("results %+v", res)
	}
	if _, ok := c.Row(sync.TableAccount, "a1"); ok {
		t.Fatal("the failed group's account must be rolled back")
	}
	res = dyn.Apply(ctx, []sync.Write{{Group: "o1", Kind: sync.WriteUpdate, Table: sync.TableOpportunity, ID: "o1", Values: map[string]any{"name": "D"}}})
	if res[0].Err == nil {
		t.Fatal("a won opportunity must be read-only")
	}
	c.KillAfter(0)
	res = dyn.Apply(ctx, []sync.Write{{Group: "k", Kind: sync.WriteUpsert, Table: sync.TableAccount, ID: "a2", Values: map[string]any{"name": "K"}}})
	if !errors.Is(res[0].Err, ErrKilled) {
		t.Fatalf("killed write: %v", res[0].Err)
	}
}

package sync

import (
	"context"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/sync/synctest"
)

// fakePrivate stands in for the framework's private state (GetKey/SetKey).
type fakePrivate map[string][]byte

func (p fakePrivate) GetKey(_ context.Context, key string) ([]byte, diag.Diagnostics) {
	return p[key], nil
}

func (p fakePrivate) SetKey(_ context.Context, key string, value []byte) diag.Diagnostics {
	if len(value) == 0 {
		delete(p, key)
	} else {
		p[key] = value
	}
	return nil
}

// The settled versions survive the trip through private state, and
// whatever cannot be read is ignored rather than failing the plan.
func TestSettledVersionsRoundTripThroughPrivateState(t *testing.T) {
	ctx := context.Background()
	c := synctest.New(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
	c.SeedCurrencies("USD")
	c.SeedSolutionDetail("SOL-1", "Northwind Accelerator")
	c.PutReferral(synctest.CoSellReferral("r1", 1))
	rep, err := engine.New(c.PartnerCenter(), c.Dynamics(), engine.WithClock(c.Now)).Run(ctx, engine.DefaultOptions())
	if err != nil || rep.Settled.Len() == 0 {
		t.Fatalf("run: %v, %d settled", err, rep.Settled.Len())
	}
	p := fakePrivate{}
	var diags diag.Diagnostics
	storeSettled(ctx, p, rep.Settled, &diags)
	if diags.HasError() {
		t.Fatal(diags)
	}
	back := settledFrom(ctx, p)
	if back.Len() != rep.Settled.Len() || back.Key() != rep.Settled.Key() {
		t.Fatalf("read back %d versions (key %x), stored %d (key %x)", back.Len(), back.Key(), rep.Settled.Len(), rep.Settled.Key())
	}
	for _, bad := range []string{`not json`, `"@@@"`, `"CQ=="`} {
		p[privateSettled] = []byte(bad)
		if s := settledFrom(ctx, p); s != nil {
			t.Errorf("%s: read as %d versions", bad, s.Len())
		}
	}
	storeSettled(ctx, p, nil, &diags)
	if _, ok := p[privateSettled]; ok || settledFrom(ctx, p) != nil {
		t.Error("storing nil did not clear the key")
	}
}

package sync_test

import (
	"context"
	"fmt"
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

package sync_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/sync/synctest"
)

// BenchmarkRun1000 measures a first run over 1,000 new referrals and the
// no-op run after it, in memory: the engine's own cost and its port calls
// (reported as metrics; HTTP requests are measured against the emulator by
// the integration tests).
func BenchmarkRun1000(b *testing.B) {
	for _, phase := range []string{"first", "noop"} {
		b.Run(phase, func(b *testing.B) {
			var rep sync.Report
			for range b.N {
				b.StopTimer()
				c := synctest.New(t0)
				c.SeedCurrencies("USD")
				c.SeedSolutionDetail("SOL-1", "Northwind Accelerator")
				for i := range 1000 {
					c.PutReferral(synctest.CoSellReferral(fmt.Sprintf("r%04d", i), i))
				}
				e := engine(c)
				if phase == "noop" {
					if _, err := e.Run(context.Background(), sync.DefaultOptions()); err != nil {
						b.Fatal(err)
					}
				}
				b.StartTimer()
				var err error
				if rep, err = e.Run(context.Background(), sync.DefaultOptions()); err != nil {
					b.Fatal(err)
				}
			}
			s := rep.Stats
			b.ReportMetric(float64(s.ReferralPages), "referral-pages")
			b.ReportMetric(float64(s.ReferralPatches+s.ReferralCreates), "referral-writes")
			b.ReportMetric(float64(s.RowPages), "row-pages")
			b.ReportMetric(float64(s.ApplyCalls), "apply-calls")
			b.ReportMetric(float64(s.Writes), "row-writes")
		})
	}
}

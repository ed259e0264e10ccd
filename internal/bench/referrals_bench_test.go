package bench_test

import (
	"fmt"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

// seedReferrals brings the emulator to n referrals in total.
func seedReferrals(b *testing.B, n int) {
	b.Helper()
	for i := len(emu.PartnerCenter().Referrals()); i < n; i++ {
		r := partnercenter.MustParseReferral(fmt.Sprintf(`{"name":"Bench %d","status":"New","substatus":"Pending","type":"Independent",
"qualification":"SalesQualified","customerProfile":{"name":"Bench Co %d","address":{"country":"US","postalCode":"98101"}},
"consent":{"consentToContact":true},"details":{"dealValue":1000,"currency":"USD"}}`, i, i))
		if _, err := emu.PartnerCenter().PutReferral(r); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPlanReferrals: a plan that reads every referral. Reports the
// Referrals API calls per plan (pages) and referrals per call.
func BenchmarkPlanReferrals(b *testing.B) {
	for _, n := range []int{100, 1000} {
		b.Run(fmt.Sprintf("referrals=%d", n), func(b *testing.B) {
			seedReferrals(b, n)
			dir := workspace(b, `data "cosell_referrals" "all" {}
output "count" { value = length(data.cosell_referrals.all.ids) }
`)
			b.ResetTimer()
			var api, tokens int
			for i := 0; i < b.N; i++ {
				emu.Metrics().Reset()
				tf(b, dir, "plan", "-no-color", "-input=false")
				api += calls("referrals", "GET")
				tokens += calls("entra", "POST")
			}
			b.ReportMetric(float64(api)/float64(b.N), "api-calls/op")
			b.ReportMetric(float64(tokens)/float64(b.N), "token-requests/op")
			b.ReportMetric(float64(n*b.N)/float64(api), "referrals/api-call")
		})
	}
}

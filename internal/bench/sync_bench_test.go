package bench_test

import (
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

// seedSyncReferrals adds n accepted co-sell referrals from Microsoft, each
// for its own customer, as a partner's inbox would hold them: every one
// becomes an opportunity (with account, contact and solution row) on the
// first run. Ids are deterministic so re-seeding adds nothing.
func seedSyncReferrals(b *testing.B, n int) []string {
	b.Helper()
	ids := make([]string, n)
	for i := range n {
		ids[i] = fmt.Sprintf("b0000000-0000-4000-8000-%012d", i)
		if _, ok := emu.PartnerCenter().Referral(ids[i]); ok {
			continue
		}
		r := partnercenter.MustParseReferral(fmt.Sprintf(`{"id":%q,"engagementId":"e%07d-0000-4000-8000-000000000000","name":"Bench Customer %d - Azure migration",
"status":"Active","substatus":"Accepted","type":"Shared","qualification":"SalesQualified","direction":"Incoming",
"customerProfile":{"name":"Bench Customer %d","address":{"addressLine1":"%d Main St","city":"Seattle","state":"WA","postalCode":"98%03d","country":"US"},
"team":[{"firstName":"Pat","lastName":"Buyer%d","email":"pat.buyer%d@bench.example"}]},
"consent":{"consentToShareReferralWithMicrosoftSellers":true,"consentToContact":true},
"details":{"notes":"Bench referral %d","dealValue":%d,"currency":"USD","closingDateTime":"2027-03-31T00:00:00Z",
"requirements":{"solutions":[{"id":"SOL-22010-XYZ","name":"Northwind Sales Accelerator","type":"Name"}]}},
"inviteContext":{"invitedBy":{"organizationId":"msft","organizationName":"Microsoft"},"assistanceRequestCode":"GeneralOrOther"},
"trackingInfo":{"microsoftMsxId":"7-BENCH%05d"}}`, ids[i], i, i, i, i+1, i%1000, i, i, i, 10000+i, i))
		if _, err := emu.PartnerCenter().PutReferral(r); err != nil {
			b.Fatal(err)
		}
	}
	return ids
}

// routeTable prints the emulator's request counts by service, method and
// route (the API calls an operation made), most called first.
func routeTable(title string) string {
	type row struct {
		key string
		n   int
	}
	agg := map[string]int{}
	total := 0
	for _, c := range emu.Metrics().Snapshot() {
		agg[fmt.Sprintf("%-9s %s", c.Service, c.Route)] += c.Count
		total += c.Count
	}
	var rows []row
	for k, n := range agg {
		rows = append(rows, row{k, n})
	}
	sort.Slice(rows, func(i, j int) bool {
		return rows[i].n > rows[j].n || rows[i].n == rows[j].n && rows[i].key < rows[j].key
	})
	var b strings.Builder
	fmt.Fprintf(&b, "\n%s: %d API calls\n", title, total)
	for _, r := range rows {
		fmt.Fprintf(&b, "  %6d  %s\n", r.n, r.key)
	}
	return b.String()
}

// BenchmarkSync1000Referrals: cosell_sync through OpenTofu over 1,000
// referrals that all need an opportunity. Reports the API calls of the
// first run (apply), of a plan with nothing pending, and of an apply after
// 10 referrals changed on Microsoft's side, and prints each by route.
// Run with -benchtime=1x: later iterations find everything in sync.
func BenchmarkSync1000Referrals(b *testing.B) {
	const n = 1000
	ids := seedSyncReferrals(b, n)
	dir := workspace(b, `resource "cosell_sync" "bench" {
  filters = { statuses = ["Active"] }
}
output "failures" { value = length(cosell_sync.bench.failures) }
`)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		emu.Metrics().Reset()
		tf(b, dir, "apply", "-auto-approve", "-no-color", "-input=false")
		first := calls("", "")
		fmt.Fprint(os.Stderr, routeTable(fmt.Sprintf("first run over %d referrals (tofu apply)", n)))

		emu.Metrics().Reset()
		tf(b, dir, "plan", "-no-color", "-input=false", "-detailed-exitcode")
		plan := calls("", "")
		fmt.Fprint(os.Stderr, routeTable("plan with nothing pending"))

		for _, id := range ids[:10] {
			emu.PartnerCenter().UpdateReferral(id, func(r *partnercenter.Referral) { _ = r.Set("/details/notes", fmt.Sprintf("changed in run %d", i)) })
		}
		emu.Metrics().Reset()
		tf(b, dir, "apply", "-auto-approve", "-no-color", "-input=false")
		incr := calls("", "")
		fmt.Fprint(os.Stderr, routeTable("apply after 10 referrals changed (refresh + run)"))

		b.ReportMetric(float64(first), "first-run-calls")
		b.ReportMetric(float64(plan), "idle-plan-calls")
		b.ReportMetric(float64(incr), "10-changes-apply-calls")
	}
}

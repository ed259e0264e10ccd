package bench_test

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
)

// BenchmarkConnectorSchema applies the connector's whole Dataverse schema
// (examples/modules/cosell-connector-schema: columns, two tables, lookups)
// and then plans again with nothing changed. It reports the Dataverse calls
// of the apply and of the no-change plan (what drift detection costs), per
// resource, and how often tables were published.
//
// On real Dataverse a publish takes seconds, so resources of one apply
// overlap and share publish rounds; the publish-latency=300ms run makes the
// emulator's PublishXml that slow to show it.
func BenchmarkConnectorSchema(b *testing.B) {
	for _, ms := range []int{0, 300} {
		b.Run(fmt.Sprintf("publish-latency=%dms", ms), func(b *testing.B) {
			if ms > 0 {
				emu.Faults().Set("dataverse", &core.Faults{LatencyMS: ms, RoutePrefixes: []string{"/api/data/v9.2/PublishXml"}})
				defer emu.Faults().Set("dataverse", nil)
			}
			benchmarkConnectorSchema(b, fmt.Sprintf("lat%d", ms))
		})
	}
}

// benchmarkConnectorSchema applies the module with publisher prefixes tag0,
// tag1, … so that no run collides with an earlier one's tables.
func benchmarkConnectorSchema(b *testing.B, tag string) {
	module, _ := filepath.Abs("../../examples/modules/cosell-connector-schema")
	var applyCalls, applyWrites, publishes, planCalls, resources int
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		dir := workspace(b, fmt.Sprintf(`module "schema" {
  source = %q
  prefix = "%s%d"
}
`, module, tag, i))
		tf(b, dir, "get", "-no-color") // modules only: providers come from dev_overrides
		emu.Metrics().Reset()
		publishBefore := emu.Dataverse().PublishCount()
		b.StartTimer()

		tf(b, dir, "apply", "-auto-approve", "-input=false", "-no-color")
		applyCalls += calls("dataverse", "")
		applyWrites += calls("dataverse", "") - calls("dataverse", "GET")
		publishes += emu.Dataverse().PublishCount() - publishBefore

		emu.Metrics().Reset()
		tf(b, dir, "plan", "-input=false", "-no-color", "-detailed-exitcode")
		planCalls += calls("dataverse", "")

		b.StopTimer()
		resources += len(strings.Fields(tf(b, dir, "state", "list")))
		tf(b, dir, "destroy", "-auto-approve", "-input=false", "-no-color")
		b.StartTimer()
	}
	n := float64(b.N)
	b.ReportMetric(float64(resources)/n, "resources")
	b.ReportMetric(float64(applyCalls)/n, "apply-api-calls/op")
	b.ReportMetric(float64(applyWrites)/n, "apply-writes/op")
	b.ReportMetric(float64(publishes)/n, "publishes/op")
	b.ReportMetric(float64(applyCalls)/float64(resources), "apply-calls/resource")
	b.ReportMetric(float64(planCalls)/n, "plan-api-calls/op")
	b.ReportMetric(float64(planCalls)/float64(resources), "plan-calls/resource")
}

package receiver

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the receiver's Prometheus series, on a registry of its own
// (so two receivers in one test process do not collide).
type metrics struct {
	registry   *prometheus.Registry
	received   *prometheus.CounterVec // by event name (documented names only; others "other")
	refused    *prometheus.CounterVec // by reason
	duplicates prometheus.Counter
	coalesced  prometheus.Counter
	reconciled prometheus.Counter
	batches    prometheus.Counter
	failed     *prometheus.CounterVec // by kind: error | record
	sweeps     *prometheus.CounterVec // by outcome
	latency    prometheus.Histogram
}

func newMetrics(depth, inFlight func() float64) *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "events_received_total",
			Help: "Callbacks that passed verification, by event name.",
		}, []string{"event"}),
		refused: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "events_refused_total",
			Help: "Callbacks refused, by reason (headers, signature, replay_window, queue_full, …).",
		}, []string{"reason"}),
		duplicates: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "events_duplicate_total",
			Help: "Deliveries seen before (or covered by a reconcile already started), acknowledged without a reconcile.",
		}),
		coalesced: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "events_coalesced_total",
			Help: "Events merged into a referral's pending reconcile.",
		}),
		reconciled: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "reconciles_total",
			Help: "Referral reconciles that completed (possibly with record-level failures).",
		}),
		batches: prometheus.NewCounter(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "reconcile_batches_total",
			Help: "Engine calls made for event reconciles; one call covers every referral that became due together (up to the batch size).",
		}),
		failed: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "reconciles_failed_total",
			Help: "Reconciles that failed: kind=error (the engine returned an error after its retries), kind=record (the record failed validation or a write).",
		}, []string{"kind"}),
		sweeps: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "cosell_receiver", Name: "sweeps_total",
			Help: "Incremental sweeps, by outcome.",
		}, []string{"outcome"}),
		latency: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "cosell_receiver", Name: "event_to_written_seconds",
			Help:    "From an event's ResourceChangeUtcDate to the end of the reconcile that wrote it.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 600},
		}),
	}
	m.registry.MustRegister(m.received, m.refused, m.duplicates, m.coalesced, m.reconciled, m.batches, m.failed, m.sweeps, m.latency,
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "cosell_receiver", Name: "queue_depth",
			Help: "Referrals waiting to be reconciled.",
		}, depth),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Namespace: "cosell_receiver", Name: "reconciles_in_flight",
			Help: "Referrals being reconciled now.",
		}, inFlight),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	// Series exist from the start (at zero), so dashboards and alerts see them.
	for _, r := range []string{ReasonMethod, ReasonPath, ReasonHeaders, ReasonTooLarge, ReasonCertURL, ReasonCertFetch,
		ReasonCertChain, ReasonSignature, ReasonMalformed, ReasonReplay, ReasonNoReferral, ReasonQueueFull, ReasonDraining} {
		m.refused.WithLabelValues(r)
	}
	m.failed.WithLabelValues("error")
	m.failed.WithLabelValues("record")
	return m
}

package receiver

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

// Options are what the settings do not say: collaborators and test seams.
type Options struct {
	// Logger receives structured logs (nil: slog.Default()).
	Logger *slog.Logger
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Roots and Intermediates replace Config.CertificateRootsFile.
	Roots, Intermediates *x509.CertPool
	// CertificateTransport fetches the signing certificate (nil: default transport).
	CertificateTransport http.RoundTripper
	// OnWritten, when set, receives each event's change-to-written latency
	// (what the histogram observes), for the load benchmark's percentiles.
	OnWritten func(time.Duration)
}

// Receiver verifies callbacks and reconciles the referrals they name.
type Receiver struct {
	cfg      Config
	rec      Reconciler
	written  func(time.Duration)
	log      *slog.Logger
	now      func() time.Time
	verifier *Verifier
	seen     *seenSet
	q        *queue
	m        *metrics

	started  atomic.Bool
	draining atomic.Bool
	cancel   context.CancelFunc
	bg       sync.WaitGroup
}

// New builds a receiver from validated settings.
func New(cfg Config, rec Reconciler, o Options) (*Receiver, error) {
	if rec == nil {
		return nil, errors.New("receiver: no reconciler")
	}
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	r := &Receiver{cfg: cfg, rec: rec, log: o.Logger, now: o.Now, written: o.OnWritten}
	if r.log == nil {
		r.log = slog.Default()
	}
	if r.now == nil {
		r.now = time.Now
	}
	roots, inter := o.Roots, o.Intermediates
	if roots == nil && cfg.CertificateRoots != nil {
		roots, inter = cfg.CertificateRoots, cfg.CertificateIntermediates
	}
	r.verifier = NewVerifier(VerifierOptions{
		CertificateHosts: cfg.CertificateHosts, Roots: roots, Intermediates: inter,
		Transport: o.CertificateTransport, Now: r.now,
	})
	r.seen = newSeenSet(cfg.ReplayWindow+FutureSkew, MaxRemembered)
	batch := 1
	if _, ok := rec.(BatchReconciler); ok {
		batch = cfg.BatchSize
	}
	r.q = newQueue(cfg.QueueSize, cfg.Concurrency, batch, cfg.CoalesceWindow, cfg.ReplayWindow+FutureSkew, r.now, r.reconcile, r.reconciled)
	r.m = newMetrics(func() float64 { return float64(r.q.depth()) }, func() float64 { return float64(r.q.inFlight()) })
	return r, nil
}

// Handler serves the callback path, /healthz, /readyz and /metrics.
func (r *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(r.cfg.Path, r.serveCallback)
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = io.WriteString(w, "ok\n")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		switch {
		case !r.started.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "starting\n")
		case r.draining.Load():
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "draining\n")
		case r.q.full():
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = io.WriteString(w, "queue full\n")
		default:
			_, _ = io.WriteString(w, "ready\n")
		}
	})
	mux.Handle("GET /metrics", promhttp.HandlerFor(r.m.registry, promhttp.HandlerOpts{}))
	mux.HandleFunc("/", func(w http.ResponseWriter, req *http.Request) {
		r.refused(w, req, refuse(ReasonPath, http.StatusNotFound, errors.New("not the callback path")))
	})
	return mux
}

// serveCallback verifies a callback before anything else happens, then
// queues the referral it names and answers at once.
func (r *Receiver) serveCallback(w http.ResponseWriter, req *http.Request) {
	if req.URL.Path != r.cfg.Path {
		r.refused(w, req, refuse(ReasonPath, http.StatusNotFound, errors.New("not the callback path")))
		return
	}
	if req.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		r.refused(w, req, refuse(ReasonMethod, http.StatusMethodNotAllowed, fmt.Errorf("method %s", req.Method)))
		return
	}
	if ref := requireHeaders(req.Header); ref != nil {
		r.refused(w, req, ref)
		return
	}
	if req.ContentLength > MaxBodyBytes {
		r.refused(w, req, refuse(ReasonTooLarge, http.StatusBadRequest, fmt.Errorf("Content-Length %d over %d bytes", req.ContentLength, MaxBodyBytes)))
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			r.refused(w, req, refuse(ReasonTooLarge, http.StatusBadRequest, fmt.Errorf("body over %d bytes", MaxBodyBytes)))
		} else {
			r.refused(w, req, refuse(ReasonMalformed, http.StatusBadRequest, fmt.Errorf("reading the body: %w", err)))
		}
		return
	}
	if ref := r.verifier.Verify(req.Context(), req.Header, body); ref != nil {
		r.refused(w, req, ref)
		return
	}

	// Authentic from here on.
	ev, err := partnercenter.ParseEvent(body)
	if err != nil {
		r.refused(w, req, refuse(ReasonMalformed, http.StatusBadRequest, err))
		return
	}
	if ev.ResourceChangeUtcDate == nil || ev.ResourceChangeUtcDate.IsZero() {
		r.refused(w, req, refuse(ReasonMalformed, http.StatusBadRequest, errors.New("no ResourceChangeUtcDate")))
		return
	}
	now := r.now()
	change := ev.ResourceChangeUtcDate.Time
	if now.Sub(change) > r.cfg.ReplayWindow || change.Sub(now) > FutureSkew {
		r.refused(w, req, refuse(ReasonReplay, http.StatusBadRequest,
			fmt.Errorf("ResourceChangeUtcDate %s is outside the replay window (%s old, %s ahead)", change.UTC().Format(time.RFC3339), r.cfg.ReplayWindow, FutureSkew)))
		return
	}
	key := deliveryKey(body)
	if r.seen.contains(key, now) {
		r.m.duplicates.Inc()
		r.log.Debug("duplicate delivery acknowledged", "event", ev.EventName, "resource", ev.ResourceURI)
		w.WriteHeader(http.StatusOK)
		return
	}
	r.m.received.WithLabelValues(eventLabel(ev.EventName)).Inc()

	switch ev.EventName {
	case partnercenter.EventReferralCreated, partnercenter.EventReferralUpdated,
		partnercenter.EventRelatedReferralCreated, partnercenter.EventRelatedReferralUpdated:
		// related-referral-* name the new (related) referral; the engine
		// pairs it by engagementId with the opportunity that already exists.
	case partnercenter.EventTestCreated:
		r.seen.add(key, now)
		r.log.Info("validation event acknowledged", "resource", ev.ResourceURI)
		w.WriteHeader(http.StatusOK)
		return
	default:
		r.seen.add(key, now)
		r.log.Info("event acknowledged and ignored (not a referral event)", "event", ev.EventName)
		w.WriteHeader(http.StatusOK)
		return
	}
	id, err := ev.ReferralID()
	if err != nil {
		r.refused(w, req, refuse(ReasonNoReferral, http.StatusBadRequest, err))
		return
	}
	res, err := r.q.enqueue(id, change)
	switch {
	case errors.Is(err, errQueueFull):
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
		r.refused(w, req, refuse(ReasonQueueFull, http.StatusServiceUnavailable, err))
		return
	case errors.Is(err, errDraining):
		w.Header().Set("Retry-After", strconv.Itoa(RetryAfterSeconds))
		r.refused(w, req, refuse(ReasonDraining, http.StatusServiceUnavailable, err))
		return
	case err != nil:
		r.refused(w, req, refuse(reasonUnreachable, http.StatusServiceUnavailable, err))
		return
	}
	r.seen.add(key, now)
	switch res {
	case coalesced:
		r.m.coalesced.Inc()
	case covered:
		r.m.duplicates.Inc()
	}
	r.log.Debug("event queued", "event", ev.EventName, "referral", id, "outcome", [...]string{"queued", "coalesced", "covered"}[res])
	w.WriteHeader(http.StatusOK)
}

// refused answers with no detail and logs the reason (never the signature
// or the body).
func (r *Receiver) refused(w http.ResponseWriter, req *http.Request, ref *refusal) {
	r.m.refused.WithLabelValues(ref.reason).Inc()
	lvl := slog.LevelWarn
	if ref.reason == ReasonQueueFull || ref.reason == ReasonDraining {
		lvl = slog.LevelInfo
	}
	r.log.Log(req.Context(), lvl, "callback refused", "reason", ref.reason, "status", ref.status,
		"method", req.Method, "path", req.URL.Path, "remote", req.RemoteAddr, "error", ref.err.Error())
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(ref.status)
}

func eventLabel(name string) string {
	if partnercenter.IsDocumentedEvent(name) {
		return name
	}
	return "other"
}

// reconcile is the queue's work function: one engine call for the jobs
// (a BatchReconciler's, else the single-referral entry for one job).
func (r *Receiver) reconcile(ctx context.Context, js []*job) error {
	ids := make([]string, len(js))
	events := 0
	for i, j := range js {
		ids[i] = j.id
		events += j.events
	}
	r.m.batches.Inc()
	var res Result
	var err error
	if b, ok := r.rec.(BatchReconciler); ok && len(ids) > 1 {
		res, err = b.ReconcileReferrals(ctx, ids)
	} else {
		res, err = r.rec.ReconcileReferral(ctx, ids[0])
	}
	if err != nil {
		return err
	}
	if len(res.Failures) > 0 {
		r.m.failed.WithLabelValues("record").Inc()
		r.log.Warn("referrals reconciled with failures", "referrals", ids, "events", events, "failures", res.Failures)
	}
	return nil
}

// reconciled records a finished reconcile.
func (r *Receiver) reconciled(j *job, err error) {
	var retrying *retryingError
	switch {
	case errors.As(err, &retrying):
		r.log.Warn("reconcile failed; retrying", "referral", j.id, "attempt", j.attempts, "error", err.Error())
	case err != nil:
		r.m.failed.WithLabelValues("error").Inc()
		r.log.Error("reconcile failed; the next sweep retries it", "referral", j.id, "events", j.events, "error", err.Error())
	default:
		r.m.reconciled.Inc()
		done := r.now()
		for _, c := range j.changes {
			r.m.latency.Observe(done.Sub(c).Seconds())
			if r.written != nil {
				r.written(done.Sub(c))
			}
		}
		r.log.Info("referral reconciled", "referral", j.id, "events", j.events)
	}
}

// Start runs the workers, the start-up sweep and the periodic sweeps until
// Shutdown (or ctx ends).
func (r *Receiver) Start(ctx context.Context) {
	ctx, r.cancel = context.WithCancel(ctx)
	r.q.start(ctx)
	r.bg.Add(1)
	go func() {
		defer r.bg.Done()
		r.sweepLoop(ctx)
	}()
	r.started.Store(true)
}

func (r *Receiver) sweepLoop(ctx context.Context) {
	t := time.NewTicker(r.cfg.SweepInterval)
	defer t.Stop()
	for {
		r.sweep(ctx) // one at start-up, then every interval
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if r.draining.Load() {
			return
		}
	}
}

func (r *Receiver) sweep(ctx context.Context) {
	start := r.now()
	res, err := r.rec.Sweep(ctx)
	switch {
	case err != nil && ctx.Err() != nil:
		return
	case err != nil:
		r.m.sweeps.WithLabelValues("error").Inc()
		r.log.Error("sweep failed", "error", err.Error())
	default:
		r.m.sweeps.WithLabelValues("ok").Inc()
		r.log.Info("sweep done", "written", res.Written, "failures", len(res.Failures), "took", r.now().Sub(start).String())
	}
}

// Shutdown stops taking events, lets the queue drain within the drain
// timeout (or ctx), then stops the workers and the sweeps. It returns how
// many referrals were left (the next start-up sweep catches them).
func (r *Receiver) Shutdown(ctx context.Context) int {
	r.draining.Store(true)
	ctx, cancel := context.WithTimeout(ctx, r.cfg.DrainTimeout)
	defer cancel()
	left := r.q.drain(ctx)
	if r.cancel != nil {
		r.cancel()
	}
	r.q.wait()
	r.bg.Wait()
	if left > 0 {
		r.log.Warn("drain timed out; the next sweep reconciles what was left", "referrals", left)
	} else {
		r.log.Info("queue drained")
	}
	return left
}

// Run listens on the configured address (TLS when a certificate is set),
// serves until ctx ends (SIGTERM in the command), then stops accepting
// connections and drains.
func (r *Receiver) Run(ctx context.Context) error {
	ln, err := net.Listen("tcp", r.cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen (%s): %w", settingHint("listen"), err)
	}
	return r.Serve(ctx, ln)
}

// Serve is Run on a listener the caller opened.
func (r *Receiver) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           r.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(r.log.Handler(), slog.LevelWarn),
	}
	r.Start(context.WithoutCancel(ctx))
	errc := make(chan error, 1)
	go func() {
		if r.cfg.TLSCertFile != "" {
			errc <- srv.ServeTLS(ln, r.cfg.TLSCertFile, r.cfg.TLSKeyFile)
		} else {
			errc <- srv.Serve(ln)
		}
	}()
	r.log.Info("webhook receiver listening", "address", ln.Addr().String(), "path", r.cfg.Path, "tls", r.cfg.TLSCertFile != "")
	select {
	case err := <-errc:
		r.Shutdown(context.Background())
		return err
	case <-ctx.Done():
	}
	r.log.Info("shutting down: no new connections, draining the queue", "timeout", r.cfg.DrainTimeout.String())
	r.draining.Store(true)
	sctx, cancel := context.WithTimeout(context.Background(), r.cfg.DrainTimeout)
	defer cancel()
	_ = srv.Shutdown(sctx) // in-flight callbacks finish; they only queue
	r.Shutdown(sctx)
	return nil
}

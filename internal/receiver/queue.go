package receiver

import (
	"context"
	"errors"
	"sync"
	"time"
)

// errQueueFull and errDraining are why Enqueue refused an event.
var (
	errQueueFull = errors.New("queue full")
	errDraining  = errors.New("draining")
)

// job is the pending work for one referral: every event that arrived for it
// since it last started, coalesced.
type job struct {
	id       string
	changes  []time.Time // ResourceChangeUtcDate of each coalesced event (bounded)
	events   int
	attempts int  // reconciles that ended in an error so far
	due      bool // the coalescing window (or a retry delay) has passed
}

// maxTracked bounds the change times kept per job for the latency histogram.
const maxTracked = 256

// enqueueResult says what became of an accepted event.
type enqueueResult int

const (
	enqueued  enqueueResult = iota // a new job
	coalesced                      // merged into a pending job
	covered                        // a reconcile that started after the change covers it
)

// queue holds at most size pending jobs (one per referral), hands them to
// at most workers goroutines, never two for one referral at once. A worker
// takes every due job up to batch at once (one engine call for all of them):
// under load the jobs that became due while the workers were busy go
// together, at light load each job goes alone, at once.
type queue struct {
	size    int
	window  time.Duration
	workers int
	batch   int
	run     func(ctx context.Context, js []*job) error
	done    func(j *job, err error) // metrics and logs, called after each run
	now     func() time.Time
	keep    time.Duration // how long a start time is kept (the replay window)

	mu       sync.Mutex
	cond     *sync.Cond
	pending  map[string]*job
	ready    []string             // ids of due jobs whose referral is not running, FIFO
	running  map[string]bool      // referral ids being reconciled
	started  map[string]time.Time // start of the latest reconcile per referral
	pruned   time.Time
	draining bool
	stopped  bool
	wg       sync.WaitGroup
}

func newQueue(size, workers, batch int, window, keep time.Duration, now func() time.Time,
	run func(context.Context, []*job) error, done func(*job, error)) *queue {
	q := &queue{size: size, window: window, workers: workers, batch: max(batch, 1), run: run, done: done, now: now, keep: keep,
		pending: map[string]*job{}, running: map[string]bool{}, started: map[string]time.Time{}}
	q.cond = sync.NewCond(&q.mu)
	return q
}

// start runs the workers until ctx ends or stop.
func (q *queue) start(ctx context.Context) {
	for range q.workers {
		q.wg.Add(1)
		go func() {
			defer q.wg.Done()
			q.work(ctx)
		}()
	}
	go func() {
		<-ctx.Done()
		q.mu.Lock()
		q.stopped = true
		q.cond.Broadcast()
		q.mu.Unlock()
	}()
}

// enqueue records an event for referral id whose change happened at change.
func (q *queue) enqueue(id string, change time.Time) (enqueueResult, error) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.draining || q.stopped {
		return 0, errDraining
	}
	if s, ok := q.started[id]; ok && change.Before(s.Add(-CoveredSkew)) {
		return covered, nil
	}
	if j := q.pending[id]; j != nil {
		j.events++
		if len(j.changes) < maxTracked {
			j.changes = append(j.changes, change)
		}
		return coalesced, nil
	}
	if len(q.pending) >= q.size {
		return 0, errQueueFull
	}
	q.pending[id] = &job{id: id, changes: []time.Time{change}, events: 1}
	q.pruneLocked()
	q.dueAfterLocked(id, q.window)
	return enqueued, nil
}

// dueAfterLocked makes id's job due after d (at once when draining).
func (q *queue) dueAfterLocked(id string, d time.Duration) {
	if d <= 0 || q.draining {
		q.markDueLocked(id)
		return
	}
	time.AfterFunc(d, func() {
		q.mu.Lock()
		defer q.mu.Unlock()
		q.markDueLocked(id)
	})
}

func (q *queue) markDueLocked(id string) {
	j := q.pending[id]
	if j == nil || j.due {
		return
	}
	j.due = true
	if !q.running[id] {
		q.ready = append(q.ready, id)
		q.cond.Broadcast()
	}
}

func (q *queue) work(ctx context.Context) {
	for {
		q.mu.Lock()
		for len(q.ready) == 0 && !q.stopped {
			q.cond.Wait()
		}
		if q.stopped {
			q.mu.Unlock()
			return
		}
		n := min(len(q.ready), q.batch)
		js := make([]*job, n)
		for i, id := range q.ready[:n] {
			js[i] = q.pending[id]
			delete(q.pending, id)
			q.running[id] = true
			q.started[id] = q.now()
		}
		q.ready = q.ready[n:]
		q.mu.Unlock()

		err := q.run(ctx, js)

		q.mu.Lock()
		retry := err != nil && ctx.Err() == nil && !q.draining
		final := make([]bool, len(js))
		for i, j := range js {
			final[i] = q.finishLocked(j, retry && j.attempts+1 < ReconcileAttempts)
		}
		if len(q.pending) == 0 && len(q.running) == 0 {
			q.cond.Broadcast() // wake drain
		}
		q.mu.Unlock()
		for i, j := range js {
			q.done(j, errIf(final[i], err))
		}
	}
}

// finishLocked ends j's run: queued again after a delay when retry, else
// its referral is free for what arrived meanwhile. It reports whether the
// run was final (not retried).
func (q *queue) finishLocked(j *job, retry bool) bool {
	id := j.id
	delete(q.running, id)
	if retry {
		// Merge back with whatever arrived meanwhile; a retry may exceed
		// the size by the jobs in flight (they were counted already).
		j.attempts++
		j.due = false
		if n := q.pending[id]; n != nil {
			j.events += n.events
			j.changes = append(j.changes, n.changes...)
			if len(j.changes) > maxTracked {
				j.changes = j.changes[:maxTracked]
			}
		}
		q.pending[id] = j
		delete(q.started, id) // the failed run covers nothing
		q.dueAfterLocked(id, ReconcileRetryDelay<<(j.attempts-1))
		return false
	}
	if n := q.pending[id]; n != nil && n.due {
		q.ready = append(q.ready, id)
		q.cond.Broadcast()
	}
	return true
}

// errIf returns err when final, and errRetrying otherwise.
func errIf(final bool, err error) error {
	if err == nil || final {
		return err
	}
	return &retryingError{err}
}

type retryingError struct{ error }

func (e *retryingError) Unwrap() error { return e.error }

// pruneLocked forgets start times older than the replay window: events that
// old are refused before they reach the queue.
func (q *queue) pruneLocked() {
	now := q.now()
	if now.Sub(q.pruned) < time.Minute {
		return
	}
	q.pruned = now
	for id, s := range q.started {
		if now.Sub(s) > q.keep+CoveredSkew && !q.running[id] {
			delete(q.started, id)
		}
	}
}

// depth is the number of referrals waiting (not running).
func (q *queue) depth() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending)
}

// inFlight is the number of referrals being reconciled.
func (q *queue) inFlight() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.running)
}

// full reports whether a new referral would be refused.
func (q *queue) full() bool {
	q.mu.Lock()
	defer q.mu.Unlock()
	return len(q.pending) >= q.size
}

// drain refuses new events, makes every pending job due at once and waits
// until the queue is empty or ctx ends; it returns the referrals left.
func (q *queue) drain(ctx context.Context) int {
	q.mu.Lock()
	q.draining = true
	for id := range q.pending {
		q.markDueLocked(id)
	}
	q.mu.Unlock()
	stop := context.AfterFunc(ctx, func() {
		q.mu.Lock()
		q.cond.Broadcast()
		q.mu.Unlock()
	})
	defer stop()
	q.mu.Lock()
	defer q.mu.Unlock()
	for (len(q.pending) > 0 || len(q.running) > 0) && ctx.Err() == nil && !q.stopped {
		q.cond.Wait()
	}
	return len(q.pending) + len(q.running)
}

// wait waits for the workers to return (after their context ended).
func (q *queue) wait() { q.wg.Wait() }

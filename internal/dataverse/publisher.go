package dataverse

import (
	"context"
	"sort"
	"sync"
)

// Publisher coalesces publish requests into rounds (a group commit):
// publishing is the slowest metadata call, and Terraform changes sibling
// columns of one table in parallel, each of which must be published before
// its operation returns.
//
// A round is one call of the publish function with the union of the tables
// of every caller that joined it. At most one round runs at a time; callers
// that arrive while a round runs join the next one, which starts as soon as
// the running round ends. So when Publish returns nil, a publish that
// started after Publish was called has covered all of the caller's tables.
type Publisher struct {
	publish func(ctx context.Context, tables ...string) error

	mu      sync.Mutex
	running bool   // a round is in flight
	next    *round // the round being gathered; nil when nobody waits
}

// round is one publish and the callers waiting for it.
type round struct {
	tables  map[string]bool
	waiters int                // callers still waiting; the round is cancelled when it reaches 0
	ctx     context.Context    // the round's own context (see join)
	cancel  context.CancelFunc // cancels ctx
	done    chan struct{}      // closed when err is set
	err     error
}

// NewPublisher returns a Publisher whose rounds call publish (typically
// (*Client).PublishXml) with the sorted, distinct tables of the round.
func NewPublisher(publish func(ctx context.Context, tables ...string) error) *Publisher {
	return &Publisher{publish: publish}
}

// Publish returns once a round that started after this call began has
// published every one of tables, with that round's error (the same error
// for every caller of the round). If ctx ends first, Publish returns
// ctx.Err() at once; the round still runs for its other callers, and is
// cancelled only when all of its callers have gone. Empty names are
// ignored; with no table at all there is nothing to wait for.
func (p *Publisher) Publish(ctx context.Context, tables ...string) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	r := p.join(ctx, tables)
	if r == nil {
		return nil
	}
	select {
	case <-r.done:
		return r.err
	case <-ctx.Done():
		return p.leave(r, ctx.Err())
	}
}

// join adds tables to the next round, starting it when no round runs. It
// returns nil when no table is named.
func (p *Publisher) join(ctx context.Context, tables []string) *round {
	named := make([]string, 0, len(tables))
	for _, t := range tables {
		if t != "" {
			named = append(named, t)
		}
	}
	if len(named) == 0 {
		return nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := p.next
	if r == nil {
		// The round must outlive any one caller's cancellation, yet keep the
		// values (loggers, request ids) of the context it runs under.
		rctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		r = &round{tables: map[string]bool{}, ctx: rctx, cancel: cancel, done: make(chan struct{})}
		p.next = r
	}
	for _, t := range named {
		r.tables[t] = true
	}
	r.waiters++
	if !p.running {
		p.running = true
		p.next = nil
		go p.run(r)
	}
	return r
}

// leave is called by a caller whose context ended before its round did.
func (p *Publisher) leave(r *round, err error) error {
	p.mu.Lock()
	defer p.mu.Unlock()
	select {
	case <-r.done: // finished meanwhile: report the outcome after all
		return r.err
	default:
	}
	r.waiters--
	if r.waiters == 0 {
		r.cancel() // nobody wants this round any more
		if p.next == r {
			p.next = nil // not started: drop it
		}
	}
	return err
}

// run publishes round after round until nobody waits.
func (p *Publisher) run(r *round) {
	for r != nil {
		tables := make([]string, 0, len(r.tables))
		for t := range r.tables {
			tables = append(tables, t)
		}
		sort.Strings(tables)
		r.err = p.publish(r.ctx, tables...)
		r.cancel()
		close(r.done)

		p.mu.Lock()
		r, p.next = p.next, nil
		p.running = r != nil
		p.mu.Unlock()
	}
}

// Publish publishes tables together with those of concurrent callers on this
// organization, in one PublishXml per round (see Publisher.Publish; facts.go
// §15). It returns after a PublishXml that started after the call covered
// every one of tables.
func (c *Client) Publish(ctx context.Context, tables ...string) error {
	return c.pub.Publish(ctx, tables...)
}

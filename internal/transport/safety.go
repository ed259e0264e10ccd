package transport

import (
	"context"
	"net/http"
	"strings"
	"time"
)

// Safety says whether Do may send a write again when it cannot know whether
// the server acted on it (the connection dropped after sending, or a 5xx/408
// came back). It is the one write-retry rule of the provider, written out in
// choices.go §2; typed clients mark each write with Mark or WithLookup.
type Safety int

const (
	// ByMethod (the zero value) classifies by method: GET, HEAD, OPTIONS,
	// PUT and DELETE are idempotent; a POST or PATCH carrying If-Match with
	// a concrete ETag is Conditional; any other POST or PATCH is Unsafe.
	ByMethod Safety = iota
	// Idempotent writes have the same effect when sent twice: PUT, DELETE,
	// a create whose key the client chose (Dataverse record id, Partner
	// Center MS-RequestId, a deterministic connection name), a PATCH of
	// fixed values with If-Match: *, an action such as PublishXml.
	Idempotent
	// Conditional writes carry If-Match with the ETag the client read. A
	// re-send after an unseen success answers 412: the caller re-reads and
	// decides again (ReadDecideWrite), which it must do for any 412.
	Conditional
	// Unsafe writes are never sent again once they may have reached the
	// server: Do returns the 5xx (or the transport error) to the caller.
	Unsafe
)

func (s Safety) String() string {
	switch s {
	case Idempotent:
		return "idempotent"
	case Conditional:
		return "conditional"
	case Unsafe:
		return "unsafe"
	}
	return "by method"
}

// Lookup tells whether an earlier attempt of a write was applied, by
// reading what the write creates under its unique name (e.g. a column's
// logical name). It runs through the same client (its own reads retry).
type Lookup func(ctx context.Context) (applied bool, err error)

type safetyKey struct{}
type lookupKey struct{}

// Mark sets the Safety of req (a shallow copy is returned).
func Mark(req *http.Request, s Safety) *http.Request {
	return req.WithContext(context.WithValue(req.Context(), safetyKey{}, s))
}

// MarkRetrySafe is Mark(req, Idempotent), for calls the server
// de-duplicates (a Partner Center POST with an MS-RequestId kept across
// retries, a Dataverse create with a client-generated key).
func MarkRetrySafe(req *http.Request) *http.Request { return Mark(req, Idempotent) }

// WithLookup makes a create without a client-chosen key safe to retry:
// after an unknown outcome, and before each re-send, Do calls lookup; if the
// write was applied Do stops and returns a *RetryError for which
// WriteApplied is true (the caller reads the created object, typically
// captured by lookup itself); otherwise the write is sent again.
func WithLookup(req *http.Request, lookup Lookup) *http.Request {
	if lookup == nil {
		return Mark(req, Unsafe)
	}
	return req.WithContext(context.WithValue(req.Context(), lookupKey{}, lookup))
}

// safetyOf resolves the request's Safety and lookup (see Safety).
func safetyOf(req *http.Request) (Safety, Lookup) {
	lookup, _ := req.Context().Value(lookupKey{}).(Lookup)
	if s, ok := req.Context().Value(safetyKey{}).(Safety); ok && s != ByMethod {
		return s, lookup
	}
	switch req.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodDelete:
		return Idempotent, lookup
	}
	if m := strings.TrimSpace(req.Header.Get("If-Match")); m != "" && m != "*" {
		return Conditional, lookup
	}
	return Unsafe, lookup
}

// reads are requests that change nothing.
func isRead(method string) bool {
	return method == http.MethodGet || method == http.MethodHead || method == http.MethodOptions
}

// DefaultConflictRounds bounds ReadDecideWrite when the caller gives no bound.
const DefaultConflictRounds = 5

// ReadDecideWrite runs step — read the object, decide, write it with
// If-Match — and runs it again while it fails with a conflict (isConflict,
// normally a 412: someone changed the object since it was read, or an
// earlier attempt of our own write succeeded unseen), at most rounds times
// in all (0: DefaultConflictRounds), with a short jittered pause between
// rounds. It returns step's last error: a conflict still there after the
// bound, any other error at once, or nil.
func ReadDecideWrite(ctx context.Context, rounds int, isConflict func(error) bool, step func(ctx context.Context) error) error {
	if rounds <= 0 {
		rounds = DefaultConflictRounds
	}
	var err error
	for round := 1; round <= rounds; round++ {
		if err = step(ctx); err == nil || !isConflict(err) || round == rounds {
			return err
		}
		if sleepTimer(ctx, backoff(round, 50*time.Millisecond, time.Second, defaultRand)) != nil {
			return err // the conflict says more than "context canceled"
		}
	}
	return err
}

package receiver

import "time"

// This file is the ONE place for the receiver's facts and for every choice
// made where partner-center-api.md §3.4 says *unconfirmed* or says nothing.
// Each choice has a one-line comment; change the line when a fact is learned.

// MaxBodyBytes bounds a callback body. Referral events are ~250 bytes (§3.4
// sample); 32 KiB leaves room for unknown fields and refuses anything that
// could be used to make the receiver buffer a large body.
const MaxBodyBytes = 32 << 10

// Choice: a refused callback gets 401 when its authentication fails (a
// header missing, the certificate URL, the certificate or the signature) and
// 400 when it is authentic-looking but unusable (too large, not JSON, no
// referral id, outside the replay window); the body is always empty, so a
// prober learns nothing. A wrong path is 404 and a wrong method on the path
// 405 (routing, not a callback).

// Choice: an event may be at most the replay window old (default one hour)
// and at most FutureSkew ahead of the receiver's clock. Partner Center's retry schedule
// is unconfirmed (10 attempts, §3.4); an event refused as too old is caught by
// the next sweep.
const (
	DefaultReplayWindow = time.Hour
	FutureSkew          = 5 * time.Minute
)

// Choice: a delivery seen before is recognised by SHA-256 of its exact body
// (EventName, ResourceUri and ResourceChangeUtcDate with 7 fractional digits
// make it unique per change) and remembered for the replay window, at most
// MaxRemembered deliveries (oldest forgotten first; a forgotten one is out of
// the window by then, or the receiver is under a flood the queue bounds).
const MaxRemembered = 200_000

// Choice: an event whose ResourceChangeUtcDate is earlier than the start of a
// reconcile of the same referral, less CoveredSkew, is already covered by
// that reconcile (it read the referral after the change): it is acknowledged
// without a second reconcile. This is what makes out-of-order deliveries cost
// one reconcile. CoveredSkew allows for clock skew between Partner Center and
// the receiver; a larger skew costs at worst a change picked up by the sweep.
const CoveredSkew = 2 * time.Second

// Choice: the certificate fetched from X-MS-Certificate-Url is cached until
// its NotAfter, and at most CertificateMaxAge, so a certificate Microsoft
// replaces at the same URL is picked up within a day. A failed fetch is
// remembered for CertificateRetryAfter so a flood of callbacks cannot make
// the receiver hammer the URL.
const (
	CertificateMaxAge     = 24 * time.Hour
	CertificateRetryAfter = 30 * time.Second
	certificateMaxBytes   = 64 << 10
	certificateTimeout    = 10 * time.Second
)

// Choice: whether the .cer at the documented URL carries its issuing chain is
// unconfirmed; the chain is verified against the system roots (or the roots
// file setting), and any non-self-signed certificate in that file is used as
// an intermediate, so an operator can supply a missing issuing CA.

// Choice: a full queue answers 503 with Retry-After: RetryAfterSeconds;
// Partner Center's retry interval is unconfirmed, it has 10 attempts.
const RetryAfterSeconds = 5

// Choice: a reconcile that returns an error (after the transport's own
// retries) is retried from the queue ReconcileAttempts times in all, with a
// doubling delay from ReconcileRetryDelay; after that the sweep catches it.
const (
	ReconcileAttempts   = 3
	ReconcileRetryDelay = time.Second
)

// Defaults of the settings (see config.go for the flags and variables).
const (
	DefaultListen         = ":8080"
	DefaultPath           = "/partner-center/events"
	DefaultQueueSize      = 1000
	DefaultSweepInterval  = 15 * time.Minute
	DefaultCoalesceWindow = 250 * time.Millisecond
	DefaultDrainTimeout   = 25 * time.Second // inside Kubernetes' default 30 s grace period
	DefaultConcurrency    = 4                // the sync's default max_parallelism
)

// Choice: a reconcile covers up to DefaultBatchSize referrals (the referrals
// that became due while the workers were busy): one settings read, one keyed
// listing (50 ids is the sync adapter's key chunk, one request) and one bulk
// load and write for all, instead of ~8 sequential calls each. Dataverse's
// 6,000 requests per 5 minutes (20/s, dataverse-api.md §1.10) cannot carry
// 100 single-referral reconciles a second; 50-referral ones need ~2/s.
const (
	DefaultBatchSize = 50
	MaxBatchSize     = 500
)

// Choice: the connector's environment variables and the small tables the
// engine reads whole (currencies, the solution catalogue), read at the start
// of every reconcile, are cached for ReferenceDataTTL: a change made in the
// environment reaches the receiver's reconciles within that time (and
// cosell_sync's scheduled pass at once).
const ReferenceDataTTL = 30 * time.Second

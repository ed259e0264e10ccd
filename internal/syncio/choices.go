package syncio

// Every choice this package makes where ../shared/reference/ is silent or
// says *unconfirmed*, one line each.

const (
	// referralPageSize is the $top of referral lists. The real maximum is
	// unconfirmed (partner-center-api.md §1.4); a server that caps lower
	// still pages through @odata.nextLink, so asking big only saves calls.
	referralPageSize = 500

	// keyChunk is how many ids go into one "(id eq 'a' or id eq 'b' …)"
	// filter. Partner Center's $filter has no documented `in` (the emulator
	// refuses it) and URL length limits are undocumented; 50 GUIDs keep a
	// URL under ~4 KB (encoded), below every common 8 KB front-end limit.
	keyChunk = 50

	// Choice: a re-listing (engine.ReferralQuery.Listed) is split into time
	// ranges with "updatedDateTime ge a and updatedDateTime lt b". The docs
	// show only `ge`-style date filters in use; `lt` is the same OData
	// comparison on the same documented sort key (unconfirmed, like `ge`).

	// keyParallelism is how many key-chunk lists of referrals are in flight
	// at once (the engine's default max_parallelism; Partner Center's rate
	// limits are unpublished, and 429s are retried).
	keyParallelism = 4

	// rowKeyChunk is the same for Dataverse filters (`or` chains of GUIDs or
	// strings; Dataverse has `In` only as a function, kept out for clarity).
	// The chunks of one listing go as GETs inside one $batch, whose body no
	// front-end URL limit applies to; the limit of an inner request line is
	// not documented (unconfirmed). 500 atoms keep each inner URL near
	// 30 KB for GUIDs; fewer, longer filters mean fewer scans of the table
	// for the same keys.
	rowKeyChunk = 500

	// rowPageSize is Prefer: odata.maxpagesize for row lists (Dataverse
	// allows up to 5000, dataverse-api.md §1.3).
	rowPageSize = 5000

	// batchOps bounds the operations of one $batch (the documented limit is
	// 1000, dataverse-api.md §1.8). Groups are never split across batches.
	batchOps = 1000
)

// The snapshot column's default name is the engine's (sync.DefaultSnapshotColumn,
// cosell_syncsnapshot): the provider's own opportunity memo column, created by
// examples/modules/cosell-connector-schema and present in the emulator's
// connector scenario; this package reads and writes it like any other column.

// referralSelect is the $select of referral lists: the top-level members the
// engine's Referral is read from (partner-center-api.md §1.5); team, links,
// target, registrations and the rest are never transferred. Partner Center
// $select takes top-level names only (emulator facts; unconfirmed).
var referralSelect = []string{
	"id", "engagementId", "eTag", "externalReferenceId", "name", "status", "substatus", "statusReason",
	"type", "direction", "qualification", "customerProfile", "consent", "details", "inviteContext",
	"trackingInfo", "createdDateTime", "updatedDateTime",
}

// referralVersionSelect is the $select of a versions-only list
// (engine.ReferralQuery.VersionsOnly): what identifies a version and what
// pairs a referral with its opportunity and engagement.
var referralVersionSelect = []string{"id", "eTag", "engagementId", "externalReferenceId", "createdDateTime", "updatedDateTime"}

// Choices for referrals the sync creates (partner-center-api.md §1.8):
//   - type Independent, or Shared when shared with Microsoft sellers (the
//     2019 shared-referral recipe); the engine may set Type itself.
//   - qualification SalesQualified (the docs' create example); target [].
//   - consentToContact true (the partner owns the customer relationship in
//     its CRM); consentToToShareInfoWithOthers false.
//   - status/substatus as the engine gives them, else New/Pending (the
//     create example; Partner Center answers Active/Accepted for a
//     partner-created referral).
const (
	newReferralQualification = "SalesQualified"
	newReferralStatus        = "New"
	newReferralSubstatus     = "Pending"
)

// batchParallelism is how many $batch requests one Apply call has in flight
// (Dataverse docs suggest small batches plus parallelism; the service
// protection limit is 52 concurrent requests per user, dataverse-api.md §1.10).
const batchParallelism = 4

// Choice: every upsert/update in a $batch asks Prefer: return=representation
// with $select of the primary key only, so the answer carries the row's new
// ETag (the engine keeps it) at the cost of a few bytes.
// Choice: a group's writes form one change set, so a failure rolls back the
// whole group; its other writes then report sync.ErrSkipped (not written).
// Choice: a $batch is marked retry-safe only when every operation is a PATCH
// (upserts to deterministic ids, updates guarded by If-Match): re-sending
// cannot duplicate anything; actions (Win/Lose) make it unsafe.

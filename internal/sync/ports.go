package sync

import (
	"context"
	"errors"
	"time"
)

// The engine reaches Partner Center and Dataverse only through the two ports
// below. internal/syncio implements them with the real clients; the
// synctest subpackage implements them in memory for tests and benchmarks.
//
// Partner Center is typed (the engine's Referral), because the engine needs
// the referral as a whole. Dataverse is generic (tables, logical column names,
// values), because which columns matter depends on the connector's
// environment variables read on every run (deal value field, country field,
// currency field); the engine's mapping table (mapping.go) is then the one
// place that knows column names, and the adapter stays a thin, generic pager
// and batcher.

// ErrConflict is returned (wrapped) by a write whose If-Match ETag is stale
// (HTTP 412). The engine re-reads the record and decides again.
var ErrConflict = errors.New("sync: record changed since it was read (412 Precondition Failed)")

// ErrNotFound is returned (wrapped) by a read or update of a record that does
// not exist (HTTP 404).
var ErrNotFound = errors.New("sync: record not found")

// PartnerCenter is the engine's port to the Partner Center Referrals API.
type PartnerCenter interface {
	// ListReferrals pages through the referrals matching q and calls page
	// for each page (in order; an error from page stops the listing and is
	// returned). An empty query lists every referral.
	ListReferrals(ctx context.Context, q ReferralQuery, page func([]Referral) error) error

	// GetReferral reads one referral (with its ETag). A missing referral
	// returns an error wrapping ErrNotFound.
	GetReferral(ctx context.Context, id string) (Referral, error)

	// CreateReferral creates draft (ID, ETag and timestamps are ignored) and
	// returns the created referral. requestID is deterministic for the
	// record (a UUID the engine derives from the opportunity id): the adapter
	// sends it as MS-RequestId so a retried POST is not created twice.
	// Idempotency across runs does not rely on it: the engine pairs by
	// externalReferenceId first.
	CreateReferral(ctx context.Context, draft Referral, requestID string) (Referral, error)

	// PatchReferral applies changes to referral id as one JSON Patch
	// document (each FieldChange is one "replace" or "add" operation, in
	// order) with If-Match: etag (no If-Match when etag is ""), and returns
	// the referral as it is after the change (Prefer: return=representation,
	// or a GET). A stale etag returns an error wrapping ErrConflict.
	PatchReferral(ctx context.Context, id, etag string, changes []FieldChange) (Referral, error)
}

// ReferralQuery selects referrals. The non-empty criteria combine with AND;
// the values inside one list combine with OR.
type ReferralQuery struct {
	// UpdatedSince keeps referrals whose updatedDateTime >= UpdatedSince
	// (zero: no bound).
	UpdatedSince time.Time
	// Statuses keeps referrals whose status is one of these values.
	Statuses []string
	// IDs, ExternalReferenceIDs and EngagementIDs fetch counterparts by key
	// (the adapter chunks long lists).
	IDs                  []string
	ExternalReferenceIDs []string
	EngagementIDs        []string
	// VersionsOnly asks for the members that identify a version and pair a
	// referral (id, eTag, updatedDateTime, createdDateTime, engagementId,
	// externalReferenceId); the others are left empty.
	VersionsOnly bool
	// Listed, with IDs, says every id was returned by the same query
	// without IDs (UpdatedSince, Statuses), which listed referrals last
	// updated at these times: the adapter may list that again (in time
	// ranges side by side) and keep the ids, when that takes fewer calls
	// than asking by key.
	Listed []time.Time
}

// FieldChange is one JSON Patch operation on a referral. Path is the JSON
// pointer from the mapping table (e.g. "/details/dealValue"); Value is a
// JSON-marshalable Go value (string, float64, bool, []Contact, []Solution).
type FieldChange struct {
	Op    PatchOp
	Path  string
	Value any
}

// PatchOp is a JSON Patch operation; Partner Center supports only these two.
type PatchOp string

// The JSON Patch operations Partner Center accepts (partner-center-api.md §1.6).
const (
	PatchReplace PatchOp = "replace"
	PatchAdd     PatchOp = "add"
)

// Dynamics is the engine's port to Dataverse.
type Dynamics interface {
	// ReadVariables returns the effective (current, else default) value of
	// each named environment variable (schema names); a variable that does
	// not exist is absent from the map. The engine parses the values
	// (settings.go), so defaults and Yes/No rules live in one place.
	ReadVariables(ctx context.Context, schemaNames []string) (map[string]string, error)

	// ListRows pages through the rows of q.Table matching q, selecting
	// q.Columns (plus the primary id, modifiedon and the ETag, always) and
	// calls page for each page.
	ListRows(ctx context.Context, q RowQuery, page func([]Row) error) error

	// Apply performs writes and returns one result per write, in the same
	// order. Writes that share a Group belong to one record pair: the
	// adapter sends them in slice order in one change set (atomic where
	// Dataverse allows; actions such as WinOpportunity may follow the change
	// set) and may coalesce several groups, or several concurrent Apply
	// calls, into one $batch request. When a write of a group fails, the
	// later writes of that group are not attempted and report
	// ErrSkipped. Apply never returns fewer results than writes.
	Apply(ctx context.Context, writes []Write) []WriteResult
}

// ErrSkipped is the result of a write not attempted because an earlier write
// of its group failed.
var ErrSkipped = errors.New("sync: not attempted: an earlier write of the same record failed")

// RowQuery selects Dataverse rows: (IDs OR Where...) AND ModifiedSince. With
// neither IDs nor Where, every row of the table (modified since) is listed.
type RowQuery struct {
	Table   string   // logical name, e.g. "opportunity"
	Columns []string // logical column names to $select (lookups by column name, e.g. "parentaccountid")
	IDs     []string // primary ids
	Where   []Cond   // OR-ed conditions
	// ModifiedSince keeps rows whose modifiedon >= ModifiedSince (zero: no bound).
	ModifiedSince time.Time
}

// Cond is one condition of a RowQuery: Column equals one of Values, or, with
// NotNull, Column has a value. String comparisons are case-insensitive
// (Dataverse's), which the account and contact matching relies on.
type Cond struct {
	Column  string
	Values  []any
	NotNull bool
}

// Row is one Dataverse row as the engine sees it.
type Row struct {
	Table      string
	ID         string
	ETag       string    // @odata.etag, opaque
	ModifiedOn time.Time // modifiedon
	// Values by logical column name. Types: string, float64 (numbers and
	// money), int (choices, statecode, statuscode), bool, Ref (lookups, read
	// from _<column>_value), nil (null). Date-only columns are "YYYY-MM-DD"
	// strings. Columns the query did not select are absent.
	Values map[string]any
}

// Ref is a lookup value: the target table's logical name and row id. In a
// Write it becomes "<navigation>@odata.bind": "/<entityset>(<id>)"; the
// adapter resolves navigation property and entity set names (customerid
// with an account target binds customerid_account).
type Ref struct {
	Table string
	ID    string
}

// Write is one Dataverse write.
type Write struct {
	// Group ties the writes of one record pair (the opportunity id).
	Group string
	Kind  WriteKind
	Table string
	ID    string
	// ETag guards an Update (If-Match); "" on an Update means If-Match: *
	// (update only, never create). Upserts carry no ETag: they create the
	// row with its deterministic ID or update it (idempotent re-runs).
	ETag string
	// Values are the columns to set (only changed ones), Ref for lookups.
	Values map[string]any
	// State and Status are the statecode/statuscode of a SetState, and the
	// Status of a Win (3) or Lose (4 Canceled, 5 Out-Sold) action.
	State, Status int
	// Subject is the OpportunityClose subject of Win/Lose.
	Subject string
}

// WriteKind says how a Write is sent.
type WriteKind string

// The write kinds.
const (
	// WriteUpsert: PATCH /<set>(<ID>) without If-Match: create or update.
	WriteUpsert WriteKind = "upsert"
	// WriteUpdate: PATCH /<set>(<ID>) with If-Match (ETag or *).
	WriteUpdate WriteKind = "update"
	// WriteWin: POST /WinOpportunity {Status, OpportunityClose}.
	WriteWin WriteKind = "win"
	// WriteLose: POST /LoseOpportunity {Status, OpportunityClose}.
	WriteLose WriteKind = "lose"
	// WriteSetState: change statecode/statuscode (leads: qualify, disqualify).
	WriteSetState WriteKind = "setstate"
)

// WriteResult is the outcome of one Write: the row's new ETag (when the
// adapter has it) or an error (ErrConflict on 412, ErrSkipped, or the API
// error).
type WriteResult struct {
	ETag string
	Err  error
}

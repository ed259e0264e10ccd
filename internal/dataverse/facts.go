package dataverse

// Unconfirmed protocol choices for the Dataverse client, in one place. Each
// entry says what dataverse-api.md leaves open ([U]/[P]) and what this package
// does; change the line here when a live answer is known.
//
//  1. Create generates the primary key client-side ("look before re-creating").
//     The record is POSTed with <pk> set to a fresh GUID, so an ambiguous
//     failure can be resolved by looking: after a transport error, a 5xx, or
//     a duplicate-key answer to a key we generated (a transport retry of a
//     POST that had in fact succeeded), Create GETs <set>(<id>); if the record
//     exists the create succeeded, otherwise the original error is returned
//     and re-creating with the same id is safe. Because of this the POST is
//     marked retry-safe (transport.Idempotent). A caller-supplied key is used
//     as is and resolved on transport errors/5xx, and on a duplicate only when
//     the call was re-sent (transport.Attempts > 1: the duplicate may be our
//     own first attempt; on the first attempt it means the row existed before).
//     Creates without a client-chosen key (columns, tables, relationships,
//     an option with a given value) carry a transport.Lookup by their unique
//     name (logical name, schema name, value): after an unknown outcome the
//     transport looks before re-sending, so a lost answer never makes a
//     second object or a "not unique" error. PublishXml, PublishAllXml and
//     UpdateOptionValue are idempotent and re-sent; WinOpportunity,
//     LoseOpportunity, DeleteOptionValue and InsertOptionValue without a value
//     are not (transport.Unsafe).
//
//  2. The primary key column is derived from the entity set name: the set's
//     singular + "id" (opportunities → opportunityid, accounts → accountid,
//     environmentvariablevalues → environmentvariablevalueid); "-ies" → "-y",
//     "-sses/-xes/-ches/-shes" drop "es", else drop "s". Options.PrimaryKeys
//     overrides it per set for irregular names.
//
//  3. The created id is read from OData-EntityId (fallback Location): the text
//     inside the last "(…)". If neither header is present the generated id
//     is returned.
//
//  4. Update sends If-Match: * when no ETag is given (update-only, never an
//     accidental upsert) and is marked retry-safe: a PATCH of column values is
//     idempotent; with a concrete ETag a retry after a lost success answers
//     412, which callers treat as "re-read and decide again" anyway.
//     Delete is idempotent by method; a retried delete may answer 404.
//     Create/Update drop top-level instance annotations ("@odata.etag",
//     "@odata.context", …) from the body; "<nav>@odata.bind" keys are kept.
//
//  5. Reads send If-None-Match: null (docs: every request; we send it on GETs
//     only, because on PATCH If-None-Match has the create-only meaning).
//     Metadata reads always send Consistency: Strong, since the provider
//     reads metadata right after changing it.
//
//  6. Paging follows @odata.nextLink verbatim with the same Prefer header,
//     but only when the link is on the organization's scheme and host (the
//     bearer token must not leave it); otherwise Query returns an error.
//     Query rejects MaxPageSize together with Top (the docs forbid it).
//
//  7. Duplicate detection: IsDuplicate is true for 409, and for 412 with code
//     CodeDuplicateRecord or CodeDuplicateKey (values from Dataverse's error
//     code list, not the stored doc [U]) or a message containing "already
//     exists". IsPreconditionFailed is every other 412
//     (ConcurrencyVersionMismatch).
//
//  8. Metadata: attributes are addressed by LogicalName
//     (EntityDefinitions(LogicalName='t')/Attributes(LogicalName='a')); DELETE
//     on that URI is inferred by analogy with tables [U]. GetAttribute adds
//     $expand=OptionSet when the cast type has an option set (Picklist,
//     MultiSelectPicklist, Boolean, State, Status). Relationships are read by
//     RelationshipDefinitions(SchemaName='x') cast to
//     OneToManyRelationshipMetadata [U] and deleted by MetadataId (or by
//     SchemaName when no GUID is given [U]). MSCRM.SolutionUniqueName is sent
//     on relationship creation too [U]. UpdateTable strips the Attributes
//     collection from the PUT body (columns are changed one by one).
//     Label marshaling never writes UserLocalizedLabel (read-only).
//
//  9. Option value actions use the Web API action parameter names
//     EntityLogicalName, AttributeLogicalName, OptionSetName, Value, Label,
//     Description, MergeLabels, SolutionUniqueName (from the action reference,
//     not the stored doc) [U]. InsertOptionValue returns NewOptionValue.
//
// 10. LoseOpportunity posts {"Status":<status>,"OpportunityClose":{"subject",
//     "opportunityid@odata.bind"}}, the same shape as WinOpportunity [U];
//     Status is normally 4 (Canceled) or 5 (Out-Sold).
//
// 11. Environment variables bind the value to its definition with the
//     documented navigation property case "EnvironmentVariableDefinitionId"
//     (the TF provider's lower-case form is unverified). A definition with more
//     than one value record is reported as an error.
//
// 12. Connection references are bound by PATCH {"connectionid":"<name>"} with
//     If-Match: * (a plain column update, not shown in the docs) [U]; an empty
//     connection name writes null (unbind).
//
// 13. $batch: requests are written with absolute paths (/api/data/v9.2/…) in
//     the request line; "$n" Content-ID references and absolute URLs pass
//     through. Change-set parts carry Content-ID 1..n. A batch answer that is
//     multipart is parsed even when the batch status is 4xx (Dataverse reports
//     the failing operation inside); per-operation failures are left to
//     BatchResponse.Err. A batch of GETs only is marked retry-safe.
//
// 14. Publishing: PublishXml ParameterXml is
//     <importexportxml><entities><entity>t</entity>…</entities></importexportxml>
//     (widely used, [P]); PublishAllXml is sent an empty JSON object; 200 and
//     204 both count as success.
//
// 15. Group-committed publishing (Client.Publish): one PublishXml naming
//     several tables is assumed to publish each of them exactly as separate
//     calls would, and to cost about as much as publishing one, so the
//     tables of callers that wait at the same time are published in one
//     call. A failure of that call is every caller's failure (Dataverse
//     reports one outcome for the whole ParameterXml). Rounds do not take the
//     provider's table locks: a metadata write to a table may run while that
//     table is being published; Dataverse publishes what it has committed
//     when the publish starts, which is why a caller only counts a round
//     that started after it asked.

// Dataverse error codes the client recognises.
const (
	CodeDuplicateRecord            = "0x80040237" // "A record with matching key values already exists."
	CodeDuplicateKey               = "0x80060892" // duplicate alternate key values
	CodeConcurrencyVersionMismatch = "0x80060882"
	CodeObjectDoesNotExist         = "0x80040217"
	CodeThrottledRequests          = "0x80072322" // service protection: number of requests
	CodeThrottledExecutionTime     = "0x80072321" // service protection: execution time
	CodeThrottledConcurrency       = "0x80072326" // service protection: concurrent requests
	CodeUndeclaredProperty         = "0x80048d19" // wrong navigation property name / unreadable batch stream
)

package dataverse

// Facts and choices. The emulator follows ../shared/reference/dataverse-api.md
// (and cosell-connector.md for the seeded solution). Where the reference is
// silent or marks something unconfirmed, the choice made is listed here, in
// one place. Connector names (flows, connection references, environment
// variables, msft_ columns and tables) are in connector.go with their tags.

// Error codes. Those marked [C] appear in the reference; the others are
// choices — Dataverse's real code for the situation is not in the reference.
const (
	codeUnknownProperty         = "0x80060888" // [C] "Could not find a property named …"; also used for OData syntax/segment errors
	codeODataPayload            = "0x80048d19" // [C] undeclared property, "Stream was not readable"; also JSON/format errors
	codeValidation              = "0x80044331" // [C] length validation; also choice values and numeric ranges
	codeVersionMismatch         = "0x80060882" // [C] 412 ConcurrencyVersionMismatch
	codeObjectNotFound          = "0x80040217" // [C] "<table> With Id = <id> Does Not Exist"; also missing metadata
	codeDuplicateRecord         = "0x80040237" // DuplicateRecord (412): primary key exists — code is a choice
	codeDuplicateKey            = "0x80060892" // alternate key values exist (412) — code is a choice
	codeInvalidArgument         = "0x80040203" // InvalidArgument: required columns, state/status mismatch, metadata validation — choice
	codeSchemaNotUnique         = "0x80044363" // duplicate table/column/relationship schema name (400) — choice (brief)
	codeClosedRecord            = "0x80040203" // update of a won/lost opportunity — choice
	codeCannotDeleteAssociation = "0x80040227" // 405 CannotDeleteDueToAssociation (Restrict) — code is a choice
	codeDependency              = "0x8004f01f" // deleting a table another table's lookup refers to — choice
	codeFlowActivation          = "0x80060467" // [C] code seen inside wrapped flow-client errors; used for every activation failure
	codeRequestsLimit           = "0x80072322" // [C]
	codeTimeLimit               = "0x80072321" // [C]
	codeConcurrencyLimit        = "0x80072326" // [C]
	codeNotImplemented          = ""           // 501 for features outside the emulator ($expand on records, deep insert, global choices, N:N, …)
)

// Emulator-wide Dataverse-like constants.
const (
	organizationID = "00000000-0000-4000-8000-0000000000a1"
	businessUnitID = "00000000-0000-4000-8000-0000000000b1"
)

/*
Choices (unconfirmed behaviour, decided here):

Protocol
  - OData-Version must be absent or 4.0 (else 400). Accept must allow JSON (else 406). A request body with a
    Content-Type other than application/json (or multipart/mixed for $batch) gets 415. Every response carries
    OData-Version: 4.0 and REQ_ID (exact spelling; Go clients see them canonicalised).
  - Query option names are case-sensitive: an unknown "$…" option (e.g. $Select) is 400 "The query parameter
    '$Select' is not supported."; $skip is 400 (Dataverse pages with cookies); $apply and $expand on records are 501.
  - Routes are reported to core.Metrics by setting r.Pattern to a synthetic pattern with keys replaced,
    e.g. "PATCH /api/data/v9.2/opportunities({id})", "GET /api/data/v9.2/EntityDefinitions({key})/Attributes".

Records
  - Entity set of a custom table: logical name + "es" after s/x/ch/sh, else + "s" (the brief's rule; real
    Dataverse also turns a consonant + "y" into "ies", which the emulator does not do). An EntitySetName in the
    create body wins. Built-in sets are Dataverse's own (opportunities, transactioncurrencies).
  - Row version: one global counter starting at 4,481,000 (Scenario.RowVersionStart); every create/update takes
    the next value; ETag W/"<n>"; versionnumber returns it.
  - Default order without $orderby is the primary key (lower-case GUID string order).
  - Paging: page size = odata.maxpagesize (capped at 5000, echoed in Preference-Applied) else 5000. $top disables
    paging (at most min($top, 5000) rows, no nextLink, maxpagesize ignored). The $skiptoken is a Dataverse-style
    paging cookie holding the sort key of the last row served; the next page starts after it, so inserts/deletes
    between pages do not shift rows. @odata.count is min(total, 5000).
  - $select of a lookup uses _x_value; a lookup's logical name or navigation property is "Could not find a
    property". Money columns bring _transactioncurrencyid_value along. Without $select every column is returned
    (null when empty). address1_composite and ownerid/createdby are not modelled.
  - $filter: property-vs-literal comparisons only; "ne" matches nulls (OData semantics); comparisons with
    incompatible literal types are 400 (e.g. a quoted GUID against a GUID column). nav/column paths go through
    single-valued navigation properties. Enum literals (Microsoft.Dynamics.CRM.X'v') are accepted in metadata filters.
  - Formatted values: en-US (money "$48,000.00" with the row currency's symbol and precision; dates "12/15/2026").
    If-None-Match on GET gives 304 only without include-annotations.
  - Writes: read-only columns (createdon, modifiedon, versionnumber, computed fullname) are ignored silently;
    unknown columns and lookup logical names are 400 "Could not find a property named"; a navigation property with
    a non-null primitive is 400 0x80048d19; deep insert is 501. Decimals and money are rounded to the column
    precision. DateOnly accepts dates and timestamps (stores the date). Strings count Unicode code points.
  - Required columns: SystemRequired always; ApplicationRequired only on built-in tables' built-in columns
    (opportunity.name, account.name, contact.lastname, lead.subject/lastname, environmentvariabledefinition.displayname)
    — real Dataverse does not enforce ApplicationRequired through the API; the brief asks for opportunity.name.
  - Alternate keys enforced on write (412 0x80060892 "A record that has the attribute values … already exists"):
    environmentvariabledefinition.schemaname,
    connectionreference.connectionreferencelogicalname, transactioncurrency.isocurrencycode. Alternate-key URLs
    (/accounts(accountnumber='x')) are not supported (400 invalid key).
  - A money value without a bound currency gets the base currency (USD row, else the first currency).
  - State/status: a statuscode implies its statecode; a statecode alone gets its default status; a mismatch is 400.
  - Cascade on delete follows each relationship's CascadeConfiguration.Delete (Cascade / RemoveLink / Restrict →
    405). Built-ins: customer and parentcustomer = Cascade, currency = Restrict, others RemoveLink;
    environment variable definition → values = Cascade (reference §4).
  - Collection-valued navigation properties are the relationship's ReferencedEntityNavigationPropertyName
    (built-ins: the relationship schema name, e.g. contact_customer_accounts; custom: as sent, else the schema
    name): GET lists the related rows (with the usual query options), POST creates a linked row,
    POST …/$ref {"@odata.id"} associates, DELETE …/<nav>(<id>)/$ref disassociates.
  - PATCH upsert that creates answers 204 (201 with return=representation); PATCH update answers 204 + OData-EntityId
    (200 with return=representation). OData-EntityId is not sent with return=representation. Outside $batch no
    Location header is sent; inside $batch both Location and OData-EntityId are (as in the Learn examples).

Opportunities
  - Created open only (statecode ≠ 0 on create → 400); closing by PATCH → 400 (use WinOpportunity/LoseOpportunity).
  - Won/lost rows are read-only: any PATCH other than {statecode: 0[, statuscode: 1|2]} (reopen) is 400.
  - WinOpportunity: Status must be a Won status (3); LoseOpportunity: 4 or 5. Both need OpportunityClose with
    opportunityid@odata.bind; they set actualclosedate (OpportunityClose.actualend or today) and actualvalue
    (actualrevenue, else estimatedvalue when won). No opportunityclose row is stored.

Workflows (cloud flows)
  - Activation (statecode 0→1 on a category 5 row, by PATCH or create) checks, in order: each
    properties.connectionReferences[*].connection.connectionReferenceLogicalName has a connectionreferences row
    (else XrmConnectionReferenceNotFound — invented), that row has a connectionid (else
    XrmConnectionReferenceMissingConnection, message from the reference), Options.ConnectionExists(env, id) (else
    ConnectionNotFound — invented); then every action of type "Workflow" (inputs.host.workflowReferenceName = child
    workflow id, anywhere in the definition) points to an activated workflow (else ChildFlowNeverPublished). Failures
    are HTTP 400, code 0x80060467, message 'Failed to activate component(s). Flow client error returned with status
    code "BadRequest" and details "{"error":{…}}".' (HTTP status of the wrapper is unconfirmed).
  - statecode 2 (Suspended) cannot be set by clients (400). Deactivation is never blocked. Test helpers skip checks.

Environment variables
  - Values are not validated against the definition's type (Dataverse does not; the provider validates).
    The navigation property is EnvironmentVariableDefinitionId (exact case; the lowercase form is 400 undeclared).

Metadata
  - SchemaName of custom tables/columns/relationships: ^[a-z][a-z0-9]{1,7}_…, prefix not "mscrm" (400 0x80040203).
    Duplicates: 400 0x80044363 "The schema name X for type Attribute is not unique…". LogicalName = lower(SchemaName).
  - Column create needs a DisplayName label. String MaxLength 1..4000 (default 100), Memo 1..1048576 (default 2000),
    Integer within int32, Decimal precision 0..10 and ±1e11, Money precision 0..4 and ±922337203685477, DateTime
    Format DateOnly/DateAndTime (default DateAndTime). Picklist needs OptionSet.Options with unique values (options
    without Value get 100000000, 100000001, …); global choices are 501. Boolean OptionSet is optional (Yes/No).
    Lookup columns only through POST /RelationshipDefinitions (OneToMany; ManyToMany is 501); the navigation property
    is ReferencingEntityNavigationPropertyName, else the Lookup SchemaName. Adding a Money column adds
    transactioncurrencyid to the table (navigation property TransactionCurrencyId on custom tables,
    transactioncurrencyid on built-in ones, as on opportunity).
  - A table create may carry more columns than the primary name one (all are created).
  - PUT (table, column) needs the full definition; omitted properties revert to defaults; labels in languages not
    sent are dropped unless MSCRM.MergeLabels: true; AttributeType, SchemaName and OwnershipType cannot change (400);
    options are not changed by PUT (use InsertOptionValue/UpdateOptionValue/DeleteOptionValue).
  - Deleting: system tables/columns/relationships → 400; a lookup column → 400 (delete its relationship); a table that
    another table's lookup refers to → 400 0x8004f01f (delete the relationship first). DeleteOptionValue leaves row
    values as they are.
  - Casts: a cast segment that does not match the attribute's type is 404; $select of a derived property or
    $expand=OptionSet without the cast is 400 "Could not find a property named … on type …AttributeMetadata".
  - MSCRM.SolutionUniqueName is accepted for any name (solutions are not modelled) and recorded per component;
    read it with Service.SolutionComponents (not exposed over HTTP). It is honoured on RelationshipDefinitions too.
  - Metadata changes are visible to record endpoints at once (real Dataverse caches up to ~30 s unless
    Consistency: Strong; the emulator is always strong). PublishXml validates the <importexportxml> document and
    counts; it changes nothing else.

$batch
  - Bodies must use CRLF after every delimiter and header line; otherwise 400 0x80048d19 "…Stream was not readable…".
  - Without odata.continue-on-error processing stops at the first failed part and the batch's HTTP status is that
    part's status; with it the batch is 200. A failed change set is rolled back and answered by its failing part alone.
  - GET inside a change set fails that change set (400). More than 1000 requests → 400 for the whole batch.
  - Service protection counts a $batch as one request; its whole execution time is charged.

Service protection limits
  - Per caller = token oid (else appid), sliding window (default 300 s, Options.Now clock). Execution time is the
    measured handler time (wall clock), at least 1 ms per request. Checked in order requests, time, concurrency.
    Retry-After = seconds until the oldest counted request (or charge) leaves the window, at least 1; 1 for
    concurrency. Debug headers: x-ms-ratelimit-burst-remaining-xrm-requests (integer) and
    x-ms-ratelimit-time-remaining-xrm-requests (ms, "1,199,999.00").

Sync seed (connector scenario, for cosell_sync)
  - The provider's own opportunity memo column cosell_syncsnapshot (SyncSnapshotColumn, MaxLength 100000) exists, as if
    examples/modules/cosell-connector-schema had been applied with its default name (the sync's last synced snapshot).
  - transactioncurrencies: 10 ISO 4217 currencies (USD EUR GBP JPY CAD AUD CHF INR SEK BRL); a real organisation has
    its base currency plus the ones an admin enabled, so a referral in another currency has no currency row.
  - Paired data: Tailspin and Fabrikam UK opportunities carry the referral id/link of the seeded referrals whose
    externalReferenceId is their id (a partner already running the connector); Contoso is flagged Sync = Yes with help
    requested but no solution row (a co-sell that cannot be shared: the sync must report it); Fabrikam (not flagged)
    and the won Tailspin pilot are plain CRM data the sync must leave alone.
  - The lead table has the standard columns a referral's lead needs (telephone1, jobtitle, estimatedamount,
    estimatedclosedate, transactioncurrencyid, address1_*), as in the Dataverse lead table reference.
  - Out-of-band edits for tests and demos: PATCH /_emulator/dataverse/{set}/{id} and POST /_emulator/dataverse/{set}
    (admin_sync.go) write as a portal user would (row version and modifiedon bumped).
*/

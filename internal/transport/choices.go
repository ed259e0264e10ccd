package transport

// Choices where the reference documents are silent or unconfirmed. They are
// written down here, in one place.
//
//  1. Retried answers: 429, 408, 500, 502, 503, 504, and transport errors
//     without an answer (reset, EOF, refused, timeouts); certificate,
//     DNS-not-found and malformed-URL errors are not (they are configuration
//     errors). partner-center-api.md §4 lists 429/500-504; dataverse-api.md
//     §1.10 gives 429 + Retry-After. 400, 401, 403, 404, 409, 412 and any
//     other status are never retried: repeating them only delays a clear
//     error.
//  2. The write-retry rule (Safety, resendRule). Whether a failed attempt is
//     sent again depends on whether the server may have acted on it:
//     - a 429 was refused before the server acted: every method is re-sent;
//     - reads (GET, HEAD, OPTIONS) and Idempotent writes are re-sent: PUT,
//     DELETE, and the POST/PATCH a client marks Idempotent because the
//     server de-duplicates or a repeat changes nothing (a Dataverse create
//     carrying a client-generated primary key, a Partner Center POST with
//     its MS-RequestId kept across attempts, a PATCH of fixed values with
//     If-Match: *, PublishXml);
//     - Conditional writes (If-Match with a concrete ETag) are re-sent: if
//     the first attempt was applied unseen, the re-send answers 412 and the
//     caller re-reads and decides again (ReadDecideWrite), as for any 412;
//     OutcomeWasUnknown tells it the 412 may be its own success;
//     - creates without a client-chosen key carry a Lookup (WithLookup):
//     before each re-send Do asks it whether the write was applied (the
//     column/table/relationship exists under its unique name); applied →
//     Do stops with WriteApplied(err) true and the caller reads the object;
//     not applied → the write is sent again;
//     - any other POST/PATCH is Unsafe and never re-sent once it may have
//     reached the server: Do returns the 5xx or the transport error.
//     max_retries bounds the re-sends of one call (lookups do not count);
//     a caller's read-decide-write rounds after 412 are bounded separately
//     (DefaultConflictRounds).
//  3. Typed clients mark each write where it is built (internal/dataverse,
//     internal/partnercenter, internal/powerplatform); a new write chooses
//     its Safety there, never by changing this rule.
//  4. Retry-After: delay-seconds or HTTP-date, honoured as given but capped
//     at 5 minutes (Dataverse's 5-minute window is the longest documented
//     wait); without it, exponential backoff from MinBackoff doubling to
//     MaxBackoff, with equal jitter (half fixed, half random).
//  5. Deadlines: before waiting, Do compares the wait with the context
//     deadline and gives up at once (RetryError naming the attempts and the
//     last status) instead of sleeping into a deadline it cannot meet.
//  6. Correlation: one UUID per Do call, the same on every retry, in the
//     header the typed client names, else the one of its Service
//     (CorrelationHeaderFor): MS-CorrelationId for Partner Center
//     (partner-center-api.md §1.2); x-ms-client-request-id for Dataverse and
//     Power Platform (Azure convention; the Dataverse doc names no header —
//     unconfirmed); x-ms-correlation-id otherwise. A header the caller set
//     is kept. MS-RequestId is left to the Partner Center client.
//  7. Bodies are buffered once per call so every attempt sends the same
//     bytes; the APIs here only take small JSON documents.
//  8. Logging: DEBUG one line per request/response/retry; TRACE adds
//     redacted headers and bodies (bodies truncated at 32 KiB). Redaction is
//     by key name (authorization, client_secret, client_assertion,
//     assertion, refresh_token, access_token, id_token, password, token, sig,
//     api_key, and any key containing "secret" or "password") plus patterns
//     for values (sig= in URLs anywhere, "Bearer …", JWTs).

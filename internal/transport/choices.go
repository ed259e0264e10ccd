package transport

// Choices where the reference documents are silent or unconfirmed. They are
// written down here, in one place.
//
//  1. Retried statuses: 429, 408, 502, 503, 504 (partner-center-api.md §4
//     lists 429/500-504; dataverse-api.md §1.10 gives 429 + Retry-After).
//     500 is not retried: Dataverse and Partner Center use it for
//     deterministic server-side failures, and repeating them only delays a
//     clear error.
//  2. Methods: GET, HEAD, PUT, DELETE and OPTIONS are retried; POST and PATCH
//     only when the caller marks the request with MarkRetrySafe (Partner
//     Center POST with an MS-RequestId kept across retries). Exception: a 429
//     is retried for every method, because a throttled request was refused
//     before the server acted on it (Dataverse service protection and the
//     Partner Center throttling guidance both say "wait Retry-After and send
//     it again"); without this a throttled Dataverse create would fail.
//  3. Transport errors without a response (reset, EOF, refused, timeouts)
//     are retried under the same method rule; certificate, DNS-not-found and
//     malformed-URL errors are not (they are configuration errors).
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

package partnercenter

// Unconfirmed protocol choices for the Partner Center clients, in one place.
// Each entry says what the reference (partner-center-api.md) leaves open and
// what this package does; change the line here when a live answer is known.
//
//  1. Base URLs. Referrals: DefaultReferralsBaseURL + "/v1.0/engagements/referrals".
//     Webhooks: DefaultWebhooksBaseURL + "/webhooks/v1/registration…". Both may
//     be overridden (the emulator listens on https://127.0.0.1:P).
//
//  2. @odata.nextLink. The documented example is
//     "http://api.partner.microsoft.com/v1.0/referrals?$skiptoken=…": http, and
//     without /engagements. We treat the link as an opaque continuation token
//     carried in its query string: the next page is requested at
//     <configured base URL>/v1.0/engagements/referrals?<nextLink's raw query>,
//     whatever scheme, host or path the link names. This also keeps the bearer
//     token on the configured host. A nextLink with no query is an error, and
//     a nextLink equal to the previous one stops the pager with an error
//     rather than looping.
//
//  3. $top. Sent as given. Whether it bounds one page or the whole result is
//     unconfirmed, so List stops collecting once Top referrals have been
//     gathered (ListPages hands over pages unchanged).
//
//  4. Filter literals (filter.go). Strings are single-quoted with ' doubled.
//     Timestamps are OData v4 DateTimeOffset literals, unquoted, UTC, whole
//     seconds: updatedDateTime ge 2026-09-20T16:45:12Z. Truncating to the
//     second can only widen a "ge" window, never lose a change.
//
//  5. Timestamps without a zone (not seen, but ISO 8601 allows them) are
//     read as UTC. Time is written back as RFC 3339 UTC.
//
//  6. salesStage is a string ("Qualify" or "100"); a numeric JSON value is
//     accepted and written back as its text in a JSON string.
//
//  7. MS-RequestId / MS-CorrelationId: both are fresh GUIDs per logical call
//     on every request (not only Create). The request body is rewindable and
//     the headers live on the request, so a transport retry re-sends the same
//     MS-RequestId, which is what the docs ask for idempotency.
//
//  8. Retry safety. Create (POST referral) is marked retry-safe because the
//     reused MS-RequestId is Partner Center's idempotency key (its server-side
//     de-duplication is unconfirmed). Patch is marked retry-safe only when no
//     op appends to an array (path ending in "/-"); replace/add-member ops are
//     idempotent. Webhook registration POST is marked retry-safe (the
//     registration is a per-tenant singleton, so repeating it converges);
//     SendValidationEvent is not (each call sends an event; limit 2/min).
//
//  9. PATCH body Content-Type is "application/json" (the docs' common headers),
//     not "application/json-patch+json". Only "replace" and "add" ops are sent;
//     others are rejected before any request. A 204 answer returns a nil
//     *Referral (the server applied the patch but sent no representation);
//     Prefer: return=representation is always sent, so 200 is the usual case.
//
// 10. ETags. The body's eTag wins; the ETag response header fills it when the
//     body has none. Values are passed to If-Match verbatim, quotes included.
//
// 11. Error bodies. The referrals error shape is undocumented; we parse the
//     general Partner Center body {code, description, data, source}, the
//     throttling body {statusCode, message} and an OData {error:{code,message}},
//     whichever is present. "code" may be a string or a number.
//
// 12. Webhook registration read with nothing registered: a 404, a 204, an
//     empty body or a body with an empty WebhookUrl all mean "not registered"
//     (nil + an error for which IsNotFound is true). Delete is undocumented and
//     not offered.
//
// 13. Webhook body keys are PascalCase as documented (WebhookUrl,
//     WebhookEvents, SignatureTokenToMsSignatureHeader, SubscriberId); decoding
//     is case-insensitive, so camelCase answers are read too.
//     consentToMicrosoftToContactSpecificPartners is written camelCase although
//     one 2024 example shows it PascalCase (decoding accepts both).
//
// 14. Callback signatures (event.go): x-ms-signature is preferred when present,
//     else Authorization; either may carry the "Signature " prefix or not; any
//     candidate that verifies (RSA PKCS#1 v1.5 over SHA-256 of the exact body
//     bytes) is accepted. The certificate must be fetched by the caller from a
//     URL that passes ValidateCertificateURL and checked with VerifyCertificate.

// Partner Center error codes the clients look for.
const (
	// CodeETagNoLongerValid: "Etag is no longer valid" (HTTP 400).
	CodeETagNoLongerValid = "2055"
)

package partnercenter

import "time"

// This file is the ONE place for the emulator's facts about Partner Center
// and for every choice where the reference (../shared/reference/
// partner-center-api.md, "§") says *unconfirmed* or sources conflict. Each
// choice has a one-line comment; change the line when a fact is learned.

// ---- Wire paths and hosts ----

const (
	referralsBasePath = "/v1.0/engagements/referrals" // §1.3
	webhooksBasePath  = "/webhooks/v1"                // §3.2
	// certPath is where the webhooks listener serves the signing certificate (DER).
	certPath = "/cert/pcnotifications-dispatch.microsoft.com.cer"
	// realCertURL is sent in X-MS-Certificate-Url when Options.WebhooksBaseURL is nil (§3.4).
	realCertURL = "https://3psostorageacct.blob.core.windows.net/cert/pcnotifications-dispatch.microsoft.com.cer"
	// referralEventResourceBase: event ResourceUri uses the documented (non-Referrals-API) form, clients take the last segment (§3.3).
	referralEventResourceBase = "https://api.partnercenter.microsoft.com/engagements/v1/referrals/"
	// testEventResourceBase: the docs' test-created example uses http:// for the validation event URI.
	testEventResourceBase = "http://api.partnercenter.microsoft.com/webhooks/v1/registration/validationEvents/"
)

// ---- Referrals: list ----

const (
	// DefaultPageSize when $top is absent (unconfirmed §1.4; a scenario may override it).
	DefaultPageSize = 100
	// MaxPageSize caps $top: larger values are silently capped, not rejected (unconfirmed §1.4).
	MaxPageSize = 500
)

// Choice: @odata.nextLink is an absolute https link on the emulator's own host with the correct
// /v1.0/engagements/referrals path and only $skiptoken; the real docs show http:// and no /engagements
// (§1.4), so clients must rebase nextLink onto their configured base URL either way.
// Choice: $skiptoken is base64url(JSON{offset + the original query}); when $skiptoken is present,
// $filter/$orderby/$top/$select/$count in the URL must be absent or equal to the token's, else 400.
// Choice: default order (no $orderby) is createdDateTime asc, then id, so new referrals land on the last page.
// Choice: every sort ends with id asc as a tie-break, so offset paging is stable.
// Choice: $skip is honoured (declared in the connector swagger, absent from Learn, §1.4); $expand → 400.
// Choice: $select projects top-level properties only.
// Choice: string comparisons in $filter are case-insensitive (enum values, GUIDs and emails alike).
// Choice: datetime literals may be unquoted ISO-8601 or quoted strings; they must be RFC 3339 with offset.
// Choice: `not`, functions (contains, startswith, …), `all`, `in` and `has` are unsupported → 400.
// Choice: an unknown property in $filter → 400 (OData "Could not find a property named …").

// Choice: a malformed query string, a repeated $option or an unknown $option → 400; $top=0 → an empty page.
// Choice: $filter/$orderby/$top… names and the operators (eq, and, …) are case-sensitive, as in OData v4.
// Choice: @odata.count (with $count=true) is the number of matches of the whole query, repeated on every page.

// filterProperties lists the properties $filter accepts and how their literals are typed.
var filterProperties = map[string]filterKind{
	"id":                              kindString,
	"name":                            kindString,
	"status":                          kindString,
	"substatus":                       kindString,
	"direction":                       kindString,
	"type":                            kindString,
	"qualification":                   kindString,
	"engagementId":                    kindString,
	"externalReferenceId":             kindString,
	"organizationId":                  kindString,
	"customerProfile/name":            kindString,
	"customerProfile/address/country": kindString,
	"details/currency":                kindString,
	"details/dealValue":               kindNumber,
	"details/closingDateTime":         kindDateTime,
	"createdDateTime":                 kindDateTime,
	"updatedDateTime":                 kindDateTime,
	"expirationDateTime":              kindDateTime,
}

// filterCollections are the arrays that accept a lambda, e.g. team/any(t:t/email eq 'x@y') (§1.4).
var filterCollections = map[string]bool{
	"team":                           true,
	"customerProfile/team":           true,
	"target":                         true,
	"details/requirements/solutions": true,
}

// orderByProperties are the documented sort keys (§1.4).
var orderByProperties = map[string]bool{"createdDateTime": true, "updatedDateTime": true}

// ---- Referrals: enums (§1.5) ----

var (
	referralTypes          = set("Independent", "Shared")
	referralQualifications = set("None", "Direct", "MarketingQualified", "SalesQualified")
	referralStatuses       = set("None", "New", "Active", "Closed")
	targetTypes            = set("None", "BusinessProfileLocation", "SolutionProfile")
	solutionTagTypes       = set("None", "Category", "Name")
	assistanceRequestCodes = set("Unknown", "GeneralOrOther", "CustomerTechnicalArchitecture",
		"ProofOfConceptOrDemo", "QuotesOrLicensing", "PostSalesCustomerSuccess", "WorkloadSpecificValueProposition")
)

// statusSubstatuses is the documented status → allowed substatus table (§1.7).
var statusSubstatuses = map[string]map[string]bool{
	"New":    set("Pending", "Received"),
	"Active": set("Accepted"),
	"Closed": set("Won", "Lost", "Declined", "Expired"),
}

// statusTransitions is the documented status → allowed next status table (§1.7).
var statusTransitions = map[string]map[string]bool{
	"New":    set("New", "Active", "Closed"),
	"Active": set("Active", "Closed"),
	"Closed": set("Closed"),
}

// ---- Referrals: create ----

// Choice: required on create: name, type, customerProfile{name, address.country}, consent, details
// (create-a-referral marks type, customerProfile, consent, details **Required**; name is required by us).
// Choice: a new referral may carry New/Pending, New/Received or Active/Accepted (or no status at all);
// anything else → 400.
// Choice: a referral the partner creates is stored as Active/Accepted with acceptedDateTime set — the
// create-a-referral example sends New/Pending and the documented response shows Active/Accepted.
// Choice: client-sent id, createdDateTime, updatedDateTime, eTag, direction, organizationId/Name, mpnId
// and links are overwritten by the server; engagementId is kept when given (it must be a GUID).
// Choice: create answers 201 Created (the response-codes page lists 201; the swagger says 200, §1.3).
// Choice: a POST repeating an MS-RequestId already seen from the same caller (tenant + user/app) returns
// the referral it created (201, current state) instead of creating a duplicate; kept for the service's life.
// Choice: details.dealValue may be a JSON number or a numeric string (the PATCH docs send "10000"); it is
// stored as a number and must be ≥ 0. details.currency must be an ISO 4217 code in upper case.
// Choice: customerProfile.address.country must be an upper-case ISO 3166-1 alpha-2 code ("us" → 400).
// Choice: links.self/relatedReferrals of created referrals point at the emulator host with the correct
// "engagements" spelling (the docs' sample has the typo "engagments"); Location and ETag headers are sent.
// Choice: unsupported Content-Type on POST/PATCH/PUT → 415 (application/json and any +json type, e.g.
// application/json-patch+json, are accepted); bodies over maxBodyBytes → 413.
const maxBodyBytes = 1 << 20

// ---- Referrals: update ----

// Choice: JSON Patch ops other than replace/add → 400 (§1.6); a patch with no operations → 400.
// Choice: "replace" of an absent object member sets it (the real service binds to a typed model);
// a missing intermediate object or array (e.g. "add /team/-" when team is absent) or an out-of-range
// array index → 400.
// Choice: If-Match compares the exact eTag string including its quotes; "*" matches any; mismatch → 412.
// Choice: read-only paths (first segment) → 400:
var readOnlyFields = set("id", "engagementId", "createdDateTime", "updatedDateTime", "eTag", "direction",
	"organizationId", "organizationName", "links")

// Choice: any write to a Closed referral (Won/Lost/Declined/Expired are all terminal) → 400, not 409.
// Choice: consent.consentToShareReferralWithMicrosoftSellers cannot go from true back to false → 400
// (connector docs: visibility to Microsoft sellers cannot be reverted).
// Choice: every successful PATCH/PUT bumps eTag and updatedDateTime, even when no value changed (the eTag
// format is a Cosmos DB _etag, which changes on every write).
// Choice: moving to Active sets acceptedDateTime, moving to Closed sets closedDateTime (when unset).
// Choice: PATCH answers 204 with the new ETag header; `Prefer: return=representation` → 200 + body.
// Choice: obsolete PUT without If-Match → 428 Precondition Required; mismatch → 412; success → 200 + body.
// Choice: in a PUT body, id/engagementId/createdDateTime/direction that differ from the stored value → 400;
// eTag, updatedDateTime, organization*, mpnId and links in the body are ignored (server values kept).
// Choice: methods other than the documented ones (e.g. DELETE a referral) → 405 with an Allow header;
// unknown paths → 404, both with the PC error body.
// Choice: GET by id, create, PATCH and PUT send an ETag response header equal to the body's eTag.
// Choice: the Referrals User role is not modelled: every user token sees and edits every referral.

// ---- Errors ----

// Choice: error "code" values are descriptive strings (InvalidReferral, ReferralNotFound, PreconditionFailed,
// …); the real numeric codes for referrals are undocumented. "data" lists each validation problem.
// Choice: every response (errors included) carries MS-CorrelationId and MS-RequestId, echoing the request's
// values or generating GUIDs (the docs' webhook samples show fresh ids; echoing helps tracing).

// errorSource is the "source" of Partner Center error bodies (unconfirmed for referrals, §4).
const errorSource = "PartnerFD"

// maxDescription caps error descriptions (§4: description ≤ 1024).
const maxDescription = 1024

// ---- Webhooks (§3) ----

// DocumentedEvents is GET /registration/events: every event name in the webhook docs (§3.3).
var DocumentedEvents = []string{
	"test-created",
	"subscription-updated",
	"usagerecords-thresholdExceeded",
	"referral-created",
	"referral-updated",
	"related-referral-created",
	"related-referral-updated",
	"invoice-ready",
	"azure-fraud-event-detected",
	"dap-admin-relationship-approved",
	"dap-admin-relationship-terminated",
	"dap-admin-relationship-terminated-by-microsoft",
	"reseller-relationship-accepted-by-customer",
	"indirect-reseller-relationship-accepted-by-customer",
	"granular-admin-relationship-activated",
	"granular-admin-relationship-approved",
	"granular-admin-relationship-expired",
	"granular-admin-relationship-terminated",
	"granular-admin-access-assignment-activated",
	"granular-admin-access-assignment-created",
	"granular-admin-access-assignment-deleted",
	"granular-admin-access-assignment-updated",
	"new-commerce-migration-completed",
	"new-commerce-migration-created",
	"new-commerce-migration-failed",
	"new-commerce-migration-schedule-failed",
}

// Choice: the registration is one singleton for the emulated partner tenant (§3.2).
// Choice: GET /registration with no registration → 404 (PC error body).
// Choice: GET /registration returns {WebhookUrl, WebhookEvents} only, as in the docs' sample; POST and PUT
// return {SubscriberId, WebhookUrl, WebhookEvents}. SignatureTokenToMsSignatureHeader is never echoed.
// Choice: POST /registration while one exists → 409 Conflict (CIPP does GET, then PUT if a URL exists,
// else POST); PUT with none → 404. Both answer 200.
// Choice: SubscriberId is the caller's tenant id (the partner tenant).
// Choice: DELETE /registration is not documented → 405 Method Not Allowed with Allow: GET, POST, PUT.
// Choice: PUT, like POST, refuses an empty WebhookEvents (400). So cosell_webhook_registration's destroy does not
// send an empty list: it re-registers its URL for "test-created" only (internal/services/webhook/facts.go §1).
// Choice: body keys bind case-insensitively; SignatureTokenToMsSignatureHeader may be a bool or a
// "true"/"false" string (the connector swagger types it as string).
// Choice: WebhookUrl must be an absolute https URL → else 400; WebhookEvents must be non-empty and every
// name must be in the events list, matched case-sensitively → else 400.
// Choice: validation event POST requires a registration containing "test-created" → else 400.
// Choice: a validation event is readable only by its tenant (else 404) and is purged after 7 days (docs).
const validationEventRetention = 7 * 24 * time.Hour

// Choice: validation event throttle = 2 per rolling minute per tenant, counting every POST that is not itself
// throttled, including ones then refused with 400 (APIM-style);
// the 3rd → 429 with Retry-After (seconds until a slot frees) and the throttling body of §4.
const (
	validationEventsPerWindow = 2
	validationEventsWindow    = time.Minute
)

// Choice: the validation-event POST answers with MS-CorrelationId = the new event's correlationId (as
// in the docs' sample, where the response header equals the body's correlationId).
// Choice: validation event status is "processing" while delivery attempts continue, "completed" when
// the receiver answered 2xx, "failed" after the last attempt; each attempt adds a result whose
// responseCode is the .NET HttpStatusCode name ("OK", "InternalServerError", …) or "" on a transport
// error (systemError=true), responseMessage the receiver's body (≤ 1024 chars) or the error, and
// dateTimeUtc without a zone suffix as in the docs' sample.

// ---- Signed delivery (§3.4) ----

// maxDeliveryAttempts: Partner Center makes 10 attempts, then parks the event offline (§3.4).
const maxDeliveryAttempts = 10

// Choice: retry backoff in the emulator is base·2^(n-1) capped at maxDeliveryBackoff (real interval unconfirmed).
const (
	defaultDeliveryBackoff = 50 * time.Millisecond
	maxDeliveryBackoff     = 2 * time.Second
)

// Choice: a 503 or 429 from the receiver with Retry-After (seconds or an HTTP date) delays the next attempt by
// that much instead of the backoff, capped at maxDeliveryRetryAfter (whether Partner Center honours it is
// unconfirmed; the attempt still counts toward the 10).
const maxDeliveryRetryAfter = time.Minute

// Choice: any 2xx from the receiver counts as delivered (expected success status unconfirmed, §3.4).
// Choice: referral-created is sent on POST create (not on idempotent replays); referral-updated on
// PATCH/PUT and on the UpdateReferral/PutReferral test helpers — only when delivery is enabled
// (Scenario.DeliverEvents or Options.Deliver or SetDelivery) and the registration lists the event.
// Choice: related-referral-created / related-referral-updated (§3.3 names them; when they fire is unconfirmed)
// replace referral-created / referral-updated for a referral that joined an engagement after the engagement's
// first referral (another referral with the same engagementId has an earlier createdDateTime, or the same and a
// smaller id) — e.g. Microsoft's copy of a shared engagement. One event per change, never both; the
// ResourceUri names the related referral itself. Only sent when the registration lists the related name.
// Choice: the default seed holds one related referral: Microsoft's copy of the shared Fabrikam UK engagement
// (same engagementId as the partner's referral, Incoming, invitedBy msft, trackingInfo.microsoftMsxId set) —
// what links.relatedReferrals lists (§1.3). A sync must link it to the same opportunity, never create another.
// Choice: the admin API (emulator/admin_sync.go) changes referrals "as a Microsoft seller": any path, read-only
// ones included, no validation or transition checks; eTag/updatedDateTime bump and referral-updated is emitted.
// Choice: the signing certificate is self-signed, subject = issuer = CN=pcnotifications-dispatch.microsoft.com,
// O=Microsoft Corporation; it cannot chain to the Microsoft Root, so receivers in emulator mode must trust
// it explicitly (the Organization check still passes); emulator.Start writes it as webhook-signing-cert.pem
// beside the CA and env.sh points COSELL_RECEIVER_CERTIFICATE_ROOTS at it.
// Choice: ResourceChangeUtcDate is formatted with 7 fractional digits and a +00:00 offset, as in the docs.
const eventTimeLayout = "2006-01-02T15:04:05.0000000-07:00"

// referralTimeLayout formats server-set referral datetimes (docs show 7 fractional digits and Z).
const referralTimeLayout = "2006-01-02T15:04:05.0000000Z"

func set(vals ...string) map[string]bool {
	m := make(map[string]bool, len(vals))
	for _, v := range vals {
		m[v] = true
	}
	return m
}

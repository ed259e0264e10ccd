package webhook

import "time"

// Choices for cosell_webhook_registration where the reference
// (../shared/reference/partner-center-api.md §3, cosell-connector.md §4.1,
// §6.2) is silent or unconfirmed. One place; change the line when a live
// answer is known.
//
//  1. Destroy. There is no documented DELETE (the emulator answers 405).
//     Destroy "disarms" the registration: when it still points at the URL
//     this resource last wrote, it is PUT back with the same URL and the
//     single event test-created. Why not an empty event list: the Webhooks
//     API is not documented to accept one, the emulator (following the same
//     reading) answers 400 "WebhookEvents must list at least one event", and
//     a destroy that fails against the real service would leave users stuck.
//     test-created is a documented event that Partner Center sends only when
//     someone explicitly asks for a validation event, so a disarmed
//     registration delivers nothing unasked. When the registration is gone,
//     or already disarmed, destroy makes no call that writes. When another
//     tool has taken the registration (another URL), destroy leaves it
//     alone and warns.
//
//  2. Ownership. The resource keeps, in its private state, the SHA-256 of the
//     URL it last wrote (never the URL itself). A remote URL with that hash
//     is "ours" (the user changed url in the configuration, or nothing
//     changed); any other URL belongs to another tool. Import adopts the
//     registration it reads. URLs are compared byte for byte.
//
//  3. overwrite applies to every write: create, and an update after another
//     tool took the registration (drift). On create the conflict is found at
//     plan time (a read-only GET in ModifyPlan) and again at apply; on drift
//     the plan shows the update with a warning and the apply fails, before
//     any write, unless overwrite = true. Messages name only the host of the
//     other URL, never the URL (it may carry a sig secret).
//
//  4. Partner Center does not return SignatureTokenToMsSignatureHeader or
//     SubscriberId on GET (§3.2). Read keeps what the last write set. After
//     import both are unknown to Terraform (null), so the first apply after
//     an import re-sends the registration once, which makes the signature
//     header choice certain.
//
//  5. id is the provider's tenant_id (the registration is a per-tenant
//     singleton), lower-cased. Import accepts the tenant id, in any case, and
//     refuses another tenant's id: the provider's credentials decide which
//     tenant's registration the API returns.
//
//  6. Validation. After create/update with validate = true: POST
//     /registration/validationEvents, then GET …/validationEvents/{id} until
//     status is "completed" (delivered) or "failed" (case-insensitive; any
//     other status, e.g. "processing", means "not yet"). A 404 right after
//     the POST is read as "not yet" too. A 429 on the POST waits Retry-After
//     (validationThrottleWait when absent) and tries again while the
//     operation's timeout allows. validation_result is "<responseCode>" or
//     "<responseCode>: <responseMessage>" of the last delivery attempt, the
//     message cut at maxResultMessage characters and with sig= values
//     redacted. A failed validation saves the state (create: tainted, so the
//     next apply replaces and validates again; update: validation_status
//     "failed", which the next plan turns into an update).
//
//  7. url_wo (write-only, OpenTofu 1.11+; the AWS/azurerm *_wo +
//     *_wo_version convention) is the alternative to url: exactly one of
//     the two. It is read from the configuration on create and on every
//     update (any argument changed, including url_wo_version); plan and
//     state hold it as null. Private state marks a registration last written
//     from url_wo; Read then keeps the registered URL out of state and stores
//     its SHA-256 and host instead (privateRemoteURL; the write stores the
//     same for the URL it wrote, so a plan without refresh agrees). What is
//     detected, as with url: another tool taking the registration (its hash
//     differs from the owned hash of §2, and from url_wo's): since no
//     argument differs from state, ModifyPlan marks subscriber_id unknown so
//     the plan shows an update, with §3's warnings, and the apply refuses or
//     takes it back per overwrite. Events drift as before. Not detected: a
//     url_wo changed in the configuration without url_wo_version (Terraform
//     cannot see write-only values between applies). After an import the
//     URL is read into url (the configuration is unknown to Read) until the
//     next apply with url_wo removes it.

const (
	defaultCreateTimeout = 10 * time.Minute // includes the validation wait (one 60 s throttle window and more)
	defaultUpdateTimeout = 10 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute

	// validationThrottleWait is the wait after a 429 without Retry-After (the documented limit is 2/min).
	validationThrottleWait = 30 * time.Second
	// Poll interval for the validation result: doubling from the first to the max.
	validationPollFirst = 250 * time.Millisecond
	validationPollMax   = 5 * time.Second

	maxResultMessage = 300

	// privateOwnedURL is the private-state key holding the SHA-256 of the URL we last wrote.
	privateOwnedURL = "owned_url_sha256"
)

// Validation statuses (§3.2 shows "completed"; "failed" is the emulator's and our reading).
const (
	validationCompleted = "completed"
	validationFailed    = "failed"
)

// With validate = false no test event is sent; validation_status and
// validation_result still hold known text (our choice), so outputs that
// interpolate them (as the documentation shows) work either way.
const (
	validationNotRequested       = "not requested"
	validationNotRequestedResult = "validate = false: no test event was sent"
)

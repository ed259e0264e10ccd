package sync

import (
	"time"
)

// Referral is the engine's view of a Partner Center referral: the fields the
// sync maps, reads or pairs on (partner-center-api.md §1.5). The adapter
// converts the wire referral to and from it.
type Referral struct {
	ID           string
	EngagementID string // shared by the referrals of one engagement (Microsoft's copy is a related referral)
	ETag         string // with its literal quotes; sent back unchanged in If-Match
	// ExternalReferenceID is the Dynamics 365 opportunity (or lead) id.
	ExternalReferenceID string

	Name         string
	Status       string // New, Active, Closed (None)
	Substatus    string // Pending, Received, Accepted, Won, Lost, Declined, Expired (None)
	StatusReason string
	Type         string // Independent | Shared
	Direction    string // Incoming | Outgoing
	// Qualification: None, Direct, MarketingQualified, SalesQualified.
	Qualification string
	// InvitedBy is inviteContext.invitedBy.organizationId ("msft" when Microsoft invited).
	InvitedBy string

	Customer Customer
	// Contacts is customerProfile.team (the customer's people).
	Contacts []Contact

	DealValue float64 // details.dealValue; 0 = empty
	Currency  string  // details.currency, ISO 4217
	CloseDate string  // details.closingDateTime as YYYY-MM-DD ("" = none)
	Notes     string  // details.notes
	Solutions []Solution

	// HelpCode is inviteContext.assistanceRequestCode ("" or "Unknown" = no help).
	HelpCode string
	// SharedWithMicrosoft is consent.consentToShareReferralWithMicrosoftSellers.
	SharedWithMicrosoft bool
	// MicrosoftMsxID is trackingInfo.microsoftMsxId.
	MicrosoftMsxID string

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Customer is customerProfile: name and address (Country is ISO 3166 alpha-2).
type Customer struct {
	Name         string
	AddressLine1 string
	AddressLine2 string
	City         string
	State        string
	PostalCode   string
	Country      string
}

// Contact is one member of customerProfile.team.
type Contact struct {
	FirstName string `json:"firstName,omitempty"`
	LastName  string `json:"lastName,omitempty"`
	Email     string `json:"email,omitempty"`
	Phone     string `json:"phoneNumber,omitempty"`
}

// Solution is one details.requirements.solutions entry. The JSON tags are the
// wire names, so a []Solution can go straight into a JSON Patch value.
type Solution struct {
	ID            string `json:"id"`
	Name          string `json:"name,omitempty"`
	Type          string `json:"type,omitempty"` // "Name" for a named solution
	PublisherName string `json:"publisherName,omitempty"`
	SolutionType  string `json:"solutionType,omitempty"` // e.g. "3P"
}

// Settings are the connector's environment variables, read on every run
// (cosell-connector.md §3). ParseSettings (settings.go) builds them.
type Settings struct {
	// DealValueField is the opportunity column holding the deal value (default estimatedvalue).
	DealValueField string
	// CountryField is the account column holding the ISO country code (default address1_country).
	CountryField string
	// CurrencyField is the opportunity column for the currency: the
	// transactioncurrencyid lookup (default; bound by ISO code), or a text
	// column holding the ISO code itself.
	CurrencyField string
	// CheckMark appends ✔/✘ to opportunity names after each sync (default Yes).
	CheckMark bool
	// CoSellOnly keeps leads out of the Partner Center → Dynamics direction (default No).
	CoSellOnly bool
}

// Field names one mapped field of the pair (mapping.go). Field values are
// compared in normalised string form.
type Field string

// Snapshot is the last synced state of a pair: the normalised value of every
// mapped field as each side had it right after the last successful sync. It
// is stored with the opportunity (a provider-owned memo column, as JSON), so
// the webhook receiver, which has no Terraform state, can use it too.
// Comparing each side with its own half tells who changed what since; our
// own writes therefore never look like changes (no echo).
type Snapshot struct {
	Version       int              `json:"v"`
	ReferralID    string           `json:"referralId"`
	OpportunityID string           `json:"opportunityId"`
	EngagementID  string           `json:"engagementId,omitempty"`
	Related       []string         `json:"related,omitempty"` // related referral ids linked to this opportunity
	SyncedAt      time.Time        `json:"syncedAt"`
	PartnerCenter map[Field]string `json:"pc"`
	Dynamics      map[Field]string `json:"crm"`
}

// SnapshotVersion is the current Snapshot format.
const SnapshotVersion = 1

// Side names a system.
type Side string

// The two sides.
const (
	SidePartnerCenter Side = "partner_center"
	SideDynamics      Side = "dynamics"
)

// ChangeKind classifies a planned change (Preview, pending counts).
type ChangeKind string

// The kinds of change a run makes.
const (
	ChangeCreateOpportunity ChangeKind = "create_opportunity" // new referral → opportunity
	ChangeCreateLead        ChangeKind = "create_lead"        // new unaccepted lead referral → lead
	ChangeCreateReferral    ChangeKind = "create_referral"    // flagged opportunity → referral
	ChangeUpdateOpportunity ChangeKind = "update_opportunity" // field changes to an opportunity/lead
	ChangeUpdateReferral    ChangeKind = "update_referral"    // JSON Patch to a referral
	ChangeStatusOpportunity ChangeKind = "status_opportunity" // win/lose/qualify/disqualify in Dynamics
	ChangeStatusReferral    ChangeKind = "status_referral"    // accept/decline/win/lose in Partner Center
	ChangeLink              ChangeKind = "link"               // ids, link, snapshot written back (bookkeeping)
	ChangeConflict          ChangeKind = "conflict"           // same field changed on both sides
	ChangeFailure           ChangeKind = "failure"            // invalid record, refused change
)

// ChangeKinds lists every ChangeKind in a stable order (for pending counts).
func ChangeKinds() []ChangeKind {
	return []ChangeKind{ChangeCreateOpportunity, ChangeCreateLead, ChangeCreateReferral, ChangeUpdateOpportunity,
		ChangeUpdateReferral, ChangeStatusOpportunity, ChangeStatusReferral, ChangeLink, ChangeConflict, ChangeFailure}
}

// Change is one change a run makes (or would make): what, on which records,
// which fields, and a one-line human summary.
type Change struct {
	Kind          ChangeKind
	Side          Side // the side written ("" for conflicts/failures)
	ReferralID    string
	OpportunityID string
	Fields        []Field
	Summary       string
}

// Failure is a record the run could not sync, with the reason. Failed records
// are retried on every later run until they succeed.
type Failure struct {
	ReferralID    string
	OpportunityID string
	Reason        string
	// Side is the side that was not written because of the failure ("" when neither).
	Side Side
}

// Conflict is a field changed on both sides since the last sync, and how the
// conflict policy resolved it.
type Conflict struct {
	ReferralID    string
	OpportunityID string
	Field         Field
	Winner        Side
	Policy        ConflictPolicy
}

// SideCounts are the per-side counts of a run.
type SideCounts struct {
	Created   int
	Updated   int
	Unchanged int
	Failed    int
	Conflicts int
}

// Report is the outcome of a run (or, for Plan, of what a run would do).
type Report struct {
	Start, End time.Time
	DryRun     bool
	// Per side written: PartnerCenter counts referrals, Dynamics opportunities and leads.
	PartnerCenter SideCounts
	Dynamics      SideCounts
	Changes       []Change
	Failures      []Failure
	Conflicts     []Conflict
	// Watermark is the new incremental watermark (max updatedDateTime /
	// modifiedon seen, held back to the oldest failed record so it is
	// listed again).
	Watermark time.Time
	// Settled is the record versions this run left in sync that the next
	// incremental run may list again (Options.Settled); nil for a dry run
	// and for the single-record entry points.
	Settled *Settled
	// SetAside is how many listed records the run recognised from
	// Options.Settled and did not decide again (counted as unchanged).
	SetAside int
	// Stats counts the port calls the run made (for benchmarks and the note).
	Stats Stats
}

// Stats counts the calls a run made through the ports.
type Stats struct {
	ReferralPages, ReferralGets, ReferralCreates, ReferralPatches int
	RowPages, ApplyCalls, Writes                                  int
	Retries412                                                    int
}

// Pending counts the changes by kind (the resource's `pending` attribute).
func (r Report) Pending() map[ChangeKind]int {
	out := map[ChangeKind]int{}
	for _, c := range r.Changes {
		out[c.Kind]++
	}
	return out
}

// InSync reports whether the run found nothing to do and nothing failing.
func (r Report) InSync() bool { return len(r.Changes) == 0 && len(r.Failures) == 0 }

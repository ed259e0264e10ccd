package sync

import (
	"strings"

	"github.com/google/uuid"
)

// Choices on facts the reference docs leave unconfirmed, in one place.
// Each says what we chose and why; a fact learned later changes one line.

// idNamespace is the UUIDv5 namespace of every deterministic id the engine
// makes. Choice: a fixed random UUID of this project; changing it would make
// re-runs create new rows, so it never changes.
var idNamespace = uuid.MustParse("6f1c3c0e-5b0a-4d8e-9a51-c05e11c0ffee")

// Deterministic ids: a run killed after a create and run again upserts the
// same rows instead of creating new ones (idempotency by design).
func opportunityIDFor(referralID string) string { return v5("opportunity|" + referralID) }
func leadIDFor(referralID string) string        { return v5("lead|" + referralID) }
func accountIDFor(c Customer) string            { return v5("account|" + accountKey(c)) }
func contactIDFor(email string) string          { return v5("contact|" + normEmail(email)) }
func solutionRowIDFor(oppID, solutionID string) string {
	return v5("solution|" + oppID + "|" + strings.ToUpper(strings.TrimSpace(solutionID)))
}
func referralRequestIDFor(oppID string) string { return v5("referral|" + oppID) }

func v5(name string) string { return uuid.NewSHA1(idNamespace, []byte(name)).String() }

// accountKey is the account match key: company name + postal code
// (cosell-connector.md §4.2), compared case- and space-insensitively.
// Choice: an account matches when its name equals the customer's name and
// its postal code equals the customer's (both normalised); an empty postal
// code matches only an empty one.
func accountKey(c Customer) string { return normKey(c.Name) + "|" + normKey(c.PostalCode) }

func normKey(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

func normEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// helpOptions maps the "How can Microsoft help?" choice values to the
// assistanceRequestCode values. Choice: the option values are not public
// (cosell-connector.md §2.2); we use the solution publisher's 2996000xx range
// in the form's label order, as the emulator's connector scenario does.
var helpOptions = []struct {
	Value int
	Code  string
}{
	{299600000, "WorkloadSpecificValueProposition"},
	{299600001, "CustomerTechnicalArchitecture"},
	{299600002, "ProofOfConceptOrDemo"},
	{299600003, "QuotesOrLicensing"},
	{299600004, "PostSalesCustomerSuccess"},
	{299600005, "GeneralOrOther"},
}

func helpCodeOf(v int) string {
	for _, o := range helpOptions {
		if o.Value == v {
			return o.Code
		}
	}
	return ""
}

func helpValueOf(code string) (int, bool) {
	for _, o := range helpOptions {
		if o.Code == code {
			return o.Value, true
		}
	}
	return 0, false
}

// normHelp: "Unknown" and "" both mean no help requested (a non-co-sell).
func normHelp(code string) string {
	if strings.EqualFold(code, "Unknown") {
		return ""
	}
	return strings.TrimSpace(code)
}

// isLead classifies a referral as a lead (cosell-connector.md §1 "Lead vs
// opportunity"; partner-center-api.md §1.8 classification). Choice: an
// incoming Independent referral that asks no help of Microsoft, is not
// shared with Microsoft sellers and was invited by Microsoft or nobody is a
// lead (marketplace or qualified lead); everything else is a co-sell
// opportunity. A lead that is still New becomes a Dynamics lead; once
// accepted (or closed) it becomes an opportunity.
func isLead(r *Referral) bool {
	return r.Direction == "Incoming" && r.Type == "Independent" && normHelp(r.HelpCode) == "" &&
		!r.SharedWithMicrosoft && (r.InvitedBy == "" || r.InvitedBy == "msft")
}

// isMicrosoftCopy says which referral of an engagement is Microsoft's side
// (a related referral): invited by Microsoft on a Shared engagement.
// Choice: when an engagement has several referrals, the primary one (that
// owns the opportunity) is the one already paired, else a partner-side one
// (not Microsoft's copy), else the earliest created, then the smallest id.
func isMicrosoftCopy(r *Referral) bool { return r.Type == "Shared" && r.InvitedBy == "msft" }

// Choice: a referral the engine creates from an opportunity is the
// partner's own deal, so it starts Active/Accepted (partner-center-api.md
// §1.7 allows creating in any status; an own deal needs no acceptance).
// A co-sell (help requested) is created Shared, anything else Independent;
// qualification SalesQualified (the docs' create example).
const (
	createdStatus        = "Active"
	createdSubstatus     = "Accepted"
	createdQualification = "SalesQualified"
)

// Choice: an unpaired referral already in a terminal state (Won, Lost,
// Declined, Expired) is not imported: terminal referrals never change, and a
// full pass would otherwise fill Dynamics with history. Likewise a closed
// (Won/Lost) opportunity flagged for sync without a referral is a failure:
// it cannot be shared as a new deal.

// Choice: the referral link format is the one observed on the connector's
// form (cosell-connector.md §1).
func referralLink(id string) string {
	return "https://partner.microsoft.com/referrals/v2/inbox?id=" + id
}

// Choice: the audit column keeps the newest lines within auditMaxLen
// characters (the connector's Audit memo is unbounded in the docs; Dataverse
// memos default to 2000 characters, so we stay under that).
const auditMaxLen = 2000

// Choice: a record that fails to write because it changed meanwhile (412) is
// re-read and decided again at most maxConflictRetries times per run.
const maxConflictRetries = 3

// Choice: the OpportunityClose subject of WinOpportunity/LoseOpportunity.
const closeSubject = "Closed by the Partner Center sync"

// Choice: a referral declined from Dynamics gets this statusReason.
const declinedReason = "Declined in Dynamics 365"

// Choice: a referral's solution becomes a Microsoft Partner Center Solutions
// row linked to the Microsoft Solution Details catalogue row with the same
// Solution Identifier. The engine never writes the catalogue (cosell_solution_detail
// owns it); when the catalogue lacks the identifier, the row is named with
// the identifier itself, and the engine reads a row without a catalogue link
// back by its name, so the pair still compares equal.

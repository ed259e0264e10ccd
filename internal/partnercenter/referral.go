package partnercenter

import (
	"encoding/json"

	"github.com/cosell-labs/terraform-provider-cosell/internal/wirejson"
)

// Referral is the Referrals API resource (partner-center-api.md §1.5): the
// union of the Learn docs, the connector swagger and real payloads. Fields the
// server sends that are not modelled here are kept in Extra and written back
// on marshal, so a read-modify-write loses nothing.
type Referral struct {
	ID                  string `json:"id,omitempty"`
	EngagementID        string `json:"engagementId,omitempty"` // shared by the referrals of one engagement (one per party)
	Name                string `json:"name,omitempty"`
	ExternalReferenceID string `json:"externalReferenceId,omitempty"` // the Dynamics 365 opportunity/lead id
	OrganizationID      string `json:"organizationId,omitempty"`
	OrganizationName    string `json:"organizationName,omitempty"`
	MpnID               string `json:"mpnId,omitempty"`

	CreatedDateTime    *Time `json:"createdDateTime,omitempty"`
	UpdatedDateTime    *Time `json:"updatedDateTime,omitempty"`
	ExpirationDateTime *Time `json:"expirationDateTime,omitempty"`
	AcceptedDateTime   *Time `json:"acceptedDateTime,omitempty"`
	ClosedDateTime     *Time `json:"closedDateTime,omitempty"`

	Status         string `json:"status,omitempty"`    // Status* constants
	Substatus      string `json:"substatus,omitempty"` // Substatus* constants
	StatusReason   string `json:"statusReason,omitempty"`
	Type           string `json:"type,omitempty"`          // TypeIndependent | TypeShared
	Qualification  string `json:"qualification,omitempty"` // Qualification* constants
	Direction      string `json:"direction,omitempty"`     // DirectionIncoming | DirectionOutgoing
	ReferralSource string `json:"referralSource,omitempty"`
	CallToAction   string `json:"callToAction,omitempty"`

	CustomerProfile *CustomerProfile `json:"customerProfile,omitempty"`
	Consent         *Consent         `json:"consent,omitempty"`
	Details         *Details         `json:"details,omitempty"`
	Team            []Member         `json:"team,omitempty"` // partner-side sellers
	InviteContext   *InviteContext   `json:"inviteContext,omitempty"`
	Target          []Target         `json:"target"` // always written, as [] when empty (the docs' create example sends "target":[])

	// ETag includes its literal quotes ("\"2500ec5a-…\""); send it unchanged in If-Match.
	ETag         string        `json:"eTag,omitempty"`
	Links        *Links        `json:"links,omitempty"`
	TrackingInfo *TrackingInfo `json:"trackingInfo,omitempty"`

	Registrations      []DealRegistration `json:"registrations,omitempty"` // Azure IP co-sell deal registration
	RegistrationStatus string             `json:"registrationStatus,omitempty"`

	SalesStage      SalesStage        `json:"salesStage,omitempty"`
	CampaignID      string            `json:"campaignId,omitempty"`
	Favorite        *bool             `json:"favorite,omitempty"`
	Quality         string            `json:"quality,omitempty"`
	IsSpam          *bool             `json:"isSpam,omitempty"`
	DealSensitivity string            `json:"dealSensitivity,omitempty"`
	ReferralProgram string            `json:"referralProgram,omitempty"`
	CreatedVia      string            `json:"createdVia,omitempty"`
	LastModifiedVia string            `json:"lastModifiedVia,omitempty"`
	LastRunID       string            `json:"lastRunId,omitempty"`
	Tags            []json.RawMessage `json:"tags,omitempty"` // element shape undocumented

	// Extra holds top-level fields this type does not model.
	Extra map[string]json.RawMessage `json:"-"`
}

// Referral status values.
const (
	StatusNone   = "None"
	StatusNew    = "New"
	StatusActive = "Active"
	StatusClosed = "Closed"
)

// Referral substatus values. Engaged/Error appear in no source and are absent.
const (
	SubstatusNone     = "None"
	SubstatusPending  = "Pending"
	SubstatusReceived = "Received"
	SubstatusAccepted = "Accepted"
	SubstatusWon      = "Won"
	SubstatusLost     = "Lost"
	SubstatusDeclined = "Declined"
	SubstatusExpired  = "Expired"
)

// Referral type, qualification and direction values.
const (
	TypeIndependent = "Independent"
	TypeShared      = "Shared"

	QualificationNone               = "None"
	QualificationDirect             = "Direct"
	QualificationMarketingQualified = "MarketingQualified"
	QualificationSalesQualified     = "SalesQualified"

	DirectionIncoming = "Incoming"
	DirectionOutgoing = "Outgoing"
)

// Target types, and the organization id Microsoft uses for itself.
const (
	TargetNone                    = "None"
	TargetBusinessProfileLocation = "BusinessProfileLocation"
	TargetSolutionProfile         = "SolutionProfile"
	OrganizationMicrosoft         = "msft"
)

// Assistance ("help needed") codes for InviteContext.AssistanceRequestCode.
const (
	AssistanceUnknown                          = "Unknown"
	AssistanceGeneralOrOther                   = "GeneralOrOther"
	AssistanceCustomerTechnicalArchitecture    = "CustomerTechnicalArchitecture"
	AssistanceProofOfConceptOrDemo             = "ProofOfConceptOrDemo"
	AssistanceQuotesOrLicensing                = "QuotesOrLicensing"
	AssistancePostSalesCustomerSuccess         = "PostSalesCustomerSuccess"
	AssistanceWorkloadSpecificValueProposition = "WorkloadSpecificValueProposition"
)

// TerminalSubstatus reports whether a referral in this substatus can no
// longer be changed (Declined, Expired, Won, Lost).
func TerminalSubstatus(s string) bool {
	switch s {
	case SubstatusDeclined, SubstatusExpired, SubstatusWon, SubstatusLost:
		return true
	}
	return false
}

// CustomerProfile describes the end customer.
type CustomerProfile struct {
	Name               string      `json:"name,omitempty"`
	Size               string      `json:"size,omitempty"` // e.g. "1to9employees"
	IsMatchingComplete *bool       `json:"isMatchingComplete,omitempty"`
	Address            *Address    `json:"address,omitempty"`
	Team               []Member    `json:"team,omitempty"` // customer contacts
	IDs                []ProfileID `json:"ids,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// Address of the customer; Country is ISO 3166 alpha-2.
type Address struct {
	AddressLine1 string `json:"addressLine1,omitempty"`
	AddressLine2 string `json:"addressLine2,omitempty"`
	City         string `json:"city,omitempty"`
	State        string `json:"state,omitempty"`
	PostalCode   string `json:"postalCode,omitempty"`
	Country      string `json:"country,omitempty"`
	Region       string `json:"region,omitempty"`
}

// ProfileID identifies the customer in another registry.
type ProfileID struct {
	ProfileType string `json:"profileType,omitempty"` // "Duns" | "External"
	ID          string `json:"id,omitempty"`
}

// Member is a person on the partner team or the customer team.
type Member struct {
	FirstName         string             `json:"firstName,omitempty"`
	LastName          string             `json:"lastName,omitempty"`
	Email             string             `json:"email,omitempty"`
	PhoneNumber       string             `json:"phoneNumber,omitempty"`
	Title             string             `json:"title,omitempty"`
	ContactPreference *ContactPreference `json:"contactPreference,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// ContactPreference of a Member.
type ContactPreference struct {
	Locale               string `json:"locale,omitempty"`
	DisableNotifications *bool  `json:"disableNotifications,omitempty"`
}

// Consent flags. The three documented booleans are always written (false is
// meaningful: ConsentToShareReferralWithMicrosoftSellers=false is "Private").
type Consent struct {
	// ConsentToToShareInfoWithOthers: the double "To" is the real wire name.
	ConsentToToShareInfoWithOthers              bool  `json:"consentToToShareInfoWithOthers"`
	ConsentToContact                            bool  `json:"consentToContact"`
	ConsentToShareReferralWithMicrosoftSellers  bool  `json:"consentToShareReferralWithMicrosoftSellers"`
	ConsentToMicrosoftToContactSpecificPartners *bool `json:"consentToMicrosoftToContactSpecificPartners,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// Details of the deal.
type Details struct {
	Notes                    string          `json:"notes,omitempty"`
	DealValue                json.Number     `json:"dealValue,omitempty"` // decimal; accepts 48000 and "48000"
	Currency                 string          `json:"currency,omitempty"`  // ISO 4217
	ClosingDateTime          *Time           `json:"closingDateTime,omitempty"`
	CustomerRequestedContact json.RawMessage `json:"customerRequestedContact,omitempty"` // type undocumented
	CustomerAction           json.RawMessage `json:"customerAction,omitempty"`           // type undocumented
	IncentiveLevel           json.RawMessage `json:"incentiveLevel,omitempty"`           // type undocumented
	Requirements             *Requirements   `json:"requirements,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// Requirements of the deal: legacy tag lists, solutions and extra attributes.
type Requirements struct {
	Industries             []Tag                   `json:"industries,omitempty"`
	Products               []Tag                   `json:"products,omitempty"` // obsolete: use Solutions
	Services               []Tag                   `json:"services,omitempty"`
	Solutions              []SolutionTag           `json:"solutions,omitempty"`
	Offers                 []json.RawMessage       `json:"offers,omitempty"`
	SalesPlays             []json.RawMessage       `json:"salesPlays,omitempty"`
	AdditionalRequirements *AdditionalRequirements `json:"additionalRequirements,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// Tag is an entry of a legacy tag list (industries, products, services).
type Tag struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
}

// SolutionTag is a co-sell (SOL-…) or Microsoft (GUID) solution.
type SolutionTag struct {
	ID              string      `json:"id"`
	Name            string      `json:"name,omitempty"`
	Type            string      `json:"type,omitempty"` // "None" | "Category" | "Name"
	PublisherName   string      `json:"publisherName,omitempty"`
	SolutionType    string      `json:"solutionType,omitempty"` // e.g. "3P"
	Price           json.Number `json:"price,omitempty"`
	Quantity        json.Number `json:"quantity,omitempty"`
	Currency        string      `json:"currency,omitempty"`
	ClosingDateTime *Time       `json:"closingDateTime,omitempty"`
}

// AdditionalRequirements carries IoT details and typed attributes (for
// instance the marketplace intent).
type AdditionalRequirements struct {
	IoT        *IoTRequirements `json:"iot,omitempty"`
	Attributes []Attribute      `json:"attributes,omitempty"`
}

// IoTRequirements: field types are undocumented, so the non-obvious ones are raw.
type IoTRequirements struct {
	CustomerLicenseAgreementNumber string          `json:"customerLicenseAgreementNumber,omitempty"`
	DeviceCategory                 string          `json:"deviceCategory,omitempty"`
	SiliconType                    string          `json:"siliconType,omitempty"`
	AzureCertifiedDevice           json.RawMessage `json:"azureCertifiedDevice,omitempty"`
	AttachServices                 json.RawMessage `json:"attachServices,omitempty"`
}

// Attribute is a typed requirement, e.g. {"id":"HaveNotDecided","type":"CustomerMarketplaceIntent"}.
type Attribute struct {
	ID   string `json:"id"`
	Type string `json:"type"`
}

// Marketplace intent attribute (2024 doc); other intent ids are unconfirmed.
const (
	AttributeTypeCustomerMarketplaceIntent = "CustomerMarketplaceIntent"
	MarketplaceIntentHaveNotDecided        = "HaveNotDecided"
)

// InviteContext says who invited this party and what help was asked for.
type InviteContext struct {
	Notes                 string        `json:"notes,omitempty"`
	InvitedBy             *Organization `json:"invitedBy,omitempty"`
	InvitedMpnID          string        `json:"invitedMpnId,omitempty"`
	AssistanceRequestCode string        `json:"assistanceRequestCode,omitempty"` // Assistance* constants

	Extra map[string]json.RawMessage `json:"-"`
}

// Organization names a partner organization ("msft" = Microsoft).
type Organization struct {
	OrganizationID   string `json:"organizationId,omitempty"`
	OrganizationName string `json:"organizationName,omitempty"`
}

// Target of a referral.
type Target struct {
	Type string `json:"type"` // Target* constants
	ID   string `json:"id"`
}

// Links to related resources.
type Links struct {
	RelatedReferrals *Link `json:"relatedReferrals,omitempty"`
	Self             *Link `json:"self,omitempty"`
}

// Link is a URI plus the method to use on it.
type Link struct {
	URI    string `json:"uri,omitempty"`
	Method string `json:"method,omitempty"`
}

// TrackingInfo carries Microsoft-side identifiers.
type TrackingInfo struct {
	MicrosoftMsxID              string `json:"microsoftMsxId,omitempty"` // Microsoft CRM id; empty until Microsoft engages
	MicrosoftUSFedOpportunityID string `json:"microsoftUSFedOpportunityId,omitempty"`
	MicrosoftUSFedLeadID        string `json:"microsoftUSFedLeadId,omitempty"`
	MigratedPSCDealID           string `json:"migratedPSCDealId,omitempty"`
	MigratedPSCPartnerDealID    string `json:"migratedPSCPartnerDealId,omitempty"`

	Extra map[string]json.RawMessage `json:"-"`
}

// DealRegistration is an Azure IP co-sell deal registration (§1.8).
type DealRegistration struct {
	ID                   string           `json:"id,omitempty"`
	Type                 string           `json:"type,omitempty"` // "AzureIPCoSell"
	RegistrationDateTime *Time            `json:"registrationDateTime,omitempty"`
	Status               string           `json:"status,omitempty"`
	StatusReason         string           `json:"statusReason,omitempty"`
	Contract             *Contract        `json:"contract,omitempty"`
	SolutionDetails      []SolutionDetail `json:"solutionDetails,omitempty"`
	StatusHistory        json.RawMessage  `json:"statusHistory,omitempty"` // {…DateTime} fields, shape undocumented

	Extra map[string]json.RawMessage `json:"-"`
}

// Contract of a deal registration.
type Contract struct {
	Value         json.Number `json:"value,omitempty"`
	Currency      string      `json:"currency,omitempty"`
	StartDateTime *Time       `json:"startDateTime,omitempty"`
	EndDateTime   *Time       `json:"endDateTime,omitempty"`
	SignDateTime  *Time       `json:"signDateTime,omitempty"`
	Term          string      `json:"term,omitempty"` // "Perpetual" | "Finite"
}

// SolutionDetail of a deal registration.
type SolutionDetail struct {
	ID                            string          `json:"id,omitempty"`
	Name                          string          `json:"name,omitempty"`
	Value                         json.Number     `json:"value,omitempty"`
	Currency                      string          `json:"currency,omitempty"`
	IsDeployedOnAzure             *bool           `json:"isDeployedOnAzure,omitempty"`
	PrimaryDeploymentOn           string          `json:"primaryDeploymentOn,omitempty"` // "Customer" | "Partner"
	PricingModel                  string          `json:"pricingModel,omitempty"`        // "PayAsYouGo" | "Other"
	MarketplaceTransactionDetails json.RawMessage `json:"marketplaceTransactionDetails,omitempty"`
}

// (Un)marshalers: each keeps unknown keys in Extra. Partner Center's schema
// grows (2024 added referralSource, callToAction, …) and payloads carry
// undocumented fields; a read-modify-write must not silently drop them. The
// local "plain" type has the same fields but no methods, which stops the
// recursion.

// UnmarshalJSON implements json.Unmarshaler.
func (r *Referral) UnmarshalJSON(b []byte) error {
	type plain Referral
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(r), &r.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (r Referral) MarshalJSON() ([]byte, error) {
	type plain Referral
	p := plain(r)
	if p.Target == nil {
		p.Target = []Target{}
	}
	return wirejson.MarshalWithExtra(p, r.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *CustomerProfile) UnmarshalJSON(b []byte) error {
	type plain CustomerProfile
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(c), &c.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (c CustomerProfile) MarshalJSON() ([]byte, error) {
	type plain CustomerProfile
	return wirejson.MarshalWithExtra(plain(c), c.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (m *Member) UnmarshalJSON(b []byte) error {
	type plain Member
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(m), &m.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (m Member) MarshalJSON() ([]byte, error) {
	type plain Member
	return wirejson.MarshalWithExtra(plain(m), m.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (c *Consent) UnmarshalJSON(b []byte) error {
	type plain Consent
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(c), &c.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (c Consent) MarshalJSON() ([]byte, error) {
	type plain Consent
	return wirejson.MarshalWithExtra(plain(c), c.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *Details) UnmarshalJSON(b []byte) error {
	type plain Details
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(d), &d.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (d Details) MarshalJSON() ([]byte, error) {
	type plain Details
	return wirejson.MarshalWithExtra(plain(d), d.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (r *Requirements) UnmarshalJSON(b []byte) error {
	type plain Requirements
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(r), &r.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (r Requirements) MarshalJSON() ([]byte, error) {
	type plain Requirements
	return wirejson.MarshalWithExtra(plain(r), r.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (i *InviteContext) UnmarshalJSON(b []byte) error {
	type plain InviteContext
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(i), &i.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (i InviteContext) MarshalJSON() ([]byte, error) {
	type plain InviteContext
	return wirejson.MarshalWithExtra(plain(i), i.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (t *TrackingInfo) UnmarshalJSON(b []byte) error {
	type plain TrackingInfo
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(t), &t.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (t TrackingInfo) MarshalJSON() ([]byte, error) {
	type plain TrackingInfo
	return wirejson.MarshalWithExtra(plain(t), t.Extra)
}

// UnmarshalJSON implements json.Unmarshaler.
func (d *DealRegistration) UnmarshalJSON(b []byte) error {
	type plain DealRegistration
	return wirejson.UnmarshalKeepingExtra(b, (*plain)(d), &d.Extra, nil)
}

// MarshalJSON implements json.Marshaler.
func (d DealRegistration) MarshalJSON() ([]byte, error) {
	type plain DealRegistration
	return wirejson.MarshalWithExtra(plain(d), d.Extra)
}

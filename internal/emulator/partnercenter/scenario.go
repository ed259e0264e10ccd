package partnercenter

import (
	_ "embed"
	"encoding/json"
)

// Scenario is the seed data of the Partner Center service (snake_case keys;
// referrals themselves are Partner Center JSON documents, camelCase).
type Scenario struct {
	// TenantID is the partner tenant: the default SubscriberId and validation-event partnerId.
	TenantID string `json:"tenant_id,omitempty"`
	// OrganizationID/Name and MpnID are stamped on referrals created through the API.
	OrganizationID   string `json:"organization_id,omitempty"`
	OrganizationName string `json:"organization_name,omitempty"`
	MpnID            string `json:"mpn_id,omitempty"`
	// Referrals seed the Referrals API; ids must be unique.
	Referrals []Referral `json:"referrals"`
	// Registration is the initial webhook registration (nil: none).
	Registration *Registration `json:"registration,omitempty"`
	// Events is GET /registration/events (empty: DocumentedEvents).
	Events []string `json:"events,omitempty"`
	// DeliverEvents turns on signed delivery of referral-created/updated events.
	DeliverEvents bool `json:"deliver_events,omitempty"`
	// PageSize and MaxPageSize override DefaultPageSize and MaxPageSize (0: the defaults).
	PageSize    int `json:"page_size,omitempty"`
	MaxPageSize int `json:"max_page_size,omitempty"`
}

// DefaultTenantID is the emulator's well-known partner tenant (team brief).
const DefaultTenantID = "00000000-0000-4000-8000-00000000c0de"

//go:embed seed/referrals.json
var seedReferrals []byte

// DefaultScenario seeds seven referrals: the two of
// samples/referrals-list-page.json plus four more, mixing Incoming/Outgoing,
// New/Active/Closed, US/DE/GB and Shared/Independent. No registration.
func DefaultScenario() Scenario {
	var refs []Referral
	if err := json.Unmarshal(seedReferrals, &refs); err != nil {
		panic("partnercenter: bad seed/referrals.json: " + err.Error())
	}
	return Scenario{
		TenantID:         DefaultTenantID,
		OrganizationID:   defaultOrganizationID,
		OrganizationName: defaultOrganizationName,
		MpnID:            defaultMpnID,
		Referrals:        refs,
		Events:           append([]string(nil), DocumentedEvents...),
	}
}

// Package referral holds the Partner Center referral data sources.
package referral

import (
	"time"

	"github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

// referralModel is one referral as the data sources expose it: the fields an
// engineer filters, joins or reports on, flattened out of the wire shape.
type referralModel struct {
	ID                    types.String    `tfsdk:"id"`
	EngagementID          types.String    `tfsdk:"engagement_id"`
	Name                  types.String    `tfsdk:"name"`
	ExternalReferenceID   types.String    `tfsdk:"external_reference_id"`
	Status                types.String    `tfsdk:"status"`
	Substatus             types.String    `tfsdk:"substatus"`
	StatusReason          types.String    `tfsdk:"status_reason"`
	Type                  types.String    `tfsdk:"type"`
	Qualification         types.String    `tfsdk:"qualification"`
	Direction             types.String    `tfsdk:"direction"`
	CreatedDateTime       types.String    `tfsdk:"created_date_time"`
	UpdatedDateTime       types.String    `tfsdk:"updated_date_time"`
	CustomerName          types.String    `tfsdk:"customer_name"`
	CustomerCountry       types.String    `tfsdk:"customer_country"`
	CustomerPostalCode    types.String    `tfsdk:"customer_postal_code"`
	DealValue             types.String    `tfsdk:"deal_value"`
	Currency              types.String    `tfsdk:"currency"`
	ClosingDateTime       types.String    `tfsdk:"closing_date_time"`
	Notes                 types.String    `tfsdk:"notes"`
	VisibleToMicrosoft    types.Bool      `tfsdk:"visible_to_microsoft"`
	AssistanceRequestCode types.String    `tfsdk:"assistance_request_code"`
	MicrosoftCRMID        types.String    `tfsdk:"microsoft_crm_id"`
	Solutions             []solutionModel `tfsdk:"solutions"`
	ETag                  types.String    `tfsdk:"etag"`
}

type solutionModel struct {
	ID            types.String `tfsdk:"id"`
	Name          types.String `tfsdk:"name"`
	PublisherName types.String `tfsdk:"publisher_name"`
}

// referralAttributes describes referralModel; required marks the lookup key
// (the single-referral data source takes id as input).
func referralAttributes(idRequired bool) map[string]schema.Attribute {
	computed := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc}
	}
	id := computed("Referral id (a GUID).")
	if idRequired {
		// Checked at plan time: a referral number or engagement name would
		// otherwise only come back as "not found" after a request.
		id = schema.StringAttribute{Required: true, MarkdownDescription: "Referral id (a GUID).",
			Validators: []validator.String{validate.String("must be a GUID", validate.CheckGUID(
				"give the referral's id as Partner Center shows it in the referral's URL (…/referrals/v2/inbox?id=<GUID>)"))}}
	}
	return map[string]schema.Attribute{
		"id":                    id,
		"engagement_id":         computed("Engagement id shared by the referrals of one engagement (one per party)."),
		"name":                  computed("Referral name."),
		"external_reference_id": computed("Your CRM record id stored on the referral (the Dynamics 365 opportunity id when synced)."),
		"status":                computed("`New`, `Active` or `Closed`."),
		"substatus":             computed("`Pending`, `Received`, `Accepted`, `Won`, `Lost`, `Declined` or `Expired`."),
		"status_reason":         computed("Why the referral was lost or declined, when given."),
		"type":                  computed("`Independent` (visible to one partner) or `Shared`."),
		"qualification":         computed("`None`, `Direct`, `MarketingQualified` or `SalesQualified`."),
		"direction":             computed("`Incoming` or `Outgoing`."),
		"created_date_time":     computed("Creation time (RFC 3339, UTC)."),
		"updated_date_time":     computed("Last update time (RFC 3339, UTC)."),
		"customer_name":         computed("Customer company name."),
		"customer_country":      computed("Customer country, ISO 3166-1 alpha-2."),
		"customer_postal_code":  computed("Customer postal code."),
		"deal_value":            computed("Deal value as a decimal string (exact, as Partner Center sends it)."),
		"currency":              computed("Deal currency, ISO 4217."),
		"closing_date_time":     computed("Estimated closing time (RFC 3339, UTC)."),
		"notes":                 computed("Deal notes."),
		"visible_to_microsoft": schema.BoolAttribute{Computed: true,
			MarkdownDescription: "Whether the referral is shared with Microsoft sellers (`consentToShareReferralWithMicrosoftSellers`)."},
		"assistance_request_code": computed("Help requested from Microsoft, e.g. `ProofOfConceptOrDemo`; empty for a non-co-sell referral."),
		"microsoft_crm_id":        computed("Microsoft's CRM (MSX) id, once Microsoft engages."),
		"solutions": schema.ListNestedAttribute{
			Computed:            true,
			MarkdownDescription: "Co-sell (`SOL-…`) and Microsoft solutions attached to the referral.",
			NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
				"id":             computed("Solution id."),
				"name":           computed("Solution name."),
				"publisher_name": computed("Publisher of the solution."),
			}},
		},
		"etag": computed("ETag of the referral version that was read."),
	}
}

func strOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

func timeOrNull(t *partnercenter.Time) types.String {
	if t == nil || t.IsZero() {
		return types.StringNull()
	}
	return types.StringValue(t.UTC().Format(time.RFC3339))
}

// flatten maps the wire referral onto the data source model.
func flatten(r *partnercenter.Referral) referralModel {
	m := referralModel{
		ID:                    types.StringValue(r.ID),
		EngagementID:          strOrNull(r.EngagementID),
		Name:                  strOrNull(r.Name),
		ExternalReferenceID:   strOrNull(r.ExternalReferenceID),
		Status:                strOrNull(r.Status),
		Substatus:             strOrNull(r.Substatus),
		StatusReason:          strOrNull(r.StatusReason),
		Type:                  strOrNull(r.Type),
		Qualification:         strOrNull(r.Qualification),
		Direction:             strOrNull(r.Direction),
		CreatedDateTime:       timeOrNull(r.CreatedDateTime),
		UpdatedDateTime:       timeOrNull(r.UpdatedDateTime),
		CustomerName:          types.StringNull(),
		CustomerCountry:       types.StringNull(),
		CustomerPostalCode:    types.StringNull(),
		DealValue:             types.StringNull(),
		Currency:              types.StringNull(),
		ClosingDateTime:       types.StringNull(),
		Notes:                 types.StringNull(),
		VisibleToMicrosoft:    types.BoolValue(false),
		AssistanceRequestCode: types.StringNull(),
		MicrosoftCRMID:        types.StringNull(),
		Solutions:             []solutionModel{},
		ETag:                  strOrNull(r.ETag),
	}
	if cp := r.CustomerProfile; cp != nil {
		m.CustomerName = strOrNull(cp.Name)
		if a := cp.Address; a != nil {
			m.CustomerCountry = strOrNull(a.Country)
			m.CustomerPostalCode = strOrNull(a.PostalCode)
		}
	}
	if c := r.Consent; c != nil {
		m.VisibleToMicrosoft = types.BoolValue(c.ConsentToShareReferralWithMicrosoftSellers)
	}
	if d := r.Details; d != nil {
		m.DealValue = strOrNull(d.DealValue.String())
		m.Currency = strOrNull(d.Currency)
		m.ClosingDateTime = timeOrNull(d.ClosingDateTime)
		m.Notes = strOrNull(d.Notes)
		if d.Requirements != nil {
			for _, s := range d.Requirements.Solutions {
				m.Solutions = append(m.Solutions, solutionModel{
					ID: types.StringValue(s.ID), Name: strOrNull(s.Name), PublisherName: strOrNull(s.PublisherName),
				})
			}
		}
	}
	if ic := r.InviteContext; ic != nil {
		m.AssistanceRequestCode = strOrNull(ic.AssistanceRequestCode)
	}
	if ti := r.TrackingInfo; ti != nil {
		m.MicrosoftCRMID = strOrNull(ti.MicrosoftMsxID)
	}
	return m
}

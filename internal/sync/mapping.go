package sync

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Dataverse tables and columns the engine reads and writes. Standard names
// are [C] (dataverse-api.md §2); the connector's msft_ names are [3p]
// (cosell-connector.md §2.2); the solutions tables' names are [infer].
const (
	TableOpportunity    = "opportunity"
	TableLead           = "lead"
	TableAccount        = "account"
	TableContact        = "contact"
	TableCurrency       = "transactioncurrency"
	TableSolution       = "msft_partnercentersolution" // Microsoft Partner Center Solutions (rows per opportunity)
	TableSolutionDetail = "msft_solutiondetail"        // Microsoft Solution Details (the catalogue)

	ColSync       = "msft_microsoftpartnercenterreferralsync"
	ColVisible    = "msft_microsoftpartnercenterreferralvisible"
	ColHelp       = "msft_microsoftpartnercenterhelp"
	ColReferralID = "msft_microsoftpartnercenterreferralidentifier"
	ColLink       = "msft_microsoftpartnercenterreferrallink"
	ColAudit      = "msft_microsoftpartnercenterreferralsyncaudit"
	ColMsxID      = "msft_microsoftcrmidentifier"

	ColSolutionOpportunity = "msft_opportunityid"
	ColSolutionDetail      = "msft_solutiondetailid"
	ColSolutionName        = "msft_name"
	ColDetailName          = "msft_name"
	ColDetailIdentifier    = "msft_solutionidentifier"
	ColDetailType          = "msft_solutiontype"
	ColDetailPublisher     = "msft_publishername"
)

// dirs are the directions a field flows in.
type dirs uint8

const (
	toCRM dirs = 1 << iota // Partner Center → Dynamics
	toPC                   // Dynamics → Partner Center
	both  = toCRM | toPC
)

// The mapped fields.
const (
	FieldName       Field = "name"
	FieldDealValue  Field = "deal_value"
	FieldCurrency   Field = "currency"
	FieldCloseDate  Field = "close_date"
	FieldNotes      Field = "notes"
	FieldStatus     Field = "status"
	FieldVisibility Field = "visibility"
	FieldHelp       Field = "help"
	FieldContact    Field = "contact"
	FieldSolutions  Field = "solutions"
	FieldMsxID      Field = "msx_id"
)

// fieldSpec is one row of THE field table.
type fieldSpec struct {
	Field Field
	// Path is the referral JSON pointer (status also writes /substatus).
	Path string
	// Column is the opportunity column; "" when it comes from the settings
	// (deal value, currency) or from related rows (contact, solutions).
	Column string
	// Create and Update are the directions allowed when the counterpart is
	// created, and for later updates.
	Create, Update dirs
	// PC and CRM give the normalised value on each side; values of the two
	// sides are compared with Equal (default ==).
	PC    func(r *Referral) string
	CRM   func(o *Opportunity) string
	Equal func(r *Referral, o *Opportunity) bool
}

// fieldTable is THE field mapping (cosell-connector.md §1). Update scopes
// follow the documented ones: Partner Center → Dynamics updates currency,
// deal value, closing date, notes, status; Dynamics → Partner Center updates
// currency, name, deal value, description (notes), state changes. To these
// the issue adds: Microsoft-side team (customer contact) and msxId updates
// reach the opportunity; close date (the flow's PATCH /details/closingDateTime),
// visibility, help (co-sell conversion) and solutions (the solutions flow)
// go to Partner Center.
//
//	| Field       | Referral path                                   | Opportunity column                      | Create | Update |
//	|---|---|---|---|---|
//	| name        | /name                                           | name (✔/✘ mark stripped)               | both   | →PC    |
//	| deal_value  | /details/dealValue                              | deal value variable (estimatedvalue)    | both   | both   |
//	| currency    | /details/currency                               | currency variable (transactioncurrencyid by ISO code) | both | both |
//	| close_date  | /details/closingDateTime                        | estimatedclosedate                      | both   | both   |
//	| notes       | /details/notes                                  | description                             | both   | both   |
//	| status      | /status + /substatus                            | statecode + statuscode (status table)   | both   | both   |
//	| visibility  | /consent/consentToShareReferralWithMicrosoftSellers | msft_…referralvisible (never reverted) | both | both |
//	| help        | /inviteContext/assistanceRequestCode            | msft_microsoftpartnercenterhelp         | both   | →PC    |
//	| contact     | /customerProfile/team                           | parentcontactid (contact by email)      | both   | both   |
//	| solutions   | /details/requirements/solutions                 | msft_partnercentersolution rows         | both   | →PC    |
//	| msx_id      | /trackingInfo/microsoftMsxId                    | msft_microsoftcrmidentifier             | →CRM   | →CRM   |
//
// Not compared, written on create or as bookkeeping: the customer
// (account matched on name + postal code, or created; country in the
// country variable's column), sync flag Yes, referral id and link
// (→CRM), externalReferenceId = opportunity id (→PC).
var fieldTable = []fieldSpec{
	{Field: FieldName, Path: "/name", Column: "name", Create: both, Update: toPC,
		PC: func(r *Referral) string { return normText(stripMark(r.Name)) }, CRM: func(o *Opportunity) string { return normText(stripMark(o.Name)) }},
	{Field: FieldDealValue, Path: "/details/dealValue", Create: both, Update: both,
		PC: func(r *Referral) string { return normMoney(r.DealValue) }, CRM: func(o *Opportunity) string { return normMoney(o.DealValue) }},
	{Field: FieldCurrency, Path: "/details/currency", Create: both, Update: both,
		PC: func(r *Referral) string { return normCode(r.Currency) }, CRM: func(o *Opportunity) string { return normCode(o.CurrencyCode) }},
	{Field: FieldCloseDate, Path: "/details/closingDateTime", Column: "estimatedclosedate", Create: both, Update: both,
		PC: func(r *Referral) string { return normDate(r.CloseDate) }, CRM: func(o *Opportunity) string { return normDate(o.CloseDate) }},
	{Field: FieldNotes, Path: "/details/notes", Column: "description", Create: both, Update: both,
		PC: func(r *Referral) string { return normText(r.Notes) }, CRM: func(o *Opportunity) string { return normText(o.Notes) }},
	{Field: FieldStatus, Path: "/status", Column: "statecode", Create: both, Update: both,
		PC: pcStatusValue, CRM: crmStatusValue, Equal: statusEquivalent},
	{Field: FieldVisibility, Path: "/consent/consentToShareReferralWithMicrosoftSellers", Column: ColVisible, Create: both, Update: both,
		PC: func(r *Referral) string { return strconv.FormatBool(r.SharedWithMicrosoft) }, CRM: func(o *Opportunity) string { return strconv.FormatBool(o.Visible) }},
	{Field: FieldHelp, Path: "/inviteContext/assistanceRequestCode", Column: ColHelp, Create: both, Update: toPC,
		PC: func(r *Referral) string { return normHelp(r.HelpCode) }, CRM: func(o *Opportunity) string { return helpCodeOf(o.Help) }},
	{Field: FieldContact, Path: "/customerProfile/team", Column: "parentcontactid", Create: both, Update: both,
		PC: func(r *Referral) string { return primaryEmail(r.Contacts) }, CRM: func(o *Opportunity) string {
			if o.Contact == nil {
				return ""
			}
			return normEmail(o.Contact.Email)
		}},
	{Field: FieldSolutions, Path: "/details/requirements/solutions", Create: both, Update: toPC,
		PC: func(r *Referral) string {
			ids := make([]string, 0, len(r.Solutions))
			for _, s := range r.Solutions {
				ids = append(ids, s.ID)
			}
			return normIDs(ids)
		}, CRM: func(o *Opportunity) string {
			ids := make([]string, 0, len(o.Solutions))
			for _, s := range o.Solutions {
				ids = append(ids, s.Identifier)
			}
			return normIDs(ids)
		}},
	{Field: FieldMsxID, Path: "/trackingInfo/microsoftMsxId", Column: ColMsxID, Create: toCRM, Update: toCRM,
		PC: func(r *Referral) string { return strings.TrimSpace(r.MicrosoftMsxID) }, CRM: func(o *Opportunity) string { return strings.TrimSpace(o.MsxID) }},
}

// Fields lists the mapped fields in table order.
func Fields() []Field {
	out := make([]Field, len(fieldTable))
	for i, f := range fieldTable {
		out[i] = f.Field
	}
	return out
}

func (f fieldSpec) equal(r *Referral, o *Opportunity) bool {
	if f.Equal != nil {
		return f.Equal(r, o)
	}
	return f.PC(r) == f.CRM(o)
}

// pcValues / crmValues are the normalised values of every field on a side.
func pcValues(r *Referral) map[Field]string {
	out := make(map[Field]string, len(fieldTable))
	for _, f := range fieldTable {
		out[f.Field] = f.PC(r)
	}
	return out
}

func crmValues(o *Opportunity) map[Field]string {
	out := make(map[Field]string, len(fieldTable))
	for _, f := range fieldTable {
		out[f.Field] = f.CRM(o)
	}
	return out
}

// ---- normalisers: the compare form of each kind of value ----

// marks are the check/cross marks the connector (✔/✘, docs also show ✗) and
// we append to opportunity names; never part of the compared or sent name.
var marks = []string{"✔", "✘", "✓", "✗"}

const (
	markOK   = "✔"
	markFail = "✘"
)

func stripMark(name string) string {
	s := strings.TrimSpace(name)
	for {
		trimmed := false
		for _, m := range marks {
			if strings.HasSuffix(s, m) {
				s = strings.TrimSpace(strings.TrimSuffix(s, m))
				trimmed = true
			}
		}
		if !trimmed {
			return s
		}
	}
}

func withMark(name string, ok bool) string {
	if ok {
		return stripMark(name) + " " + markOK
	}
	return stripMark(name) + " " + markFail
}

func normText(s string) string {
	return strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
}

// normMoney rounds to cents; 0 is "empty" (the connector treats 0 as no value).
func normMoney(v float64) string {
	if v == 0 || math.IsNaN(v) {
		return ""
	}
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}

func parseMoney(s string) float64 {
	v, _ := strconv.ParseFloat(s, 64)
	return v
}

func normCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// normDate keeps YYYY-MM-DD of a date or a date-time.
func normDate(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 {
		if t, err := time.Parse("2006-01-02", s[:10]); err == nil {
			return t.Format("2006-01-02")
		}
	}
	return s
}

func normIDs(ids []string) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id = strings.ToUpper(strings.TrimSpace(id)); id != "" {
			out = append(out, id)
		}
	}
	slices.Sort(out)
	return strings.Join(slices.Compact(out), ",")
}

func primaryEmail(cs []Contact) string {
	for _, c := range cs {
		if e := normEmail(c.Email); e != "" {
			return e
		}
	}
	return ""
}

// ---- Dynamics rows ↔ the engine's view ----

// Opportunity is the engine's view of an opportunity row, with its related
// rows resolved (account, primary contact, currency code, solutions).
type Opportunity struct {
	ID         string
	ETag       string
	ModifiedOn time.Time

	Name         string // as stored, mark included
	DealValue    float64
	CurrencyID   string // transactioncurrencyid, when the currency is a lookup
	CurrencyCode string // ISO code (resolved from the lookup, or the text column)
	CloseDate    string
	Notes        string
	State        int
	Status       int

	Sync       bool
	Visible    bool
	Help       int
	ReferralID string
	Link       string
	MsxID      string
	Audit      string
	Snapshot   *Snapshot

	AccountID string
	ContactID string
	Account   *Account
	Contact   *ContactRow
	Solutions []SolutionRow
}

// Account is an account row.
type Account struct {
	ID string
	Customer
}

// ContactRow is a contact row.
type ContactRow struct {
	ID string
	Contact
}

// SolutionRow is a Microsoft Partner Center Solutions row of an opportunity.
type SolutionRow struct {
	ID         string
	Name       string
	DetailID   string
	Identifier string // the catalogue's Solution Identifier (SOL-…)
}

// SolutionDetail is a row of the Microsoft Solution Details catalogue.
type SolutionDetail struct {
	ID, Identifier, Name, Type, Publisher string
}

// Lead is a Dynamics lead the engine created for an unaccepted lead referral.
type Lead struct {
	ID         string
	ETag       string
	ModifiedOn time.Time
	State      int
	Status     int
	Values     map[string]any
}

// opportunityColumns are the columns the engine selects on opportunity.
func opportunityColumns(s Settings, snapshotColumn string) []string {
	cols := []string{"name", s.DealValueField, s.CurrencyField, "estimatedclosedate", "description", "statecode", "statuscode",
		ColSync, ColVisible, ColHelp, ColReferralID, ColLink, ColMsxID, ColAudit, "parentaccountid", "parentcontactid", snapshotColumn}
	slices.Sort(cols)
	return slices.Compact(cols)
}

func accountColumns(s Settings) []string {
	cols := []string{"name", "address1_line1", "address1_line2", "address1_city", "address1_stateorprovince", "address1_postalcode", s.CountryField}
	slices.Sort(cols)
	return slices.Compact(cols)
}

var (
	contactColumns  = []string{"firstname", "lastname", "emailaddress1", "telephone1"}
	currencyColumns = []string{"isocurrencycode"}
	solutionColumns = []string{ColSolutionName, ColSolutionOpportunity, ColSolutionDetail}
	detailColumns   = []string{ColDetailName, ColDetailIdentifier, ColDetailType, ColDetailPublisher}
	leadColumns     = []string{"subject", "firstname", "lastname", "emailaddress1", "telephone1", "companyname", "description",
		"estimatedamount", "estimatedclosedate", "transactioncurrencyid", "address1_line1", "address1_city", "address1_postalcode",
		"address1_country", "statecode", "statuscode"}
)

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case nil:
		return ""
	case Ref:
		return x.ID
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int:
		return strconv.Itoa(x)
	case bool:
		return strconv.FormatBool(x)
	}
	return ""
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	case string:
		f, _ := strconv.ParseFloat(x, 64)
		return f
	}
	return 0
}

func integer(v any) int {
	switch x := v.(type) {
	case int:
		return x
	case float64:
		return int(x)
	case string:
		i, _ := strconv.Atoi(x)
		return i
	}
	return 0
}

func boolean(v any) bool {
	switch x := v.(type) {
	case bool:
		return x
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return strings.EqualFold(x, "true") || x == "1"
	}
	return false
}

func refID(v any) string {
	if r, ok := v.(Ref); ok {
		return r.ID
	}
	return ""
}

// decodeOpportunity builds the engine's view of an opportunity row (related
// rows are resolved by the loader).
func decodeOpportunity(row Row, s Settings, snapshotColumn string) *Opportunity {
	v := row.Values
	o := &Opportunity{
		ID: row.ID, ETag: row.ETag, ModifiedOn: row.ModifiedOn,
		Name: str(v["name"]), DealValue: num(v[s.DealValueField]), CloseDate: normDate(str(v["estimatedclosedate"])),
		Notes: str(v["description"]), State: integer(v["statecode"]), Status: integer(v["statuscode"]),
		Sync: boolean(v[ColSync]), Visible: boolean(v[ColVisible]), Help: integer(v[ColHelp]),
		ReferralID: str(v[ColReferralID]), Link: str(v[ColLink]), MsxID: str(v[ColMsxID]), Audit: str(v[ColAudit]),
		AccountID: refID(v["parentaccountid"]), ContactID: refID(v["parentcontactid"]),
	}
	if s.currencyIsLookup() {
		o.CurrencyID = refID(v[s.CurrencyField])
	} else {
		o.CurrencyCode = normCode(str(v[s.CurrencyField]))
	}
	if raw := str(v[snapshotColumn]); raw != "" {
		var snap Snapshot
		if json.Unmarshal([]byte(raw), &snap) == nil && snap.Version == SnapshotVersion {
			o.Snapshot = &snap
		}
	}
	return o
}

func decodeAccount(row Row, s Settings) *Account {
	v := row.Values
	return &Account{ID: row.ID, Customer: Customer{
		Name: str(v["name"]), AddressLine1: str(v["address1_line1"]), AddressLine2: str(v["address1_line2"]),
		City: str(v["address1_city"]), State: str(v["address1_stateorprovince"]), PostalCode: str(v["address1_postalcode"]),
		Country: str(v[s.CountryField]),
	}}
}

func decodeContact(row Row) *ContactRow {
	v := row.Values
	return &ContactRow{ID: row.ID, Contact: Contact{FirstName: str(v["firstname"]), LastName: str(v["lastname"]),
		Email: str(v["emailaddress1"]), Phone: str(v["telephone1"])}}
}

func decodeDetail(row Row) SolutionDetail {
	v := row.Values
	return SolutionDetail{ID: row.ID, Identifier: str(v[ColDetailIdentifier]), Name: str(v[ColDetailName]),
		Type: str(v[ColDetailType]), Publisher: str(v[ColDetailPublisher])}
}

func decodeLead(row Row) *Lead {
	return &Lead{ID: row.ID, ETag: row.ETag, ModifiedOn: row.ModifiedOn, State: integer(row.Values["statecode"]),
		Status: integer(row.Values["statuscode"]), Values: row.Values}
}

// accountValues are the columns of an account created from a customer.
func accountValues(c Customer, s Settings) map[string]any {
	v := map[string]any{"name": c.Name}
	set := func(col, val string) {
		if val != "" {
			v[col] = val
		}
	}
	set("address1_line1", c.AddressLine1)
	set("address1_line2", c.AddressLine2)
	set("address1_city", c.City)
	set("address1_stateorprovince", c.State)
	set("address1_postalcode", c.PostalCode)
	set(s.CountryField, normCode(c.Country))
	return v
}

func contactValues(c Contact, accountID string) map[string]any {
	v := map[string]any{"emailaddress1": normEmail(c.Email)}
	if c.FirstName != "" {
		v["firstname"] = c.FirstName
	}
	if c.LastName != "" {
		v["lastname"] = c.LastName
	}
	if c.Phone != "" {
		v["telephone1"] = c.Phone
	}
	if accountID != "" {
		v["parentcustomerid"] = Ref{Table: TableAccount, ID: accountID}
	}
	return v
}

// closingDateTime is the referral form of a date-only close date.
func closingDateTime(d string) string {
	if d == "" {
		return ""
	}
	return d + "T00:00:00Z"
}

package synctest

import (
	"fmt"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// CurrencyID is the transactioncurrencyid SeedCurrencies gives an ISO code.
func CurrencyID(code string) string { return "cur-" + strings.ToLower(code) }

// SeedCurrencies adds transactioncurrency rows for the ISO codes.
func (c *Cloud) SeedCurrencies(codes ...string) {
	for _, code := range codes {
		c.PutRow(sync.TableCurrency, CurrencyID(code), map[string]any{"isocurrencycode": code})
	}
}

// SeedSolutionDetail adds a Microsoft Solution Details catalogue row.
func (c *Cloud) SeedSolutionDetail(identifier, name string) string {
	id := "det-" + strings.ToLower(identifier)
	c.PutRow(sync.TableSolutionDetail, id, map[string]any{sync.ColDetailIdentifier: identifier, sync.ColDetailName: name,
		sync.ColDetailType: "3P", sync.ColDetailPublisher: "Northwind Consulting"})
	return id
}

// CoSellReferral is a valid incoming co-sell referral (Active/Accepted,
// shared, help requested, one contact, one solution) named n.
func CoSellReferral(id string, n int) sync.Referral {
	return sync.Referral{
		ID: id, EngagementID: "eng-" + id, Name: fmt.Sprintf("Customer %d - Azure migration", n),
		Status: "Active", Substatus: "Accepted", Type: "Shared", Direction: "Incoming", Qualification: "SalesQualified",
		Customer: sync.Customer{Name: fmt.Sprintf("Customer %d Ltd", n), AddressLine1: "1 Main St", City: "Seattle", State: "WA",
			PostalCode: fmt.Sprintf("98%03d", n%1000), Country: "US"},
		Contacts:  []sync.Contact{{FirstName: "Ann", LastName: fmt.Sprintf("Buyer%d", n), Email: fmt.Sprintf("ann%d@customer%d.example", n, n)}},
		DealValue: float64(1000 * (n + 1)), Currency: "USD", CloseDate: "2027-03-31", Notes: "From Partner Center",
		Solutions:           []sync.Solution{{ID: "SOL-1", Name: "Northwind Accelerator", Type: "Name"}},
		HelpCode:            "CustomerTechnicalArchitecture",
		SharedWithMicrosoft: true,
	}
}

// Opportunity describes a flagged opportunity SeedOpportunity creates with
// its account, contact and solution rows.
type Opportunity struct {
	ID, Name, Currency, CloseDate, Notes string
	Value                                float64
	Company, PostalCode, Country         string
	Email                                string
	Help                                 int // 0: none
	Visible                              bool
	Solutions                            []string // catalogue identifiers
	Extra                                map[string]any
}

// SeedOpportunity stores the opportunity, its account, contact and
// solution rows, flagged "Sync with Partner Center".
func (c *Cloud) SeedOpportunity(o Opportunity) {
	acc, con := "acc-"+o.ID, "con-"+o.ID
	c.PutRow(sync.TableAccount, acc, map[string]any{"name": o.Company, "address1_postalcode": o.PostalCode,
		"address1_country": o.Country, "address1_city": "Seattle"})
	if o.Email != "" {
		c.PutRow(sync.TableContact, con, map[string]any{"firstname": "Sam", "lastname": "Rivera", "emailaddress1": o.Email,
			"parentcustomerid": sync.Ref{Table: sync.TableAccount, ID: acc}})
	}
	v := map[string]any{"name": o.Name, "estimatedvalue": o.Value, "estimatedclosedate": o.CloseDate, "description": o.Notes,
		"statecode": 0, "statuscode": 1, sync.ColSync: true, sync.ColVisible: o.Visible,
		"parentaccountid": sync.Ref{Table: sync.TableAccount, ID: acc}}
	if o.Currency != "" {
		v["transactioncurrencyid"] = sync.Ref{Table: sync.TableCurrency, ID: CurrencyID(o.Currency)}
	}
	if o.Email != "" {
		v["parentcontactid"] = sync.Ref{Table: sync.TableContact, ID: con}
	}
	if o.Help != 0 {
		v[sync.ColHelp] = o.Help
	}
	for k, x := range o.Extra {
		v[k] = x
	}
	c.PutRow(sync.TableOpportunity, o.ID, v)
	for i, s := range o.Solutions {
		c.PutRow(sync.TableSolution, fmt.Sprintf("sol-%s-%d", o.ID, i), map[string]any{sync.ColSolutionName: s,
			sync.ColSolutionOpportunity: sync.Ref{Table: sync.TableOpportunity, ID: o.ID},
			sync.ColSolutionDetail:      sync.Ref{Table: sync.TableSolutionDetail, ID: "det-" + strings.ToLower(s)}})
	}
}

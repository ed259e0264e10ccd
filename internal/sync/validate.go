package sync

import (
	"fmt"
	"strings"
)

// iso3166Alpha2 holds the 249 officially assigned ISO 3166-1 alpha-2 codes
// (Debian iso-codes 4.15.0). The emulator keeps its own copy on purpose: it
// must not share code with the clients it checks.
var iso3166Alpha2 = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(`
	AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE
	BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD
	CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
	DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF
	GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU
	ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
	KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME
	MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA
	NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
	PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI
	SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK
	TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
	VN VU WF WS YE YT ZA ZM ZW`) {
		m[c] = true
	}
	return m
}()

// The reasons a record is invalid (cosell-connector.md §4.2, §5). Each
// says what is wrong and how to fix it; the audit line and `failures` carry it.
func reasonCountry(country, column string) string {
	if strings.TrimSpace(country) == "" {
		return fmt.Sprintf("the customer account has no country: put the ISO 3166 alpha-2 code (e.g. US) in the account's %s column", column)
	}
	return fmt.Sprintf("country %q is not an ISO 3166 alpha-2 code: put a 2-letter code (e.g. US) in the account's %s column", country, column)
}

const (
	reasonNoSolution     = "no solution: sharing with Microsoft sellers needs at least one Microsoft Partner Center Solutions row on the opportunity"
	reasonNoContact      = "no customer contact: a co-sell (How can Microsoft help? set) needs a contact with an email on the opportunity"
	reasonNoDealValue    = "deal value is 0 or empty: set the opportunity's deal value"
	reasonNoName         = "the name is empty: give the opportunity a topic"
	reasonNoCurrency     = "no currency: set the opportunity's currency"
	reasonNoAccount      = "no customer account: set the opportunity's account (company name, postal code and ISO country)"
	reasonClosedUnshared = "the opportunity is closed (won or lost) and was never shared: a closed deal cannot be created as a referral"
	reasonVisibility     = "refused: visibility to Microsoft sellers cannot be reverted once visible; Referral Visibility was set back to Visible"
)

func reasonUnknownCurrency(code string) string {
	return fmt.Sprintf("currency %q has no transactioncurrency row in Dynamics 365: add the currency (ISO code %s) to the environment", code, code)
}

func reasonStatus(o *Opportunity, r *Referral) string {
	return fmt.Sprintf("status: the opportunity's status (statecode %d, statuscode %d) has no allowed transition from the referral's %s/%s", o.State, o.Status, r.Status, r.Substatus)
}

// validCountry reports whether c is an ISO 3166 alpha-2 code (upper case).
func validCountry(c string) bool { return iso3166Alpha2[c] }

// validateReferralDraft checks an opportunity about to become a referral
// (Dynamics → Partner Center create): every reason found, in a stable order.
func validateReferralDraft(o *Opportunity, s Settings) []string {
	var out []string
	if opportunityClosed(o) {
		return []string{reasonClosedUnshared}
	}
	if normText(stripMark(o.Name)) == "" {
		out = append(out, reasonNoName)
	}
	if o.Account == nil {
		out = append(out, reasonNoAccount)
	} else if !validCountry(o.Account.Country) {
		out = append(out, reasonCountry(o.Account.Country, s.CountryField))
	}
	out = append(out, validateShared(o)...)
	if normMoney(o.DealValue) == "" {
		out = append(out, reasonNoDealValue)
	}
	if o.CurrencyCode == "" {
		out = append(out, reasonNoCurrency)
	}
	return out
}

// validateShared checks the co-sell rules that apply whenever the
// opportunity is (or becomes) shared or co-sell.
func validateShared(o *Opportunity) []string {
	var out []string
	if (o.Visible || helpCodeOf(o.Help) != "") && len(o.Solutions) == 0 {
		out = append(out, reasonNoSolution)
	}
	if helpCodeOf(o.Help) != "" && (o.Contact == nil || normEmail(o.Contact.Email) == "") {
		out = append(out, reasonNoContact)
	}
	return out
}

// validateIncoming checks a referral about to become an opportunity or lead
// (Partner Center → Dynamics create).
func validateIncoming(r *Referral, currencies map[string]string, s Settings) []string {
	var out []string
	if c := normCode(r.Customer.Country); !validCountry(c) {
		out = append(out, reasonCountry(r.Customer.Country, s.CountryField))
	}
	if code := normCode(r.Currency); code != "" && s.currencyIsLookup() && currencies[code] == "" {
		out = append(out, reasonUnknownCurrency(code))
	}
	return out
}

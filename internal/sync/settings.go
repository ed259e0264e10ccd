package sync

import (
	"strings"
)

// The connector's environment variables (cosell-connector.md §3; the names
// past the UI's truncation are [infer], the same as the Salesforce set).
const (
	VarDealValueField = "msft_dealvaluefield"
	VarCountryField   = "msft_customeraccountcountrycode"
	VarCurrencyField  = "msft_dealcurrencycodefield"
	VarCheckMark      = "msft_displaycheckmarkinname"
	VarCoSellOnly     = "msft_synccosellopportunitiesonly"
)

// SettingsVariables lists the variables ParseSettings reads.
func SettingsVariables() []string {
	return []string{VarDealValueField, VarCountryField, VarCurrencyField, VarCheckMark, VarCoSellOnly}
}

// Defaults of the settings when a variable is absent or empty.
const (
	DefaultDealValueField = "estimatedvalue"
	DefaultCountryField   = "address1_country"
	DefaultCurrencyField  = "transactioncurrencyid"
)

// ParseSettings turns the variables' effective values into Settings. Absent
// or empty values take the defaults (deal value estimatedvalue, country
// address1_country, currency transactioncurrencyid, check mark Yes, co-sell
// only No). Field names are logical names, compared lower-case. Yes/No
// variables accept yes/no/true/false/1/0 in any case; anything else is the
// default.
func ParseSettings(vars map[string]string) Settings {
	field := func(name, def string) string {
		if v := strings.ToLower(strings.TrimSpace(vars[name])); v != "" {
			return v
		}
		return def
	}
	flag := func(name string, def bool) bool {
		switch strings.ToLower(strings.TrimSpace(vars[name])) {
		case "yes", "true", "1":
			return true
		case "no", "false", "0":
			return false
		}
		return def
	}
	return Settings{
		DealValueField: field(VarDealValueField, DefaultDealValueField),
		CountryField:   field(VarCountryField, DefaultCountryField),
		CurrencyField:  field(VarCurrencyField, DefaultCurrencyField),
		CheckMark:      flag(VarCheckMark, true),
		CoSellOnly:     flag(VarCoSellOnly, false),
	}
}

// currencyIsLookup reports whether the currency goes to the
// transactioncurrencyid lookup (bound by ISO code) rather than a text column.
func (s Settings) currencyIsLookup() bool { return s.CurrencyField == DefaultCurrencyField }

package validate

import (
	"strings"
	"testing"
)

func TestCheckSchemaName(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // substring of the message; "" = valid
	}{
		{"contoso_ReferralId", ""},
		{"msft_microsoftpartnercenterreferralsync", ""},
		{"ab_X", ""},
		{"ReferralId", "no publisher prefix"},
		{"a_Name", "2 to 8"},
		{"toolongprefix_Name", "2 to 8"},
		{"1abc_Name", "starts with a letter"},
		{"contoso_Referral-Id", "only letters, digits and underscores"},
		{"mscrm_Name", "reserved prefix"},
		{"Contoso_Name", `write "contoso_Name"`},
		{"contoso_" + strings.Repeat("x", 50), "at most 50"},
	} {
		got := CheckSchemaName(tc.in, 50)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("CheckSchemaName(%q) = %q, want message containing %q", tc.in, got, tc.want)
		}
	}
}

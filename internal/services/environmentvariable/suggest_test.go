package environmentvariable

import (
	"reflect"
	"testing"
)

// The six variables the co-sell connector installs, plus unrelated ones.
var orgNames = []string{
	"msft_dealvaluefield", "msft_customeraccountcountrycode", "msft_dealcurrencycodefield",
	"msft_displaycheckmarkinname", "msft_synccosellopportunitiesonly", "msft_autohealrunscheduler",
	"contoso_ApiBaseUrl", "contoso_RetryCount", "fabrikam_FeatureFlags",
}

func TestClosestNames(t *testing.T) {
	for _, tc := range []struct {
		target string
		limit  int
		want   []string
	}{
		// A transposition is two edits; the other msft_ names follow by distance.
		{"msft_dealvaluefeild", 3, []string{"msft_dealvaluefield", "msft_dealcurrencycodefield", "msft_autohealrunscheduler"}},
		// Case does not matter; the exact name (other case) ranks first.
		{"MSFT_DisplayCheckMarkInName", 1, []string{"msft_displaycheckmarkinname"}},
		// A truncated name (as the maker portal shows it) finds the full one.
		{"msft_synccosellopportu", 1, []string{"msft_synccosellopportunitiesonly"}},
		// Another publisher's names only when close.
		{"contoso_RetryCounts", 5, []string{"contoso_RetryCount", "contoso_ApiBaseUrl"}},
		// Nothing related.
		{"zz_x", 5, []string{}},
	} {
		if got := closestNames(tc.target, orgNames, tc.limit); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("closestNames(%q, %d) = %q, want %q", tc.target, tc.limit, got, tc.want)
		}
	}
}

func TestClosestNamesTieBreaks(t *testing.T) {
	// Equal distance: the longer shared prefix wins, then alphabetical order;
	// duplicates (by case) are listed once.
	got := closestNames("pfx_abcd", []string{"pfx_abzz", "pfx_zzcd", "pfx_abyy", "PFX_ABZZ"}, 5)
	if want := []string{"pfx_abyy", "pfx_abzz", "pfx_zzcd"}; !reflect.DeepEqual(got, want) {
		t.Errorf("got %q, want %q", got, want)
	}
}

func TestEditDistance(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"field", "feild", 2}, {"ü", "u", 1}} {
		if got := editDistance([]rune(tc.a), []rune(tc.b)); got != tc.want {
			t.Errorf("editDistance(%q, %q) = %d, want %d", tc.a, tc.b, got, tc.want)
		}
	}
}

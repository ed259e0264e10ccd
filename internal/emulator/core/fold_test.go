package core

import (
	"strings"
	"testing"
)

func TestCompareFoldIsCompareOfLowerCase(t *testing.T) {
	words := []string{"", "a", "A", "ab", "aB", "Ab", "abc", "b", "B", "Zeta", "zeta", "Ärger", "ärger", "Ω", "ω", "a-1", "A_1", "[", "@", "`"}
	for _, a := range words {
		for _, b := range words {
			if got, want := CompareFold(a, b), strings.Compare(strings.ToLower(a), strings.ToLower(b)); got != want {
				t.Errorf("CompareFold(%q, %q) = %d, want %d", a, b, got, want)
			}
		}
	}
}

package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The token rule is written once: the authentication guide prints the table
// Token follows.
func TestAuthenticationGuideStatesTheTokenRule(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "templates", "guides", "authentication.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), TokenRulesMarkdown()) {
		t.Errorf("templates/guides/authentication.md.tmpl does not contain the token rule table:\n%s", TokenRulesMarkdown())
	}
}

func TestTokenRuleDecisions(t *testing.T) {
	for _, tc := range []struct {
		api             API
		hasApp, hasUser bool
		want            tokenKind
	}{
		{APIReferrals, true, true, useUser},
		{APIReferrals, true, false, useUser},
		{APIWebhooks, true, true, useApp},
		{APIWebhooks, false, true, useUser},
		{APIWebhooks, false, false, useApp},
		{APIDataverse, true, true, useApp},
		{APIDataverse, false, true, useApp},
		{APIPowerPlatform, true, true, useApp},
		{APIPowerPlatform, false, true, useApp},
	} {
		if got := RuleFor(tc.api).decide(tc.hasApp, tc.hasUser); got != tc.want {
			t.Errorf("%s app=%v user=%v: got %v, want %v", tc.api, tc.hasApp, tc.hasUser, got, tc.want)
		}
	}
}

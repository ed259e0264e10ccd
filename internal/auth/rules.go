package auth

import (
	"fmt"
	"strings"
)

// API names an API the provider calls; each has its own token rule.
type API string

// The APIs the provider calls.
const (
	APIReferrals     API = "referrals"
	APIWebhooks      API = "webhooks"
	APIDataverse     API = "dataverse"
	APIPowerPlatform API = "powerplatform"
)

// TokenRule says which token an API gets. It is the one statement of the
// rule: Token follows it, the provider docs print it (TokenRulesMarkdown).
type TokenRule struct {
	API  API
	Name string // as the docs call the API
	// UserOnly: the API accepts App+User tokens only; app credentials are
	// never used for it.
	UserOnly bool
	// UserFallback: with no application credential configured, a user token
	// is used instead. Only where the reference documents that the API
	// accepts App+User tokens. With an application credential configured the
	// app token is always used, so a broken user credential cannot stop it.
	UserFallback bool
	// AudienceAttr is the provider setting that holds the API's token
	// audience, for error messages.
	AudienceAttr string
	// Source is where the reference says which tokens the API accepts.
	Source string
}

// TokenRules is the token rule, one line per API.
var TokenRules = []TokenRule{
	{API: APIReferrals, Name: "Partner Center Referrals", UserOnly: true, AudienceAttr: "referrals_audience",
		Source: `partner-center-api.md §1.1: "This API currently supports only user access" (App+User only)`},
	{API: APIWebhooks, Name: "Partner Center Webhooks", UserFallback: true, AudienceAttr: "webhooks_audience",
		Source: `partner-center-api.md §3.1: "supports both standalone App and App+User credentials"`},
	{API: APIDataverse, Name: "Dataverse", AudienceAttr: "dataverse_url",
		Source: "dataverse-api.md §1.1: client-credentials scope {org-url}/.default; the app must be an application user in the environment"},
	{API: APIPowerPlatform, Name: "Power Platform", AudienceAttr: "power_platform_audience",
		Source: "dataverse-api.md §6.3A: scope https://api.powerplatform.com/.default with the provider's service principal"},
}

// RuleFor returns the rule of api (the strictest, user-only, if unknown).
func RuleFor(api API) TokenRule {
	for _, r := range TokenRules {
		if r.API == api {
			return r
		}
	}
	return TokenRule{API: api, Name: string(api), UserOnly: true}
}

// tokenKind is what Token decides for an API under a configuration.
type tokenKind int

const (
	useApp tokenKind = iota
	useUser
)

// decide applies the rule: user-only APIs get a user token; the others the
// app token whenever an application credential is configured, else a user
// token only where the rule allows a fallback, else the app path (whose
// error names the application credentials to set).
func (r TokenRule) decide(hasApp, hasUser bool) tokenKind {
	switch {
	case r.UserOnly:
		return useUser
	case hasApp:
		return useApp
	case r.UserFallback && hasUser:
		return useUser
	}
	return useApp
}

// TokenRulesMarkdown renders the rule as a Markdown table for the docs.
func TokenRulesMarkdown() string {
	var b strings.Builder
	b.WriteString("| API | token |\n|---|---|\n")
	for _, r := range TokenRules {
		var what string
		switch {
		case r.UserOnly:
			what = "App+User only (`refresh_token`, or `username`/`password`)"
		case r.UserFallback:
			what = "the app credential whenever one is configured; a user token only when no app credential is configured"
		default:
			what = "the app credential only; user credentials are never used"
		}
		fmt.Fprintf(&b, "| %s | %s |\n", r.Name, what)
	}
	return b.String()
}

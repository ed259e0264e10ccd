package partnercenter

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"
)

// validateReferral checks the fields the emulator knows about (required
// fields, enums, ISO codes, numbers, dates) on a whole document and returns
// one message per problem, in a stable order. It also normalises a numeric
// string dealValue to a JSON number (the PATCH docs send "10000").
func validateReferral(doc map[string]any) []string {
	var errs []string
	add := func(format string, a ...any) { errs = append(errs, fmt.Sprintf(format, a...)) }

	requireString(doc, "name", "name", add)
	if t, ok := requireString(doc, "type", "type", add); ok && !referralTypes[t] {
		add("type '%s' is not valid; allowed: %s", t, keys(referralTypes))
	}
	if q, present := optString(doc, "qualification", "qualification", add); present && !referralQualifications[q] {
		add("qualification '%s' is not valid; allowed: %s", q, keys(referralQualifications))
	}
	optString(doc, "externalReferenceId", "externalReferenceId", add)
	optString(doc, "statusReason", "statusReason", add)

	if cp, ok := requireObject(doc, "customerProfile", "customerProfile", add); ok {
		requireString(cp, "name", "customerProfile.name", add)
		if addr, ok := requireObject(cp, "address", "customerProfile.address", add); ok {
			if c, ok := requireString(addr, "country", "customerProfile.address.country", add); ok && !iso3166Alpha2[c] {
				add("customerProfile.address.country '%s' is not an ISO 3166-1 alpha-2 country code (e.g. US, DE, GB)", c)
			}
		}
		checkMembers(cp, "team", "customerProfile.team", add)
	}
	requireObject(doc, "consent", "consent", add)
	if d, ok := requireObject(doc, "details", "details", add); ok {
		if v, present := d["dealValue"]; present && v != nil {
			f, ok := numberOf(v)
			switch {
			case !ok:
				add("details.dealValue must be a number")
			case f < 0:
				add("details.dealValue must be greater than or equal to 0")
			default:
				if s, isStr := v.(string); isStr {
					d["dealValue"] = json.Number(strings.TrimSpace(s))
				}
			}
		}
		if c, present := optString(d, "currency", "details.currency", add); present && !iso4217[c] {
			add("details.currency '%s' is not an ISO 4217 currency code (e.g. USD, EUR, GBP)", c)
		}
		optDateTime(d, "closingDateTime", "details.closingDateTime", add)
		if req, ok := optObject(d, "requirements", "details.requirements", add); ok {
			for i, sol := range optArray(req, "solutions", "details.requirements.solutions", add) {
				m, ok := sol.(map[string]any)
				if !ok {
					add("details.requirements.solutions[%d] must be an object", i)
					continue
				}
				if t, present := optString(m, "type", fmt.Sprintf("details.requirements.solutions[%d].type", i), add); present && !solutionTagTypes[t] {
					add("details.requirements.solutions[%d].type '%s' is not valid; allowed: %s", i, t, keys(solutionTagTypes))
				}
			}
		}
	}
	checkMembers(doc, "team", "team", add)
	for i, tg := range optArray(doc, "target", "target", add) {
		m, ok := tg.(map[string]any)
		if !ok {
			add("target[%d] must be an object", i)
			continue
		}
		if t, present := optString(m, "type", fmt.Sprintf("target[%d].type", i), add); present && !targetTypes[t] {
			add("target[%d].type '%s' is not valid; allowed: %s", i, t, keys(targetTypes))
		}
	}
	if ic, ok := optObject(doc, "inviteContext", "inviteContext", add); ok {
		if c, present := optString(ic, "assistanceRequestCode", "inviteContext.assistanceRequestCode", add); present && !assistanceRequestCodes[c] {
			add("inviteContext.assistanceRequestCode '%s' is not valid; allowed: %s", c, keys(assistanceRequestCodes))
		}
	}
	if s, present := optString(doc, "status", "status", add); present && !referralStatuses[s] {
		add("status '%s' is not valid; allowed: %s", s, keys(referralStatuses))
	}
	optString(doc, "substatus", "substatus", add)
	return errs
}

// validateNewStatus applies the create rule: no status, or one of the pairs a
// new referral may start in.
func validateNewStatus(doc map[string]any) error {
	st, _ := doc["status"].(string)
	sub, _ := doc["substatus"].(string)
	if doc["status"] == nil && doc["substatus"] == nil {
		return nil
	}
	switch st + "/" + sub {
	case "New/Pending", "New/Received", "Active/Accepted":
		return nil
	}
	return fmt.Errorf("a new referral must have status/substatus New/Pending, New/Received or Active/Accepted, not %s/%s", orNone(st), orNone(sub))
}

// validateTransition enforces the documented lifecycle table (§1.7) between
// the stored referral and the proposed one.
func validateTransition(old, cur map[string]any) error {
	oldSt, _ := old["status"].(string)
	st, _ := cur["status"].(string)
	sub, _ := cur["substatus"].(string)
	if allowed, ok := statusTransitions[oldSt]; ok && !allowed[st] {
		return fmt.Errorf("invalid status transition from '%s' to '%s'; allowed next status: %s", oldSt, orNone(st), keys(allowed))
	}
	subs, ok := statusSubstatuses[st]
	if !ok {
		return fmt.Errorf("status '%s' cannot be set; use New, Active or Closed", orNone(st))
	}
	if !subs[sub] {
		return fmt.Errorf("substatus '%s' is not allowed with status '%s'; allowed: %s", orNone(sub), st, keys(subs))
	}
	return nil
}

// isTerminal reports a closed referral: Won, Lost, Declined and Expired are final.
func isTerminal(doc map[string]any) bool {
	st, _ := doc["status"].(string)
	return st == "Closed"
}

// sharedWithMicrosoft reads consent.consentToShareReferralWithMicrosoftSellers.
func sharedWithMicrosoft(doc map[string]any) bool {
	c, _ := doc["consent"].(map[string]any)
	b, _ := c["consentToShareReferralWithMicrosoftSellers"].(bool)
	return b
}

// stampLifecycleDates sets acceptedDateTime/closedDateTime on entering Active/Closed.
func stampLifecycleDates(old, cur map[string]any, now string) {
	oldSt, _ := old["status"].(string)
	st, _ := cur["status"].(string)
	if st == oldSt {
		return
	}
	field := map[string]string{"Active": "acceptedDateTime", "Closed": "closedDateTime"}[st]
	if field != "" && cur[field] == nil {
		cur[field] = now
	}
}

var guidRE = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

func requireString(m map[string]any, key, name string, add func(string, ...any)) (string, bool) {
	v, present := m[key]
	if !present || v == nil {
		add("%s is required", name)
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		add("%s must be a string", name)
		return "", false
	}
	if strings.TrimSpace(s) == "" {
		add("%s is required", name)
		return "", false
	}
	return s, true
}

// optString returns the string when present and non-null; a non-string is an error.
func optString(m map[string]any, key, name string, add func(string, ...any)) (string, bool) {
	v, present := m[key]
	if !present || v == nil {
		return "", false
	}
	s, ok := v.(string)
	if !ok {
		add("%s must be a string", name)
		return "", false
	}
	return s, true
}

func requireObject(m map[string]any, key, name string, add func(string, ...any)) (map[string]any, bool) {
	v, present := m[key]
	if !present || v == nil {
		add("%s is required", name)
		return nil, false
	}
	o, ok := v.(map[string]any)
	if !ok {
		add("%s must be an object", name)
	}
	return o, ok
}

func optObject(m map[string]any, key, name string, add func(string, ...any)) (map[string]any, bool) {
	v, present := m[key]
	if !present || v == nil {
		return nil, false
	}
	o, ok := v.(map[string]any)
	if !ok {
		add("%s must be an object", name)
	}
	return o, ok
}

func optArray(m map[string]any, key, name string, add func(string, ...any)) []any {
	v, present := m[key]
	if !present || v == nil {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		add("%s must be an array", name)
	}
	return a
}

func optDateTime(m map[string]any, key, name string, add func(string, ...any)) {
	if s, present := optString(m, key, name, add); present {
		if _, err := time.Parse(time.RFC3339Nano, s); err != nil {
			add("%s '%s' is not an ISO-8601 date-time", name, s)
		}
	}
}

// checkMembers validates an array of Member objects (team lists).
func checkMembers(m map[string]any, key, name string, add func(string, ...any)) {
	for i, x := range optArray(m, key, name, add) {
		mem, ok := x.(map[string]any)
		if !ok {
			add("%s[%d] must be an object", name, i)
			continue
		}
		for _, f := range []string{"firstName", "lastName", "email", "phoneNumber", "title"} {
			optString(mem, f, fmt.Sprintf("%s[%d].%s", name, i, f), add)
		}
	}
}

func keys(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

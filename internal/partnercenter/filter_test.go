package partnercenter

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestQuoteString(t *testing.T) {
	for in, want := range map[string]string{
		"New":        "'New'",
		"O'Brien":    "'O''Brien'",
		"''":         "''''''",
		"":           "''",
		"a ' or 1=1": "'a '' or 1=1'",
	} {
		if got := QuoteString(in); got != want {
			t.Errorf("QuoteString(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestDateTimeLiteral(t *testing.T) {
	tm := time.Date(2026, 9, 20, 18, 45, 12, 987654321, time.FixedZone("CEST", 2*3600))
	if got := DateTimeLiteral(tm); got != "2026-09-20T16:45:12Z" {
		t.Errorf("got %s", got)
	}
}

func TestFilterBuilder(t *testing.T) {
	since := time.Date(2026, 9, 20, 16, 45, 12, 0, time.UTC)
	base := NewFilter().Status(StatusNew)
	a := base.Substatus(SubstatusPending, SubstatusReceived)
	b := base.Direction(DirectionIncoming).UpdatedSince(since).EngagementID("e'1")
	if got := a.String(); got != "status eq 'New' and (substatus eq 'Pending' or substatus eq 'Received')" {
		t.Errorf("a = %s", got)
	}
	if got := b.String(); got != "status eq 'New' and direction eq 'Incoming' and updatedDateTime ge 2026-09-20T16:45:12Z and engagementId eq 'e''1'" {
		t.Errorf("b = %s", got)
	}
	if base.String() != "status eq 'New'" {
		t.Errorf("builder mutated its receiver: %s", base.String())
	}
	if got := NewFilter().Status().UpdatedSince(time.Time{}).Raw(" ").String(); got != "" {
		t.Errorf("empty clauses should add nothing: %q", got)
	}
	if got := NewFilter().Eq("customerProfile/address/country", "US").Raw("type eq 'Shared' or type eq 'Independent'").String(); got != "customerProfile/address/country eq 'US' and (type eq 'Shared' or type eq 'Independent')" {
		t.Errorf("raw = %s", got)
	}
}

func TestTerminalSubstatus(t *testing.T) {
	for _, s := range []string{SubstatusWon, SubstatusLost, SubstatusDeclined, SubstatusExpired} {
		if !TerminalSubstatus(s) {
			t.Errorf("%s should be terminal", s)
		}
	}
	for _, s := range []string{SubstatusPending, SubstatusReceived, SubstatusAccepted, SubstatusNone} {
		if TerminalSubstatus(s) {
			t.Errorf("%s should not be terminal", s)
		}
	}
}

func TestEscapeQueryValueRoundTrips(t *testing.T) {
	in := "name eq 'a&b=c+d;e#f%g?h' and updatedDateTime ge 2026-01-02T03:04:05Z ✔"
	var q queryBuilder
	q.add("$filter", in)
	raw := q.String()
	if strings.ContainsAny(raw[len("$filter="):], " &=+;#?") {
		t.Errorf("unsafe characters left in %s", raw)
	}
	parsed, err := url.ParseQuery(raw)
	if err != nil || parsed.Get("$filter") != in {
		t.Errorf("round trip: %q %v", parsed.Get("$filter"), err)
	}
}

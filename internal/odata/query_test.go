package odata

import (
	"net/url"
	"strings"
	"testing"
)

func TestQueryOrderAndEmptyValues(t *testing.T) {
	var q Query
	q.Add("$select", "id,status")
	q.Add("$filter", "")
	q.Add("$filter", "status eq 'New'")
	q.Add("$top", "10")
	if got, want := q.String(), "$select=id,status&$filter=status%20eq%20'New'&$top=10"; got != want {
		t.Errorf("got %s, want %s", got, want)
	}
	var empty Query
	if empty.String() != "" {
		t.Errorf("empty query = %q", empty.String())
	}
}

func TestEscapeQueryValue(t *testing.T) {
	for in, want := range map[string]string{
		"a b":                      "a%20b",
		"a+b&c=d;e#f%g?h":          "a%2Bb%26c%3Dd%3Be%23f%25g%3Fh",
		"-._~,'()/:$*@!":           "-._~,'()/:$*@!",
		"x\"y":                     "x%22y",
		"✔":                        "%E2%9C%94",
		"AZaz09":                   "AZaz09",
		"Microsoft.Dynamics.CRM.x": "Microsoft.Dynamics.CRM.x",
	} {
		if got := EscapeQueryValue(in); got != want {
			t.Errorf("EscapeQueryValue(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestQueryRoundTrips(t *testing.T) {
	in := "name eq 'a&b=c+d;e#f%g?h' and x/y eq 1,2 ✔"
	var q Query
	q.Add("$filter", in)
	raw := q.String()
	if strings.ContainsAny(raw[len("$filter="):], " &=+;#?") {
		t.Errorf("unsafe characters left in %s", raw)
	}
	parsed, err := url.ParseQuery(raw)
	if err != nil || parsed.Get("$filter") != in {
		t.Errorf("round trip: %q %v", parsed.Get("$filter"), err)
	}
}

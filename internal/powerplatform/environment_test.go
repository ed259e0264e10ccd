package powerplatform

import (
	"context"
	"net/http"
	"testing"
)

func TestWithEnvironmentDerivedHost(t *testing.T) {
	c := New(http.DefaultClient, "", envID)
	other := c.WithEnvironment("11111111-2222-3333-4444-555555555566")
	if got, want := other.BaseURL(), "https://111111112222333344445555555555.66.environment.api.powerplatform.com"; got != want {
		t.Errorf("base %s, want %s", got, want)
	}
	if other.EnvironmentID() != "11111111-2222-3333-4444-555555555566" || c.EnvironmentID() != envID {
		t.Errorf("environments: %s / %s", other.EnvironmentID(), c.EnvironmentID())
	}
	if c.WithEnvironment(envID) != c {
		t.Error("the same environment should return the same client")
	}
}

func TestWithEnvironmentExplicitBaseSendsOtherFilter(t *testing.T) {
	const other = "11111111-2222-3333-4444-555555555566"
	s := newServer(t, reply(http.StatusOK, `{"name":"abc","properties":{"displayName":"x"}}`))
	c := New(s.Client(), s.URL, envID).WithEnvironment(other)
	if c.BaseURL() != s.URL {
		t.Fatalf("explicit base changed: %s", c.BaseURL())
	}
	if _, err := c.Get(context.Background(), APIDataverse, "abc"); err != nil {
		t.Fatal(err)
	}
	if got := s.req(t, 0).Query["$filter"]; len(got) != 1 || got[0] != "environment eq '"+other+"'" {
		t.Errorf("filter %v", got)
	}
}

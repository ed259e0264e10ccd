package partnercenter

import "testing"

func TestReferralAccessorsAndSet(t *testing.T) {
	r := MustParseReferral(`{"id":"x","details":{"dealValue":"12.5"},"customerProfile":{"address":{"country":"GB"}}}`)
	if v, ok := r.DealValue(); !ok || v != 12.5 || r.Country() != "GB" || r.ID() != "x" {
		t.Fatalf("accessors: %v %v %q", v, ok, r.Country())
	}
	for _, p := range []string{"/team/-", "/team/-", "/a~1b/c"} {
		if err := r.Set(p, map[string]string{"email": "e@x"}); err != nil {
			t.Fatalf("Set(%s): %v", p, err)
		}
	}
	team, _ := r.Get("/team")
	if n := len(team.([]any)); n != 2 {
		t.Errorf("team has %d members, want 2", n)
	}
	if r.String("/a~1b/c/email") != "e@x" {
		t.Error("escaped pointer not honoured")
	}
	c := r.Clone()
	_ = c.Set("/id", "y")
	if r.ID() != "x" {
		t.Error("Clone shares state")
	}
	if !r.Delete("/details/dealValue") || r.Delete("/details/dealValue") {
		t.Error("Delete should remove once")
	}
	if _, err := ParseReferral([]byte(`[1]`)); err == nil {
		t.Error("a JSON array is not a referral")
	}
}

package auth

import "testing"

func TestMemCacheSeedForgetAndLookup(t *testing.T) {
	m := &memCache{}
	if err := m.seed(seedAccountID, "login.example:443", "tenant", "Client-A", "rt-seed", ""); err != nil {
		t.Fatal(err)
	}
	// what MSAL adds after redeeming: the real account's rotated token
	c := m.load()
	c[sectionRefreshToken]["uid.utid-login.example:443-refreshtoken-client-a"] = map[string]any{
		"home_account_id": "uid.utid", "environment": "login.example:443", "credential_type": "RefreshToken",
		"client_id": "client-a", "secret": "rt-rotated",
	}
	if err := m.store(c); err != nil {
		t.Fatal(err)
	}
	if got := m.refreshToken(seedAccountID, "client-a"); got != "rt-seed" {
		t.Fatalf("seed token %q", got)
	}
	if got := m.otherAccount(seedAccountID, "CLIENT-A"); got != "uid.utid" {
		t.Fatalf("otherAccount %q", got)
	}
	if err := m.forget(seedAccountID); err != nil {
		t.Fatal(err)
	}
	c = m.load()
	if len(c[sectionAccount]) != 0 || len(c[sectionRefreshToken]) != 1 || len(c[sectionAppMetadata]) != 1 {
		t.Fatalf("after forget: %v", c)
	}
	if got := m.refreshToken("uid.utid", "client-a"); got != "rt-rotated" {
		t.Fatalf("rotated token %q", got)
	}
}

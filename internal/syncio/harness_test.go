package syncio

import (
	"net/http"
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

// bearer is a Doer that adds a fixed token (the tests mint tokens from the
// emulator's Entra; the provider's transport does the real thing).
type bearer struct {
	c     *http.Client
	token string
}

func (b bearer) Do(r *http.Request) (*http.Response, error) {
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.c.Do(r)
}

// testEnv is an emulator (default scenario: the connector installed, a
// seeded partner) with both ports over it.
type testEnv struct {
	emu *emulator.Emulator
	pc  *PartnerCenter
	dyn *Dynamics
	rc  *partnercenter.ReferralsClient
	dv  *dataverse.Client
}

func newTestEnv(t testing.TB, sc *emulator.Scenario) *testEnv {
	t.Helper()
	opts := emulator.Options{Dir: t.TempDir(), Seed: 1}
	if sc != nil {
		opts.Scenario = sc
	}
	e, err := emulator.Start(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = e.Close() })
	ep := e.Endpoints()
	userTok, err := e.Entra().IssueUserToken(entra.DefaultClientID, entra.DefaultUsername, "https://api.partner.microsoft.com")
	if err != nil {
		t.Fatal(err)
	}
	appTok, err := e.Entra().IssueAppToken(entra.DefaultClientID, ep.DataverseURL)
	if err != nil {
		t.Fatal(err)
	}
	rc := partnercenter.NewReferralsClient(bearer{e.HTTPClient(), userTok}, ep.ReferralsURL)
	dv := dataverse.New(bearer{e.HTTPClient(), appTok}, ep.DataverseURL)
	return &testEnv{emu: e, pc: NewPartnerCenter(rc), dyn: NewDynamics(dv), rc: rc, dv: dv}
}

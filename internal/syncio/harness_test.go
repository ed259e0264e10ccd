package syncio

import (
	"testing"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/stacktest"
)

// testEnv is an emulator (default scenario: the connector installed, a
// seeded partner) with the provider's clients and both ports over it.
type testEnv struct {
	emu *emulator.Emulator
	pc  *PartnerCenter
	dyn *Dynamics
	rc  *partnercenter.ReferralsClient
	dv  *dataverse.Client
}

func newTestEnv(t testing.TB, sc *emulator.Scenario) *testEnv {
	t.Helper()
	s := stacktest.Start(t, emulator.Options{Seed: 1, Scenario: sc})
	return &testEnv{emu: s.Emu, pc: NewPartnerCenter(s.Referrals), dyn: NewDynamics(s.Dataverse), rc: s.Referrals, dv: s.Dataverse}
}

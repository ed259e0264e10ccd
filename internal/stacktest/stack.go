// Package stacktest starts the emulator with the provider's API client
// stack over it, for tests that drive the sync adapters or the engine end
// to end: transport (retries, Retry-After) → Partner Center Referrals and
// Dataverse clients, as cosell_sync builds them. Tokens are minted once from
// the emulator's Entra (the provider's MSAL path is tested elsewhere).
//
// It stops below internal/syncio, so that syncio's own tests can use it
// without an import cycle; callers wrap the clients in the syncio adapters
// and the engine themselves.
package stacktest

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// Stack is a running emulator and the clients over it.
type Stack struct {
	Emu       *emulator.Emulator
	Referrals *partnercenter.ReferralsClient
	Dataverse *dataverse.Client
	// Retries counts the attempts the transport made beyond the first.
	Retries atomic.Int64
}

// New starts an emulator with o and builds the clients over it; Close
// stops it.
func New(o emulator.Options) (*Stack, error) {
	emu, err := emulator.Start(o)
	if err != nil {
		return nil, err
	}
	ep := emu.Endpoints()
	userTok, err := emu.Entra().IssueUserToken(entra.DefaultClientID, entra.DefaultUsername, "https://api.partner.microsoft.com")
	if err != nil {
		emu.Close()
		return nil, err
	}
	appTok, err := emu.Entra().IssueAppToken(entra.DefaultClientID, ep.DataverseURL)
	if err != nil {
		emu.Close()
		return nil, err
	}
	s := &Stack{Emu: emu}
	s.Referrals = partnercenter.NewReferralsClient(s.transport("referrals", userTok), ep.ReferralsURL, partnercenter.Options{MarkRetrySafe: transport.MarkRetrySafe})
	s.Dataverse = dataverse.New(s.transport("dataverse", appTok), ep.DataverseURL, dataverse.Options{MarkRetrySafe: transport.MarkRetrySafe})
	return s, nil
}

// Start is New for a test: the emulator's files go to a temporary
// directory unless o.Dir is set, a failure ends the test, and the emulator
// stops when the test ends.
func Start(t testing.TB, o emulator.Options) *Stack {
	t.Helper()
	if o.Dir == "" {
		o.Dir = t.TempDir()
	}
	s, err := New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

// Close stops the emulator.
func (s *Stack) Close() error { return s.Emu.Close() }

// transport is the provider's HTTP stack with a fixed token and short
// backoffs (the emulator answers in milliseconds); every wait is counted.
func (s *Stack) transport(service, tok string) *transport.Client {
	return transport.New(transport.Options{
		Service: service, HTTPClient: s.Emu.HTTPClient(), MinBackoff: 50 * time.Millisecond, MaxBackoff: 2 * time.Second, MaxRetries: 8,
		Token: func(context.Context) (string, error) { return tok, nil },
		Sleep: func(ctx context.Context, d time.Duration) error {
			s.Retries.Add(1)
			t := time.NewTimer(d)
			defer t.Stop()
			select {
			case <-t.C:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	})
}

package syncio

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"testing"
	"time"

	emudv "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

func listIDs(t *testing.T, p *PartnerCenter, q engine.ReferralQuery) []string {
	t.Helper()
	var ids []string
	if err := p.ListReferrals(context.Background(), q, func(page []engine.Referral) error {
		for _, r := range page {
			ids = append(ids, r.ID)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(ids)
	return ids
}

const (
	refTailspin   = "7d0f5b8e-1a2b-4c3d-9e8f-112233445566"
	refAdatum     = "c4d5e6f7-0819-4a2b-8c3d-4e5f60718293"
	refFabrikamUK = "2f6a9c1e-3b4d-4e5f-8a7b-9c0d1e2f3a4b"
	refFabrikamMS = "61d2e3f4-a5b6-4c7d-8e9f-0a1b2c3d4e5f" // Microsoft's related referral of the Fabrikam UK engagement
)

func TestListReferralsByKeysStatusesAndSinceWithSelect(t *testing.T) {
	env := newTestEnv(t, nil)
	if got := listIDs(t, env.pc, engine.ReferralQuery{}); len(got) != 7 {
		t.Fatalf("all referrals: %v", got)
	}
	if got := listIDs(t, env.pc, engine.ReferralQuery{IDs: []string{refTailspin, refAdatum, refTailspin, ""}}); !slices.Equal(got, []string{refTailspin, refAdatum}) {
		t.Errorf("by id: %v", got)
	}
	if got := listIDs(t, env.pc, engine.ReferralQuery{ExternalReferenceIDs: []string{emudv.OpportunityFabrikamUK}}); !slices.Equal(got, []string{refFabrikamUK}) {
		t.Errorf("by externalReferenceId: %v", got)
	}
	if got := listIDs(t, env.pc, engine.ReferralQuery{EngagementIDs: []string{"5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716"}}); !slices.Equal(got, []string{refFabrikamUK, refFabrikamMS}) {
		t.Errorf("by engagement (related referrals): %v", got)
	}
	if got := listIDs(t, env.pc, engine.ReferralQuery{Statuses: []string{"New"}, UpdatedSince: time.Date(2026, 10, 3, 0, 0, 0, 0, time.UTC)}); len(got) != 1 {
		t.Errorf("New since 3 Oct: %v", got)
	}
	// 60 ids → 3 chunked list calls, each with $select.
	many := []string{refTailspin}
	for i := range 59 {
		many = append(many, fmt.Sprintf("00000000-0000-4000-8000-%012d", i))
	}
	env.emu.Metrics().Reset()
	if got := listIDs(t, env.pc, engine.ReferralQuery{IDs: many}); !slices.Equal(got, []string{refTailspin}) {
		t.Errorf("chunked: %v", got)
	}
	if n := env.emu.Metrics().Total("referrals", ""); n != 2 {
		t.Errorf("60 ids took %d calls, want 2 (chunks of %d)", n, keyChunk)
	}
	// The same ids known to come from a listing of 7 referrals: listing
	// again is one call, and only the ids asked for come back.
	env.emu.Metrics().Reset()
	var listed []time.Time
	for _, r := range listAll(t, env.pc) {
		listed = append(listed, r.UpdatedAt)
	}
	if got := listIDs(t, env.pc, engine.ReferralQuery{IDs: many, Listed: listed}); !slices.Equal(got, []string{refTailspin}) {
		t.Errorf("within a listing: %v", got)
	}
	if n := env.emu.Metrics().Total("referrals", ""); n > keyParallelism+1 {
		t.Errorf("60 ids within a listing of 7 took %d calls, want at most %d (time ranges)", n, keyParallelism)
	}
	// Few ids within a long listing still go by key.
	env.emu.Metrics().Reset()
	if got := listIDs(t, env.pc, engine.ReferralQuery{IDs: []string{refAdatum}, Listed: make([]time.Time, 5000)}); !slices.Equal(got, []string{refAdatum}) {
		t.Errorf("by key within a long listing: %v", got)
	}
	if n := env.emu.Metrics().Total("referrals", ""); n != 1 {
		t.Errorf("1 id took %d calls, want 1", n)
	}
}

func listAll(t *testing.T, p *PartnerCenter) []engine.Referral {
	t.Helper()
	var all []engine.Referral
	if err := p.ListReferrals(context.Background(), engine.ReferralQuery{}, func(page []engine.Referral) error {
		all = append(all, page...)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return all
}

// The time ranges of a re-listing cover the listing once: every referral
// in exactly one range, whatever the spread of the times.
func TestTimeRangesPartitionTheListing(t *testing.T) {
	env := newTestEnv(t, nil)
	all := listAll(t, env.pc)
	var times []time.Time
	for _, r := range all {
		times = append(times, r.UpdatedAt)
	}
	for k := 1; k <= 8; k++ {
		seen := map[string]int{}
		for _, f := range timeRanges(partnercenter.NewFilter(), times, k) {
			rs, err := env.pc.rc.List(context.Background(), partnercenter.ListOptions{Filter: f.String()})
			if err != nil {
				t.Fatalf("k=%d %s: %v", k, f, err)
			}
			for _, r := range rs {
				seen[r.ID]++
			}
		}
		for _, r := range all {
			if seen[r.ID] != 1 {
				t.Errorf("k=%d: referral %s listed %d times", k, r.ID, seen[r.ID])
			}
		}
	}
}

func TestReferralFieldsRead(t *testing.T) {
	env := newTestEnv(t, nil)
	r, err := env.pc.GetReferral(context.Background(), refFabrikamMS)
	if err != nil {
		t.Fatal(err)
	}
	want := engine.Referral{ID: refFabrikamMS, EngagementID: "5e4d3c2b-1a09-4f8e-9d7c-6b5a49382716", Status: "Active", Substatus: "Accepted",
		Type: "Shared", Direction: "Incoming", InvitedBy: "msft", HelpCode: "CustomerTechnicalArchitecture", SharedWithMicrosoft: true,
		MicrosoftMsxID: "7-FABUK0001", DealValue: 120000, Currency: "GBP", CloseDate: "2027-03-31"}
	if r.ID != want.ID || r.EngagementID != want.EngagementID || r.Status != want.Status || r.Substatus != want.Substatus ||
		r.Type != want.Type || r.Direction != want.Direction || r.InvitedBy != want.InvitedBy || r.HelpCode != want.HelpCode ||
		r.SharedWithMicrosoft != want.SharedWithMicrosoft || r.MicrosoftMsxID != want.MicrosoftMsxID || r.DealValue != want.DealValue ||
		r.Currency != want.Currency || r.CloseDate != want.CloseDate || r.ETag == "" || r.UpdatedAt.IsZero() {
		t.Errorf("got %+v", r)
	}
	if r.Customer.PostalCode != "E14 5AB" || r.Customer.Country != "GB" || len(r.Contacts) != 1 || r.Contacts[0].Email != "olivia.clarke@fabrikam.example" ||
		len(r.Solutions) != 1 || r.Solutions[0].ID != "SOL-40117-DAT" {
		t.Errorf("customer/contacts/solutions: %+v %+v %+v", r.Customer, r.Contacts, r.Solutions)
	}
	if _, err := env.pc.GetReferral(context.Background(), "00000000-0000-4000-8000-000000000999"); !errors.Is(err, engine.ErrNotFound) {
		t.Errorf("missing referral: %v, want ErrNotFound", err)
	}
}

func TestCreateReferralIsIdempotentPerRequestIDAndPatchHonoursIfMatch(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx := context.Background()
	draft := engine.Referral{Name: "Contoso Pharmaceuticals - Field Service modernization", ExternalReferenceID: emudv.OpportunityContoso,
		Customer:  engine.Customer{Name: "Contoso Pharmaceuticals", AddressLine1: "Leopoldstrasse 8", City: "Munich", PostalCode: "80802", Country: "DE"},
		Contacts:  []engine.Contact{{FirstName: "Lukas", LastName: "Meyer", Email: "lukas.meyer@contoso.example"}},
		DealValue: 120000, Currency: "EUR", CloseDate: "2027-03-31", Notes: "n",
		Solutions: []engine.Solution{{ID: "SOL-22010-XYZ", Name: "Northwind Sales Accelerator", Type: "Name"}},
		HelpCode:  "ProofOfConceptOrDemo", SharedWithMicrosoft: true}
	const rid = "6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"
	a, err := env.pc.CreateReferral(ctx, draft, rid)
	if err != nil {
		t.Fatal(err)
	}
	b, err := env.pc.CreateReferral(ctx, draft, rid)
	if err != nil || b.ID != a.ID {
		t.Fatalf("second create with the same request id: %v %v, want %s", b.ID, err, a.ID)
	}
	if a.ExternalReferenceID != emudv.OpportunityContoso || a.Type != "Shared" || a.HelpCode != "ProofOfConceptOrDemo" || !a.SharedWithMicrosoft ||
		a.DealValue != 120000 || a.CloseDate != "2027-03-31" || len(a.Solutions) != 1 || len(a.Contacts) != 1 {
		t.Errorf("created: %+v", a)
	}
	up, err := env.pc.PatchReferral(ctx, a.ID, b.ETag, []engine.FieldChange{{Op: engine.PatchReplace, Path: "/details/notes", Value: "changed"}})
	if err != nil || up.Notes != "changed" || up.ETag == b.ETag {
		t.Fatalf("patch: %+v %v", up, err)
	}
	_, err = env.pc.PatchReferral(ctx, a.ID, b.ETag, []engine.FieldChange{{Op: engine.PatchReplace, Path: "/details/notes", Value: "stale"}})
	if !errors.Is(err, engine.ErrConflict) {
		t.Errorf("stale ETag: %v, want ErrConflict", err)
	}
}

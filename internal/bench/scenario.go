// Package bench generates the scale scenarios of issue 7 and writes the
// benchmark results; the benchmarks themselves are its _test files.
//
// A scenario is N referral/opportunity records in the mix a partner's
// tenant has between two sync runs: most pairs in sync, some changed on one
// side or the other, some new on each side, a few invalid. It is built in
// two steps, because "in sync" is whatever the engine last wrote (the
// snapshot column is the engine's): LoadBase puts the referrals that are to
// be paired into Partner Center, a first sync pairs them, then ApplyChanges
// edits both sides as users would. Everything derives from (N, seed).
package bench

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
)

// Mix is the share of each kind of record (of N).
type Mix struct {
	InSync, ChangedPC, ChangedCRM, NewPC, NewCRM float64
	// InvalidPer is one invalid record per this many (at least 2).
	InvalidPer int
}

// DefaultMix is issue 7's: ≈70% paired in sync, 10% changed on the Partner
// Center side, 10% on the Dynamics side, 5% new on each side, a few invalid.
var DefaultMix = Mix{InSync: 0.70, ChangedPC: 0.10, ChangedCRM: 0.10, NewPC: 0.05, NewCRM: 0.05, InvalidPer: 1000}

// Scenario is one generated data set.
type Scenario struct {
	N    int
	Seed uint64
	// Paired are the referrals (ids) paired by the first sync; ChangedPC and
	// ChangedCRM index into it.
	Paired     []string
	ChangedPC  []int
	ChangedCRM []int
	NewPC      []string // referrals created in Partner Center after the first sync
	NewCRM     []string // opportunities flagged for sync in Dynamics after it
	Invalid    []string // flagged opportunities that can never sync (reasons below)

	refs map[string]partnercenter.Referral
	rnd  *rand.Rand
}

// Generate builds the scenario for n records with seed (same input, same
// scenario).
func Generate(n int, seed uint64, mix Mix) *Scenario {
	s := &Scenario{N: n, Seed: seed, refs: map[string]partnercenter.Referral{}, rnd: rand.New(rand.NewPCG(seed, uint64(n)))}
	count := func(f float64) int { return int(math.Round(f * float64(n))) }
	paired := count(mix.InSync) + count(mix.ChangedPC) + count(mix.ChangedCRM)
	for i := range paired {
		id := recordID("b0", seed, i)
		s.Paired = append(s.Paired, id)
		s.refs[id] = s.referral(id, i)
	}
	perm := s.rnd.Perm(paired)
	s.ChangedPC = perm[:count(mix.ChangedPC)]
	s.ChangedCRM = perm[count(mix.ChangedPC) : count(mix.ChangedPC)+count(mix.ChangedCRM)]
	for i := range count(mix.NewPC) {
		id := recordID("b1", seed, i)
		s.NewPC = append(s.NewPC, id)
		s.refs[id] = s.referral(id, paired+i)
	}
	for i := range count(mix.NewCRM) {
		s.NewCRM = append(s.NewCRM, recordID("b2", seed, i))
	}
	for i := range max(2, n/max(1, mix.InvalidPer)) {
		s.Invalid = append(s.Invalid, recordID("b3", seed, i))
	}
	return s
}

// recordID is a deterministic GUID: kind (2 hex digits), seed, index.
func recordID(kind string, seed uint64, i int) string {
	return fmt.Sprintf("%s%06x-0000-4000-8000-%012x", kind, seed&0xffffff, i)
}

var countries = []string{"US", "GB", "DE", "FR", "CA", "AU", "NL", "SE"}
var currencies = []string{"USD", "EUR", "GBP"}

// referral is an accepted incoming co-sell referral from Microsoft, shared
// with Microsoft sellers, with one contact and one catalogue solution (the
// shape of the emulator's seed, partner-center-api.md §1.5).
func (s *Scenario) referral(id string, i int) partnercenter.Referral {
	country := countries[s.rnd.IntN(len(countries))]
	currency := currencies[s.rnd.IntN(len(currencies))]
	return partnercenter.MustParseReferral(fmt.Sprintf(`{"id":%q,"engagementId":"eng-%s","name":"Scale Customer %d - Azure migration",
"status":"Active","substatus":"Accepted","type":"Shared","qualification":"SalesQualified","direction":"Incoming",
"customerProfile":{"name":"Scale Customer %d","address":{"addressLine1":"%d Main St","city":"Springfield","postalCode":"%05d","country":%q},
"team":[{"firstName":"Pat","lastName":"Buyer%d","email":"pat.buyer%d@scale%d.example"}]},
"consent":{"consentToShareReferralWithMicrosoftSellers":true,"consentToContact":true},
"details":{"notes":"Scale referral %d","dealValue":%d,"currency":%q,"closingDateTime":"2027-%02d-15T00:00:00Z",
"requirements":{"solutions":[{"id":"SOL-22010-XYZ","name":"Northwind Sales Accelerator","type":"Name"}]}},
"inviteContext":{"invitedBy":{"organizationId":"msft","organizationName":"Microsoft"},"assistanceRequestCode":"GeneralOrOther"},
"trackingInfo":{"microsoftMsxId":"7-SCALE%06d"}}`, id, id, i, i, i+1, 10000+i%90000, country, i, i, s.Seed, i,
		1000*(1+s.rnd.IntN(500)), currency, 1+s.rnd.IntN(12), i))
}

// LoadBase puts the referrals that the first sync pairs into the emulator.
func (s *Scenario) LoadBase(emu *emulator.Emulator) error {
	for _, id := range s.Paired {
		if _, err := emu.PartnerCenter().PutReferral(s.refs[id]); err != nil {
			return err
		}
	}
	return nil
}

// Edit names the change made to one record, for Verify.
type Edit struct {
	Field string // "notes" or "dealValue"
	Value any
}

// Edits is what ApplyChanges did, by record id.
type Edits struct {
	PC  map[string]Edit // referral id → edit made in Partner Center
	CRM map[string]Edit // referral id of the pair → edit made on its opportunity
}

// ApplyChanges edits the emulator as users would between two runs: changes
// on each side of paired records, new referrals, new flagged opportunities
// (with their account and contact) and invalid ones. opportunityOf maps a
// paired referral id to its opportunity id (read after the first sync).
func (s *Scenario) ApplyChanges(emu *emulator.Emulator, opportunityOf func(referralID string) (string, error)) (Edits, error) {
	ed := Edits{PC: map[string]Edit{}, CRM: map[string]Edit{}}
	for k, i := range s.ChangedPC {
		id := s.Paired[i]
		e := Edit{Field: "notes", Value: fmt.Sprintf("Updated by Microsoft seller (%d)", k)}
		if k%2 == 1 {
			e = Edit{Field: "dealValue", Value: float64(777000 + k)}
		}
		if _, ok := emu.PartnerCenter().UpdateReferral(id, func(r *partnercenter.Referral) { _ = r.Set("/details/"+e.Field, e.Value) }); !ok {
			return ed, fmt.Errorf("referral %s is missing", id)
		}
		ed.PC[id] = e
	}
	for k, i := range s.ChangedCRM {
		id := s.Paired[i]
		opp, err := opportunityOf(id)
		if err != nil {
			return ed, err
		}
		e, col := Edit{Field: "notes", Value: fmt.Sprintf("Updated by the account manager (%d)", k)}, "description"
		if k%2 == 1 {
			e, col = Edit{Field: "dealValue", Value: float64(888000 + k)}, "estimatedvalue"
		}
		if err := emu.Dataverse().PatchRecord("opportunities", opp, map[string]any{col: e.Value}); err != nil {
			return ed, fmt.Errorf("opportunity %s: %w", opp, err)
		}
		ed.CRM[id] = e
	}
	for _, id := range s.NewPC {
		if _, err := emu.PartnerCenter().PutReferral(s.refs[id]); err != nil {
			return ed, err
		}
	}
	for i, id := range s.NewCRM {
		if err := s.flaggedOpportunity(emu, id, i, "US", 25000+float64(i)); err != nil {
			return ed, err
		}
	}
	for i, id := range s.Invalid {
		country, value := "USA", 5000.0 // not ISO 3166 alpha-2
		if i%2 == 1 {
			country, value = "US", 0 // no deal value
		}
		if err := s.flaggedOpportunity(emu, id, 100000+i, country, value); err != nil {
			return ed, err
		}
	}
	return ed, nil
}

// flaggedOpportunity creates an opportunity a seller flagged "Sync with
// Partner Center" (not visible to Microsoft, so no solution is needed), with
// its account and contact, as the connector's form would leave it.
func (s *Scenario) flaggedOpportunity(emu *emulator.Emulator, id string, i int, country string, value float64) error {
	dv := emu.Dataverse()
	acc, con := "a"+id[1:], "c"+id[1:]
	if _, err := dv.CreateRecord("accounts", map[string]any{"accountid": acc, "name": fmt.Sprintf("CRM Customer %d", i),
		"address1_postalcode": fmt.Sprintf("%05d", 20000+i%70000), "address1_country": country, "address1_city": "Springfield"}); err != nil {
		return fmt.Errorf("account for %s: %w", id, err)
	}
	if _, err := dv.CreateRecord("contacts", map[string]any{"contactid": con, "firstname": "Sam", "lastname": fmt.Sprintf("Rivera%d", i),
		"emailaddress1": fmt.Sprintf("sam.rivera%d@crm%d.example", i, s.Seed), "parentcustomerid_account@odata.bind": "/accounts(" + acc + ")"}); err != nil {
		return fmt.Errorf("contact for %s: %w", id, err)
	}
	rec := map[string]any{"opportunityid": id, "name": fmt.Sprintf("CRM Customer %d - Dynamics 365 rollout", i),
		"estimatedclosedate": fmt.Sprintf("2027-%02d-20", 1+i%12), "description": "Created in Dynamics 365",
		"msft_microsoftpartnercenterreferralsync":    true,
		"msft_microsoftpartnercenterreferralvisible": false,
		"parentaccountid@odata.bind":                 "/accounts(" + acc + ")",
		"parentcontactid@odata.bind":                 "/contacts(" + con + ")",
		"transactioncurrencyid@odata.bind":           "/transactioncurrencies(" + dataverse.CurrencyUSD + ")",
	}
	if value != 0 {
		rec["estimatedvalue"] = value
	}
	if _, err := dv.CreateRecord("opportunities", rec); err != nil {
		return fmt.Errorf("opportunity %s: %w", id, err)
	}
	return nil
}

// Verify checks the emulator against the expected merge of the scenario
// after the sync converged: every edit reached the other side, every new
// record has exactly one counterpart, no record is duplicated, invalid
// records made nothing. It returns one line per difference and the number
// of records checked.
func (s *Scenario) Verify(emu *emulator.Emulator, ed Edits) (diffs []string, checked int) {
	oppsByRef := map[string][]map[string]any{}
	oppByID := map[string]map[string]any{}
	for _, o := range emu.Dataverse().Records("opportunities") {
		id, _ := o["opportunityid"].(string)
		oppByID[id] = o
		if ref, _ := o["msft_microsoftpartnercenterreferralidentifier"].(string); ref != "" {
			oppsByRef[ref] = append(oppsByRef[ref], o)
		}
	}
	refsByExt := map[string][]partnercenter.Referral{}
	for _, r := range emu.PartnerCenter().Referrals() {
		if ext := r.ExternalReferenceID(); ext != "" {
			refsByExt[ext] = append(refsByExt[ext], r)
		}
	}
	for ref, os := range oppsByRef {
		if len(os) > 1 {
			diffs = append(diffs, fmt.Sprintf("referral %s has %d opportunities (duplicate)", ref, len(os)))
		}
	}
	for ext, rs := range refsByExt {
		if len(rs) > 1 {
			diffs = append(diffs, fmt.Sprintf("opportunity %s has %d referrals (duplicate)", ext, len(rs)))
		}
	}
	num := func(v any) float64 {
		switch x := v.(type) {
		case float64:
			return x
		case int:
			return float64(x)
		case interface{ Float64() (float64, error) }:
			f, _ := x.Float64()
			return f
		}
		return math.NaN()
	}
	for _, id := range append(append([]string{}, s.Paired...), s.NewPC...) {
		checked++
		os := oppsByRef[id]
		if len(os) == 0 {
			diffs = append(diffs, fmt.Sprintf("referral %s has no opportunity", id))
			continue
		}
		ref, _ := emu.PartnerCenter().Referral(id)
		for _, e := range []struct {
			edit Edit
			ok   bool
		}{{ed.PC[id], ed.PC[id].Field != ""}, {ed.CRM[id], ed.CRM[id].Field != ""}} {
			if !e.ok {
				continue
			}
			switch e.edit.Field {
			case "notes":
				if os[0]["description"] != e.edit.Value || ref.String("/details/notes") != e.edit.Value {
					diffs = append(diffs, fmt.Sprintf("pair %s: notes %q (opportunity) / %q (referral), want %q", id, os[0]["description"], ref.String("/details/notes"), e.edit.Value))
				}
			case "dealValue":
				want := e.edit.Value.(float64)
				got, _ := ref.Get("/details/dealValue")
				if num(os[0]["estimatedvalue"]) != want || num(got) != want {
					diffs = append(diffs, fmt.Sprintf("pair %s: deal value %v (opportunity) / %v (referral), want %v", id, os[0]["estimatedvalue"], got, want))
				}
			}
		}
	}
	for _, id := range s.NewCRM {
		checked++
		if n := len(refsByExt[id]); n != 1 {
			diffs = append(diffs, fmt.Sprintf("new opportunity %s has %d referrals, want 1", id, n))
		} else if ref, _ := oppByID[id]["msft_microsoftpartnercenterreferralidentifier"].(string); ref != refsByExt[id][0].ID() {
			diffs = append(diffs, fmt.Sprintf("new opportunity %s carries referral id %q, want %s", id, ref, refsByExt[id][0].ID()))
		}
	}
	for _, id := range s.Invalid {
		checked++
		if n := len(refsByExt[id]); n != 0 {
			diffs = append(diffs, fmt.Sprintf("invalid opportunity %s became %d referral(s)", id, n))
		}
	}
	return diffs, checked
}

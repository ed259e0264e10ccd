package syncio

import (
	"context"
	"fmt"
	"strings"
	"testing"

	emudv "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// Scenario tests: the engine over the real adapters over the emulator's
// seeded partner (default scenario), one behaviour of issue 6 each.

func (env *testEnv) run(t *testing.T, o engine.Options) engine.Report {
	t.Helper()
	rep, err := engine.New(env.pc, env.dyn).Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func (env *testEnv) plan(t *testing.T) engine.Report {
	t.Helper()
	rep, err := engine.New(env.pc, env.dyn).Plan(context.Background(), engine.DefaultOptions())
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// opportunitiesWith returns the opportunity rows whose column equals value.
func (env *testEnv) opportunitiesWith(column string, value any) []map[string]any {
	var out []map[string]any
	for _, r := range env.emu.Dataverse().Records("opportunities") {
		if r[column] == value {
			out = append(out, r)
		}
	}
	return out
}

func (env *testEnv) referralsWithExternalID(id string) []partnercenter.Referral {
	var out []partnercenter.Referral
	for _, r := range env.emu.PartnerCenter().Referrals() {
		if strings.EqualFold(r.ExternalReferenceID(), id) {
			out = append(out, r)
		}
	}
	return out
}

func pendingWrites(r engine.Report) []engine.Change {
	var out []engine.Change
	for _, c := range r.Changes {
		if c.Kind != engine.ChangeFailure {
			out = append(out, c)
		}
	}
	return out
}

func TestScenarioCreatedInDynamicsAppearsInPartnerCenterWithIDAndLinkWrittenBack(t *testing.T) {
	env := newTestEnv(t, nil)
	dv := env.emu.Dataverse()
	const acc, con, opp = "a1000000-0000-4000-8000-000000000001", "c1000000-0000-4000-8000-000000000001", "01000000-0000-4000-8000-000000000001"
	mustCreate(t, dv, "accounts", map[string]any{"accountid": acc, "name": "Alpine Ski House", "address1_line1": "Bahnhofstrasse 1",
		"address1_city": "Zurich", "address1_postalcode": "8001", "address1_country": "CH"})
	mustCreate(t, dv, "contacts", map[string]any{"contactid": con, "firstname": "Anna", "lastname": "Keller", "emailaddress1": "anna.keller@alpineskihouse.example",
		"parentcustomerid_account@odata.bind": "/accounts(" + acc + ")"})
	mustCreate(t, dv, "opportunities", map[string]any{"opportunityid": opp, "name": "Alpine Ski House - Copilot pilot", "estimatedvalue": 64000,
		"estimatedclosedate": "2027-04-30", "description": "Pilot for 200 users.",
		"transactioncurrencyid@odata.bind": "/transactioncurrencies(c05e11a0-0000-4000-8000-000000000007)",
		"customerid_account@odata.bind":    "/accounts(" + acc + ")", "parentaccountid@odata.bind": "/accounts(" + acc + ")",
		"parentcontactid@odata.bind": "/contacts(" + con + ")", "msft_microsoftpartnercenterreferralsync": true,
		"msft_microsoftpartnercenterhelp": 299600002, "msft_microsoftpartnercenterreferralvisible": true})
	mustCreate(t, dv, "msft_partnercentersolutions", map[string]any{"msft_name": "Northwind Secure Cloud",
		"msft_OpportunityId@odata.bind":    "/opportunities(" + opp + ")",
		"msft_SolutionDetailId@odata.bind": "/msft_solutiondetails(" + emudv.SolutionDetailSecurity + ")"})

	rep := env.run(t, engine.DefaultOptions())
	refs := env.referralsWithExternalID(opp)
	if len(refs) != 1 {
		t.Fatalf("%d referrals carry externalReferenceId %s; report %+v", len(refs), opp, rep.Changes)
	}
	r := refs[0]
	for p, want := range map[string]string{"/name": "Alpine Ski House - Copilot pilot", "/details/currency": "CHF", "/details/notes": "Pilot for 200 users.",
		"/customerProfile/name": "Alpine Ski House", "/customerProfile/address/country": "CH", "/customerProfile/address/postalCode": "8001",
		"/inviteContext/assistanceRequestCode": "ProofOfConceptOrDemo", "/details/requirements/solutions/0/id": "SOL-31337-ABC",
		"/customerProfile/team/0/email": "anna.keller@alpineskihouse.example"} {
		if got := r.String(p); got != want {
			t.Errorf("referral %s = %q, want %q", p, got, want)
		}
	}
	if v, _ := r.DealValue(); v != 64000 || !strings.HasPrefix(r.String("/details/closingDateTime"), "2027-04-30") {
		t.Errorf("deal value %v, closing %q", v, r.String("/details/closingDateTime"))
	}
	if shared, _ := r.Get("/consent/consentToShareReferralWithMicrosoftSellers"); shared != true {
		t.Errorf("consent to share: %v", shared)
	}
	row, _ := dv.Record("opportunities", opp)
	if row["msft_microsoftpartnercenterreferralidentifier"] != r.ID() ||
		row["msft_microsoftpartnercenterreferrallink"] != "https://partner.microsoft.com/referrals/v2/inbox?id="+r.ID() {
		t.Errorf("written back: id %v link %v", row["msft_microsoftpartnercenterreferralidentifier"], row["msft_microsoftpartnercenterreferrallink"])
	}
	if s, _ := row["cosell_syncsnapshot"].(string); !strings.Contains(s, r.ID()) {
		t.Errorf("snapshot not written: %q", s)
	}
	// Idempotent: the next run creates nothing and finds nothing to do for this pair.
	env.run(t, engine.DefaultOptions())
	if n := len(env.referralsWithExternalID(opp)); n != 1 {
		t.Errorf("after a second run %d referrals", n)
	}
	for _, c := range pendingWrites(env.plan(t)) {
		if c.OpportunityID == opp {
			t.Errorf("still pending after two runs: %+v", c)
		}
	}
}

func TestScenarioCreatedInPartnerCenterAppearsInDynamicsWithConnectorColumns(t *testing.T) {
	env := newTestEnv(t, nil)
	const id = "d1000000-0000-4000-8000-000000000001"
	ref := partnercenter.MustParseReferral(`{"id":"` + id + `","engagementId":"e1000000-0000-4000-8000-000000000001",
"name":"Wide World Importers - Azure migration","status":"Active","substatus":"Accepted","type":"Shared","qualification":"SalesQualified",
"direction":"Incoming","customerProfile":{"name":"Wide World Importers","address":{"addressLine1":"1 Harbour Rd","city":"Sydney","postalCode":"2000","country":"AU"},
"team":[{"firstName":"Liam","lastName":"Ng","email":"liam.ng@wideworldimporters.example","phoneNumber":"+61 2 5550 0101"}]},
"consent":{"consentToShareReferralWithMicrosoftSellers":true,"consentToContact":true},
"details":{"notes":"Datacenter exit by June.","dealValue":250000,"currency":"AUD","closingDateTime":"2027-06-30T00:00:00Z",
"requirements":{"solutions":[{"id":"SOL-31337-ABC","name":"Northwind Secure Cloud","type":"Name"}]}},
"inviteContext":{"invitedBy":{"organizationId":"msft","organizationName":"Microsoft"},"assistanceRequestCode":"CustomerTechnicalArchitecture"},
"trackingInfo":{"microsoftMsxId":"7-WWI0042"}}`)
	if _, err := env.emu.PartnerCenter().PutReferral(ref); err != nil {
		t.Fatal(err)
	}
	env.run(t, engine.DefaultOptions())
	opps := env.opportunitiesWith("msft_microsoftpartnercenterreferralidentifier", id)
	if len(opps) != 1 {
		t.Fatalf("%d opportunities for referral %s", len(opps), id)
	}
	o := opps[0]
	for col, want := range map[string]any{"msft_microsoftpartnercenterreferralsync": true,
		"msft_microsoftpartnercenterreferrallink": "https://partner.microsoft.com/referrals/v2/inbox?id=" + id,
		"msft_microsoftcrmidentifier":             "7-WWI0042", "description": "Datacenter exit by June.", "estimatedclosedate": "2027-06-30",
		"_transactioncurrencyid_value": "c05e11a0-0000-4000-8000-000000000006", "msft_microsoftpartnercenterreferralvisible": true} {
		if fmt.Sprint(o[col]) != fmt.Sprint(want) {
			t.Errorf("opportunity %s = %v, want %v", col, o[col], want)
		}
	}
	if fmt.Sprint(o["estimatedvalue"]) != "250000" || !strings.HasPrefix(fmt.Sprint(o["name"]), "Wide World Importers - Azure migration") {
		t.Errorf("value %v name %v", o["estimatedvalue"], o["name"])
	}
	// The account is created with the address and the ISO country; the contact by email.
	acc, ok := env.emu.Dataverse().Record("accounts", fmt.Sprint(o["_customerid_value"]))
	if !ok || acc["name"] != "Wide World Importers" || acc["address1_postalcode"] != "2000" || acc["address1_country"] != "AU" {
		t.Errorf("account: %v", acc)
	}
	found := false
	for _, c := range env.emu.Dataverse().Records("contacts") {
		found = found || c["emailaddress1"] == "liam.ng@wideworldimporters.example"
	}
	if !found {
		t.Error("no contact for the customer team member")
	}
	sols := 0
	for _, s := range env.emu.Dataverse().Records("msft_partnercentersolutions") {
		if s["_msft_opportunityid_value"] == o["opportunityid"] && s["_msft_solutiondetailid_value"] == emudv.SolutionDetailSecurity {
			sols++
		}
	}
	if sols != 1 {
		t.Errorf("%d solution rows for the opportunity", sols)
	}
	// Microsoft's side changes (team, notes, msx id) reach the opportunity; no second opportunity.
	env.emu.PartnerCenter().UpdateReferral(id, func(r *partnercenter.Referral) {
		_ = r.Set("/details/notes", "Datacenter exit moved to May.")
		_ = r.Set("/trackingInfo/microsoftMsxId", "7-WWI0043")
	})
	env.run(t, engine.DefaultOptions())
	opps = env.opportunitiesWith("msft_microsoftpartnercenterreferralidentifier", id)
	if len(opps) != 1 || opps[0]["description"] != "Datacenter exit moved to May." || opps[0]["msft_microsoftcrmidentifier"] != "7-WWI0043" {
		t.Errorf("after Microsoft's update: %d opportunities, %v / %v", len(opps), opps[0]["description"], opps[0]["msft_microsoftcrmidentifier"])
	}
}

func TestScenarioUpdatesBothWaysOnAPairedRecord(t *testing.T) {
	env := newTestEnv(t, nil)
	env.run(t, engine.DefaultOptions()) // establishes the snapshots of the seeded pairs
	const ref, opp = "7d0f5b8e-1a2b-4c3d-9e8f-112233445566", emudv.OpportunityTailspin

	env.emu.PartnerCenter().UpdateReferral(ref, func(r *partnercenter.Referral) { _ = r.Set("/details/notes", "Pilot with 80 seats.") })
	if len(pendingWrites(env.plan(t))) == 0 {
		t.Fatal("a Partner Center change is not pending")
	}
	env.run(t, engine.DefaultOptions())
	if row, _ := env.emu.Dataverse().Record("opportunities", opp); row["description"] != "Pilot with 80 seats." {
		t.Errorf("PC → D365: description %v", row["description"])
	}

	if err := env.emu.Dataverse().PatchRecord("opportunities", opp, map[string]any{"estimatedvalue": 52000, "estimatedclosedate": "2027-01-15"}); err != nil {
		t.Fatal(err)
	}
	env.run(t, engine.DefaultOptions())
	r, _ := env.emu.PartnerCenter().Referral(ref)
	if v, _ := r.DealValue(); v != 52000 || !strings.HasPrefix(r.String("/details/closingDateTime"), "2027-01-15") {
		t.Errorf("D365 → PC: deal value %v, closing %s", v, r.String("/details/closingDateTime"))
	}
	if w := pendingWrites(env.plan(t)); len(w) != 0 {
		t.Errorf("not converged after the updates: %+v", w)
	}
}

func TestScenarioFailureWritesAuditLineAndCross(t *testing.T) {
	env := newTestEnv(t, nil)
	rep := env.run(t, engine.DefaultOptions())
	var f *engine.Failure
	for i := range rep.Failures {
		if rep.Failures[i].OpportunityID == emudv.OpportunityContoso {
			f = &rep.Failures[i]
		}
	}
	if f == nil || f.Reason == "" {
		t.Fatalf("the Contoso co-sell without a solution is not a failure: %+v", rep.Failures)
	}
	row, _ := env.emu.Dataverse().Record("opportunities", emudv.OpportunityContoso)
	audit, _ := row["msft_microsoftpartnercenterreferralsyncaudit"].(string)
	name, _ := row["name"].(string)
	if !strings.Contains(audit, "failure") || !strings.HasSuffix(name, "✘") {
		t.Errorf("audit %q, name %q", audit, name)
	}
	if n := len(env.referralsWithExternalID(emudv.OpportunityContoso)); n != 0 {
		t.Errorf("%d referrals created for an invalid opportunity", n)
	}
	// The same failure is not re-written on every run (no perpetual pending write).
	env.run(t, engine.DefaultOptions())
	if w := pendingWrites(env.plan(t)); len(w) != 0 {
		t.Errorf("a standing failure keeps writes pending: %+v", w)
	}
	// Fixing the data is enough: the next run shares it.
	mustCreate(t, env.emu.Dataverse(), "msft_partnercentersolutions", map[string]any{"msft_name": "Northwind Sales Accelerator",
		"msft_OpportunityId@odata.bind":    "/opportunities(" + emudv.OpportunityContoso + ")",
		"msft_SolutionDetailId@odata.bind": "/msft_solutiondetails(" + emudv.SolutionDetailSales + ")"})
	env.run(t, engine.DefaultOptions())
	if n := len(env.referralsWithExternalID(emudv.OpportunityContoso)); n != 1 {
		t.Errorf("after the fix: %d referrals", n)
	}
	row, _ = env.emu.Dataverse().Record("opportunities", emudv.OpportunityContoso)
	if name, _ := row["name"].(string); !strings.HasSuffix(name, "✔") {
		t.Errorf("name after the fix: %q", name)
	}
}

func TestScenarioRelatedReferralLinksToTheSameOpportunity(t *testing.T) {
	env := newTestEnv(t, nil)
	before := len(env.emu.Dataverse().Records("opportunities"))
	env.run(t, engine.DefaultOptions())
	if n := len(env.opportunitiesWith("msft_microsoftpartnercenterreferralidentifier", refFabrikamMS)); n != 0 {
		t.Errorf("Microsoft's related referral got its own opportunity (%d)", n)
	}
	if n := len(env.opportunitiesWith("msft_microsoftpartnercenterreferralidentifier", refFabrikamUK)); n != 1 {
		t.Errorf("%d opportunities for the Fabrikam UK referral", n)
	}
	// The pair's own referral carries Microsoft's CRM id; it reaches the opportunity.
	if row, _ := env.emu.Dataverse().Record("opportunities", emudv.OpportunityFabrikamUK); row["msft_microsoftcrmidentifier"] != "7-ZXCVBN456" {
		t.Errorf("msx id on the Fabrikam UK opportunity: %v", row["msft_microsoftcrmidentifier"])
	}
	after := len(env.emu.Dataverse().Records("opportunities"))
	t.Logf("opportunities %d → %d", before, after)
}

func mustCreate(t *testing.T, dv interface {
	CreateRecord(string, map[string]any) (string, error)
}, set string, row map[string]any) {
	t.Helper()
	if _, err := dv.CreateRecord(set, row); err != nil {
		t.Fatalf("create %s: %v", set, err)
	}
}

// An unaccepted lead from Partner Center becomes a Dynamics lead; accepting
// it in Partner Center qualifies the lead into an opportunity.
func TestScenarioLeadThenAcceptedBecomesOpportunity(t *testing.T) {
	env := newTestEnv(t, nil)
	const litware = "e3f4a5b6-c7d8-4e9f-a0b1-c2d3e4f5a6b7"
	env.run(t, engine.DefaultOptions())
	var lead map[string]any
	for _, l := range env.emu.Dataverse().Records("leads") {
		if l["companyname"] == "Litware Inc" {
			lead = l
		}
	}
	if lead == nil {
		t.Fatalf("no lead for the Litware referral: %v", env.emu.Dataverse().Records("leads"))
	}
	if n := len(env.opportunitiesWith("msft_microsoftpartnercenterreferralidentifier", litware)); n != 0 {
		t.Fatalf("an unaccepted lead got an opportunity")
	}
	env.emu.PartnerCenter().UpdateReferral(litware, func(r *partnercenter.Referral) {
		_ = r.Set("/status", "Active")
		_ = r.Set("/substatus", "Accepted")
	})
	env.run(t, engine.DefaultOptions())
	opps := env.opportunitiesWith("msft_microsoftpartnercenterreferralidentifier", litware)
	if len(opps) != 1 || opps[0]["_originatingleadid_value"] != lead["leadid"] {
		t.Fatalf("after acceptance: %d opportunities %v", len(opps), opps)
	}
	if l, _ := env.emu.Dataverse().Record("leads", fmt.Sprint(lead["leadid"])); fmt.Sprint(l["statecode"]) != "1" {
		t.Errorf("lead statecode %v, want 1 (Qualified)", l["statecode"])
	}
}

// The same field changed on both sides follows conflict_policy; different
// fields merge.
func TestScenarioConflictFollowsPolicyAndDifferentFieldsMerge(t *testing.T) {
	for _, tc := range []struct {
		policy engine.ConflictPolicy
		want   string
	}{{engine.PolicyPartnerCenterWins, "notes from Partner Center"}, {engine.PolicyDynamicsWins, "notes from Dynamics"}} {
		t.Run(string(tc.policy), func(t *testing.T) {
			env := newTestEnv(t, nil)
			o := engine.DefaultOptions()
			o.ConflictPolicy = tc.policy
			env.run(t, o)
			env.emu.PartnerCenter().UpdateReferral(refTailspin, func(r *partnercenter.Referral) {
				_ = r.Set("/details/notes", "notes from Partner Center")
				_ = r.Set("/details/closingDateTime", "2027-02-01T00:00:00Z")
			})
			if err := env.emu.Dataverse().PatchRecord("opportunities", emudv.OpportunityTailspin,
				map[string]any{"description": "notes from Dynamics", "estimatedvalue": 50000}); err != nil {
				t.Fatal(err)
			}
			rep := env.run(t, o)
			if len(rep.Conflicts) != 1 || rep.Conflicts[0].Field != engine.FieldNotes {
				t.Errorf("conflicts: %+v", rep.Conflicts)
			}
			row, _ := env.emu.Dataverse().Record("opportunities", emudv.OpportunityTailspin)
			r, _ := env.emu.PartnerCenter().Referral(refTailspin)
			if row["description"] != tc.want || r.String("/details/notes") != tc.want {
				t.Errorf("notes: opportunity %v, referral %q, want %q on both", row["description"], r.String("/details/notes"), tc.want)
			}
			if v, _ := r.DealValue(); v != 50000 || row["estimatedclosedate"] != "2027-02-01" {
				t.Errorf("merge: referral deal value %v, opportunity close date %v", v, row["estimatedclosedate"])
			}
		})
	}
}

// Won in Dynamics closes the referral as Won; a referral lost in Partner
// Center closes the opportunity through LoseOpportunity; terminal pairs are
// never updated again.
func TestScenarioWinAndLoseBothWays(t *testing.T) {
	env := newTestEnv(t, nil)
	env.run(t, engine.DefaultOptions())
	if err := env.emu.Dataverse().PatchRecord("opportunities", emudv.OpportunityTailspin, map[string]any{"statecode": 1, "statuscode": 3}); err != nil {
		t.Fatal(err)
	}
	env.emu.PartnerCenter().UpdateReferral(refFabrikamUK, func(r *partnercenter.Referral) {
		_ = r.Set("/status", "Closed")
		_ = r.Set("/substatus", "Lost")
	})
	env.run(t, engine.DefaultOptions())
	if r, _ := env.emu.PartnerCenter().Referral(refTailspin); r.Status() != "Closed" || r.Substatus() != "Won" {
		t.Errorf("Tailspin referral %s/%s, want Closed/Won", r.Status(), r.Substatus())
	}
	if row, _ := env.emu.Dataverse().Record("opportunities", emudv.OpportunityFabrikamUK); fmt.Sprint(row["statecode"]) != "2" {
		t.Errorf("Fabrikam UK opportunity statecode %v, want 2 (Lost)", row["statecode"])
	}
	// Terminal: a later change on either side is not synced.
	env.emu.PartnerCenter().UpdateReferral(refTailspin, func(r *partnercenter.Referral) { _ = r.Set("/details/notes", "after the win") })
	env.run(t, engine.DefaultOptions())
	if row, _ := env.emu.Dataverse().Record("opportunities", emudv.OpportunityTailspin); row["description"] == "after the win" {
		t.Error("a terminal pair was updated")
	}
}

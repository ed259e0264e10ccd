package sync

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 12, 5, 9, 30, 0, 0, time.UTC)

func lookups() *Lookups {
	return &Lookups{
		CurrencyByCode: map[string]string{"USD": "cur-usd", "EUR": "cur-eur", "GBP": "cur-gbp"},
		CurrencyByID:   map[string]string{"cur-usd": "USD", "cur-eur": "EUR", "cur-gbp": "GBP"},
		Accounts: map[string]*Account{accountKey(Customer{Name: "Contoso Ltd", PostalCode: "98101"}): {ID: "acc-contoso",
			Customer: Customer{Name: "Contoso Ltd", PostalCode: "98101", Country: "US"}}},
		Contacts: map[string]*ContactRow{"sam@contoso.example": {ID: "con-sam", Contact: Contact{FirstName: "Sam", Email: "Sam@Contoso.example"}}},
		Details:  map[string]SolutionDetail{"SOL-1": {ID: "det-1", Identifier: "SOL-1", Name: "Northwind Accelerator", Type: "3P", Publisher: "Northwind"}},
	}
}

func settings() Settings { return ParseSettings(nil) }

// newReferral is a valid incoming co-sell referral.
func newReferral() *Referral {
	return &Referral{
		ID: "r1", EngagementID: "e1", ETag: `"1"`, Name: "Contoso - Azure migration", Status: "Active", Substatus: "Accepted",
		Type: "Shared", Direction: "Incoming", Qualification: "SalesQualified",
		Customer:  Customer{Name: "Contoso Ltd", PostalCode: "98101", Country: "US", City: "Seattle"},
		Contacts:  []Contact{{FirstName: "Sam", LastName: "Rivera", Email: "sam@contoso.example"}},
		DealValue: 50000, Currency: "USD", CloseDate: "2027-03-31", Notes: "Pilot first",
		Solutions: []Solution{{ID: "SOL-1", Name: "Northwind Accelerator"}}, HelpCode: "CustomerTechnicalArchitecture",
		SharedWithMicrosoft: true, UpdatedAt: now.Add(-time.Hour),
	}
}

// syncedPair is a referral and its opportunity as the last sync left them
// (agreeing, with the snapshot of that state).
func syncedPair() (*Referral, *Opportunity) {
	r := newReferral()
	r.ExternalReferenceID = "o1"
	o := &Opportunity{
		ID: "o1", ETag: `W/"7"`, ModifiedOn: now.Add(-time.Hour), Name: r.Name + " ✔", DealValue: r.DealValue,
		CurrencyID: "cur-usd", CurrencyCode: "USD", CloseDate: r.CloseDate, Notes: r.Notes, State: 0, Status: 1,
		Sync: true, Visible: true, Help: 299600001, ReferralID: "r1", Link: referralLink("r1"),
		AccountID: "acc-contoso", ContactID: "con-sam", Account: &Account{ID: "acc-contoso", Customer: r.Customer},
		Contact:   &ContactRow{ID: "con-sam", Contact: r.Contacts[0]},
		Solutions: []SolutionRow{{ID: "s1", Name: "Northwind Accelerator", DetailID: "det-1", Identifier: "SOL-1"}},
		Audit:     "2026-12-01 10:00 - Partner Center sync success: created.",
	}
	o.Snapshot = &Snapshot{Version: SnapshotVersion, ReferralID: "r1", OpportunityID: "o1", Related: []string{},
		PartnerCenter: pcValues(r), Dynamics: crmValues(o)}
	return r, o
}

// newOpportunity is a valid flagged opportunity without a referral.
func newOpportunity() *Opportunity {
	_, o := syncedPair()
	o.ID, o.ReferralID, o.Link, o.Snapshot, o.Audit = "o2", "", "", nil, ""
	o.Name = "Fabrikam - Copilot"
	return o
}

type decideCase struct {
	name  string
	in    func() Input
	check func(t *testing.T, d Decision)
}

func input(r *Referral, o *Opportunity, mod ...func(*Input)) Input {
	in := Input{Pair: Pair{Referral: r, Opportunity: o}, Lookups: lookups(), Settings: settings(), Options: DefaultOptions(), Now: now}
	for _, m := range mod {
		m(&in)
	}
	return in
}

func paired(mut func(r *Referral, o *Opportunity), mod ...func(*Input)) func() Input {
	return func() Input {
		r, o := syncedPair()
		if mut != nil {
			mut(r, o)
		}
		return input(r, o, mod...)
	}
}

func policy(p ConflictPolicy) func(*Input) { return func(in *Input) { in.Options.ConflictPolicy = p } }
func direction(d Direction) func(*Input)   { return func(in *Input) { in.Options.Direction = d } }

// ---- assertions ----

func writes(d Decision) []Write {
	if d.Finish == nil {
		return nil
	}
	return d.Finish(nil)
}

func oppWrite(t *testing.T, d Decision) Write {
	t.Helper()
	for _, w := range writes(d) {
		if w.Table == TableOpportunity && (w.Kind == WriteUpsert || w.Kind == WriteUpdate) {
			return w
		}
	}
	t.Fatalf("no opportunity write in %+v", writes(d))
	return Write{}
}

func patchOf(d Decision) map[string]any {
	m := map[string]any{}
	for _, c := range d.Patch {
		m[c.Path] = c.Value
	}
	return m
}

func kinds(d Decision) []ChangeKind {
	var out []ChangeKind
	for _, c := range d.Changes {
		out = append(out, c.Kind)
	}
	return out
}

func noWrites(t *testing.T, d Decision) {
	t.Helper()
	if d.CreateReferral != nil || len(d.Patch) > 0 || len(writes(d)) > 0 {
		t.Fatalf("want no writes, got create=%v patch=%+v writes=%+v", d.CreateReferral, d.Patch, writes(d))
	}
}

func hasFailure(t *testing.T, d Decision, substr string) {
	t.Helper()
	for _, f := range d.Failures {
		if strings.Contains(f.Reason, substr) {
			return
		}
	}
	t.Fatalf("want a failure containing %q, got %+v", substr, d.Failures)
}

func writeOf(d Decision, table string, kind WriteKind) *Write {
	for _, w := range writes(d) {
		if w.Table == table && w.Kind == kind {
			return &w
		}
	}
	return nil
}

func snapshotOf(t *testing.T, w Write) Snapshot {
	t.Helper()
	var s Snapshot
	if err := json.Unmarshal([]byte(w.Values[DefaultSnapshotColumn].(string)), &s); err != nil {
		t.Fatalf("snapshot: %v", err)
	}
	return s
}

func TestDecide(t *testing.T) {
	cases := []decideCase{
		// ---- Partner Center → Dynamics: new referral ----
		{"new referral becomes an opportunity with the connector columns", func() Input { return input(newReferral(), nil) }, func(t *testing.T, d Decision) {
			w := oppWrite(t, d)
			if w.Kind != WriteUpsert || w.ID != opportunityIDFor("r1") || !d.CRMFirst {
				t.Fatalf("want a deterministic upsert first, got %+v", w)
			}
			v := w.Values
			if v[ColSync] != true || v[ColReferralID] != "r1" || v[ColLink] != referralLink("r1") || v[ColVisible] != true || v[ColHelp] != 299600001 {
				t.Errorf("connector columns: %v", v)
			}
			if v["name"] != "Contoso - Azure migration ✔" || v["estimatedvalue"] != 50000.0 || v["estimatedclosedate"] != "2027-03-31" || v["description"] != "Pilot first" {
				t.Errorf("fields: %v", v)
			}
			if patchOf(d)["/externalReferenceId"] != opportunityIDFor("r1") {
				t.Errorf("externalReferenceId not written back: %+v", d.Patch)
			}
			if !slices.Equal(kinds(d), []ChangeKind{ChangeCreateOpportunity, ChangeLink}) {
				t.Errorf("changes %v", kinds(d))
			}
		}},
		{"account matched on company name + postal code (case and spaces ignored)", func() Input {
			r := newReferral()
			r.Customer.Name = "  CONTOSO   ltd "
			return input(r, nil)
		}, func(t *testing.T, d Decision) {
			if writeOf(d, TableAccount, WriteUpsert) != nil {
				t.Fatal("matched account must not be created")
			}
			if oppWrite(t, d).Values["parentaccountid"] != (Ref{Table: TableAccount, ID: "acc-contoso"}) {
				t.Errorf("parentaccountid %v", oppWrite(t, d).Values["parentaccountid"])
			}
		}},
		{"account created when the postal code differs, country in the configured field", func() Input {
			r := newReferral()
			r.Customer.PostalCode = "10115"
			r.Customer.Country = "de"
			return input(r, nil, func(in *Input) { in.Settings.CountryField = "cosell_countrycode" })
		}, func(t *testing.T, d Decision) {
			a := writeOf(d, TableAccount, WriteUpsert)
			if a == nil || a.ID != accountIDFor(Customer{Name: "Contoso Ltd", PostalCode: "10115"}) {
				t.Fatalf("account upsert %+v", a)
			}
			if a.Values["cosell_countrycode"] != "DE" || a.Values["address1_country"] != nil {
				t.Errorf("country column: %v", a.Values)
			}
		}},
		{"contact matched by email, case-insensitively", func() Input {
			r := newReferral()
			r.Contacts[0].Email = "SAM@contoso.EXAMPLE"
			return input(r, nil)
		}, func(t *testing.T, d Decision) {
			if writeOf(d, TableContact, WriteUpsert) != nil {
				t.Fatal("matched contact must not be created")
			}
			if oppWrite(t, d).Values["parentcontactid"] != (Ref{Table: TableContact, ID: "con-sam"}) {
				t.Errorf("parentcontactid %v", oppWrite(t, d).Values["parentcontactid"])
			}
		}},
		{"contact created with a deterministic id from the lower-cased email", func() Input {
			r := newReferral()
			r.Contacts = []Contact{{FirstName: "Kim", Email: "Kim@Contoso.example"}}
			return input(r, nil)
		}, func(t *testing.T, d Decision) {
			c := writeOf(d, TableContact, WriteUpsert)
			if c == nil || c.ID != contactIDFor("kim@contoso.example") || c.Values["emailaddress1"] != "kim@contoso.example" {
				t.Fatalf("contact upsert %+v", c)
			}
			if c.Values["parentcustomerid"] != (Ref{Table: TableAccount, ID: "acc-contoso"}) {
				t.Errorf("contact's account %v", c.Values["parentcustomerid"])
			}
		}},
		{"deal value goes to the configured field", func() Input {
			return input(newReferral(), nil, func(in *Input) { in.Settings.DealValueField = "cosell_budget" })
		}, func(t *testing.T, d Decision) {
			v := oppWrite(t, d).Values
			if v["cosell_budget"] != 50000.0 || v["estimatedvalue"] != nil {
				t.Errorf("deal value columns: %v", v)
			}
		}},
		{"currency bound to transactioncurrencyid by ISO code", func() Input {
			r := newReferral()
			r.Currency = "eur"
			return input(r, nil)
		}, func(t *testing.T, d Decision) {
			if got := oppWrite(t, d).Values["transactioncurrencyid"]; got != (Ref{Table: TableCurrency, ID: "cur-eur"}) {
				t.Errorf("currency %v", got)
			}
		}},
		{"currency as an ISO code in a text field when configured", func() Input {
			return input(newReferral(), nil, func(in *Input) { in.Settings.CurrencyField = "cosell_currencycode" })
		}, func(t *testing.T, d Decision) {
			v := oppWrite(t, d).Values
			if v["cosell_currencycode"] != "USD" || v["transactioncurrencyid"] != nil {
				t.Errorf("currency columns %v", v)
			}
		}},
		{"unknown currency is a failure and nothing is written", func() Input {
			r := newReferral()
			r.Currency = "JPY"
			return input(r, nil)
		}, func(t *testing.T, d Decision) {
			hasFailure(t, d, `currency "JPY"`)
			noWrites(t, d)
		}},
		{"country not ISO alpha-2 on a new referral is a failure", func() Input {
			r := newReferral()
			r.Customer.Country = "USA"
			return input(r, nil)
		}, func(t *testing.T, d Decision) {
			hasFailure(t, d, "not an ISO 3166 alpha-2")
			noWrites(t, d)
		}},
		{"solutions become rows linked to the catalogue", func() Input { return input(newReferral(), nil) }, func(t *testing.T, d Decision) {
			s := writeOf(d, TableSolution, WriteUpsert)
			if s == nil || s.ID != solutionRowIDFor(opportunityIDFor("r1"), "SOL-1") || s.Values[ColSolutionDetail] != (Ref{Table: TableSolutionDetail, ID: "det-1"}) {
				t.Fatalf("solution row %+v", s)
			}
		}},
		{"a solution missing from the catalogue is a row named by its identifier", func() Input {
			r := newReferral()
			r.Solutions = []Solution{{ID: "SOL-9", Name: "Unknown"}}
			return input(r, nil)
		}, func(t *testing.T, d Decision) {
			s := writeOf(d, TableSolution, WriteUpsert)
			if s == nil || s.Values[ColSolutionName] != "SOL-9" || s.Values[ColSolutionDetail] != nil {
				t.Fatalf("solution row %+v", s)
			}
		}},
		{"an unpaired terminal referral is not imported", func() Input {
			r := newReferral()
			r.Status, r.Substatus = "Closed", "Won"
			return input(r, nil)
		}, func(t *testing.T, d Decision) { noWrites(t, d) }},

		// ---- lead vs opportunity, co-sell only ----
		{"unaccepted lead becomes a Dynamics lead", func() Input { return input(leadReferral(), nil) }, func(t *testing.T, d Decision) {
			w := writeOf(d, TableLead, WriteUpsert)
			if w == nil || w.ID != leadIDFor("r1") || w.Values["subject"] != "Contoso - Azure migration" || w.Values["estimatedamount"] != 50000.0 {
				t.Fatalf("lead write %+v", w)
			}
			if writeOf(d, TableOpportunity, WriteUpsert) != nil || !slices.Equal(kinds(d), []ChangeKind{ChangeCreateLead}) {
				t.Errorf("want only a lead: %v", kinds(d))
			}
		}},
		{"co-sell only keeps leads out", func() Input {
			return input(leadReferral(), nil, func(in *Input) { in.Settings.CoSellOnly = true })
		}, func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"include_leads = false keeps leads out", func() Input {
			return input(leadReferral(), nil, func(in *Input) { in.Options.IncludeLeads = false })
		}, func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"accepted lead becomes an opportunity and its lead is qualified", func() Input {
			r := leadReferral()
			r.Status, r.Substatus = "Active", "Accepted"
			in := input(r, nil)
			in.Lead = &Lead{ID: leadIDFor("r1"), State: leadOpen, Status: leadNew}
			return in
		}, func(t *testing.T, d Decision) {
			if oppWrite(t, d).Values["originatingleadid"] != (Ref{Table: TableLead, ID: leadIDFor("r1")}) {
				t.Error("originatingleadid not set")
			}
			q := writeOf(d, TableLead, WriteSetState)
			if q == nil || q.State != leadQualified || q.Status != leadQualifiedStatus {
				t.Fatalf("lead qualification %+v", q)
			}
		}},
		{"a lead follows Partner Center changes", func() Input {
			r := leadReferral()
			in := input(r, nil)
			in.Lead = &Lead{ID: leadIDFor("r1"), ETag: `W/"3"`, Values: leadValues(r, in.Lookups)}
			r2 := *r
			r2.Notes = "Customer called back"
			in.Referral = &r2
			return in
		}, func(t *testing.T, d Decision) {
			w := writeOf(d, TableLead, WriteUpdate)
			if w == nil || w.ETag != `W/"3"` || len(w.Values) != 1 || w.Values["description"] != "Customer called back" {
				t.Fatalf("lead update %+v", w)
			}
		}},
		{"a lead whose referral expired unaccepted is disqualified", func() Input {
			r := leadReferral()
			r.Status, r.Substatus = "Closed", "Expired"
			in := input(r, nil)
			in.Lead = &Lead{ID: leadIDFor("r1"), State: leadOpen, Status: leadNew}
			return in
		}, func(t *testing.T, d Decision) {
			w := writeOf(d, TableLead, WriteSetState)
			if w == nil || w.State != leadDisqualified || w.Status != leadCanceledStatus {
				t.Fatalf("lead close %+v", w)
			}
		}},
		{"a lead left open after its opportunity was made is qualified on the next run", func() Input {
			r, o := syncedPair()
			in := input(r, o)
			in.Lead = &Lead{ID: leadIDFor("r1"), State: leadOpen, Status: leadNew}
			return in
		}, func(t *testing.T, d Decision) {
			w := writeOf(d, TableLead, WriteSetState)
			if w == nil || w.State != leadQualified {
				t.Fatalf("lead %+v", w)
			}
		}},
		{"an unchanged lead is left alone", func() Input {
			r := leadReferral()
			in := input(r, nil)
			in.Lead = &Lead{ID: leadIDFor("r1"), Values: leadValues(r, in.Lookups)}
			return in
		}, func(t *testing.T, d Decision) { noWrites(t, d) }},

		// ---- Dynamics → Partner Center: new opportunity ----
		{"flagged opportunity becomes a referral; id and link written back", func() Input { return input(nil, newOpportunity()) }, func(t *testing.T, d Decision) {
			c := d.CreateReferral
			if c == nil || c.ExternalReferenceID != "o2" || c.Name != "Fabrikam - Copilot" || c.Type != "Shared" || c.HelpCode != "CustomerTechnicalArchitecture" ||
				!c.SharedWithMicrosoft || c.DealValue != 50000 || c.Currency != "USD" || c.Customer.Country != "US" || len(c.Contacts) != 1 ||
				len(c.Solutions) != 1 || c.Solutions[0].PublisherName != "Northwind" || c.Status != "Active" {
				t.Fatalf("draft %+v", c)
			}
			if d.RequestID != referralRequestIDFor("o2") {
				t.Errorf("request id %q", d.RequestID)
			}
			ws := d.Finish(&Referral{ID: "new-ref", Name: c.Name, Status: "Active", Substatus: "Accepted"})
			if len(ws) != 1 || ws[0].Values[ColReferralID] != "new-ref" || ws[0].Values[ColLink] != referralLink("new-ref") || ws[0].ETag != `W/"7"` {
				t.Fatalf("write-back %+v", ws)
			}
			if snapshotOf(t, ws[0]).ReferralID != "new-ref" {
				t.Error("snapshot not recorded")
			}
		}},
		{"the mark is never sent: ✔ stripped from the referral name", func() Input {
			o := newOpportunity()
			o.Name = "Fabrikam - Copilot ✘"
			return input(nil, o)
		}, func(t *testing.T, d Decision) {
			if d.CreateReferral == nil || d.CreateReferral.Name != "Fabrikam - Copilot" {
				t.Fatalf("name sent %+v", d.CreateReferral)
			}
		}},
		{"an opportunity not flagged for sync is left alone", func() Input {
			o := newOpportunity()
			o.Sync = false
			return input(nil, o)
		}, func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"invalid: country not ISO alpha-2 → failure, audit line and ✘", func() Input {
			o := newOpportunity()
			o.Account.Country = "Germany"
			return input(nil, o)
		}, func(t *testing.T, d Decision) {
			hasFailure(t, d, `country "Germany"`)
			w := oppWrite(t, d)
			if d.CreateReferral != nil || !strings.HasSuffix(w.Values["name"].(string), " ✘") || !strings.Contains(w.Values[ColAudit].(string), "sync failure") {
				t.Fatalf("failure write %+v", w)
			}
		}},
		{"invalid: no solution when shared with Microsoft", func() Input {
			o := newOpportunity()
			o.Solutions = nil
			return input(nil, o)
		}, func(t *testing.T, d Decision) { hasFailure(t, d, "no solution") }},
		{"invalid: no contact for a co-sell", func() Input {
			o := newOpportunity()
			o.Contact, o.ContactID = nil, ""
			return input(nil, o)
		}, func(t *testing.T, d Decision) { hasFailure(t, d, "no customer contact") }},
		{"invalid: deal value 0", func() Input {
			o := newOpportunity()
			o.DealValue = 0
			return input(nil, o)
		}, func(t *testing.T, d Decision) { hasFailure(t, d, "deal value is 0 or empty") }},
		{"the same failure is not written again", func() Input {
			o := newOpportunity()
			o.DealValue = 0
			o.Audit = auditFailure(now.Add(-24*time.Hour), []string{reasonNoDealValue})
			return input(nil, o)
		}, func(t *testing.T, d Decision) {
			hasFailure(t, d, "deal value")
			noWrites(t, d)
		}},
		{"a closed opportunity is not created as a referral", func() Input {
			o := newOpportunity()
			o.State, o.Status = oppWon, oppWonStatus
			return input(nil, o)
		}, func(t *testing.T, d Decision) {
			hasFailure(t, d, "closed")
			noWrites(t, d)
		}},
		{"an opportunity whose referral is gone is a failure", func() Input {
			o := newOpportunity()
			o.ReferralID = "gone"
			return input(nil, o)
		}, func(t *testing.T, d Decision) {
			hasFailure(t, d, "not found")
			noWrites(t, d)
		}},

		// ---- pairs: three-way against the snapshot ----
		{"a synced pair is left alone", paired(nil), func(t *testing.T, d Decision) {
			noWrites(t, d)
			if len(d.Changes) != 0 {
				t.Errorf("changes %+v", d.Changes)
			}
		}},
		{"Partner Center deal value change reaches the opportunity", paired(func(r *Referral, o *Opportunity) { r.DealValue = 75000 }), func(t *testing.T, d Decision) {
			w := oppWrite(t, d)
			if w.Kind != WriteUpdate || w.ETag != `W/"7"` || w.Values["estimatedvalue"] != 75000.0 || len(d.Patch) != 0 {
				t.Fatalf("update %+v patch %+v", w, d.Patch)
			}
			if !slices.Contains(kinds(d), ChangeUpdateOpportunity) || snapshotOf(t, w).PartnerCenter[FieldDealValue] != "75000" {
				t.Errorf("changes %v", kinds(d))
			}
		}},
		{"Dynamics deal value change goes out as JSON Patch with If-Match", paired(func(r *Referral, o *Opportunity) { o.DealValue = 64000 }), func(t *testing.T, d Decision) {
			if patchOf(d)["/details/dealValue"] != 64000.0 || d.PatchETag != `"1"` || d.Patch[0].Op != PatchReplace {
				t.Fatalf("patch %+v etag %q", d.Patch, d.PatchETag)
			}
			if oppWrite(t, d).Values["estimatedvalue"] != nil {
				t.Error("the opportunity's own change must not be written back")
			}
		}},
		{"Dynamics deal value 0 is refused and retried (snapshot keeps the old value)", paired(func(r *Referral, o *Opportunity) { o.DealValue = 0 }), func(t *testing.T, d Decision) {
			hasFailure(t, d, "deal value")
			if len(d.Patch) != 0 {
				t.Fatalf("patch %+v", d.Patch)
			}
			if s := snapshotOf(t, oppWrite(t, d)); s.Dynamics[FieldDealValue] != "50000" {
				t.Errorf("snapshot moved: %v", s.Dynamics[FieldDealValue])
			}
		}},
		{"Partner Center name change stays there (update scope is Dynamics → Partner Center)", paired(func(r *Referral, o *Opportunity) { r.Name = "Renamed in PC" }), func(t *testing.T, d Decision) {
			w := oppWrite(t, d)
			if w.Values["name"] != nil || len(d.Patch) != 0 || !slices.Equal(kinds(d), []ChangeKind{ChangeLink}) {
				t.Fatalf("want only the snapshot refreshed, got %+v %v", w.Values, kinds(d))
			}
		}},
		{"Dynamics name change is sent without the mark", paired(func(r *Referral, o *Opportunity) { o.Name = "Contoso - Azure + AI ✔" }), func(t *testing.T, d Decision) {
			if patchOf(d)["/name"] != "Contoso - Azure + AI" {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"a ✘ left from a fixed failure turns into ✔", paired(func(r *Referral, o *Opportunity) { o.Name = r.Name + " ✘" }), func(t *testing.T, d Decision) {
			if oppWrite(t, d).Values["name"] != "Contoso - Azure migration ✔" || len(d.Patch) != 0 {
				t.Fatalf("values %+v patch %+v", oppWrite(t, d).Values, d.Patch)
			}
		}},
		{"a mark change alone is no change (check mark off)", paired(func(r *Referral, o *Opportunity) { o.Name = r.Name + " ✘" }, func(in *Input) { in.Settings.CheckMark = false }), func(t *testing.T, d Decision) {
			noWrites(t, d)
		}},
		{"a mark change alone is no change", paired(func(r *Referral, o *Opportunity) { o.Name = r.Name }), func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"changes to different fields merge", paired(func(r *Referral, o *Opportunity) {
			r.Notes = "Microsoft seller: customer wants a PoC"
			o.CloseDate = "2027-06-30"
		}), func(t *testing.T, d Decision) {
			if patchOf(d)["/details/closingDateTime"] != "2027-06-30T00:00:00Z" || oppWrite(t, d).Values["description"] != "Microsoft seller: customer wants a PoC" {
				t.Fatalf("merge: patch %+v values %+v", d.Patch, oppWrite(t, d).Values)
			}
			if len(d.Conflicts) != 0 {
				t.Errorf("no conflict expected: %+v", d.Conflicts)
			}
		}},
		{"conflict, partner_center_wins", paired(conflictNotes, policy(PolicyPartnerCenterWins)), func(t *testing.T, d Decision) {
			if oppWrite(t, d).Values["description"] != "PC notes" || len(d.Patch) != 0 {
				t.Fatalf("values %+v patch %+v", oppWrite(t, d).Values, d.Patch)
			}
			conflictIs(t, d, SidePartnerCenter)
		}},
		{"conflict, dynamics_wins", paired(conflictNotes, policy(PolicyDynamicsWins)), func(t *testing.T, d Decision) {
			if patchOf(d)["/details/notes"] != "CRM notes" || oppWrite(t, d).Values["description"] != nil {
				t.Fatalf("patch %+v", d.Patch)
			}
			conflictIs(t, d, SideDynamics)
		}},
		{"conflict, newest_wins: Dynamics newer", paired(func(r *Referral, o *Opportunity) {
			conflictNotes(r, o)
			o.ModifiedOn = r.UpdatedAt.Add(time.Minute)
		}, policy(PolicyNewestWins)), func(t *testing.T, d Decision) {
			if patchOf(d)["/details/notes"] != "CRM notes" {
				t.Fatalf("patch %+v", d.Patch)
			}
			conflictIs(t, d, SideDynamics)
		}},
		{"conflict, newest_wins: Partner Center newer", paired(func(r *Referral, o *Opportunity) {
			conflictNotes(r, o)
			r.UpdatedAt = o.ModifiedOn.Add(time.Minute)
		}, policy(PolicyNewestWins)), func(t *testing.T, d Decision) {
			if oppWrite(t, d).Values["description"] != "PC notes" {
				t.Fatalf("values %+v", oppWrite(t, d).Values)
			}
			conflictIs(t, d, SidePartnerCenter)
		}},
		{"a one-way field's conflict resolves its own way", paired(func(r *Referral, o *Opportunity) {
			r.Name, o.Name = "PC name", "CRM name"
		}, policy(PolicyPartnerCenterWins)), func(t *testing.T, d Decision) {
			if patchOf(d)["/name"] != "CRM name" {
				t.Fatalf("patch %+v", d.Patch)
			}
			conflictIs(t, d, SideDynamics)
		}},
		{"both sides changed to the same value: no conflict, no write of the field", paired(func(r *Referral, o *Opportunity) {
			r.Notes, o.Notes = "same", "same"
		}), func(t *testing.T, d Decision) {
			if len(d.Conflicts) != 0 || len(d.Patch) != 0 || oppWrite(t, d).Values["description"] != nil {
				t.Fatalf("conflicts %+v patch %+v", d.Conflicts, d.Patch)
			}
		}},
		{"first pairing without a snapshot follows the policy and is not a conflict", paired(func(r *Referral, o *Opportunity) {
			o.Snapshot = nil
			o.Notes = "CRM notes"
		}, policy(PolicyDynamicsWins)), func(t *testing.T, d Decision) {
			if patchOf(d)["/details/notes"] != "CRM notes" || len(d.Conflicts) != 0 {
				t.Fatalf("patch %+v conflicts %+v", d.Patch, d.Conflicts)
			}
		}},
		{"a snapshot of another referral is no base", paired(func(r *Referral, o *Opportunity) {
			o.Snapshot.ReferralID = "other"
			o.Notes = "CRM notes"
		}, policy(PolicyPartnerCenterWins)), func(t *testing.T, d Decision) {
			if oppWrite(t, d).Values["description"] != "Pilot first" || len(d.Conflicts) != 0 {
				t.Fatalf("values %+v", oppWrite(t, d).Values)
			}
		}},

		// ---- status both ways, terminal states ----
		{"Dynamics accepts: On Hold → In Progress makes the referral Active/Accepted", paired(func(r *Referral, o *Opportunity) {
			r.Status, r.Substatus = "New", "Pending"
			o.Status = oppOnHold
			o.Snapshot.PartnerCenter[FieldStatus], o.Snapshot.Dynamics[FieldStatus] = "New/Pending", "0/2"
			o.Status = oppInProgress
		}), func(t *testing.T, d Decision) {
			if p := patchOf(d); p["/status"] != "Active" || p["/substatus"] != "Accepted" || !slices.Contains(kinds(d), ChangeStatusReferral) {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"Dynamics declines: Lost while New → Closed/Declined with a reason", paired(func(r *Referral, o *Opportunity) {
			r.Status, r.Substatus = "New", "Pending"
			o.Snapshot.PartnerCenter[FieldStatus], o.Snapshot.Dynamics[FieldStatus] = "New/Pending", "0/2"
			o.State, o.Status = oppLost, oppCanceled
		}), func(t *testing.T, d Decision) {
			if p := patchOf(d); p["/status"] != "Closed" || p["/substatus"] != "Declined" || p["/statusReason"] != declinedReason {
				t.Fatalf("patch %+v", d.Patch)
			}
			if len(writes(d)) != 0 {
				t.Errorf("a closed opportunity is read-only: %+v", writes(d))
			}
		}},
		{"Dynamics wins: Won → Closed/Won", paired(func(r *Referral, o *Opportunity) { o.State, o.Status = oppWon, oppWonStatus }), func(t *testing.T, d Decision) {
			if p := patchOf(d); p["/status"] != "Closed" || p["/substatus"] != "Won" {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"Dynamics loses: Lost while Active → Closed/Lost", paired(func(r *Referral, o *Opportunity) { o.State, o.Status = oppLost, oppOutSold }), func(t *testing.T, d Decision) {
			if p := patchOf(d); p["/substatus"] != "Lost" {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"On Hold while Active has no allowed transition: nothing sent", paired(func(r *Referral, o *Opportunity) { o.Status = oppOnHold }), func(t *testing.T, d Decision) {
			if len(d.Patch) != 0 {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"terminal both ways: nothing is updated even when fields differ", paired(func(r *Referral, o *Opportunity) {
			r.Status, r.Substatus = "Closed", "Won"
			o.State, o.Status = oppWon, oppWonStatus
			r.Notes, o.DealValue = "late PC note", 1
		}), func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"terminal referral: its close reaches Dynamics, nothing goes back", paired(func(r *Referral, o *Opportunity) {
			r.Status, r.Substatus = "Closed", "Expired"
			o.Notes = "CRM edit"
		}), func(t *testing.T, d Decision) {
			lose := writeOf(d, TableOpportunity, WriteLose)
			if lose == nil || lose.Status != oppCanceled || len(d.Patch) != 0 {
				t.Fatalf("lose %+v patch %+v", lose, d.Patch)
			}
			ws := writes(d)
			if ws[len(ws)-1].Kind != WriteLose {
				t.Error("the close action must come last (closed rows are read-only)")
			}
		}},
		{"closed opportunity: its status reaches Partner Center, nothing is written to it", paired(func(r *Referral, o *Opportunity) {
			o.State, o.Status = oppWon, oppWonStatus
			r.Notes = "PC edit"
		}), func(t *testing.T, d Decision) {
			if patchOf(d)["/substatus"] != "Won" || len(writes(d)) != 0 {
				t.Fatalf("patch %+v writes %+v", d.Patch, writes(d))
			}
		}},

		// ---- Microsoft-side updates, related referrals ----
		{"Microsoft CRM id reaches the opportunity", paired(func(r *Referral, o *Opportunity) { r.MicrosoftMsxID = "7-ABC" }), func(t *testing.T, d Decision) {
			if oppWrite(t, d).Values[ColMsxID] != "7-ABC" {
				t.Fatalf("values %+v", oppWrite(t, d).Values)
			}
		}},
		{"Microsoft CRM id from the related referral (Microsoft's copy)", func() Input {
			r, o := syncedPair()
			in := input(r, o)
			in.Related = []*Referral{{ID: "r-msft", EngagementID: "e1", Type: "Shared", InvitedBy: "msft", MicrosoftMsxID: "7-MS"}}
			return in
		}, func(t *testing.T, d Decision) {
			w := oppWrite(t, d)
			if w.Values[ColMsxID] != "7-MS" || !slices.Equal(snapshotOf(t, w).Related, []string{"r-msft"}) {
				t.Fatalf("values %+v", w.Values)
			}
			if writeOf(d, TableOpportunity, WriteUpsert) != nil {
				t.Error("a related referral must never create a second opportunity")
			}
		}},
		{"Microsoft seller changes the customer team: new primary contact on the opportunity", paired(func(r *Referral, o *Opportunity) {
			r.Contacts = []Contact{{FirstName: "Lee", Email: "lee@contoso.example"}}
		}), func(t *testing.T, d Decision) {
			if oppWrite(t, d).Values["parentcontactid"] != (Ref{Table: TableContact, ID: contactIDFor("lee@contoso.example")}) || writeOf(d, TableContact, WriteUpsert) == nil {
				t.Fatalf("writes %+v", writes(d))
			}
		}},
		{"Dynamics contact change replaces the referral's team, primary first", paired(func(r *Referral, o *Opportunity) {
			o.Contact = &ContactRow{ID: "c2", Contact: Contact{FirstName: "Ada", Email: "ada@contoso.example"}}
		}), func(t *testing.T, d Decision) {
			team, _ := patchOf(d)["/customerProfile/team"].([]Contact)
			if len(team) != 2 || team[0].Email != "ada@contoso.example" {
				t.Fatalf("team %+v", team)
			}
		}},
		{"Dynamics solutions change is sent", paired(func(r *Referral, o *Opportunity) {
			o.Solutions = append(o.Solutions, SolutionRow{ID: "s2", Name: "SOL-2", Identifier: "SOL-2"})
		}), func(t *testing.T, d Decision) {
			sols, _ := patchOf(d)["/details/requirements/solutions"].([]Solution)
			if len(sols) != 2 {
				t.Fatalf("solutions %+v", sols)
			}
		}},

		// ---- visibility, help ----
		{"visibility revert is refused, restored and audited", paired(func(r *Referral, o *Opportunity) { o.Visible = false }), func(t *testing.T, d Decision) {
			hasFailure(t, d, "cannot be reverted")
			w := oppWrite(t, d)
			if w.Values[ColVisible] != true || !strings.Contains(w.Values[ColAudit].(string), "cannot be reverted") || len(d.Patch) != 0 {
				t.Fatalf("values %+v patch %+v", w.Values, d.Patch)
			}
		}},
		{"making a referral visible from Dynamics", paired(func(r *Referral, o *Opportunity) {
			r.SharedWithMicrosoft, r.HelpCode = false, ""
			o.Visible, o.Help = false, 0
			o.Snapshot.PartnerCenter, o.Snapshot.Dynamics = pcValues(r), crmValues(o)
			o.Visible = true
		}), func(t *testing.T, d Decision) {
			if patchOf(d)["/consent/consentToShareReferralWithMicrosoftSellers"] != true {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"asking Microsoft for help converts to co-sell (and makes visible)", paired(func(r *Referral, o *Opportunity) {
			r.SharedWithMicrosoft, r.HelpCode = false, ""
			o.Visible, o.Help = false, 0
			o.Snapshot.PartnerCenter, o.Snapshot.Dynamics = pcValues(r), crmValues(o)
			o.Help, o.Visible = 299600003, true
		}), func(t *testing.T, d Decision) {
			p := patchOf(d)
			if p["/inviteContext/assistanceRequestCode"] != "QuotesOrLicensing" || p["/consent/consentToShareReferralWithMicrosoftSellers"] != true {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"asking for help without a contact is refused", paired(func(r *Referral, o *Opportunity) {
			r.HelpCode = ""
			o.Help = 0
			o.Snapshot.PartnerCenter, o.Snapshot.Dynamics = pcValues(r), crmValues(o)
			o.Help, o.Contact = 299600000, nil
		}), func(t *testing.T, d Decision) {
			hasFailure(t, d, "no customer contact")
			if patchOf(d)["/inviteContext/assistanceRequestCode"] != nil {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},

		// ---- direction and filters ----
		{"to_dynamics: Dynamics changes are not sent", paired(func(r *Referral, o *Opportunity) { o.DealValue = 1 }, direction(DirectionToDynamics)), func(t *testing.T, d Decision) {
			if len(d.Patch) != 0 || d.CreateReferral != nil {
				t.Fatalf("patch %+v", d.Patch)
			}
		}},
		{"to_dynamics: a new opportunity is not shared", func() Input { return input(nil, newOpportunity(), direction(DirectionToDynamics)) }, func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"to_partner_center: a new referral is not imported", func() Input { return input(newReferral(), nil, direction(DirectionToPartnerCenter)) }, func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"to_partner_center: Partner Center changes stay there, bookkeeping still written", paired(func(r *Referral, o *Opportunity) {
			r.DealValue = 1
			o.ReferralID, o.Link = "", ""
		}, direction(DirectionToPartnerCenter)), func(t *testing.T, d Decision) {
			w := oppWrite(t, d)
			if w.Values["estimatedvalue"] != nil || w.Values[ColReferralID] != "r1" {
				t.Fatalf("values %+v", w.Values)
			}
		}},
		{"statuses filter leaves other statuses alone", paired(func(r *Referral, o *Opportunity) { r.DealValue = 1 }, func(in *Input) { in.Options.Statuses = []string{"New"} }), func(t *testing.T, d Decision) { noWrites(t, d) }},
		{"updated_since filter leaves older records alone", paired(func(r *Referral, o *Opportunity) { r.DealValue = 1 }, func(in *Input) { in.Options.UpdatedSince = now }), func(t *testing.T, d Decision) { noWrites(t, d) }},

		// ---- idempotency, no echo ----
		{"re-run after a kill between the opportunity and the write-back: only the link", paired(func(r *Referral, o *Opportunity) {
			r.ExternalReferenceID = ""
		}), func(t *testing.T, d Decision) {
			if patchOf(d)["/externalReferenceId"] != "o1" || len(d.Patch) != 1 || writeOf(d, TableOpportunity, WriteUpsert) != nil {
				t.Fatalf("patch %+v writes %+v", d.Patch, writes(d))
			}
		}},
		{"re-run after a kill between the referral create and the write-back: no second referral", paired(func(r *Referral, o *Opportunity) {
			o.ReferralID, o.Link, o.Snapshot = "", "", nil
		}), func(t *testing.T, d Decision) {
			if d.CreateReferral != nil || oppWrite(t, d).Values[ColReferralID] != "r1" {
				t.Fatalf("create %+v writes %+v", d.CreateReferral, writes(d))
			}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) { c.check(t, Decide(c.in())) })
	}
	if len(cases) < 40 {
		t.Fatalf("only %d cases", len(cases))
	}
}

func leadReferral() *Referral {
	r := newReferral()
	r.Type, r.HelpCode, r.SharedWithMicrosoft, r.InvitedBy = "Independent", "", false, "msft"
	r.Status, r.Substatus = "New", "Pending"
	return r
}

func conflictNotes(r *Referral, o *Opportunity) { r.Notes, o.Notes = "PC notes", "CRM notes" }

func conflictIs(t *testing.T, d Decision, winner Side) {
	t.Helper()
	if len(d.Conflicts) != 1 || d.Conflicts[0].Winner != winner {
		t.Fatalf("conflicts %+v, want one won by %s", d.Conflicts, winner)
	}
}

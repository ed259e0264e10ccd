package sync

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"
)

// Pair is the unit of decision: a referral and its opportunity (either may be
// missing), the related referrals of the same engagement, and the lead the
// engine made for the referral while it was an unaccepted lead.
type Pair struct {
	Referral    *Referral
	Related     []*Referral
	Opportunity *Opportunity
	Lead        *Lead
}

// Lookups are the Dynamics rows a decision may reuse instead of creating:
// currencies by ISO code, accounts by match key, contacts by email, the
// solution catalogue by identifier. The loader fills them in bulk.
type Lookups struct {
	CurrencyByCode map[string]string         // ISO code → transactioncurrencyid
	CurrencyByID   map[string]string         // transactioncurrencyid → ISO code
	Accounts       map[string]*Account       // accountKey (name + postal code) → account
	Contacts       map[string]*ContactRow    // lower-case email → contact
	Details        map[string]SolutionDetail // upper-case solution identifier → catalogue row
}

// Input is everything a decision depends on.
type Input struct {
	Pair
	Lookups  *Lookups
	Settings Settings
	Options  Options // with defaults applied
	Now      time.Time
}

// Decision is what to do for one pair. The engine runs, in order: the
// Dynamics writes when CRMFirst (Finish of the referral as read), the
// Partner Center step (CreateReferral or Patch), then, when not CRMFirst,
// the Dynamics writes built by Finish from the referral the Partner Center
// step returned (or the referral as read when there was no Partner Center
// step). Finish is pure.
type Decision struct {
	ReferralID    string
	OpportunityID string

	Changes   []Change
	Failures  []Failure
	Conflicts []Conflict

	// Partner Center step.
	CreateReferral *Referral
	RequestID      string
	Patch          []FieldChange
	PatchETag      string

	CRMFirst bool
	Finish   func(pc *Referral) []Write
}

// Decide is the pure decision for one pair.
func Decide(in Input) Decision {
	in.Options = in.Options.WithDefaults()
	if in.Lookups == nil {
		in.Lookups = &Lookups{}
	}
	r, o := in.Referral, in.Opportunity
	d := Decision{}
	if r != nil {
		d.ReferralID = r.ID
	}
	if o != nil {
		d.OpportunityID = o.ID
	}
	if filteredOut(in) {
		return d
	}
	switch {
	case r != nil && o != nil:
		decidePaired(in, &d)
	case r != nil:
		decideNewReferral(in, &d)
	case o != nil:
		decideNewOpportunity(in, &d)
	}
	return d
}

// filteredOut applies the statuses and updated-since filters.
func filteredOut(in Input) bool {
	r, o := in.Referral, in.Opportunity
	if len(in.Options.Statuses) > 0 {
		status := createdStatus
		if r != nil {
			status = statusOf(r.Status, r.Substatus).Status
		}
		if !slices.Contains(in.Options.Statuses, status) {
			return true
		}
	}
	if !in.Options.UpdatedSince.IsZero() {
		var last time.Time
		if r != nil {
			last = r.UpdatedAt
		}
		if o != nil && o.ModifiedOn.After(last) {
			last = o.ModifiedOn
		}
		if last.Before(in.Options.UpdatedSince) {
			return true
		}
	}
	return false
}

// effectiveReferral fills Microsoft-side facts from related referrals
// (Microsoft's copy of the engagement carries the msxId).
func effectiveReferral(r *Referral, related []*Referral) *Referral {
	if r.MicrosoftMsxID != "" {
		return r
	}
	for _, x := range related {
		if x.MicrosoftMsxID != "" {
			c := *r
			c.MicrosoftMsxID = x.MicrosoftMsxID
			return &c
		}
	}
	return r
}

func relatedIDs(related []*Referral) []string {
	ids := make([]string, 0, len(related))
	for _, x := range related {
		ids = append(ids, x.ID)
	}
	slices.Sort(ids)
	return ids
}

func (d *Decision) fail(side Side, reason string) {
	d.Failures = append(d.Failures, Failure{ReferralID: d.ReferralID, OpportunityID: d.OpportunityID, Reason: reason, Side: side})
}

func (d *Decision) change(kind ChangeKind, side Side, fields []Field, summary string) {
	d.Changes = append(d.Changes, Change{Kind: kind, Side: side, ReferralID: d.ReferralID, OpportunityID: d.OpportunityID,
		Fields: fields, Summary: summary})
}

// ---------------------------------------------------------------------------
// Partner Center → Dynamics: a referral without an opportunity.

func decideNewReferral(in Input, d *Decision) {
	r := effectiveReferral(in.Referral, in.Related)
	if !in.Options.writesDynamics() {
		return
	}
	if referralTerminal(r) {
		closeLead(in, r, d)
		return
	}
	if isLead(r) && statusOf(r.Status, r.Substatus).Status == "New" {
		if in.Settings.CoSellOnly || !in.Options.IncludeLeads {
			return
		}
		decideLead(in, r, d)
		return
	}
	if reasons := validateIncoming(r, in.Lookups.CurrencyByCode, in.Settings); len(reasons) > 0 {
		for _, reason := range reasons {
			d.fail(SideDynamics, reason)
		}
		d.change(ChangeFailure, "", nil, "referral "+r.ID+" cannot become an opportunity: "+strings.Join(reasons, "; "))
		return
	}
	oppID := opportunityIDFor(r.ID)
	d.OpportunityID = oppID
	p := newCRMPlan(in, oppID, &Opportunity{ID: oppID})
	accountID := p.ensureAccount(r.Customer)
	p.values["parentaccountid"] = Ref{Table: TableAccount, ID: accountID}
	p.values["customerid"] = Ref{Table: TableAccount, ID: accountID}
	p.predicted.AccountID = accountID
	for _, c := range r.Contacts {
		if normEmail(c.Email) != "" {
			p.ensureContact(c, accountID)
		}
	}
	for _, f := range fieldTable {
		if f.Create&toCRM != 0 {
			if reason := p.set(f.Field, r); reason != "" {
				d.fail(SideDynamics, reason)
			}
		}
	}
	p.values[ColSync] = true
	p.values[ColReferralID] = r.ID
	p.values[ColLink] = referralLink(r.ID)
	p.predicted.ReferralID = r.ID
	if in.Lead != nil {
		p.values["originatingleadid"] = Ref{Table: TableLead, ID: in.Lead.ID}
		if in.Lead.State == leadOpen {
			p.post = append(p.post, Write{Group: oppID, Kind: WriteSetState, Table: TableLead, ID: in.Lead.ID,
				State: leadQualified, Status: leadQualifiedStatus})
		}
	}
	d.change(ChangeCreateOpportunity, SideDynamics, createFields(toCRM), fmt.Sprintf("create opportunity %q from referral %s", stripMark(r.Name), r.ID))
	if in.Options.writesPartnerCenter() && r.ExternalReferenceID != oppID {
		d.Patch = []FieldChange{{Op: PatchReplace, Path: "/externalReferenceId", Value: oppID}}
		d.PatchETag = r.ETag
		d.change(ChangeLink, SidePartnerCenter, nil, "write opportunity id "+oppID+" to referral "+r.ID+" (externalReferenceId)")
	}
	d.CRMFirst = true
	snapRef := *r
	d.Finish = func(*Referral) []Write {
		return p.writes(WriteUpsert, &snapRef, relatedIDs(in.Related), nil, auditSuccess(in.Now, "created from Partner Center referral "+r.ID), true)
	}
}

func createFields(dir dirs) []Field {
	var out []Field
	for _, f := range fieldTable {
		if f.Create&dir != 0 {
			out = append(out, f.Field)
		}
	}
	return out
}

// decideLead creates or updates the Dynamics lead of an unaccepted lead
// referral (one way: leads do not flow back to Partner Center).
func decideLead(in Input, r *Referral, d *Decision) {
	if c := normCode(r.Customer.Country); c != "" && !validCountry(c) {
		d.fail(SideDynamics, reasonCountry(r.Customer.Country, "address1_country"))
		d.change(ChangeFailure, "", nil, "lead referral "+r.ID+" is invalid")
		return
	}
	leadID := leadIDFor(r.ID)
	d.OpportunityID = leadID
	want := leadValues(r, in.Lookups)
	kind, etag := WriteUpsert, ""
	if in.Lead != nil {
		kind, etag = WriteUpdate, in.Lead.ETag
		for k, v := range want {
			if fmt.Sprint(in.Lead.Values[k]) == fmt.Sprint(v) {
				delete(want, k)
			}
		}
		if len(want) == 0 {
			return
		}
		d.change(ChangeUpdateOpportunity, SideDynamics, nil, "update lead "+leadID+" from referral "+r.ID)
	} else {
		d.change(ChangeCreateLead, SideDynamics, nil, fmt.Sprintf("create lead %q from referral %s", r.Name, r.ID))
	}
	w := Write{Group: leadID, Kind: kind, Table: TableLead, ID: leadID, ETag: etag, Values: want}
	d.Finish = func(*Referral) []Write { return []Write{w} }
}

// closeLead follows a lead referral that closed before it was accepted
// (declined, expired, lost): its open Dynamics lead is disqualified (won:
// qualified), per the status table.
func closeLead(in Input, r *Referral, d *Decision) {
	if in.Lead == nil || in.Lead.State != leadOpen {
		return
	}
	row := statusOf(r.Status, r.Substatus)
	d.OpportunityID = in.Lead.ID
	d.change(ChangeStatusOpportunity, SideDynamics, []Field{FieldStatus}, "close lead "+in.Lead.ID+": referral "+r.ID+" is "+r.Substatus)
	w := Write{Group: in.Lead.ID, Kind: WriteSetState, Table: TableLead, ID: in.Lead.ID, State: row.LeadState, Status: row.LeadStatus}
	d.Finish = func(*Referral) []Write { return []Write{w} }
}

func leadValues(r *Referral, lk *Lookups) map[string]any {
	v := map[string]any{"subject": stripMark(r.Name), "companyname": r.Customer.Name, "description": r.Notes}
	if c := firstContact(r.Contacts); c != nil {
		v["firstname"], v["lastname"], v["emailaddress1"], v["telephone1"] = c.FirstName, c.LastName, normEmail(c.Email), c.Phone
	}
	if r.DealValue != 0 {
		v["estimatedamount"] = r.DealValue
	}
	if r.CloseDate != "" {
		v["estimatedclosedate"] = normDate(r.CloseDate)
	}
	if id := lk.CurrencyByCode[normCode(r.Currency)]; id != "" {
		v["transactioncurrencyid"] = Ref{Table: TableCurrency, ID: id}
	}
	if r.Customer.PostalCode != "" {
		v["address1_postalcode"] = r.Customer.PostalCode
	}
	if r.Customer.Country != "" {
		v["address1_country"] = normCode(r.Customer.Country)
	}
	return v
}

func firstContact(cs []Contact) *Contact {
	for i := range cs {
		if normEmail(cs[i].Email) != "" {
			return &cs[i]
		}
	}
	return nil
}

// ---------------------------------------------------------------------------
// Dynamics → Partner Center: an opportunity without a referral.

func decideNewOpportunity(in Input, d *Decision) {
	o := in.Opportunity
	if o.ReferralID != "" {
		// Paired by its column but the referral is gone or out of reach.
		d.fail(SidePartnerCenter, "referral "+o.ReferralID+" named on the opportunity was not found in Partner Center: clear Referral Identifier to share the opportunity again")
		d.change(ChangeFailure, "", nil, "opportunity "+o.ID+": referral not found")
		return
	}
	if !o.Sync || !in.Options.writesPartnerCenter() {
		return
	}
	if reasons := validateReferralDraft(o, in.Settings); len(reasons) > 0 {
		failOnOpportunity(in, d, reasons)
		return
	}
	draft := referralDraft(o, in.Lookups)
	d.CreateReferral = &draft
	d.RequestID = referralRequestIDFor(o.ID)
	d.change(ChangeCreateReferral, SidePartnerCenter, createFields(toPC), fmt.Sprintf("create referral %q from opportunity %s", draft.Name, o.ID))
	d.change(ChangeLink, SideDynamics, nil, "write referral id and link to opportunity "+o.ID)
	d.Finish = func(pc *Referral) []Write {
		if pc == nil || pc.ID == "" {
			return nil // nothing to write back before the referral exists
		}
		p := newCRMPlan(in, o.ID, cloneOpportunity(o))
		p.values[ColReferralID] = pc.ID
		p.values[ColLink] = referralLink(pc.ID)
		p.predicted.ReferralID = pc.ID
		return p.writes(WriteUpdate, pc, nil, nil, auditSuccess(in.Now, "created Partner Center referral "+pc.ID), true)
	}
}

// referralDraft is the referral created from an opportunity.
func referralDraft(o *Opportunity, lk *Lookups) Referral {
	help := helpCodeOf(o.Help)
	r := Referral{
		Name: stripMark(o.Name), ExternalReferenceID: o.ID,
		Status: createdStatus, Substatus: createdSubstatus, Qualification: createdQualification, Type: "Independent",
		DealValue: o.DealValue, Currency: o.CurrencyCode, CloseDate: o.CloseDate, Notes: o.Notes,
		HelpCode: help, SharedWithMicrosoft: o.Visible || help != "",
		Solutions: solutionsOf(o, lk),
	}
	if help != "" {
		r.Type = "Shared"
	}
	if o.Account != nil {
		r.Customer = o.Account.Customer
		r.Customer.Country = normCode(r.Customer.Country)
	}
	if o.Contact != nil {
		r.Contacts = []Contact{o.Contact.Contact}
	}
	return r
}

func solutionsOf(o *Opportunity, lk *Lookups) []Solution {
	out := make([]Solution, 0, len(o.Solutions))
	for _, s := range o.Solutions {
		sol := Solution{ID: s.Identifier, Name: s.Name, Type: "Name"}
		if det, ok := lk.Details[strings.ToUpper(s.Identifier)]; ok {
			sol.Name, sol.PublisherName, sol.SolutionType = det.Name, det.Publisher, det.Type
		}
		out = append(out, sol)
	}
	slices.SortFunc(out, func(a, b Solution) int { return strings.Compare(a.ID, b.ID) })
	return out
}

// failOnOpportunity reports the reasons and, when the check-mark/audit line
// is not already saying so, writes the failure line and ✘ on the opportunity.
func failOnOpportunity(in Input, d *Decision, reasons []string) {
	o := in.Opportunity
	for _, reason := range reasons {
		d.fail(SidePartnerCenter, reason)
	}
	d.change(ChangeFailure, "", nil, "opportunity "+o.ID+": "+strings.Join(reasons, "; "))
	if opportunityClosed(o) {
		return
	}
	line := auditFailure(in.Now, reasons)
	if lastAuditMessage(o.Audit) == lastAuditMessage(line) {
		return
	}
	values := map[string]any{ColAudit: appendAudit(o.Audit, line)}
	if in.Settings.CheckMark {
		values["name"] = withMark(o.Name, false)
	}
	w := Write{Group: o.ID, Kind: WriteUpdate, Table: TableOpportunity, ID: o.ID, ETag: o.ETag, Values: values}
	d.Finish = func(*Referral) []Write { return []Write{w} }
}

// ---------------------------------------------------------------------------
// A pair: three-way merge against the snapshot.

func decidePaired(in Input, d *Decision) {
	r := effectiveReferral(in.Referral, in.Related)
	o := in.Opportunity
	snap := o.Snapshot
	if snap != nil && snap.ReferralID != r.ID {
		snap = nil // a snapshot of another pairing is no base
	}
	rTerm, oClosed := referralTerminal(r), opportunityClosed(o)
	if rTerm && oClosed {
		return // terminal: never updated either way
	}
	canPC := in.Options.writesPartnerCenter() && !rTerm
	canCRM := in.Options.writesDynamics() && !oClosed

	p := newCRMPlan(in, o.ID, cloneOpportunity(o))
	var toPCFields, toCRMFields []Field
	refused := map[Field]bool{}
	var reasons []string
	var reasonSides []Side
	var patch []FieldChange

	for _, f := range fieldTable {
		if f.equal(r, o) {
			continue
		}
		pv, cv := f.PC(r), f.CRM(o)
		pcChanged, crmChanged := true, true
		if snap != nil {
			pcChanged, crmChanged = pv != snap.PartnerCenter[f.Field], cv != snap.Dynamics[f.Field]
		}
		var winner Side
		switch {
		case pcChanged && !crmChanged:
			winner = SidePartnerCenter
		case crmChanged && !pcChanged:
			winner = SideDynamics
		case !pcChanged && !crmChanged:
			continue // differ since before the last sync (a one-way field): nothing new
		default:
			winner = resolve(in.Options.ConflictPolicy, r, o)
			// A one-way field can only resolve its own way.
			if winner == SidePartnerCenter && f.Update&toCRM == 0 {
				winner = SideDynamics
			} else if winner == SideDynamics && f.Update&toPC == 0 {
				winner = SidePartnerCenter
			}
			if snap != nil {
				d.Conflicts = append(d.Conflicts, Conflict{ReferralID: r.ID, OpportunityID: o.ID, Field: f.Field,
					Winner: winner, Policy: in.Options.ConflictPolicy})
			}
		}
		switch winner {
		case SidePartnerCenter:
			if f.Update&toCRM == 0 || !canCRM {
				continue
			}
			if f.Field == FieldStatus && (oClosed || !canCRM) {
				continue
			}
			if reason := p.set(f.Field, r); reason != "" {
				reasons, reasonSides = append(reasons, reason), append(reasonSides, SideDynamics)
				refused[f.Field] = true
				continue
			}
			toCRMFields = append(toCRMFields, f.Field)
		case SideDynamics:
			if f.Field == FieldVisibility && !o.Visible && r.SharedWithMicrosoft {
				// Visibility cannot be reverted: refuse, restore, audit.
				reasons, reasonSides = append(reasons, reasonVisibility), append(reasonSides, SidePartnerCenter)
				if canCRM {
					p.values[ColVisible] = true
					p.predicted.Visible = true
				}
				continue
			}
			if f.Update&toPC == 0 || !canPC {
				continue
			}
			ch, reason := pcChange(f.Field, r, o, in.Lookups)
			if reason != "" {
				reasons, reasonSides = append(reasons, reason), append(reasonSides, SidePartnerCenter)
				refused[f.Field] = true
				continue
			}
			if len(ch) > 0 {
				patch = append(patch, ch...)
				toPCFields = append(toPCFields, f.Field)
			}
		}
	}

	// Bookkeeping: ids, link, related referrals, snapshot.
	if canPC && r.ExternalReferenceID != o.ID {
		patch = append(patch, FieldChange{Op: PatchReplace, Path: "/externalReferenceId", Value: o.ID})
		d.change(ChangeLink, SidePartnerCenter, nil, "write opportunity id "+o.ID+" to referral "+r.ID+" (externalReferenceId)")
	}
	keep := keepOld(snap, refused)
	rel := relatedIDs(in.Related)
	link := snap == nil || !slices.Equal(snap.Related, rel) || snapshotDiffers(snap, r, o, keep)
	if o.ReferralID != r.ID || o.Link != referralLink(r.ID) {
		p.values[ColReferralID], p.values[ColLink] = r.ID, referralLink(r.ID)
		link = true
	}

	if l := in.Lead; l != nil && l.State == leadOpen && canCRM {
		// A lead left open by a run killed after its opportunity was made.
		row := statusOf(r.Status, r.Substatus)
		if row.LeadState != leadOpen {
			p.post = append(p.post, Write{Group: o.ID, Kind: WriteSetState, Table: TableLead, ID: l.ID, State: row.LeadState, Status: row.LeadStatus})
			link = true
		}
	}
	if len(patch) > 0 {
		d.Patch, d.PatchETag = patch, in.Referral.ETag
	}
	if len(toPCFields) > 0 {
		kind := ChangeUpdateReferral
		if slices.Contains(toPCFields, FieldStatus) {
			kind = ChangeStatusReferral
		}
		d.change(kind, SidePartnerCenter, toPCFields, "update referral "+r.ID+": "+fieldList(toPCFields))
	}
	if len(toCRMFields) > 0 {
		kind := ChangeUpdateOpportunity
		if p.action != nil {
			kind = ChangeStatusOpportunity
		}
		d.change(kind, SideDynamics, toCRMFields, "update opportunity "+o.ID+": "+fieldList(toCRMFields))
	}
	for i, reason := range reasons {
		d.fail(reasonSides[i], reason)
	}
	if len(reasons) > 0 {
		d.change(ChangeFailure, "", nil, "pair "+r.ID+" / "+o.ID+": "+strings.Join(reasons, "; "))
	}
	changed := len(toPCFields) > 0 || len(toCRMFields) > 0
	if !canCRM {
		// A closed opportunity is read-only; to_partner_center still keeps
		// the bookkeeping columns (they are what makes re-runs idempotent).
		if !oClosed && in.Options.Direction == DirectionToPartnerCenter && (link || changed) {
			d.Finish = func(pc *Referral) []Write {
				if pc == nil {
					pc = in.Referral
				}
				return p.writes(WriteUpdate, effectiveReferral(pc, in.Related), rel, keep, auditFor(in.Now, changed, toPCFields, toCRMFields), changed)
			}
		}
		return
	}
	var audit string
	switch {
	case len(reasons) > 0:
		line := auditFailure(in.Now, reasons)
		if lastAuditMessage(o.Audit) != lastAuditMessage(line) {
			audit = line
		}
	case changed:
		audit = auditFor(in.Now, changed, toPCFields, toCRMFields)
	}
	// A ✘ left from a failure that is gone (the data was fixed back to the
	// synced values) turns into ✔.
	staleCross := in.Settings.CheckMark && len(reasons) == 0 && strings.HasSuffix(strings.TrimSpace(o.Name), markFail)
	if !changed && !link && audit == "" && len(p.values) == 0 && !staleCross {
		return
	}
	if !changed && len(reasons) == 0 {
		d.change(ChangeLink, SideDynamics, nil, "record the synced state of referral "+r.ID+" on opportunity "+o.ID)
	}
	markOK := len(reasons) == 0
	mark := changed || len(reasons) > 0 || staleCross
	d.Finish = func(pc *Referral) []Write {
		if pc == nil {
			pc = in.Referral
		}
		ws := p.writes(WriteUpdate, effectiveReferral(pc, in.Related), rel, keep, audit, mark)
		if mark && !markOK && in.Settings.CheckMark {
			for i := range ws {
				if ws[i].Table == TableOpportunity && ws[i].Kind == WriteUpdate {
					ws[i].Values["name"] = withMark(p.predicted.Name, false)
				}
			}
		}
		return ws
	}
}

// snapshotDiffers: the snapshot does not hold the current values (e.g. a
// one-way field changed and was absorbed), so it is rewritten.
func snapshotDiffers(snap *Snapshot, r *Referral, o *Opportunity, keep map[Field][2]*string) bool {
	pc, crm := snapshotMaps(pcValues(r), crmValues(o), keep)
	return !maps.Equal(snap.PartnerCenter, pc) || !maps.Equal(snap.Dynamics, crm)
}

// snapshotMaps applies keep (refused fields keep their old values) to the
// values about to be recorded.
func snapshotMaps(pc, crm map[Field]string, keep map[Field][2]*string) (map[Field]string, map[Field]string) {
	for f, old := range keep {
		delete(pc, f)
		delete(crm, f)
		if old[0] != nil {
			pc[f] = *old[0]
		}
		if old[1] != nil {
			crm[f] = *old[1]
		}
	}
	return pc, crm
}

func auditFor(now time.Time, changed bool, toPC, toCRM []Field) string {
	if !changed {
		return ""
	}
	var parts []string
	if len(toPC) > 0 {
		parts = append(parts, "Partner Center updated ("+fieldList(toPC)+")")
	}
	if len(toCRM) > 0 {
		parts = append(parts, "opportunity updated ("+fieldList(toCRM)+")")
	}
	return auditSuccess(now, strings.Join(parts, ", "))
}

func fieldList(fs []Field) string {
	s := make([]string, len(fs))
	for i, f := range fs {
		s[i] = string(f)
	}
	return strings.Join(s, ", ")
}

// keepOld: refused fields keep their old snapshot values, so they count as
// changed again next run (failed records are retried until fixed).
func keepOld(snap *Snapshot, refused map[Field]bool) map[Field][2]*string {
	if len(refused) == 0 {
		return nil
	}
	out := map[Field][2]*string{}
	for f := range refused {
		var pc, crm *string
		if snap != nil {
			if v, ok := snap.PartnerCenter[f]; ok {
				pc = &v
			}
			if v, ok := snap.Dynamics[f]; ok {
				crm = &v
			}
		}
		out[f] = [2]*string{pc, crm}
	}
	return out
}

// resolve applies the conflict policy.
func resolve(policy ConflictPolicy, r *Referral, o *Opportunity) Side {
	switch policy {
	case PolicyDynamicsWins:
		return SideDynamics
	case PolicyNewestWins:
		if o.ModifiedOn.After(r.UpdatedAt) {
			return SideDynamics
		}
		return SidePartnerCenter
	}
	return SidePartnerCenter
}

// pcChange is the JSON Patch for one field going Dynamics → Partner Center,
// or the reason it is refused.
func pcChange(f Field, r *Referral, o *Opportunity, lk *Lookups) ([]FieldChange, string) {
	rep := func(path string, v any) []FieldChange { return []FieldChange{{Op: PatchReplace, Path: path, Value: v}} }
	switch f {
	case FieldName:
		if normText(stripMark(o.Name)) == "" {
			return nil, reasonNoName
		}
		return rep("/name", stripMark(o.Name)), ""
	case FieldDealValue:
		if normMoney(o.DealValue) == "" {
			return nil, reasonNoDealValue
		}
		return rep("/details/dealValue", o.DealValue), ""
	case FieldCurrency:
		if o.CurrencyCode == "" {
			return nil, reasonNoCurrency
		}
		return rep("/details/currency", o.CurrencyCode), ""
	case FieldCloseDate:
		return rep("/details/closingDateTime", closingDateTime(o.CloseDate)), ""
	case FieldNotes:
		return rep("/details/notes", o.Notes), ""
	case FieldStatus:
		status, sub, ok := referralStatusFor(o, r)
		if !ok {
			return nil, ""
		}
		ch := append(rep("/status", status), rep("/substatus", sub)...)
		if sub == "Declined" {
			ch = append(ch, rep("/statusReason", declinedReason)...)
		}
		return ch, ""
	case FieldVisibility:
		if rs := validateShared(o); len(rs) > 0 {
			return nil, strings.Join(rs, "; ")
		}
		return rep("/consent/consentToShareReferralWithMicrosoftSellers", o.Visible), ""
	case FieldHelp:
		if rs := validateShared(o); len(rs) > 0 {
			return nil, strings.Join(rs, "; ")
		}
		ch := rep("/inviteContext/assistanceRequestCode", helpCodeOf(o.Help))
		if helpCodeOf(o.Help) != "" && !r.SharedWithMicrosoft {
			// Help implies visible (cosell-connector.md §2.1).
			ch = append(ch, rep("/consent/consentToShareReferralWithMicrosoftSellers", true)...)
		}
		return ch, ""
	case FieldContact:
		if o.Contact == nil || normEmail(o.Contact.Email) == "" {
			if helpCodeOf(o.Help) != "" {
				return nil, reasonNoContact
			}
			return nil, ""
		}
		team := []Contact{o.Contact.Contact}
		for _, c := range r.Contacts {
			if normEmail(c.Email) != normEmail(o.Contact.Email) {
				team = append(team, c)
			}
		}
		return rep("/customerProfile/team", team), ""
	case FieldSolutions:
		if len(o.Solutions) == 0 && (o.Visible || r.SharedWithMicrosoft) {
			return nil, reasonNoSolution
		}
		return rep("/details/requirements/solutions", solutionsOf(o, lk)), ""
	}
	return nil, ""
}

// ---------------------------------------------------------------------------
// The Dynamics side of a decision.

// crmPlan accumulates the Dynamics writes of one pair: rows it depends on
// (accounts, contacts), the opportunity's changed columns, rows after it
// (solutions, lead qualification) and a closing action.
type crmPlan struct {
	in        Input
	oppID     string
	pre       []Write
	values    map[string]any
	post      []Write
	action    *Write
	predicted *Opportunity
	seen      map[string]bool
}

func newCRMPlan(in Input, oppID string, predicted *Opportunity) *crmPlan {
	return &crmPlan{in: in, oppID: oppID, values: map[string]any{}, predicted: predicted, seen: map[string]bool{}}
}

func cloneOpportunity(o *Opportunity) *Opportunity {
	c := *o
	c.Solutions = slices.Clone(o.Solutions)
	return &c
}

func (p *crmPlan) ensureAccount(c Customer) string {
	if a, ok := p.in.Lookups.Accounts[accountKey(c)]; ok {
		p.predicted.Account = a
		return a.ID
	}
	id := accountIDFor(c)
	if !p.seen[id] {
		p.seen[id] = true
		p.pre = append(p.pre, Write{Group: p.oppID, Kind: WriteUpsert, Table: TableAccount, ID: id, Values: accountValues(c, p.in.Settings)})
	}
	p.predicted.Account = &Account{ID: id, Customer: c}
	return id
}

func (p *crmPlan) ensureContact(c Contact, accountID string) string {
	email := normEmail(c.Email)
	if x, ok := p.in.Lookups.Contacts[email]; ok {
		return x.ID
	}
	id := contactIDFor(email)
	if !p.seen[id] {
		p.seen[id] = true
		p.pre = append(p.pre, Write{Group: p.oppID, Kind: WriteUpsert, Table: TableContact, ID: id, Values: contactValues(c, accountID)})
	}
	return id
}

// set writes one field Partner Center → Dynamics; "" or the refusal reason.
func (p *crmPlan) set(f Field, r *Referral) string {
	s, o := p.in.Settings, p.predicted
	switch f {
	case FieldName:
		p.values["name"] = stripMark(r.Name)
		o.Name = stripMark(r.Name)
	case FieldDealValue:
		if r.DealValue == 0 {
			p.values[s.DealValueField] = nil
		} else {
			p.values[s.DealValueField] = r.DealValue
		}
		o.DealValue = r.DealValue
	case FieldCurrency:
		code := normCode(r.Currency)
		if code == "" {
			return ""
		}
		if s.currencyIsLookup() {
			id := p.in.Lookups.CurrencyByCode[code]
			if id == "" {
				return reasonUnknownCurrency(code)
			}
			p.values[s.CurrencyField] = Ref{Table: TableCurrency, ID: id}
			o.CurrencyID = id
		} else {
			p.values[s.CurrencyField] = code
		}
		o.CurrencyCode = code
	case FieldCloseDate:
		if d := normDate(r.CloseDate); d != "" {
			p.values["estimatedclosedate"] = d
		} else {
			p.values["estimatedclosedate"] = nil
		}
		o.CloseDate = normDate(r.CloseDate)
	case FieldNotes:
		p.values["description"] = nilIfEmpty(r.Notes)
		o.Notes = r.Notes
	case FieldStatus:
		row := statusOf(r.Status, r.Substatus)
		switch row.State {
		case oppWon:
			p.action = &Write{Group: p.oppID, Kind: WriteWin, Table: TableOpportunity, ID: p.oppID, Status: row.StatusCode, Subject: closeSubject}
		case oppLost:
			p.action = &Write{Group: p.oppID, Kind: WriteLose, Table: TableOpportunity, ID: p.oppID, Status: row.StatusCode, Subject: closeSubject}
		default:
			p.values["statuscode"] = row.StatusCode
		}
		o.State, o.Status = row.State, row.StatusCode
	case FieldVisibility:
		p.values[ColVisible] = r.SharedWithMicrosoft
		o.Visible = r.SharedWithMicrosoft
	case FieldHelp:
		if v, ok := helpValueOf(normHelp(r.HelpCode)); ok {
			p.values[ColHelp] = v
			o.Help = v
		} else {
			p.values[ColHelp] = nil
			o.Help = 0
		}
	case FieldContact:
		c := firstContact(r.Contacts)
		if c == nil {
			return ""
		}
		id := p.ensureContact(*c, o.AccountID)
		p.values["parentcontactid"] = Ref{Table: TableContact, ID: id}
		o.ContactID = id
		o.Contact = &ContactRow{ID: id, Contact: *c}
	case FieldSolutions:
		var rows []SolutionRow
		for _, sol := range r.Solutions {
			if strings.TrimSpace(sol.ID) == "" {
				continue
			}
			id := solutionRowIDFor(p.oppID, sol.ID)
			// Linked to the catalogue row when there is one; otherwise the
			// row's name is the identifier itself (choices.go).
			vals := map[string]any{ColSolutionName: sol.ID, ColSolutionOpportunity: Ref{Table: TableOpportunity, ID: p.oppID}}
			det, ok := p.in.Lookups.Details[strings.ToUpper(sol.ID)]
			if ok {
				vals[ColSolutionDetail] = Ref{Table: TableSolutionDetail, ID: det.ID}
				vals[ColSolutionName] = firstNonEmpty(det.Name, sol.Name, sol.ID)
			}
			p.post = append(p.post, Write{Group: p.oppID, Kind: WriteUpsert, Table: TableSolution, ID: id, Values: vals})
			rows = append(rows, SolutionRow{ID: id, Name: sol.Name, DetailID: det.ID, Identifier: sol.ID})
		}
		o.Solutions = rows
	case FieldMsxID:
		p.values[ColMsxID] = nilIfEmpty(r.MicrosoftMsxID)
		o.MsxID = r.MicrosoftMsxID
	}
	return ""
}

// nilIfEmpty: an empty text is a null column (absent on create, cleared on update).
func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}

// writes assembles the pair's Dynamics writes: dependencies, the
// opportunity (changed columns, snapshot, audit line, name mark), the rows
// after it, then the closing action (closed rows are read-only).
func (p *crmPlan) writes(kind WriteKind, pc *Referral, related []string, keep map[Field][2]*string, audit string, mark bool) []Write {
	o := p.predicted
	values := maps.Clone(p.values)
	snap := Snapshot{Version: SnapshotVersion, ReferralID: pc.ID, OpportunityID: p.oppID, EngagementID: pc.EngagementID,
		Related: related, SyncedAt: p.in.Now.UTC()}
	snap.PartnerCenter, snap.Dynamics = snapshotMaps(pcValues(pc), crmValues(o), keep)
	raw, _ := json.Marshal(snap)
	values[p.in.Options.SnapshotColumn] = string(raw)
	if audit != "" {
		values[ColAudit] = appendAudit(p.in.Opportunity.auditOrEmpty(), audit)
	}
	if mark && p.in.Settings.CheckMark {
		values["name"] = withMark(o.Name, true)
	}
	etag := ""
	if kind == WriteUpdate && p.in.Opportunity != nil {
		etag = p.in.Opportunity.ETag
	}
	out := append([]Write{}, p.pre...)
	out = append(out, Write{Group: p.oppID, Kind: kind, Table: TableOpportunity, ID: p.oppID, ETag: etag, Values: values})
	out = append(out, p.post...)
	if p.action != nil {
		out = append(out, *p.action)
	}
	return out
}

func (o *Opportunity) auditOrEmpty() string {
	if o == nil {
		return ""
	}
	return o.Audit
}

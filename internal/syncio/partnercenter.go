package syncio

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// PartnerCenter is the engine's PartnerCenter port over the Referrals API.
type PartnerCenter struct {
	rc *partnercenter.ReferralsClient
}

var _ engine.PartnerCenter = (*PartnerCenter)(nil)

// NewPartnerCenter returns the port over rc (retries and authentication are
// rc's transport's).
func NewPartnerCenter(rc *partnercenter.ReferralsClient) *PartnerCenter {
	return &PartnerCenter{rc: rc}
}

// ListReferrals lists with $select of the mapped members and $top of
// referralPageSize. Key lists are chunked by keyChunk into OR filters; one
// list call (and its pages) per chunk.
func (p *PartnerCenter) ListReferrals(ctx context.Context, q engine.ReferralQuery, page func([]engine.Referral) error) error {
	base := partnercenter.NewFilter()
	if !q.UpdatedSince.IsZero() {
		base = base.UpdatedSince(q.UpdatedSince)
	}
	base = base.Status(q.Statuses...)
	filters := []partnercenter.Filter{base}
	keep := func(string) bool { return true }
	if n := len(q.Listed); n > 0 && len(q.IDs) > 0 && pages(n, referralPageSize) < pages(len(dedupe(q.IDs)), keyChunk) {
		// Listing the query again takes fewer calls than asking by key:
		// in keyParallelism time ranges of about equal size, side by side.
		want := map[string]bool{}
		for _, id := range q.IDs {
			want[strings.ToLower(id)] = true
		}
		keep = func(id string) bool { return want[strings.ToLower(id)] }
		filters = timeRanges(base, q.Listed, keyParallelism)
	} else {
		for _, keys := range []struct {
			field  string
			values []string
		}{{"id", q.IDs}, {"externalReferenceId", q.ExternalReferenceIDs}, {"engagementId", q.EngagementIDs}} {
			if len(keys.values) == 0 {
				continue
			}
			var next []partnercenter.Filter
			for _, f := range filters {
				for _, chunk := range chunks(dedupe(keys.values), keyChunk) {
					next = append(next, f.In(keys.field, chunk...))
				}
			}
			filters = next
		}
	}
	// Key chunks go keyParallelism at a time; pages reach the caller one
	// at a time.
	var mu gosync.Mutex
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(keyParallelism)
	for _, f := range filters {
		opts := partnercenter.ListOptions{Filter: f.String(), Top: referralPageSize, Select: referralSelect}
		if q.VersionsOnly {
			opts.Select = referralVersionSelect
		}
		g.Go(func() error {
			return p.rc.ListPages(gctx, opts, func(wire []partnercenter.Referral) error {
				out := make([]engine.Referral, 0, len(wire))
				for i := range wire {
					if keep(wire[i].ID) {
						out = append(out, referralFromWire(&wire[i]))
					}
				}
				if len(out) == 0 {
					return nil
				}
				mu.Lock()
				defer mu.Unlock()
				return page(out)
			})
		})
	}
	if err := g.Wait(); err != nil {
		return pcError(err)
	}
	return nil
}

// GetReferral reads one referral.
func (p *PartnerCenter) GetReferral(ctx context.Context, id string) (engine.Referral, error) {
	r, err := p.rc.Get(ctx, id)
	if err != nil {
		return engine.Referral{}, pcError(err)
	}
	return referralFromWire(r), nil
}

// CreateReferral posts draft with MS-RequestId = requestID.
func (p *PartnerCenter) CreateReferral(ctx context.Context, draft engine.Referral, requestID string) (engine.Referral, error) {
	r, err := p.rc.CreateWithRequestID(ctx, referralToWire(draft), requestID)
	if err != nil {
		return engine.Referral{}, pcError(err)
	}
	return referralFromWire(r), nil
}

// PatchReferral sends changes as one JSON Patch document with If-Match.
// Partner Center may answer 204 without the referral; it is then read back.
func (p *PartnerCenter) PatchReferral(ctx context.Context, id, etag string, changes []engine.FieldChange) (engine.Referral, error) {
	ops := make([]partnercenter.PatchOp, len(changes))
	for i, c := range changes {
		ops[i] = partnercenter.PatchOp{Op: string(c.Op), Path: c.Path, Value: c.Value}
	}
	r, err := p.rc.Patch(ctx, id, ops, etag)
	if err != nil {
		return engine.Referral{}, pcError(err)
	}
	if r == nil {
		return p.GetReferral(ctx, id)
	}
	return referralFromWire(r), nil
}

// pcError wraps 412 and 404 in the engine's sentinel errors, keeping the API
// error (with its correlation id) in the chain.
func pcError(err error) error {
	switch {
	case partnercenter.IsPreconditionFailed(err):
		return fmt.Errorf("%w: %w", engine.ErrConflict, err)
	case partnercenter.IsNotFound(err):
		return fmt.Errorf("%w: %w", engine.ErrNotFound, err)
	}
	return err
}

func referralFromWire(w *partnercenter.Referral) engine.Referral {
	r := engine.Referral{
		ID: w.ID, EngagementID: w.EngagementID, ETag: w.ETag, ExternalReferenceID: w.ExternalReferenceID,
		Name: w.Name, Status: w.Status, Substatus: w.Substatus, StatusReason: w.StatusReason,
		Type: w.Type, Direction: w.Direction, Qualification: w.Qualification,
	}
	if w.CreatedDateTime != nil {
		r.CreatedAt = w.CreatedDateTime.Time
	}
	if w.UpdatedDateTime != nil {
		r.UpdatedAt = w.UpdatedDateTime.Time
	}
	if c := w.CustomerProfile; c != nil {
		r.Customer.Name = c.Name
		if a := c.Address; a != nil {
			r.Customer.AddressLine1, r.Customer.AddressLine2, r.Customer.City = a.AddressLine1, a.AddressLine2, a.City
			r.Customer.State, r.Customer.PostalCode, r.Customer.Country = a.State, a.PostalCode, a.Country
		}
		for _, m := range c.Team {
			r.Contacts = append(r.Contacts, engine.Contact{FirstName: m.FirstName, LastName: m.LastName, Email: m.Email, Phone: m.PhoneNumber})
		}
	}
	if c := w.Consent; c != nil {
		r.SharedWithMicrosoft = c.ConsentToShareReferralWithMicrosoftSellers
	}
	if d := w.Details; d != nil {
		r.Notes, r.Currency = d.Notes, d.Currency
		if d.DealValue != "" {
			r.DealValue, _ = strconv.ParseFloat(string(d.DealValue), 64)
		}
		if d.ClosingDateTime != nil && !d.ClosingDateTime.IsZero() {
			r.CloseDate = d.ClosingDateTime.UTC().Format(time.DateOnly)
		}
		if d.Requirements != nil {
			for _, s := range d.Requirements.Solutions {
				r.Solutions = append(r.Solutions, engine.Solution{ID: s.ID, Name: s.Name, Type: s.Type,
					PublisherName: s.PublisherName, SolutionType: s.SolutionType})
			}
		}
	}
	if ic := w.InviteContext; ic != nil {
		r.HelpCode = ic.AssistanceRequestCode
		if ic.InvitedBy != nil {
			r.InvitedBy = ic.InvitedBy.OrganizationID
		}
	}
	if t := w.TrackingInfo; t != nil {
		r.MicrosoftMsxID = t.MicrosoftMsxID
	}
	return r
}

// referralToWire builds the create body (choices.go: type, qualification,
// consent, status defaults).
func referralToWire(r engine.Referral) *partnercenter.Referral {
	w := &partnercenter.Referral{
		Name: r.Name, ExternalReferenceID: r.ExternalReferenceID, EngagementID: r.EngagementID,
		Status: r.Status, Substatus: r.Substatus, StatusReason: r.StatusReason,
		Type: r.Type, Qualification: r.Qualification, Target: []partnercenter.Target{},
	}
	if w.Type == "" {
		w.Type = partnercenter.TypeIndependent
		if r.SharedWithMicrosoft {
			w.Type = partnercenter.TypeShared
		}
	}
	if w.Qualification == "" {
		w.Qualification = newReferralQualification
	}
	if w.Status == "" {
		w.Status, w.Substatus = newReferralStatus, newReferralSubstatus
	}
	w.CustomerProfile = &partnercenter.CustomerProfile{Name: r.Customer.Name, Address: &partnercenter.Address{
		AddressLine1: r.Customer.AddressLine1, AddressLine2: r.Customer.AddressLine2, City: r.Customer.City,
		State: r.Customer.State, PostalCode: r.Customer.PostalCode, Country: r.Customer.Country}}
	for _, c := range r.Contacts {
		w.CustomerProfile.Team = append(w.CustomerProfile.Team, partnercenter.Member{FirstName: c.FirstName, LastName: c.LastName,
			Email: c.Email, PhoneNumber: c.Phone})
	}
	w.Consent = &partnercenter.Consent{ConsentToContact: true, ConsentToShareReferralWithMicrosoftSellers: r.SharedWithMicrosoft}
	w.Details = &partnercenter.Details{Notes: r.Notes, Currency: r.Currency}
	if r.DealValue != 0 {
		w.Details.DealValue = json.Number(strconv.FormatFloat(r.DealValue, 'f', -1, 64))
	}
	if r.CloseDate != "" {
		if t, err := time.Parse(time.DateOnly, r.CloseDate); err == nil {
			w.Details.ClosingDateTime = partnercenter.TimeOf(t)
		}
	}
	if len(r.Solutions) > 0 {
		req := &partnercenter.Requirements{}
		for _, s := range r.Solutions {
			req.Solutions = append(req.Solutions, partnercenter.SolutionTag{ID: s.ID, Name: s.Name, Type: s.Type,
				PublisherName: s.PublisherName, SolutionType: s.SolutionType})
		}
		w.Details.Requirements = req
	}
	if r.HelpCode != "" {
		w.InviteContext = &partnercenter.InviteContext{AssistanceRequestCode: r.HelpCode}
	}
	return w
}

// chunks splits s into slices of at most n.
// timeRanges splits base into at most k listings by updatedDateTime, at
// the quantiles of times (what the listing returned), so each range holds
// about as many referrals. The last range is open: a referral updated
// since the first listing is in it.
func timeRanges(base partnercenter.Filter, times []time.Time, k int) []partnercenter.Filter {
	sorted := slices.SortedFunc(slices.Values(times), time.Time.Compare)
	var cuts []time.Time
	for i := 1; i < k; i++ {
		t := sorted[len(sorted)*i/k].UTC().Truncate(time.Second)
		if !t.IsZero() && (len(cuts) == 0 || t.After(cuts[len(cuts)-1])) && t.After(sorted[0].UTC().Truncate(time.Second)) {
			cuts = append(cuts, t)
		}
	}
	out := make([]partnercenter.Filter, 0, len(cuts)+1)
	from := time.Time{}
	for _, c := range cuts {
		out = append(out, base.UpdatedSince(from).UpdatedBefore(c))
		from = c
	}
	return append(out, base.UpdatedSince(from))
}

// pages is how many calls n items take, size per call.
func pages(n, size int) int { return (n + size - 1) / size }

func chunks(s []string, n int) [][]string {
	var out [][]string
	for len(s) > n {
		out = append(out, s[:n])
		s = s[n:]
	}
	if len(s) > 0 {
		out = append(out, s)
	}
	return out
}

// dedupe drops empty and repeated values, keeping order.
func dedupe(s []string) []string {
	seen := make(map[string]bool, len(s))
	out := make([]string, 0, len(s))
	for _, v := range s {
		if v != "" && !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

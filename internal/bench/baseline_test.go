package bench_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"

	"github.com/cosell-labs/terraform-provider-cosell/internal/bench"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// perRecordBaseline syncs the way the connector's Power Automate flows do,
// one record at a time with the existing clients (benchmark code only):
//
//   - Partner Center → Dynamics ("sync referrals" flow): list every
//     referral; for each one GET it, look up its opportunity (by referral
//     id), its account (name + postal code) and its contact (email), then
//     write: create what is missing, update the opportunity otherwise.
//   - Dynamics → Partner Center ("opportunity changed" flow): list the
//     opportunities flagged for sync; for each one with a referral id GET
//     the referral and PATCH it; without one, POST a referral and write its
//     id back onto the opportunity.
//
// Flows write without comparing (a trigger fired, so they act), and "apply
// to each" runs workers items in parallel (Power Automate allows up to 50).
func perRecordBaseline(ctx context.Context, r *bench.Rig, workers int) error {
	rc, dv := r.Referrals, r.Dataverse
	var refs []partnercenter.Referral
	if err := rc.ListPages(ctx, partnercenter.ListOptions{Top: bench.DefaultPaging.ReferralPage}, func(p []partnercenter.Referral) error {
		refs = append(refs, p...)
		return nil
	}); err != nil {
		return err
	}
	if err := each(ctx, len(refs), workers, func(i int) error { return baselineReferral(ctx, rc, dv, refs[i].ID) }); err != nil {
		return err
	}
	opps, err := dv.QueryAll(ctx, "opportunities", dataverse.Query{
		Select: []string{"opportunityid", "name", "estimatedvalue", "description", engine.ColReferralID},
		Filter: engine.ColSync + " eq true", MaxPageSize: bench.DefaultPaging.RowPage,
	})
	if err != nil {
		return err
	}
	return each(ctx, len(opps), workers, func(i int) error { return baselineOpportunity(ctx, rc, dv, opps[i]) })
}

func baselineReferral(ctx context.Context, rc *partnercenter.ReferralsClient, dv *dataverse.Client, id string) error {
	ref, err := rc.Get(ctx, id)
	if err != nil {
		return err
	}
	opp, err := first(ctx, dv, "opportunities", dataverse.EqString(engine.ColReferralID, ref.ID), "opportunityid")
	if err != nil {
		return err
	}
	var company, postal, email string
	if cp := ref.CustomerProfile; cp != nil {
		company = cp.Name
		if cp.Address != nil {
			postal = cp.Address.PostalCode
		}
		if len(cp.Team) > 0 {
			email = cp.Team[0].Email
		}
	}
	acc, err := first(ctx, dv, "accounts", dataverse.EqString("name", company)+" and "+dataverse.EqString("address1_postalcode", postal), "accountid")
	if err != nil {
		return err
	}
	if acc == "" {
		if acc, err = dv.Create(ctx, "accounts", dataverse.Record{"name": company, "address1_postalcode": postal}); err != nil {
			return err
		}
	}
	con, err := first(ctx, dv, "contacts", dataverse.EqString("emailaddress1", email), "contactid")
	if err != nil {
		return err
	}
	if con == "" && email != "" {
		if con, err = dv.Create(ctx, "contacts", dataverse.Record{"emailaddress1": email, "lastname": "Contact",
			"parentcustomerid_account@odata.bind": "/accounts(" + acc + ")"}); err != nil {
			return err
		}
	}
	rec := dataverse.Record{"name": ref.Name, engine.ColReferralID: ref.ID, "parentaccountid@odata.bind": "/accounts(" + acc + ")"}
	if d := ref.Details; d != nil {
		rec["description"] = d.Notes
		if v, err := d.DealValue.Float64(); err == nil {
			rec["estimatedvalue"] = v
		}
	}
	if con != "" {
		rec["parentcontactid@odata.bind"] = "/contacts(" + con + ")"
	}
	if opp == "" {
		_, err = dv.Create(ctx, "opportunities", rec)
		return err
	}
	return dv.Update(ctx, "opportunities", opp, rec, "*")
}

func baselineOpportunity(ctx context.Context, rc *partnercenter.ReferralsClient, dv *dataverse.Client, o dataverse.Record) error {
	id, _ := o["opportunityid"].(string)
	name, _ := o["name"].(string)
	notes, _ := o["description"].(string)
	value, _ := o["estimatedvalue"].(float64)
	refID, _ := o[engine.ColReferralID].(string)
	if refID == "" {
		created, err := rc.Create(ctx, &partnercenter.Referral{Name: name, ExternalReferenceID: id,
			CustomerProfile: &partnercenter.CustomerProfile{Name: name, Address: &partnercenter.Address{Country: "US", PostalCode: "98052"},
				Team: []partnercenter.Member{{FirstName: "Sam", LastName: "Rivera", Email: "sam@" + strings.ReplaceAll(id, "-", "") + ".example"}}},
			Details: &partnercenter.Details{Notes: notes, DealValue: json.Number(fmt.Sprint(max(value, 1))), Currency: "USD"}})
		if err != nil {
			return nil // the flow fails this item (invalid records) and goes on
		}
		return dv.Update(ctx, "opportunities", id, dataverse.Record{engine.ColReferralID: created.ID}, "*")
	}
	ref, err := rc.Get(ctx, refID)
	if err != nil {
		return err
	}
	_, err = rc.Patch(ctx, refID, []partnercenter.PatchOp{partnercenter.Replace("/details/notes", notes)}, ref.ETag)
	_ = err // a closed or refused referral fails this item; the flow goes on
	return nil
}

// first returns the primary key of the first row matching filter, or "".
func first(ctx context.Context, dv *dataverse.Client, set, filter, pk string) (string, error) {
	rows, err := dv.QueryAll(ctx, set, dataverse.Query{Select: []string{pk}, Filter: filter, Top: 1})
	if err != nil || len(rows) == 0 {
		return "", err
	}
	id, _ := rows[0][pk].(string)
	return id, nil
}

// each runs f(0..n-1) on workers goroutines and returns the first error.
func each(ctx context.Context, n, workers int, f func(int) error) error {
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		ferr error
	)
	next := make(chan int)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					mu.Lock()
					if ferr == nil {
						ferr = err
					}
					mu.Unlock()
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return ferr
}

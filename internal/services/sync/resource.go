package sync

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

var (
	_ resource.ResourceWithConfigure      = (*syncResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*syncResource)(nil)
	_ resource.ResourceWithValidateConfig = (*syncResource)(nil)
)

// NewSyncResource is cosell_sync. It has no import: there is no remote object
// to adopt (the snapshots live on the opportunities, so a new cosell_sync
// simply continues from them).
func NewSyncResource() resource.Resource { return &syncResource{} }

type syncResource struct{ client *conns.Client }

func (r *syncResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_sync"
}

func (r *syncResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = resourceSchema()
}

func (r *syncResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

// ValidateConfig runs the engine's own validation of the settings
// (internal/sync/options.go), so every rule has one home; unknown values
// count as unset (the defaults, which are valid).
func (r *syncResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m resourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateSettings(ctx, m.settings(), m.MaxParallelism, &resp.Diagnostics)
}

// ModifyPlan makes pending data changes a planned update without a
// perpetual diff: refresh stored in_sync = false when a run would write
// something, so the plan sets it to true (the value an apply leaves) and the
// run's outputs become known after apply; with nothing pending and no
// setting changed, plan and state agree.
func (r *syncResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if r.client != nil && plan.ID.IsUnknown() {
		if dv, err := r.client.Dataverse(ctx); err == nil {
			plan.ID = types.StringValue(orgHost(dv.OrgURL()))
		}
	}
	runs := true
	if !req.State.Raw.IsNull() {
		var state resourceModel
		resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
		if resp.Diagnostics.HasError() {
			return
		}
		settingsChanged := !plan.Direction.Equal(state.Direction) || !plan.ConflictPolicy.Equal(state.ConflictPolicy) ||
			!plan.Filters.Equal(state.Filters) || !plan.Full.Equal(state.Full) || !plan.SnapshotColumn.Equal(state.SnapshotColumn) ||
			!plan.Triggers.Equal(state.Triggers) || !plan.DryRun.Equal(state.DryRun) || !plan.MaxParallelism.Equal(state.MaxParallelism)
		runs = settingsChanged || !state.InSync.ValueBool()
		if !state.InSync.ValueBool() {
			resp.Diagnostics.AddWarning("Partner Center and Dynamics 365 are out of sync",
				"cosell_sync found changes to make: "+pendingText(ctx, state.Pending)+". Apply runs the sync.")
		}
		if !runs {
			plan.InSync, plan.Pending, plan.LastRun, plan.Failures, plan.Watermark =
				state.InSync, state.Pending, state.LastRun, state.Failures, state.Watermark
		}
	}
	if runs {
		plan.InSync = types.BoolValue(true)
		if plan.DryRun.ValueBool() || plan.DryRun.IsUnknown() {
			plan.InSync = types.BoolUnknown() // a dry run writes nothing: it stays out of sync
		}
		plan.Pending = types.MapUnknown(types.Int64Type)
		plan.LastRun = types.ObjectUnknown(lastRunType)
		plan.Failures = types.ListUnknown(types.ObjectType{AttrTypes: failureType})
		plan.Watermark = types.StringUnknown()
	}
	resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
}

// pendingText is "2 create_opportunity, 1 update_referral".
func pendingText(ctx context.Context, m types.Map) string {
	counts := map[string]int64{}
	if m.IsNull() || m.IsUnknown() || m.ElementsAs(ctx, &counts, false).HasError() {
		return "unknown"
	}
	var parts []string
	for k, n := range counts {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, k))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

func (r *syncResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	settled := r.run(ctx, &plan, "", nil, nil, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	storeSettled(ctx, resp.Private, settled, &resp.Diagnostics)
}

func (r *syncResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	watermark := state.Watermark.ValueString()
	if !plan.Filters.Equal(state.Filters) || !plan.SnapshotColumn.Equal(state.SnapshotColumn) {
		watermark = "" // other records are in scope now: list everything once
	}
	prev := settledFrom(ctx, req.Private)
	settled := r.run(ctx, &plan, watermark, failuresFrom(state.Failures), prev, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if plan.DryRun.ValueBool() {
		settled = prev // a dry run settles nothing
	}
	storeSettled(ctx, resp.Private, settled, &resp.Diagnostics)
}

// run performs the sync (or, with dry_run, only decides) and records the
// outcome in m. retry is the previous run's failures, read again by id;
// settled is its settled record versions. It returns this run's.
func (r *syncResource) run(ctx context.Context, m *resourceModel, watermark string, retry []engine.Failure, settled *engine.Settled, diags *diag.Diagnostics) *engine.Settled {
	o, ds := m.settings().options(ctx, m.DryRun.ValueBool(), m.MaxParallelism.ValueInt64(), watermark)
	o.RetryFailed(retry)
	o.Settled = settled
	diags.Append(ds...)
	if diags.HasError() {
		return nil
	}
	eng, host, err := newRunner(ctx, r.client)
	if err != nil {
		framework.AddAPIError(diags, "preparing", "cosell_sync", err)
		return nil
	}
	rep, err := eng.Run(ctx, o)
	if err != nil {
		addRunError(diags, "running", "cosell_sync", o, err)
		return nil
	}
	m.ID = types.StringValue(host)
	m.LastRun = lastRunValue(rep)
	m.Failures = failuresValue(rep)
	m.Watermark = watermarkValue(rep.Watermark)
	if o.DryRun {
		m.InSync, m.Pending = types.BoolValue(inSync(rep)), pendingValue(rep)
	} else {
		// The run wrote what it could: what remains is the failures.
		m.InSync = types.BoolValue(true)
		m.Pending = pendingValue(engine.Report{Changes: failureChanges(rep)})
	}
	addFailureWarning(diags, rep)
	return rep.Settled
}

func failureChanges(r engine.Report) []engine.Change {
	out := make([]engine.Change, len(r.Failures))
	for i := range out {
		out[i] = engine.Change{Kind: engine.ChangeFailure}
	}
	return out
}

// addFailureWarning names the failed records (at most five) and the fix.
func addFailureWarning(diags *diag.Diagnostics, r engine.Report) {
	if len(r.Failures) == 0 {
		return
	}
	var b strings.Builder
	for i, f := range r.Failures {
		if i == 5 {
			fmt.Fprintf(&b, "\n… and %d more (see the failures attribute)", len(r.Failures)-5)
			break
		}
		fmt.Fprintf(&b, "\n- %s: %s", recordName(f), f.Reason)
	}
	diags.AddWarning(fmt.Sprintf("%d record(s) could not be synced", len(r.Failures)),
		"Fix the data; the next apply retries them:"+b.String())
}

func recordName(f engine.Failure) string {
	switch {
	case f.OpportunityID != "" && f.ReferralID != "":
		return "opportunity " + f.OpportunityID + " / referral " + f.ReferralID
	case f.OpportunityID != "":
		return "opportunity " + f.OpportunityID
	}
	return "referral " + f.ReferralID
}

// Read refreshes in_sync, pending and failures with the engine's Plan (no
// writes). last_run and watermark belong to the last apply and are kept.
func (r *syncResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m resourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	o, diags := m.settings().options(ctx, true, m.MaxParallelism.ValueInt64(), m.Watermark.ValueString())
	o.RetryFailed(failuresFrom(m.Failures))
	o.Settled = settledFrom(ctx, req.Private)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		return
	}
	eng, _, err := newRunner(ctx, r.client)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "preparing", "cosell_sync", err)
		return
	}
	rep, err := eng.Plan(ctx, o)
	if err != nil {
		addRunError(&resp.Diagnostics, "computing the pending changes of", "cosell_sync", o, err)
		return
	}
	m.InSync, m.Pending, m.Failures = types.BoolValue(inSync(rep)), pendingValue(rep), failuresValue(rep)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Delete forgets the sync. Nothing remote is deleted: referrals and
// opportunities stay as they are, and the snapshots on the opportunities let
// a later cosell_sync continue without re-creating anything.
func (r *syncResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

package sync

import (
	"context"
	"sort"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// settingsModel is the configuration shared by cosell_sync and
// cosell_sync_preview: it maps one to one onto engine.Options, the sync's
// one definition of its settings (options below).
type settingsModel struct {
	Direction      types.String `tfsdk:"direction"`
	ConflictPolicy types.String `tfsdk:"conflict_policy"`
	Filters        types.Object `tfsdk:"filters"`
	Full           types.Bool   `tfsdk:"full"`
	SnapshotColumn types.String `tfsdk:"snapshot_column"`
}

type filtersModel struct {
	Statuses     types.Set    `tfsdk:"statuses"`
	UpdatedSince types.String `tfsdk:"updated_since"`
	IncludeLeads types.Bool   `tfsdk:"include_leads"`
}

var filtersType = map[string]attr.Type{
	"statuses":      types.SetType{ElemType: types.StringType},
	"updated_since": types.StringType,
	"include_leads": types.BoolType,
}

// resourceModel is cosell_sync's state.
type resourceModel struct {
	ID             types.String `tfsdk:"id"`
	Direction      types.String `tfsdk:"direction"`
	ConflictPolicy types.String `tfsdk:"conflict_policy"`
	Filters        types.Object `tfsdk:"filters"`
	Full           types.Bool   `tfsdk:"full"`
	SnapshotColumn types.String `tfsdk:"snapshot_column"`
	Triggers       types.Map    `tfsdk:"triggers"`
	DryRun         types.Bool   `tfsdk:"dry_run"`
	MaxParallelism types.Int64  `tfsdk:"max_parallelism"`

	InSync    types.Bool   `tfsdk:"in_sync"`
	Pending   types.Map    `tfsdk:"pending"`
	LastRun   types.Object `tfsdk:"last_run"`
	Failures  types.List   `tfsdk:"failures"`
	Watermark types.String `tfsdk:"watermark"`
}

func (m resourceModel) settings() settingsModel {
	return settingsModel{Direction: m.Direction, ConflictPolicy: m.ConflictPolicy, Filters: m.Filters, Full: m.Full, SnapshotColumn: m.SnapshotColumn}
}

var (
	countsType = map[string]attr.Type{
		"created": types.Int64Type, "updated": types.Int64Type, "unchanged": types.Int64Type,
		"failed": types.Int64Type, "conflicts": types.Int64Type,
	}
	lastRunType = map[string]attr.Type{
		"start": types.StringType, "end": types.StringType, "dry_run": types.BoolType,
		"partner_center": types.ObjectType{AttrTypes: countsType},
		"dynamics":       types.ObjectType{AttrTypes: countsType},
	}
	failureType = map[string]attr.Type{
		"referral_id": types.StringType, "opportunity_id": types.StringType, "reason": types.StringType,
	}
)

// options builds the engine's options from the configuration (dryRun and
// parallelism only exist on the resource). The values were validated at plan
// time (ValidateConfig runs Options.Validate); watermark is the state's.
func (s settingsModel) options(ctx context.Context, dryRun bool, parallelism int64, watermark string) (engine.Options, diag.Diagnostics) {
	var diags diag.Diagnostics
	o := engine.Options{
		Direction:      engine.Direction(s.Direction.ValueString()),
		ConflictPolicy: engine.ConflictPolicy(s.ConflictPolicy.ValueString()),
		Full:           s.Full.ValueBool(),
		SnapshotColumn: s.SnapshotColumn.ValueString(),
		DryRun:         dryRun,
		MaxParallelism: int(parallelism),
		IncludeLeads:   true,
	}
	if !s.Filters.IsNull() && !s.Filters.IsUnknown() {
		var f filtersModel
		diags.Append(s.Filters.As(ctx, &f, objectAsOptions)...)
		if !f.Statuses.IsNull() && !f.Statuses.IsUnknown() {
			diags.Append(f.Statuses.ElementsAs(ctx, &o.Statuses, false)...)
			sort.Strings(o.Statuses)
		}
		if v := f.UpdatedSince.ValueString(); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				diags.AddAttributeError(pathFilters.AtName("updated_since"), "Invalid updated_since",
					"updated_since must be an RFC 3339 time such as 2026-10-01T00:00:00Z, not "+v+".")
			}
			o.UpdatedSince = t
		}
		if !f.IncludeLeads.IsNull() && !f.IncludeLeads.IsUnknown() {
			o.IncludeLeads = f.IncludeLeads.ValueBool()
		}
	}
	if watermark != "" {
		o.Watermark, _ = time.Parse(time.RFC3339Nano, watermark)
	}
	return o.WithDefaults(), diags
}

// pendingValue is the pending counts, one entry per kind of change (zeros
// included, so the map's shape never changes).
func pendingValue(r engine.Report) types.Map {
	counts := r.Pending()
	elems := map[string]attr.Value{}
	for _, k := range engine.ChangeKinds() {
		elems[string(k)] = types.Int64Value(int64(counts[k]))
	}
	return types.MapValueMust(types.Int64Type, elems)
}

// inSync: nothing a run would write. Failures (invalid records) are not
// pending writes: they stay in `failures` and are retried on every apply,
// but a record only its owner can fix must not keep the plan dirty forever.
func inSync(r engine.Report) bool {
	for _, c := range r.Changes {
		if c.Kind != engine.ChangeFailure {
			return false
		}
	}
	return true
}

// failuresFrom reads the failures attribute back (the records the next run
// retries by id, since the watermark moves past them). Unknown or null: none.
func failuresFrom(l types.List) []engine.Failure {
	if l.IsNull() || l.IsUnknown() {
		return nil
	}
	var out []engine.Failure
	for _, e := range l.Elements() {
		obj, ok := e.(types.Object)
		if !ok || obj.IsNull() || obj.IsUnknown() {
			continue
		}
		a := obj.Attributes()
		str := func(k string) string {
			if v, ok := a[k].(types.String); ok {
				return v.ValueString()
			}
			return ""
		}
		out = append(out, engine.Failure{ReferralID: str("referral_id"), OpportunityID: str("opportunity_id"), Reason: str("reason")})
	}
	return out
}

func failuresValue(r engine.Report) types.List {
	elems := make([]attr.Value, 0, len(r.Failures))
	for _, f := range r.Failures {
		elems = append(elems, types.ObjectValueMust(failureType, map[string]attr.Value{
			"referral_id": types.StringValue(f.ReferralID), "opportunity_id": types.StringValue(f.OpportunityID),
			"reason": types.StringValue(f.Reason),
		}))
	}
	return types.ListValueMust(types.ObjectType{AttrTypes: failureType}, elems)
}

func countsValue(c engine.SideCounts) types.Object {
	return types.ObjectValueMust(countsType, map[string]attr.Value{
		"created": types.Int64Value(int64(c.Created)), "updated": types.Int64Value(int64(c.Updated)),
		"unchanged": types.Int64Value(int64(c.Unchanged)), "failed": types.Int64Value(int64(c.Failed)),
		"conflicts": types.Int64Value(int64(c.Conflicts)),
	})
}

func lastRunValue(r engine.Report) types.Object {
	return types.ObjectValueMust(lastRunType, map[string]attr.Value{
		"start": types.StringValue(r.Start.UTC().Format(time.RFC3339)), "end": types.StringValue(r.End.UTC().Format(time.RFC3339)),
		"dry_run":        types.BoolValue(r.DryRun),
		"partner_center": countsValue(r.PartnerCenter), "dynamics": countsValue(r.Dynamics),
	})
}

func watermarkValue(t time.Time) types.String {
	if t.IsZero() {
		return types.StringValue("")
	}
	return types.StringValue(t.UTC().Format(time.RFC3339Nano))
}

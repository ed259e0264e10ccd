package sync

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

func filters(statuses []string, since string, leads *bool) types.Object {
	st := types.SetNull(types.StringType)
	if statuses != nil {
		var elems []attr.Value
		for _, s := range statuses {
			elems = append(elems, types.StringValue(s))
		}
		st = types.SetValueMust(types.StringType, elems)
	}
	sinceV := types.StringNull()
	if since != "" {
		sinceV = types.StringValue(since)
	}
	l := types.BoolNull()
	if leads != nil {
		l = types.BoolValue(*leads)
	}
	return types.ObjectValueMust(filtersType, map[string]attr.Value{"statuses": st, "updated_since": sinceV, "include_leads": l})
}

func TestOptionsFromConfiguration(t *testing.T) {
	ctx := context.Background()
	no := false
	s := settingsModel{Direction: types.StringValue("to_dynamics"), ConflictPolicy: types.StringNull(),
		Filters: filters([]string{"New", "Active"}, "2026-10-01T00:00:00Z", &no), Full: types.BoolValue(true), SnapshotColumn: types.StringNull()}
	o, diags := s.options(ctx, true, 8, "2026-11-01T10:00:00.5Z")
	if diags.HasError() {
		t.Fatal(diags)
	}
	if o.Direction != engine.DirectionToDynamics || o.ConflictPolicy != engine.PolicyPartnerCenterWins || !o.Full || !o.DryRun ||
		o.MaxParallelism != 8 || o.IncludeLeads || o.SnapshotColumn != engine.DefaultSnapshotColumn ||
		!slices.Equal(o.Statuses, []string{"Active", "New"}) || !o.UpdatedSince.Equal(time.Date(2026, 10, 1, 0, 0, 0, 0, time.UTC)) ||
		!o.Watermark.Equal(time.Date(2026, 11, 1, 10, 0, 0, 5e8, time.UTC)) {
		t.Errorf("options: %+v", o)
	}
	// No filters: leads included (the engine's default), everything else default.
	o, _ = settingsModel{Filters: types.ObjectNull(filtersType)}.options(ctx, false, 0, "")
	d := engine.DefaultOptions()
	if o.Direction != d.Direction || !o.IncludeLeads || o.MaxParallelism != d.MaxParallelism || !o.Watermark.IsZero() {
		t.Errorf("defaults: %+v", o)
	}
}

func TestValidateSettingsNamesAttributes(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	validateSettings(ctx, settingsModel{Direction: types.StringValue("up"), ConflictPolicy: types.StringValue("mine"),
		Filters: filters([]string{"Open"}, "", nil), SnapshotColumn: types.StringValue("X y")}, types.Int64Value(0), &diags)
	want := map[string]bool{"direction": false, "conflict_policy": false, "filters.statuses": false, "snapshot_column": false, "max_parallelism": false}
	for _, d := range diags {
		if p, ok := d.(diag.DiagnosticWithPath); ok {
			want[p.Path().String()] = true
		}
	}
	for p, seen := range want {
		if !seen {
			t.Errorf("no diagnostic on %s: %v", p, diags)
		}
	}
	diags = nil
	validateSettings(ctx, settingsModel{Filters: types.ObjectUnknown(filtersType), Direction: types.StringUnknown()}, types.Int64Unknown(), &diags)
	if diags.HasError() {
		t.Errorf("unknown values must pass: %v", diags)
	}
}

func TestInSyncIgnoresFailuresAndPendingHasEveryKind(t *testing.T) {
	rep := engine.Report{Changes: []engine.Change{{Kind: engine.ChangeFailure}, {Kind: engine.ChangeFailure}}}
	if !inSync(rep) {
		t.Error("failures alone are not pending writes")
	}
	rep.Changes = append(rep.Changes, engine.Change{Kind: engine.ChangeUpdateReferral})
	if inSync(rep) {
		t.Error("an update is pending")
	}
	m := pendingValue(rep)
	if len(m.Elements()) != len(engine.ChangeKinds()) || m.Elements()["failure"] != types.Int64Value(2) || m.Elements()["create_lead"] != types.Int64Value(0) {
		t.Errorf("pending: %v", m)
	}
	if got := pendingText(context.Background(), m); got != "1 update_referral, 2 failure" {
		t.Errorf("pendingText = %q", got)
	}
}

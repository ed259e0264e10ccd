package sync

import (
	"fmt"
	"strings"

	dschema "github.com/hashicorp/terraform-plugin-framework/datasource/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64default"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var (
	pathFilters     = path.Root("filters")
	objectAsOptions = basetypes.ObjectAsOptions{}
)

func quoted(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = "`" + v + "`"
	}
	return strings.Join(q, ", ")
}

// Descriptions shared by the resource and the data source.
var (
	descDirection = "Which side a run writes: `both` (default), `to_dynamics` (Partner Center is only read: " +
		"a staging workspace that must not write referrals) or `to_partner_center` (Dynamics 365 gets only the " +
		"bookkeeping columns: referral id, link, audit, check mark and snapshot)."
	descConflict = "What wins when the same field changed on both sides since the last sync: " + quoted(engine.ConflictPolicies()) +
		". Default `partner_center_wins`. Changes to different fields always merge. Conflicts are reported."
	descFilters  = "Which records take part. Opportunities whose referral falls outside are left alone."
	descStatuses = "Only referrals in these statuses: any of " + quoted(engine.ReferralStatuses()) + ". All when unset."
	descSince    = "Ignore records last changed before this RFC 3339 time (e.g. `2026-10-01T00:00:00Z`)."
	descLeads    = "Let unaccepted Partner Center leads become Dynamics 365 leads (default `true`). The connector's " +
		"*Sync co-sell opportunities only* variable, when Yes, stops them too."
	descFull     = "List every record instead of only those changed since `watermark` (default `false`)."
	descSnapshot = fmt.Sprintf("Logical name of the opportunity memo column that holds the last synced state of each pair "+
		"(default `%s`, created by the `cosell-connector-schema` module). The sync compares both sides with it, so its "+
		"own writes never look like changes.", engine.DefaultSnapshotColumn)
)

func resourceSchema() schema.Schema {
	counts := map[string]schema.Attribute{
		"created":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Records created."},
		"updated":   schema.Int64Attribute{Computed: true, MarkdownDescription: "Records updated."},
		"unchanged": schema.Int64Attribute{Computed: true, MarkdownDescription: "Records already in sync."},
		"failed":    schema.Int64Attribute{Computed: true, MarkdownDescription: "Records that failed (see `failures`)."},
		"conflicts": schema.Int64Attribute{Computed: true, MarkdownDescription: "Fields changed on both sides, resolved by `conflict_policy`."},
	}
	return schema.Schema{
		MarkdownDescription: "Reconciles Partner Center referrals and Dynamics 365 opportunities both ways: what Microsoft's " +
			"co-sell connector does with a dozen flows, as one run that `plan` previews and `apply` performs.\n\n" +
			"Refresh reads both sides and computes the pending changes without writing anything; when something is " +
			"pending, `plan` shows an update (`in_sync` false → true) and `apply` runs the sync. Records that cannot be " +
			"synced (e.g. no solution on a co-sell) are listed in `failures`, written to the opportunity's Audit column " +
			"and retried on every apply; they alone do not keep the plan dirty.\n\n" +
			"Needs App+User credentials for Partner Center (`refresh_token`, or `username` and `password`) and Dataverse access.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, MarkdownDescription: "The Dataverse organisation host the sync runs against.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()}},
			"direction": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(engine.DirectionBoth)), MarkdownDescription: descDirection},
			"conflict_policy": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(string(engine.PolicyPartnerCenterWins)),
				MarkdownDescription: descConflict},
			"filters": schema.SingleNestedAttribute{Optional: true, MarkdownDescription: descFilters,
				Attributes: map[string]schema.Attribute{
					"statuses": schema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: descStatuses,
						Validators: []validator.Set{nonEmptyStatuses{}}},
					"updated_since": schema.StringAttribute{Optional: true, MarkdownDescription: descSince, Validators: []validator.String{validate.RFC3339()}},
					"include_leads": schema.BoolAttribute{Optional: true, MarkdownDescription: descLeads},
				}},
			"full": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), MarkdownDescription: descFull},
			"snapshot_column": schema.StringAttribute{Optional: true, Computed: true, Default: stringdefault.StaticString(engine.DefaultSnapshotColumn),
				MarkdownDescription: descSnapshot},
			"triggers": schema.MapAttribute{Optional: true, ElementType: types.StringType,
				MarkdownDescription: "Arbitrary values; changing any of them makes the next apply run the sync even when nothing is pending " +
					"(e.g. `{ nightly = timestamp() }` or a release version)."},
			"dry_run": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
				MarkdownDescription: "Apply decides and reports (`last_run`, `failures`) but writes nothing (default `false`)."},
			"max_parallelism": schema.Int64Attribute{Optional: true, Computed: true, Default: int64default.StaticInt64(engine.DefaultMaxParallelism),
				MarkdownDescription: fmt.Sprintf("Record pairs in flight at once, 1 to %d (default %d). Dataverse allows 52 concurrent requests per user.",
					engine.MaxParallelismLimit, engine.DefaultMaxParallelism)},

			"in_sync": schema.BoolAttribute{Computed: true,
				MarkdownDescription: "Whether the last refresh found nothing to write (failures aside). `false` makes `plan` show an update."},
			"pending": schema.MapAttribute{Computed: true, ElementType: types.Int64Type,
				MarkdownDescription: "Changes a run would make, counted by kind (" + quoted(kindNames()) + "), computed during refresh without writing."},
			"last_run": schema.SingleNestedAttribute{Computed: true, MarkdownDescription: "The last apply's run.",
				Attributes: map[string]schema.Attribute{
					"start":          schema.StringAttribute{Computed: true, MarkdownDescription: "Start time, RFC 3339."},
					"end":            schema.StringAttribute{Computed: true, MarkdownDescription: "End time, RFC 3339."},
					"dry_run":        schema.BoolAttribute{Computed: true, MarkdownDescription: "Whether it was a dry run."},
					"partner_center": schema.SingleNestedAttribute{Computed: true, Attributes: counts, MarkdownDescription: "Referrals written."},
					"dynamics":       schema.SingleNestedAttribute{Computed: true, Attributes: counts, MarkdownDescription: "Opportunities and leads written."},
				}},
			"failures": schema.ListNestedAttribute{Computed: true,
				MarkdownDescription: "Records that could not be synced, with the reason (also on the opportunity's Audit column).",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"referral_id":    schema.StringAttribute{Computed: true, MarkdownDescription: "Referral id (empty when none yet)."},
					"opportunity_id": schema.StringAttribute{Computed: true, MarkdownDescription: "Opportunity id (empty when none yet)."},
					"reason":         schema.StringAttribute{Computed: true, MarkdownDescription: "Why, and what to fix."},
				}}},
			"watermark": schema.StringAttribute{Computed: true,
				MarkdownDescription: "Latest change time seen by the last run; the next run lists only what changed since (unless `full`)."},
		},
	}
}

func kindNames() []string {
	var out []string
	for _, k := range engine.ChangeKinds() {
		out = append(out, string(k))
	}
	return out
}

func previewSchema() dschema.Schema {
	return dschema.Schema{
		MarkdownDescription: "Lists the changes a `cosell_sync` run would make now, without writing anything: for review in CI " +
			"(e.g. print `changes` in a pull request) before an apply.",
		Attributes: map[string]dschema.Attribute{
			"direction":       dschema.StringAttribute{Optional: true, MarkdownDescription: descDirection},
			"conflict_policy": dschema.StringAttribute{Optional: true, MarkdownDescription: descConflict},
			"filters": dschema.SingleNestedAttribute{Optional: true, MarkdownDescription: descFilters,
				Attributes: map[string]dschema.Attribute{
					"statuses": dschema.SetAttribute{Optional: true, ElementType: types.StringType, MarkdownDescription: descStatuses,
						Validators: []validator.Set{nonEmptyStatuses{}}},
					"updated_since": dschema.StringAttribute{Optional: true, MarkdownDescription: descSince, Validators: []validator.String{validate.RFC3339()}},
					"include_leads": dschema.BoolAttribute{Optional: true, MarkdownDescription: descLeads},
				}},
			"full":            dschema.BoolAttribute{Optional: true, MarkdownDescription: "List every record (default `true` here: a preview has no watermark)."},
			"snapshot_column": dschema.StringAttribute{Optional: true, MarkdownDescription: descSnapshot},
			"in_sync":         dschema.BoolAttribute{Computed: true, MarkdownDescription: "Whether a run would write nothing (failures aside)."},
			"pending":         dschema.MapAttribute{Computed: true, ElementType: types.Int64Type, MarkdownDescription: "Changes counted by kind."},
			"changes": dschema.ListNestedAttribute{Computed: true, MarkdownDescription: "Each change a run would make.",
				NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
					"kind":           dschema.StringAttribute{Computed: true, MarkdownDescription: "Kind of change: " + quoted(kindNames()) + "."},
					"side":           dschema.StringAttribute{Computed: true, MarkdownDescription: "Side written: `partner_center`, `dynamics` or empty."},
					"referral_id":    dschema.StringAttribute{Computed: true, MarkdownDescription: "Referral id (empty for a referral still to create)."},
					"opportunity_id": dschema.StringAttribute{Computed: true, MarkdownDescription: "Opportunity or lead id."},
					"fields":         dschema.ListAttribute{Computed: true, ElementType: types.StringType, MarkdownDescription: "Fields changed."},
					"summary":        dschema.StringAttribute{Computed: true, MarkdownDescription: "One line a reviewer can read."},
				}}},
			"failures": dschema.ListNestedAttribute{Computed: true, MarkdownDescription: "Records a run could not sync, with the reason.",
				NestedObject: dschema.NestedAttributeObject{Attributes: map[string]dschema.Attribute{
					"referral_id":    dschema.StringAttribute{Computed: true, MarkdownDescription: "Referral id."},
					"opportunity_id": dschema.StringAttribute{Computed: true, MarkdownDescription: "Opportunity id."},
					"reason":         dschema.StringAttribute{Computed: true, MarkdownDescription: "Why, and what to fix."},
				}}},
		},
	}
}

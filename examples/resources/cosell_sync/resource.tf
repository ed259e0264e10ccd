# Keep Partner Center referrals and Dynamics 365 opportunities in sync.
#
# `terraform plan` refreshes both sides and shows an update when anything is
# pending (in_sync = false → true, with the counts by kind in `pending`);
# `terraform apply` runs the sync. Records that cannot be synced are listed in
# `failures` (and on the opportunity's Audit column) and retried every apply.
#
# The sync keeps the last synced state of each pair in an opportunity memo
# column (snapshot_column, default cosell_syncsnapshot). Create it once, e.g.
# with the cosell-connector-schema module (sync_snapshot_column =
# "cosell_SyncSnapshot") or a cosell_crm_field of type "memo".
resource "cosell_sync" "this" {
  direction       = "both"
  conflict_policy = "partner_center_wins"

  filters = {
    statuses      = ["New", "Active"]
    include_leads = true
  }

  # Any change here makes the next apply run the sync even when nothing is
  # pending, e.g. a nightly pipeline passing the date.
  triggers = {
    release = "2026-12"
  }
}

output "sync_failures" {
  value = cosell_sync.this.failures
}

# A staging workspace that must never write to Partner Center (one Partner
# Center tenant serves every environment): read referrals, write Dynamics only.
#
# resource "cosell_sync" "staging" {
#   direction = "to_dynamics"
# }

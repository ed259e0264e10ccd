# The sync report: what the last apply did, what is pending now, and the
# records that could not be synced (retried on every apply).
output "sync_report" {
  value = {
    workspace = terraform.workspace
    direction = cosell_sync.referrals.direction
    in_sync   = cosell_sync.referrals.in_sync
    last_run  = cosell_sync.referrals.last_run
    pending   = cosell_sync.referrals.pending
    failures  = [for f in cosell_sync.referrals.failures : "${f.opportunity_id}: ${f.reason}"]
  }
}

output "flows_on" {
  value = cosell_flow_activation.connector.all_on
}

output "solutions" {
  value = sort(keys(cosell_solution_detail.catalogue))
}

output "webhook_registered" {
  value = var.register_webhook
}

# Value row ids, for scripts that edit a variable out of band (the demo).
output "environment_variable_value_ids" {
  value = { for k, v in cosell_environment_variable.settings : k => v.value_id }
}

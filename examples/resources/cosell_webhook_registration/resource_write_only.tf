# With OpenTofu 1.11+ or Terraform 1.11+, keep the trigger URL and its sig
# secret out of state and plan: give it to url_wo (instead of url) from an
# ephemeral variable. It is sent on create; after the flow's trigger URL
# changes (e.g. its sig was regenerated), change url_wo_version with it.
# A registration taken by another tool is still detected.
variable "partner_center_flow_trigger_url_wo" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "cosell_webhook_registration" "connector_write_only" {
  url_wo         = var.partner_center_flow_trigger_url_wo
  url_wo_version = 1 # increment when the trigger URL changes
}

# Switch the co-sell connector's cloud flows on, in Microsoft's documented
# order, once their connection references are bound. The connections come
# first (depends_on): a flow whose connection reference has no connection
# cannot be switched on. `terraform destroy` switches the flows off again in
# reverse order.

variable "dataverse_client_secret" {
  type      = string
  sensitive = true
}

resource "cosell_connection" "referrals" {
  connector    = "partner_center_referrals"
  display_name = "Partner Center Referrals (co-sell)"
  connection_reference_logical_names = [
    "msft_sharedpartnercenterref_referrals",
    "msft_sharedpartnercenterref_cosellupdates",
  ]
}

resource "cosell_connection" "events" {
  connector                          = "partner_center_events"
  display_name                       = "Partner Center Events (co-sell)"
  connection_reference_logical_names = ["msft_sharedpartnercenterevents_webhooks"]
}

resource "cosell_connection" "dataverse" {
  connector    = "dataverse"
  display_name = "Dataverse (co-sell)"
  service_principal = {
    tenant_id     = "00000000-0000-4000-8000-00000000c0de"
    client_id     = "11111111-1111-4111-8111-111111111111"
    client_secret = var.dataverse_client_secret
  }
  connection_reference_logical_names = [
    "msft_sharedcommondataserviceforapps_sync",
    "msft_sharedcommondataserviceforapps_triggers",
    "msft_sharedcommondataserviceforapps_customize",
    "msft_sharedcommondataserviceforapps_autoheal",
  ]
}

# Without `flows`: the nine flows of the documented turn-on order.
resource "cosell_flow_activation" "connector" {
  depends_on = [
    cosell_connection.referrals,
    cosell_connection.events,
    cosell_connection.dataverse,
  ]
}

# Or an explicit list, e.g. the documented order plus the Leads flow, which
# Microsoft's order leaves out. Names match with or without the
# "(Insider Preview)" suffix; unique names work too. Child flows first.
#
# resource "cosell_flow_activation" "connector" {
#   flows = [
#     "Partner Center Webhook Registration",
#     "[Customize] Create or Get Details from Dynamics 365",
#     "Create Co-sell Referral – Dynamics 365 to Partner Center",
#     "Partner Center to Dynamics 365 - Helper",
#     "Partner Center Microsoft Co-sell Referral Updates to Dynamics 365",
#     "Partner Center to Dynamics 365",
#     "Dynamics 365 to Partner Center",
#     "Dynamics 365 Opportunity to Partner Center",
#     "Dynamics 365 Microsoft Solution(s) to Partner Center",
#     "Dynamics 365 Leads to Partner Center",
#   ]
#   turn_off_on_destroy = false # leave the flows on if this resource is removed
#   depends_on          = [cosell_connection.referrals, cosell_connection.events, cosell_connection.dataverse]
# }

output "flows_on" {
  value = cosell_flow_activation.connector.all_on
}

output "flow_states" {
  value = { for s in cosell_flow_activation.connector.states : s.name => s.state }
}

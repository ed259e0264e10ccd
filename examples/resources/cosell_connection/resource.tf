# The three connections the Partner Center co-sell solution needs, each bound
# to the solution's connection references so that its flows can be turned on.
# Find the logical names in Power Apps → Solutions → the co-sell solution →
# Connection references (the ones below are those of the emulator's solution).

variable "dataverse_client_secret" {
  type      = string
  sensitive = true
}

# Partner Center Referrals: OAuth user consent only. The first apply ends with
# a warning; open the connection in Power Automate (make.powerautomate.com →
# your environment → Data → Connections), choose "Fix connection", sign in as
# the Referrals admin user, then run `terraform apply` again.
resource "cosell_connection" "referrals" {
  connector    = "partner_center_referrals"
  display_name = "Partner Center Referrals (co-sell)"
  connection_reference_logical_names = [
    "msft_sharedpartnercenterref_referrals",
    "msft_sharedpartnercenterref_cosellupdates",
  ]
}

# Partner Center Events (webhook registration): same sign-in as above.
resource "cosell_connection" "events" {
  connector                          = "partner_center_events"
  display_name                       = "Partner Center Events (co-sell)"
  connection_reference_logical_names = ["msft_sharedpartnercenterevents_webhooks"]
}

# Dataverse: signs in as an app registration (it needs an application user in
# the environment), so it is Connected at once.
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

output "connection_status" {
  value = {
    referrals = cosell_connection.referrals.status
    events    = cosell_connection.events.status
    dataverse = cosell_connection.dataverse.status
  }
}

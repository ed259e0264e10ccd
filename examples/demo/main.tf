# The demo configuration `make demo` applies against the emulator. The provider
# block is empty: the endpoints and credentials come from the COSELL_*
# variables the emulator prints (source .tools/demo/env.sh to try it by hand).
terraform {
  required_providers {
    cosell = {
      source = "cosell-labs/cosell"
    }
  }
}

provider "cosell" {}

# --- Connector settings: the current values of the solution's variables ---

resource "cosell_environment_variable" "cosell_only" {
  schema_name = "msft_synccosellopportunitiesonly"
  value       = "yes"
}

resource "cosell_environment_variable" "check_mark" {
  schema_name = "msft_displaycheckmarkinname"
  value       = "yes"
}

# --- A column of our own on the opportunity form ---

resource "cosell_crm_field" "cosell_owner" {
  table        = "opportunity"
  schema_name  = "contoso_CosellOwner"
  display_name = "Co-sell owner"
  description  = "Partner seller accountable for the co-sell motion."
  type         = "string"
  max_length   = 200
}

# --- Connections for the connector's flows, bound to its connection references ---

variable "dataverse_client_secret" {
  type      = string
  sensitive = true
}

variable "tenant_id" { type = string }
variable "client_id" { type = string }

# OAuth-only connectors: created, then a warning says how to consent in the portal.
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
    tenant_id     = var.tenant_id
    client_id     = var.client_id
    client_secret = var.dataverse_client_secret
  }
  connection_reference_logical_names = [
    "msft_sharedcommondataserviceforapps_sync",
    "msft_sharedcommondataserviceforapps_triggers",
    "msft_sharedcommondataserviceforapps_customize",
    "msft_sharedcommondataserviceforapps_autoheal",
  ]
}

# --- The connector's flows, switched on in the documented order ---

resource "cosell_flow_activation" "connector" {
  depends_on = [cosell_connection.referrals, cosell_connection.events, cosell_connection.dataverse]
}

# --- Partner Center sends referral events to the connector's HTTP trigger ---

resource "cosell_webhook_registration" "connector" {
  url = "https://prod-00.westus.logic.azure.com/workflows/demo/triggers/manual/paths/invoke?api-version=2016-06-01&sig=demo-signature"
}

# --- Partner Center referrals, read live ---

data "cosell_referrals" "waiting" {
  status    = "New"
  direction = "Incoming"
}

data "cosell_referrals" "all" {}

output "referrals" {
  value = sort([for r in data.cosell_referrals.all.referrals :
  format("%-45s %-7s %-9s %-3s %12s %s", r.name, r.status, r.substatus, r.customer_country, r.deal_value, r.currency)])
}

output "waiting_for_answer" {
  value = sort(data.cosell_referrals.waiting.ids)
}

# --- The sync: referrals <-> opportunities, previewed by plan, run by apply ---

resource "cosell_sync" "referrals" {
  # The connector's variables are read on every run: set them first.
  depends_on = [cosell_environment_variable.cosell_only, cosell_environment_variable.check_mark]
}

output "sync" {
  value = {
    in_sync  = cosell_sync.referrals.in_sync
    last_run = cosell_sync.referrals.last_run
    failures = [for f in cosell_sync.referrals.failures : "${f.opportunity_id}: ${f.reason}"]
  }
}

output "cosell_only_value_id" {
  value = cosell_environment_variable.cosell_only.value_id
}

output "flows_on" {
  value = cosell_flow_activation.connector.all_on
}

output "pc_to_d365_flow_id" {
  value = one([for f in cosell_flow_activation.connector.states : f.workflow_id if f.name == "Partner Center to Dynamics 365"])
}

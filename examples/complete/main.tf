# A complete co-sell setup, applied once per environment workspace:
#
#   tofu workspace new staging    && tofu apply -var-file=staging.tfvars
#   tofu workspace new production && tofu apply -var-file=production.tfvars
#
# The provider block is empty: each workspace runs with its own COSELL_*
# variables (Dataverse environment, app registration, Partner Center
# credentials), set by the pipeline that runs it.
terraform {
  required_providers {
    cosell = {
      source = "cosell-labs/cosell"
    }
  }
}

provider "cosell" {}

# --- Connector settings: the solution's environment variables ---

resource "cosell_environment_variable" "settings" {
  for_each = var.environment_variables

  schema_name = each.key
  value       = each.value
}

# --- Connections for the connector's flows, bound to its connection references ---

# OAuth-only connectors: created, then a warning says how to consent in the portal.
resource "cosell_connection" "referrals" {
  connector    = "partner_center_referrals"
  display_name = "Partner Center Referrals (co-sell, ${terraform.workspace})"
  connection_reference_logical_names = [
    "msft_sharedpartnercenterref_referrals",
    "msft_sharedpartnercenterref_cosellupdates",
  ]
}

resource "cosell_connection" "events" {
  connector                          = "partner_center_events"
  display_name                       = "Partner Center Events (co-sell, ${terraform.workspace})"
  connection_reference_logical_names = ["msft_sharedpartnercenterevents_webhooks"]
}

resource "cosell_connection" "dataverse" {
  connector    = "dataverse"
  display_name = "Dataverse (co-sell, ${terraform.workspace})"
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

# --- The Microsoft Solution Details catalogue, one row per line of solutions.csv ---

locals {
  solutions = {
    for row in csvdecode(file("${path.module}/solutions.csv")) : row.solution_id => row
  }
}

resource "cosell_solution_detail" "catalogue" {
  for_each = local.solutions

  solution_id    = each.value.solution_id
  name           = each.value.name
  type           = each.value.type != "" ? each.value.type : null
  publisher_name = each.value.publisher_name != "" ? each.value.publisher_name : null
}

# --- The connector's flows, switched on in the documented order ---

resource "cosell_flow_activation" "connector" {
  depends_on = [cosell_connection.referrals, cosell_connection.events, cosell_connection.dataverse]
}

# --- Partner Center webhook ---
#
# Partner Center keeps one webhook registration per partner tenant, and one
# tenant serves every environment: only the workspace with
# register_webhook = true (production) owns it.
resource "cosell_webhook_registration" "connector" {
  count = var.register_webhook ? 1 : 0

  url = var.webhook_url
}

# --- The sync: referrals <-> opportunities, previewed by plan, run by apply ---
#
# The snapshot column (cosell_syncsnapshot) is created once per environment,
# e.g. by examples/modules/cosell-connector-schema when it is missing.
resource "cosell_sync" "referrals" {
  direction = var.sync_direction

  # The connector's variables are read on every run: set them first.
  depends_on = [cosell_environment_variable.settings]
}

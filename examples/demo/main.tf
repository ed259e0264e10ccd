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

# --- Partner Center referrals, read live ---

data "cosell_referrals" "waiting" {
  status    = "New"
  direction = "Incoming"
}

data "cosell_referrals" "all" {}

output "referrals" {
  value = [for r in data.cosell_referrals.all.referrals :
  format("%-45s %-7s %-9s %-3s %12s %s", r.name, r.status, r.substatus, r.customer_country, r.deal_value, r.currency)]
}

output "waiting_for_answer" {
  value = data.cosell_referrals.waiting.ids
}

output "cosell_only_value_id" {
  value = cosell_environment_variable.cosell_only.value_id
}

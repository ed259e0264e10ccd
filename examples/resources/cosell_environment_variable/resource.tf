# The co-sell connector solution ("Partner Center Referrals Synchronization for
# Dynamics 365") installs these definitions; the resource sets their current
# values. Schema names marked (inferred) are completed from the Salesforce
# solution's set because the maker portal truncates them; check them with the
# cosell_environment_variable data source first.

# Deal value field: send the opportunity's Actual Revenue instead of the
# default Est. Revenue (estimatedvalue). Also move the DealValue assignment in
# the "[Customize] Create or Get Details from Dynamics 365" flow.
resource "cosell_environment_variable" "deal_value_field" {
  schema_name = "msft_dealvaluefield"
  value       = "actualvalue"
}

# Customer account country code field (inferred name): a text column filled
# with the ISO 3166-1 alpha-2 code, instead of Address 1: Country/Region.
resource "cosell_environment_variable" "country_code_field" {
  schema_name = "msft_customeraccountcountrycode"
  value       = "contoso_countryisocode"
}

# Deal value currency code field (inferred name).
resource "cosell_environment_variable" "currency_field" {
  schema_name = "msft_dealcurrencycodefield"
  value       = "contoso_currencyisocode"
}

# Display check mark in opportunity name (inferred name): Yes/No variables
# take exactly "yes" or "no".
resource "cosell_environment_variable" "check_mark" {
  schema_name = "msft_displaycheckmarkinname"
  value       = "no"
}

# Sync co-sell opportunities only (inferred name): "yes" keeps Partner Center
# leads out of Dynamics 365; co-sell and pipeline-sharing referrals still sync.
resource "cosell_environment_variable" "cosell_only" {
  schema_name = "msft_synccosellopportunitiesonly"
  value       = "yes"
  timeouts = {
    create = "10m"
  }
}

# A variable of your own: the definition block creates the definition (the
# schema name needs your publisher prefix) and destroy deletes it again.
resource "cosell_environment_variable" "sync_policy" {
  schema_name = "contoso_CosellSyncPolicy"
  value       = jsonencode({ retries = 5, notify = "sales-ops@contoso.example" })

  definition = {
    display_name  = "Co-sell sync policy"
    description   = "Retry and notification settings read by Contoso's co-sell flows."
    type          = "json"
    default_value = jsonencode({ retries = 3 })
  }
}

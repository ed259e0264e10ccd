# Staging: reads Partner Center, writes Dynamics 365 only. The one Partner
# Center tenant's webhook belongs to production.
sync_direction   = "to_dynamics"
register_webhook = false

environment_variables = {
  msft_synccosellopportunitiesonly = "yes"
  msft_displaycheckmarkinname      = "yes"
}

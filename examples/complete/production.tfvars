# Production: reconciles both ways and owns the Partner Center webhook.
sync_direction   = "both"
register_webhook = true
# The trigger URL carries a sig secret: pass it as TF_VAR_webhook_url from the
# pipeline's secret store instead of writing it here.

environment_variables = {
  msft_synccosellopportunitiesonly = "yes"
  msft_displaycheckmarkinname      = "no"
}

# The HTTP POST URL of the trigger "When a HTTP request is received" of the
# connector's "Partner Center to Dynamics 365" flow. It carries a sig secret:
# keep it in a sensitive variable, never in the configuration.
variable "partner_center_flow_trigger_url" {
  type      = string
  sensitive = true
}

# Partner Center keeps one webhook registration per partner tenant.
resource "cosell_webhook_registration" "connector" {
  url = var.partner_center_flow_trigger_url

  # The four referral events are the default; test-created is needed for validate.
  events = [
    "referral-created",
    "referral-updated",
    "related-referral-created",
    "related-referral-updated",
    "test-created",
  ]

  # Power Automate HTTP triggers reserve the Authorization header, so the
  # signature goes to x-ms-signature (the default).
  signature_in_ms_signature_header = true

  # Fail instead of replacing a registration that points at another URL
  # (e.g. one made by the connector's "Partner Center Webhook Registration" flow).
  overwrite = false

  # Send a test event after each change and fail if the flow does not accept it.
  validate = true

  timeouts = {
    create = "10m" # includes waiting for the test event (2 per minute at most)
    update = "10m"
  }
}

# "completed: OK" after a delivered test event; with validate = false it reads
# "not requested: validate = false: no test event was sent".
output "webhook_validation" {
  value = "${cosell_webhook_registration.connector.validation_status}: ${cosell_webhook_registration.connector.validation_result}"
}

# Point Partner Center's webhook at a running `terraform-provider-cosell
# webhook-receiver` (deployed from the Dockerfile beside this file, behind an
# https load balancer), so each referral change is reconciled in seconds.
terraform {
  required_providers {
    cosell = {
      source = "cosell-labs/cosell"
    }
  }
}

provider "cosell" {}

variable "receiver_url" {
  description = "Public https URL of the receiver, ending with its path (-path, default /partner-center/events)."
  type        = string
}

resource "cosell_webhook_registration" "receiver" {
  url = var.receiver_url

  # The receiver acknowledges test-created events, so validation succeeds.
  events = [
    "referral-created",
    "referral-updated",
    "related-referral-created",
    "related-referral-updated",
    "test-created",
  ]

  # The receiver accepts the signature in either header.
  signature_in_ms_signature_header = false

  overwrite = true
  validate  = true
}

# The scheduled pass stays as the guarantee: the receiver gives latency, a
# nightly `terraform apply` of this resource catches anything missed.
resource "cosell_sync" "nightly" {}

data "cosell_webhook_events" "all" {}

# Every event Partner Center can send, and the referral events the co-sell
# connector registers.
output "webhook_events" {
  value = data.cosell_webhook_events.all.events
}

output "referral_events" {
  value = data.cosell_webhook_events.all.referral_events
}

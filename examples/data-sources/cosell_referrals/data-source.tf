# Incoming referrals still waiting for an answer: they expire after 14 days.
data "cosell_referrals" "waiting" {
  status    = "New"
  direction = "Incoming"
}

# Everything that changed since the start of the quarter.
data "cosell_referrals" "recent" {
  updated_since = "2026-10-01T00:00:00Z"
  max_results   = 200
}

output "waiting_for_answer" {
  value = [for r in data.cosell_referrals.waiting.referrals : "${r.name} (${r.customer_country}, ${r.deal_value} ${r.currency})"]
}

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

# Incoming referrals waiting for an answer.
data "cosell_referrals" "waiting" {
  status    = "New"
  direction = "Incoming"
}

# The whole pipeline, newest update first.
data "cosell_referrals" "all" {}

output "referrals" {
  value = [for r in data.cosell_referrals.all.referrals :
  format("%-45s %-7s %-9s %-3s %12s %s", r.name, r.status, r.substatus, r.customer_country, r.deal_value, r.currency)]
}

output "waiting_for_answer" {
  value = data.cosell_referrals.waiting.ids
}

# The changes a cosell_sync run would make now, without writing anything:
# print them in CI for review before the apply.
data "cosell_sync_preview" "next" {
  direction = "both"
}

output "sync_preview" {
  value = {
    in_sync  = data.cosell_sync_preview.next.in_sync
    pending  = { for k, n in data.cosell_sync_preview.next.pending : k => n if n > 0 }
    changes  = [for c in data.cosell_sync_preview.next.changes : "${c.kind} ${c.referral_id} ${c.opportunity_id}: ${c.summary}"]
    failures = data.cosell_sync_preview.next.failures
  }
}

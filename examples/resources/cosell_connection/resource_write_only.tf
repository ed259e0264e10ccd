# With OpenTofu 1.11+ or Terraform 1.11+, keep the app registration's secret
# out of state and plan: give it to client_secret_wo from an ephemeral
# variable (or an ephemeral resource, e.g. a Key Vault secret). It is sent on
# create; to send a rotated secret, change client_secret_wo_version with it.
variable "dataverse_client_secret_wo" {
  type      = string
  sensitive = true
  ephemeral = true
}

resource "cosell_connection" "dataverse_write_only" {
  connector    = "dataverse"
  display_name = "Dataverse (co-sell, secret kept out of state)"
  service_principal = {
    tenant_id                = "00000000-0000-4000-8000-00000000c0de"
    client_id                = "11111111-1111-4111-8111-111111111111"
    client_secret_wo         = var.dataverse_client_secret_wo
    client_secret_wo_version = 1 # increment when the secret changes
  }
}

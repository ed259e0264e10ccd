# Credentials and endpoints can also come from environment variables
# (COSELL_*, or the ARM_* names of the Azure providers); the configuration wins.
provider "cosell" {
  tenant_id      = var.tenant_id
  client_id      = var.client_id
  client_secret  = var.client_secret # or client_certificate_path, or oidc_token_file_path in CI
  refresh_token  = var.refresh_token # a Referrals admin's Secure Application Model refresh token
  dataverse_url  = "https://contoso-staging.crm.dynamics.com"
  environment_id = "00000000-0000-0000-0000-000000000000"
}

variable "tenant_id" { type = string }
variable "client_id" { type = string }
variable "client_secret" {
  type      = string
  sensitive = true
}
variable "refresh_token" {
  type      = string
  sensitive = true
}

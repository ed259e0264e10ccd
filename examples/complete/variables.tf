# --- Dataverse connection's service principal (per environment) ---

variable "tenant_id" {
  type        = string
  description = "Entra tenant of the app registration the Dataverse connection signs in as."
}

variable "client_id" {
  type        = string
  description = "Application (client) id the Dataverse connection signs in as."
}

variable "dataverse_client_secret" {
  type        = string
  sensitive   = true
  description = "Client secret of that app registration (from the pipeline's secret store, never a tfvars file)."
}

# --- Per-environment settings (staging.tfvars / production.tfvars) ---

variable "environment_variables" {
  type        = map(string)
  description = "Current values of the connector's environment variables, by schema name."
  default     = {}
}

variable "register_webhook" {
  type        = bool
  description = "Whether this workspace owns the Partner Center webhook registration. One Partner Center tenant serves every environment, so exactly one workspace (production) sets it."
  default     = false
}

variable "webhook_url" {
  type        = string
  sensitive   = true
  default     = null
  description = "HTTPS URL Partner Center posts referral events to (the connector flow's HTTP trigger or the webhook receiver). Required when register_webhook is true."

  validation {
    condition     = var.webhook_url == null || can(regex("^https://", var.webhook_url))
    error_message = "webhook_url must be an https:// URL."
  }
}

variable "sync_direction" {
  type        = string
  description = "cosell_sync direction: \"to_dynamics\" never writes to Partner Center (staging), \"both\" reconciles both ways (production)."

  validation {
    condition     = contains(["to_dynamics", "to_partner_center", "both"], var.sync_direction)
    error_message = "sync_direction must be one of to_dynamics, to_partner_center, both."
  }
}

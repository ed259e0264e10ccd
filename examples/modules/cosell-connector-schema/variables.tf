variable "prefix" {
  description = <<-EOT
    Customization prefix of your solution publisher (2 to 8 lower-case letters or digits, starting with a letter).
    The default "msft" reproduces the names seen in the one public export of an organisation running Microsoft's
    connector solution (third-party evidence, see README). Use your own prefix when you build the schema yourself
    instead of installing Microsoft's solution; then point the connector's flows and the cosell_solution_detail
    resources (table = module.<name>.solution_details_table) at the outputs.
  EOT
  type        = string
  default     = "msft"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,7}$", var.prefix)) && var.prefix != "mscrm"
    error_message = "The prefix must be 2 to 8 lower-case letters or digits starting with a letter, and not \"mscrm\" (reserved); e.g. \"contoso\"."
  }
}

variable "solution_unique_name" {
  description = "Unique name of the unmanaged solution the tables and columns are created in (MSCRM.SolutionUniqueName). Null puts them in the default solution."
  type        = string
  default     = null
}

variable "help_option_value_base" {
  description = <<-EOT
    Value of the first option of "How can Microsoft help?"; the six options take this value and the next five.
    Microsoft's real option values are not public; 299600000 follows the only msft_ option value seen (on
    msft_coselltype). With your own prefix, use your publisher's option value prefix × 10000 (e.g. 100000000).
  EOT
  type        = number
  default     = 299600000

  validation {
    condition     = var.help_option_value_base == floor(var.help_option_value_base) && var.help_option_value_base >= 10000 && var.help_option_value_base <= 2147483642
    error_message = "help_option_value_base must be a whole number between 10000 and 2147483642 (six consecutive 32-bit option values)."
  }
}

variable "include_obsolete_columns" {
  description = "Also create the \"Products: Obsolete\" opportunity column, which the connector keeps for backward compatibility only (solutions now live in the Solutions table)."
  type        = bool
  default     = true
}

variable "sync_snapshot_column" {
  description = <<-EOT
    Schema name of the opportunity memo column in which cosell_sync keeps the last synced state of each pair, e.g.
    "cosell_SyncSnapshot" (whose logical name cosell_syncsnapshot is cosell_sync's default snapshot_column). Its prefix
    must be your solution publisher's. This column is the provider's, not Microsoft's: null (the default) leaves it out.
  EOT
  type        = string
  default     = null

  validation {
    condition     = var.sync_snapshot_column == null || can(regex("^[a-z][a-z0-9]{1,7}_[A-Za-z0-9_]+$", var.sync_snapshot_column))
    error_message = "sync_snapshot_column must be a schema name with a publisher prefix, e.g. \"cosell_SyncSnapshot\"."
  }
}

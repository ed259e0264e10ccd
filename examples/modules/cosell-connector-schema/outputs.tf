output "opportunity_columns" {
  description = "Logical names of the opportunity columns, by role (e.g. referral_sync → msft_microsoftpartnercenterreferralsync)."
  value = merge({
    referral_sync            = cosell_crm_field.referral_sync.logical_name
    referral_visible         = cosell_crm_field.referral_visible.logical_name
    help                     = cosell_crm_field.help.logical_name
    referral_identifier      = cosell_crm_field.referral_identifier.logical_name
    referral_link            = cosell_crm_field.referral_link.logical_name
    referral_program         = cosell_crm_field.referral_program.logical_name
    referral_sync_audit      = cosell_crm_field.referral_sync_audit.logical_name
    microsoft_crm_identifier = cosell_crm_field.microsoft_crm_identifier.logical_name
  }, { for f in cosell_crm_field.obsolete_products : "obsolete_products" => f.logical_name })
}

output "help_option_values" {
  description = "Option values of \"How can Microsoft help?\", by label."
  value       = { for o in local.help_options : o.label => o.value }
}

output "solution_details_table" {
  description = "Logical name of the Microsoft Solution Details table, once its columns exist: pass it as cosell_solution_detail.table."
  value       = cosell_crm_table.solution_details.logical_name
  depends_on  = [cosell_crm_field.solution_identifier, cosell_crm_field.solution_type, cosell_crm_field.publisher_name]
}

output "solution_details_entity_set" {
  description = "Entity set name of the Microsoft Solution Details table (Web API record URLs)."
  value       = cosell_crm_table.solution_details.entity_set_name
}

output "solution_detail_columns" {
  description = "Logical names of the catalogue's columns, in the shape of cosell_solution_detail.columns."
  value = {
    solution_id    = cosell_crm_field.solution_identifier.logical_name
    name           = cosell_crm_table.solution_details.primary_name_column.logical_name
    type           = cosell_crm_field.solution_type.logical_name
    publisher_name = cosell_crm_field.publisher_name.logical_name
  }
}

output "solutions_table" {
  description = "Logical name of the Microsoft Partner Center Solutions table (solutions linked to an opportunity)."
  value       = cosell_crm_table.solutions.logical_name
}

output "solutions_lookups" {
  description = "Logical names of the Solutions table's lookup columns: to the opportunity and to the solution detail."
  value = {
    opportunity     = cosell_crm_field.solution_opportunity.logical_name
    solution_detail = cosell_crm_field.solution_detail.logical_name
  }
}

output "sync_snapshot_column" {
  description = "Logical name of the sync snapshot column (pass it as cosell_sync.snapshot_column), or null when not created."
  value       = one(cosell_crm_field.sync_snapshot[*].logical_name)
}

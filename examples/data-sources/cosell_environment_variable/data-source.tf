# Which field does the co-sell connector read the deal value from right now?
data "cosell_environment_variable" "deal_value_field" {
  schema_name = "msft_dealvaluefield"
}

output "deal_value_field" {
  # The current value when one is set, else the default (estimatedvalue).
  value = data.cosell_environment_variable.deal_value_field.effective_value
}

output "deal_value_field_overridden" {
  value = data.cosell_environment_variable.deal_value_field.current_value != null
}

# Import by <table>/<logical_name> (the logical name is the lower-cased schema name).
# solution_unique_name is not read back; set it in the configuration again if you use it.
terraform import cosell_crm_field.how_can_microsoft_help opportunity/msft_microsoftpartnercenterhelp

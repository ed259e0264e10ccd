# Import by <table>/<logical_name> (the logical name is the lower-cased schema name).
# solution_unique_name is not read back: with it in the configuration, the first
# apply after the import only records it (an in-place update that writes nothing).
terraform import cosell_crm_field.how_can_microsoft_help opportunity/msft_microsoftpartnercenterhelp

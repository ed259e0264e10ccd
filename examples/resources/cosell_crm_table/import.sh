# Import by the table's logical name (the lower-cased schema name). solution_unique_name
# is not read back: the first apply after the import only records it, never replaces the table.
terraform import cosell_crm_table.solution_details contoso_solutiondetail

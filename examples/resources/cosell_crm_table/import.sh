# Import by the table's logical name (the lower-cased schema name)
terraform import cosell_crm_table.solution_details contoso_solutiondetail

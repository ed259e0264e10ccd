# The co-sell connector's "Microsoft Solution Details" catalogue as a custom
# table under your own publisher prefix.
resource "cosell_crm_table" "solution_details" {
  schema_name             = "contoso_SolutionDetail"
  display_name            = "Microsoft Solution Detail"
  display_collection_name = "Microsoft Solution Details"
  description             = "Co-sell-ready and Microsoft solutions sellers can attach to an opportunity."
  ownership               = "user"

  primary_name_column = {
    schema_name  = "contoso_Name"
    display_name = "Solution Name"
    max_length   = 200
  }

  solution_unique_name = "CosellConfiguration"
}

# The Microsoft Solution Details catalogue kept in a spreadsheet: one
# cosell_solution_detail per row of solutions.csv, keyed by solution id.
# Columns of the CSV: solution_id, name, type, publisher_name (type and
# publisher_name may be left empty).
locals {
  solutions = {
    for row in csvdecode(file("${path.module}/solutions.csv")) : row.solution_id => row
  }
}

resource "cosell_solution_detail" "catalogue" {
  for_each = local.solutions

  solution_id    = each.value.solution_id
  name           = each.value.name
  type           = each.value.type != "" ? each.value.type : null
  publisher_name = each.value.publisher_name != "" ? each.value.publisher_name : null
}

# A row in a catalogue table created under your own publisher prefix (for
# example by the cosell-connector-schema module with prefix = "contoso"): the
# column names follow the table's prefix unless given in `columns`.
resource "cosell_solution_detail" "secure_cloud" {
  table          = "contoso_solutiondetail"
  solution_id    = "SOL-31337-ABC"
  name           = "Northwind Secure Cloud"
  type           = "3P"
  publisher_name = "Northwind Consulting"
}

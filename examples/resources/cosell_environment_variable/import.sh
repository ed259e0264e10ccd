# Import by the environment variable's schema name. The imported value record
# counts as adopted: destroy writes back the value it had at import time
# instead of deleting it. A variable without a current value (only a default)
# cannot be imported; create the resource instead.
terraform import cosell_environment_variable.deal_value_field msft_dealvaluefield

# A connection is imported by <environment_id>/<connector api name>/<connection name>.
# The api names are shared_partnercenterref, shared_partnercenterevents and
# shared_commondataserviceforapps. Secrets are never returned by the API, so
# the first apply after an import re-sends them (an in-place update).
terraform import cosell_connection.dataverse 00000000-0000-0000-0000-00000000e001/shared_commondataserviceforapps/5f0c1e2d3b4a49587766554433221100

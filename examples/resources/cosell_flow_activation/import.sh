# The import id is the host of the provider's dataverse_url. With the host
# alone, the resource adopts the documented turn-on order (the default of
# `flows`); refresh then reads each flow's state.
terraform import cosell_flow_activation.connector contoso.crm.dynamics.com

# With an explicit list: the host, "/", then flow names or unique names
# separated by ";" (in the order of your `flows`).
terraform import cosell_flow_activation.connector 'contoso.crm.dynamics.com/Partner Center Webhook Registration;Dynamics 365 Leads to Partner Center'

# Every cloud flow of the co-sell connector, with its state and what it needs
# before it can be switched on.
data "cosell_flows" "connector" {
  name_contains = "Partner Center"
}

# Which connection references must be bound (with cosell_connection) before
# cosell_flow_activation can switch the flows on.
output "connection_references" {
  value = distinct(flatten(data.cosell_flows.connector.flows[*].connection_reference_logical_names))
}

output "flows_off" {
  value = [for f in data.cosell_flows.connector.flows : f.name if f.state != "on"]
}

// Choices this resource makes where the reference docs (dataverse-api.md §6,
// cosell-connector.md §4.1, §6) are silent or unconfirmed, in one place:
//
//  1. Connector api names come from internal/powerplatform/apis.go (the
//     Partner Center names are unconfirmed there). connectors.go maps the
//     three Terraform values onto them and is the only such table.
//  2. Service principal connections: only Dataverse. The Dataverse connector
//     takes the "oauthSP" parameter set (token:clientId, token:clientSecret,
//     token:TenantId) as the Power Platform Terraform provider sends it; both
//     Partner Center connectors have one "Default" OAuth auth type and are
//     "not shareable" [C], so a service principal is refused at plan time.
//  3. A new connection without a configured name is named by what identifies
//     it in the configuration: UUIDv5(environment id lower-cased, api name,
//     display_name) without dashes (naming.go), shown in the plan. A
//     re-create after an interrupted apply (state never written) computes the
//     same name; create reads the name first and, since PUT is
//     create-or-update (dataverse-api.md §6.3A, emulator: an update that
//     keeps the credentials keeps status and consent), adopts the connection
//     with a warning instead of making a second one. Two resources with the
//     same connector and display_name in one environment would share a name:
//     the warning says to set a distinct display_name or name. State written
//     by earlier versions keeps its random name (UseStateForUnknown: no
//     replacement). A configured name may also be a portal-made one (those
//     contain dashes): 1–128 letters, digits, '-', '_' or '.', starting with a
//     letter or digit (no '/', which separates the parts of the id).
//  4. Statuses other than "Connected" are unconfirmed; anything else is
//     reported as is, with the first status error as status_message, and
//     gives a warning.
//  5. Secret parameter values are never returned by the API. The values in
//     state come from the configuration; non-secret values the API echoes
//     (connectionParameters keys, token:clientId, token:TenantId) are read
//     back, so a change made in the portal shows as drift.
//  6. Binding a connection reference = PATCH connectionreferences(<id>)
//     {"connectionid":"<connection name>"} with If-Match: * ([U], plain
//     update); unbinding sets it to null. A reference's connector is the
//     last path segment of its connectorid (/providers/Microsoft.PowerApps/apis/<api>),
//     compared without case.
//  7. Destroy unbinds only the references that still point at this
//     connection, then deletes the connection (so no reference is ever left
//     pointing at a deleted connection by this resource).
//  8. Import reads back the references bound to the connection (filter
//     connectionid eq '<name>') when the provider has a dataverse_url, so an
//     adopted manual install keeps its bindings in state.
//  9. ServiceToServiceEnvironmentNotFound on create (a new environment the
//     connectivity service does not know yet) is retried every 15 s until
//     the create timeout, as the Power Platform provider does for 10 min.
//  10. A 412 on a binding PATCH (If-Match: *: another writer changed the
//     reference, or our own earlier attempt succeeded unseen and the re-send
//     met the change) re-reads the reference and decides again, at most
//     transport.DefaultConflictRounds times; only then is it an error (the
//     connection is saved, so the next apply finishes the bindings). Binding a
//     reference that pointed at another connection gives a warning naming it.
//  11. Write-only secrets (OpenTofu 1.11+; the AWS/azurerm *_wo +
//     *_wo_version convention). service_principal.client_secret_wo is the
//     alternative to client_secret (exactly one of the two);
//     connection_parameters_wo holds the secret parameters beside
//     connection_parameters (a key in one map only; the PUT carries both).
//     They are read from the configuration on create and on every update
//     that sends the parameters (an argument changed, including a
//     *_wo_version); the plan and state hold them as null. Drift: as §5
//     already says, secret values are never returned, so none was detected
//     before and none is now (a refused secret still shows as
//     status = "Error"). Non-secret values placed in connection_parameters_wo
//     would be echoed: private state keeps the names (never the values) of
//     the keys last sent write-only, and Read leaves their echoes out of
//     connection_parameters, so they are not compared; keys added in the
//     portal still show as drift. Import knows no write-only keys.
//     Older CLIs (Terraform 1.5–1.10) do not know the schema's write_only
//     flag (an unknown protobuf field, ignored) and see ordinary optional
//     attributes; they do not announce the write-only client capability, so
//     the framework refuses a non-null value at validation ("WriteOnly
//     Attribute Not Allowed"), and it nulls write-only values in every plan
//     and state it returns, whatever the CLI (TestAcc*_writeOnlyOnOlderCLI).
package connection

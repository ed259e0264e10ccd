package powerplatform

// Unconfirmed protocol choices for the Power Platform connections client, in
// one place (dataverse-api.md §6.3A is taken from the Terraform provider's
// code, not from a Microsoft reference):
//
//  1. Host: with no base URL, https://{id[:-2]}.{id[-2:]}.environment.api.powerplatform.com
//     where id is the environment id without dashes, lower-cased.
//  2. Every per-connection call (PUT, GET, DELETE) carries
//     ?api-version=1&$filter=environment eq '<env>' (documented for PUT; we
//     send the same on GET and DELETE for symmetry).
//  3. List uses GET /connectivity/connections?api-version=1 (documented) and
//     filters by api client-side (from the connection id, else
//     properties.apiId); a "nextLink" or "@odata.nextLink" is followed only
//     on the same scheme and host.
//  4. Error bodies are {"error":{"code","message"}}. IsNotFound is true for a
//     404 or code ConnectionNotFound, but not for
//     ServiceToServiceEnvironmentNotFound, which means the environment is not
//     ready yet (IsEnvironmentNotFound; the TF provider retries it every 15 s
//     for up to 10 min; retrying is the caller's choice).
//  5. A new connection's name is a GUID without dashes (NewConnectionName).
//  6. PUT success is 200 or 201; DELETE success is 200 or 204.
//  7. Connection statuses other than "Connected" are unconfirmed; Connected()
//     checks for that one value.

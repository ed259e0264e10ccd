package powerplatform

// Choices where dataverse-api.md §6.3A is silent or marked [P]/[U]. Each is
// the most plausible reading; change it here.
//
//   - One listener serves every environment; the environment comes from
//     "$filter=environment eq '<id>'" (the real host is environment-specific,
//     {id[:-2]}.{id[-2:]}.environment.api.powerplatform.com). Single-connection
//     GET/DELETE require the filter (400 MissingEnvironmentFilter); PUT falls
//     back to properties.environment.name; lists without a filter return
//     every environment's connections.
//   - Any non-empty api-version is accepted; a missing one is 400
//     MissingApiVersionParameter (ARM's wording).
//   - Secure parameter values are never returned: keys whose name contains
//     "secret", "password", "apikey", "api_key" or "certificate"
//     (token:clientSecret) are omitted from connectionParameters and
//     connectionParametersSet.values in every response; the other values
//     (token:clientId, token:TenantId) are echoed. Clients must keep secrets
//     from their own configuration.
//   - Status: a connection whose parameter set the connector supports
//     ("oauthSP" for shared_commondataserviceforapps) is Connected at once
//     (unless Options.CheckClientSecret refuses the credentials: Error,
//     code "Unauthorized"); any other connection, including every Partner
//     Center connection (OAuth user consent only), is Error with code
//     "Unauthenticated" until Service.Consent. The status entry of an Error
//     carries target "token". Only Connected and Error are used (other
//     values are unconfirmed).
//   - An update (PUT on an existing connection) answers 200 and keeps the
//     status, consent and createdBy/createdTime unless the parameters
//     changed; changed parameters recompute the status as on create.
//   - oauthSP needs token:clientId, token:clientSecret and token:TenantId
//     (400 MissingConnectionParameters); a parameter set the connector does
//     not support is 400 InvalidConnectionParameterSet; an unknown connector
//     is 404 ApiNotFound; the same name under another connector is 409.
//   - DELETE answers 200 with an empty body; a missing connection is 404
//     ConnectionNotFound (GET and DELETE alike).
//   - Sharing (modifyPermissions / permissions) is not emulated.

package entra

// Choices where the reference documents (or Entra's public docs) leave the
// behaviour open. Each is the most plausible reading; change it here.
//
//   - Tokens use the v2.0 shape for every resource (iss "<base>/<tenant>/v2.0",
//     ver "2.0"), as the team brief fixes, although real Partner Center and
//     Dataverse tokens are often v1 (iss https://sts.windows.net/<tid>/).
//   - "organizations" and "common" resolve to the single tenant; any other
//     tenant in a path is AADSTS90002 (400 invalid_tenant).
//   - User grants (password, refresh_token) always return id_token,
//     refresh_token and client_info, whether or not openid/offline_access
//     were requested (MSAL always asks for them; plain callers get them too).
//   - The `scope` of a user grant response echoes the requested scopes (MSAL
//     Go fails a response whose scope lacks a requested one). Client
//     credentials responses carry no scope, like Entra.
//   - "<resource>/.default" in a user grant yields scp "user_impersonation";
//     a named permission ("<resource>/Foo") yields scp "Foo". A request with
//     only OpenID scopes gets a Microsoft Graph token.
//   - Refresh token rotation (on unless the scenario says otherwise): each
//     redemption returns a new opaque token and revokes the presented one;
//     reuse is invalid_grant AADSTS50173. Entra itself keeps old refresh
//     tokens valid until they expire; rotation makes token persistence bugs
//     visible. With rotation off a new token is still returned and the old
//     one stays valid. Refresh tokens never expire in the emulator.
//   - A client assertion whose iss and sub are the client id is a
//     certificate credential (RS256 or PS256; key found by x5t#S256, x5t or
//     x5c; aud must be the tenant's v2.0 token endpoint); any other is a
//     federated credential that must come from the emulator's federated
//     issuer ("<authority>/federated"), aud api://AzureADTokenExchange, sub
//     in the app's federated_subjects. AADSTS numbers for assertion
//     failures (50027, 700024, 700027, 700211, 700212, 700213, 70021) follow
//     Entra's published error list where one exists; 700213 is invented.
//   - Client assertions get Entra's 5 minutes of clock skew on exp/nbf;
//     access tokens get none in Verify, so expiry tests are exact.
//   - Status codes: invalid_client 401, every other OAuth error 400, as Entra.
//   - Password grant: an unknown user is invalid_grant AADSTS50034 (Entra's
//     "user account does not exist in the directory"), a wrong password
//     AADSTS50126.
//   - Unknown refresh token: invalid_grant AADSTS9002313; a token issued to
//     another client: invalid_grant AADSTS70000.
//   - Apps may be marked public_client ("Allow public client flows"); then
//     password and refresh_token grants need no client credential. The
//     default app is public so both MSAL public and confidential clients work.
//   - Injected faults (core.FaultInjector) answer in the token endpoint's
//     error shape with error "temporarily_unavailable" for 408/429/5xx.

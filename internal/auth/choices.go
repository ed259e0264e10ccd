package auth

// Choices made in this package, written down in one place. Facts about MSAL
// Go are from reading v1.10.1.
//
//  1. Token lifetime. MSAL's cache treats an access token as expired five
//     minutes before its expiry (storage.AccessToken.Validate:
//     ExpiresOn < now+5min), and also refreshes proactively after the
//     server's refresh_in. So AcquireTokenByCredential/AcquireTokenSilent
//     renew tokens at least five minutes early; no extra margin is added.
//     Tokens are cached per scope, i.e. per audience.
//  2. Clients. One confidential client for app-only tokens; one client with
//     our cache accessor for the refresh token (SAM); one public client for
//     username/password. Each is built on first use, so New never demands
//     a credential.
//  3. Refresh token redemption. MSAL Go has no call that takes a refresh
//     token, so memCache seeds MSAL's cache (Account, RefreshToken and the
//     AppMetadata entry MSAL needs before it looks for a refresh token) and
//     AcquireTokenSilent redeems it; MSAL stores the rotated token, which we
//     read back. Until the first answer names the account (client_info), the
//     seed is filed under a placeholder home account id that is dropped
//     afterwards.
//  4. Confidential or public for the refresh. With an application credential
//     configured the confidential client is used: MSAL's confidential silent
//     flow sends client_secret / client_assertion with the refresh grant,
//     which Entra requires for web apps (SAM apps are web apps). Without one,
//     the public client is used and the app registration must allow public
//     client flows (else AADSTS7000218, reported with a hint).
//  5. Username/password uses the public client: MSAL Go's confidential
//     AcquireTokenByUsernamePassword sends no client credential either, so
//     it gains nothing. After the first sign-in, tokens for other audiences
//     come from the refresh token Entra returned.
//  6. Application credential precedence when several are set: certificate,
//     then secret, then federated token (a warning names the one used); for
//     federated tokens the file wins over the literal token because CI
//     rotates the file.
//  7. Token cache file: JSON {version, accounts{"tenant/client": {...}}},
//     written atomically (temp file + rename) with mode 0600; only refresh
//     tokens, never access tokens. The saved token is preferred over the
//     configured one when it descends from it (sha256 fingerprint of the
//     configured token); a newly configured token (new consent) wins over
//     the file. If the preferred token is refused (invalid_grant) the other
//     is tried once. A failure to save the rotated token is an error, not a
//     warning: with rotation the next run would otherwise start from a
//     revoked token. Before any redemption the file's folder is proved
//     writable (a probe file), so an unwritable cache stops the run with
//     the chain intact. Several processes sharing one file: each redemption
//     holds an exclusive github.com/gofrs/flock lock on "<file>.lock",
//     re-reads the file (adopting a newer token of the same lineage, i.e.
//     the same configured-token fingerprint), redeems, saves, unlocks. The
//     file is only read, not locked, when the provider is configured: an
//     unreadable file concerns user tokens only.
//  8. Refresh tokens are redeemed one at a time per Credentials (a rotated
//     token is single-use); app-only tokens one at a time per audience, so
//     parallel operations do not each fetch one.
//  9. MSAL does not retry: a token request answered 408/429/5xx, or that
//     failed to connect, is tried up to 3 times (250 ms doubling, or the
//     Retry-After seconds up to 10 s), never past the context deadline.
// 10. PKCS#12 is read with software.sslmate.com/src/go-pkcs12 (MSAL only
//     reads PEM); golang.org/x/crypto/pkcs12 is frozen and cannot read the
//     AES (PBES2) files that OpenSSL 3 writes by default. Certificates may be
//     given raw or base64-encoded. Encrypted PEM keys are refused by MSAL.
// 11. Errors: MSAL's CallErr carries the token endpoint's answer; its
//     error / error_description (without the trace tail), trace and
//     correlation ids become one line, labelled with the credential kind
//     used (client secret, certificate, federated token, refresh token,
//     password), plus a hint from the one table entraHints (errors.go) that
//     names the attribute actually used (client_certificate_path when the
//     certificate came from a file, oidc_token_file_path, the cache file
//     when the refused refresh token came from it). No hint tells the user
//     to delete token_cache_file: a newly configured refresh token already
//     wins over the file.
// 12. The token rule (rules.go, TokenRules): Referrals take App+User tokens
//     only; Webhooks the app token when an app credential is configured,
//     else a user token (partner-center-api.md §3.1 documents both);
//     Dataverse and Power Platform the app token only (the reference
//     documents only client credentials and the application user; choice).
//     A user credential is therefore never touched by a workspace that does
//     not call Referrals.

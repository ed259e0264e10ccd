package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/confidential"
)

// appCredential builds the MSAL credential of the app: certificate, else
// secret, else federated assertion (see choices.go for the order).
func appCredential(cfg Config) (confidential.Credential, error) {
	switch {
	case len(cfg.ClientCertificate) > 0:
		certs, key, err := parseCertificate(cfg.ClientCertificate, cfg.ClientCertificatePassword)
		if err != nil {
			return confidential.Credential{}, fmt.Errorf("%s: %w", certificateWhere(cfg), err)
		}
		cred, err := confidential.NewCredFromCert(certs, key)
		if err != nil {
			return confidential.Credential{}, fmt.Errorf("%s: %w", certificateWhere(cfg), err)
		}
		return cred, nil
	case cfg.ClientSecret != "":
		return confidential.NewCredFromSecret(cfg.ClientSecret)
	case cfg.OIDCTokenFilePath != "" || cfg.OIDCToken != "":
		path, static := cfg.OIDCTokenFilePath, cfg.OIDCToken
		return confidential.NewCredFromAssertionCallback(func(context.Context, confidential.AssertionRequestOptions) (string, error) {
			if path == "" {
				return static, nil
			}
			// Read on every assertion: CI systems replace the file as the
			// token expires.
			b, err := os.ReadFile(path)
			if err != nil {
				return "", fmt.Errorf("reading %s: %w", Hint(AttrOIDCTokenFilePath), err)
			}
			tok := strings.TrimSpace(string(b))
			if tok == "" {
				return "", fmt.Errorf("%s %s is empty", AttrOIDCTokenFilePath, path)
			}
			return tok, nil
		}), nil
	}
	return confidential.Credential{}, ErrNoAppCredential
}

// certificateWhere names the certificate attribute used (and its file).
func certificateWhere(cfg Config) string {
	if cfg.ClientCertificatePath != "" {
		return Hint(AttrClientCertificatePath) + " " + cfg.ClientCertificatePath
	}
	return Hint(AttrClientCertificate)
}

// appRequest describes an app token request for error messages.
func (c *Credentials) appRequest(r TokenRule, audience string) tokenRequest {
	kind, attr := c.cfg.appCredentialUsed()
	return tokenRequest{cfg: c.cfg, rule: r, audience: audience, kind: kind, attr: attr}
}

func newConfidential(c *Credentials, opts ...confidential.Option) (confidential.Client, error) {
	cred, err := appCredential(c.cfg)
	if err != nil {
		return confidential.Client{}, err
	}
	opts = append([]confidential.Option{
		confidential.WithHTTPClient(c.http),
		confidential.WithInstanceDiscovery(false),
	}, opts...)
	cl, err := confidential.New(c.authority, c.cfg.ClientID, cred, opts...)
	if err != nil {
		return confidential.Client{}, fmt.Errorf("configuring MSAL for client %s at %s: %w", c.cfg.ClientID, c.authority, err)
	}
	return cl, nil
}

// appSource issues client credentials tokens. MSAL caches them per scope
// (so per audience) and AcquireTokenByCredential answers from that cache
// until five minutes before expiry.
type appSource struct {
	c      *Credentials
	client confidential.Client
	locks  keyedMutex
}

func newAppSource(c *Credentials) (*appSource, error) {
	cl, err := newConfidential(c)
	if err != nil {
		return nil, err
	}
	return &appSource{c: c, client: cl}, nil
}

func (a *appSource) token(ctx context.Context, r TokenRule, audience string) (string, error) {
	// One request per audience at a time: parallel Terraform operations
	// starting together would otherwise all miss the cache and each fetch.
	defer a.locks.lock(strings.ToLower(audience))()
	res, err := withRetry(ctx, func() (confidential.AuthResult, error) {
		return a.client.AcquireTokenByCredential(ctx, scopeFor(audience))
	})
	if err != nil {
		return "", entraError(err, a.c.appRequest(r, audience))
	}
	if res.AccessToken == "" {
		return "", errors.New("Entra ID returned no access token")
	}
	return res.AccessToken, nil
}

// keyedMutex is a set of mutexes by key.
type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*sync.Mutex
}

func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	if k.m == nil {
		k.m = map[string]*sync.Mutex{}
	}
	l, ok := k.m[key]
	if !ok {
		l = &sync.Mutex{}
		k.m[key] = l
	}
	k.mu.Unlock()
	l.Lock()
	return l.Unlock
}

package auth

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"sync"

	"github.com/AzureAD/microsoft-authentication-library-for-go/apps/cache"
)

// memCache is the cache.ExportReplace given to the MSAL client that redeems
// refresh tokens. MSAL Go has no call taking a refresh token, but its silent
// flow redeems one found in its cache; this accessor lets us put one there
// (seed) and read back the rotated one after MSAL writes it.
//
// MSAL calls Replace before it reads its cache and Export after it writes;
// the accessor holds the serialized cache between calls. The JSON layout is
// MSAL's cross-language cache contract (apps/internal/base/storage: sections
// "Account", "RefreshToken", "AppMetadata", ... keyed by lower-case
// "-"-joined fields, entries with snake_case fields).
type memCache struct {
	mu   sync.Mutex
	data []byte
}

func (m *memCache) Replace(_ context.Context, u cache.Unmarshaler, _ cache.ReplaceHints) error {
	m.mu.Lock()
	data := m.data
	m.mu.Unlock()
	if len(data) == 0 {
		return nil
	}
	return u.Unmarshal(data)
}

func (m *memCache) Export(_ context.Context, mm cache.Marshaler, _ cache.ExportHints) error {
	b, err := mm.Marshal()
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.data = b
	m.mu.Unlock()
	return nil
}

// contract is MSAL's serialized cache, kept generic so fields this package
// does not know survive a round trip.
type contract map[string]map[string]map[string]any

const (
	sectionAccount      = "Account"
	sectionRefreshToken = "RefreshToken"
	sectionAppMetadata  = "AppMetadata"
)

func (m *memCache) load() contract {
	m.mu.Lock()
	defer m.mu.Unlock()
	c := contract{}
	if len(m.data) > 0 {
		dec := json.NewDecoder(bytes.NewReader(m.data))
		dec.UseNumber() // keep numbers exactly as MSAL wrote them
		_ = dec.Decode(&c)
	}
	return c
}

func (m *memCache) store(c contract) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	m.mu.Lock()
	m.data = b
	m.mu.Unlock()
	return nil
}

func cacheKey(parts ...string) string { return strings.ToLower(strings.Join(parts, "-")) }

// seed puts a refresh token for (homeID, clientID) into the cache, with the
// account and the app metadata entry MSAL needs to look it up: MSAL reads a
// refresh token only after finding the client's AppMetadata (for its family
// id), and matches the token by home account id, environment (the authority
// host) and client id.
func (m *memCache) seed(homeID, env, realm, clientID, refreshToken, username string) error {
	c := m.load()
	put := func(section, key string, entry map[string]any) {
		if c[section] == nil {
			c[section] = map[string]map[string]any{}
		}
		c[section][key] = entry
	}
	put(sectionAccount, cacheKey(homeID, env, realm), map[string]any{
		"home_account_id": homeID,
		"environment":     env,
		"realm":           realm,
		"authority_type":  "MSSTS",
		"username":        username,
	})
	put(sectionRefreshToken, cacheKey(homeID, env, "RefreshToken", clientID), map[string]any{
		"home_account_id": homeID,
		"environment":     env,
		"credential_type": "RefreshToken",
		"client_id":       clientID,
		"secret":          refreshToken,
	})
	put(sectionAppMetadata, cacheKey("AppMetadata", env, clientID), map[string]any{
		"client_id":   clientID,
		"environment": env,
	})
	return m.store(c)
}

// forget removes every entry of an account (used to drop a seeded token
// once MSAL has stored the rotated one under the real account id).
func (m *memCache) forget(homeID string) error {
	c := m.load()
	for _, entries := range c {
		for k, e := range entries {
			if h, _ := e["home_account_id"].(string); h == homeID {
				delete(entries, k)
			}
		}
	}
	return m.store(c)
}

// refreshToken returns the cached refresh token of (homeID, clientID).
func (m *memCache) refreshToken(homeID, clientID string) string {
	for _, e := range m.load()[sectionRefreshToken] {
		h, _ := e["home_account_id"].(string)
		cid, _ := e["client_id"].(string)
		if h == homeID && strings.EqualFold(cid, clientID) {
			s, _ := e["secret"].(string)
			return s
		}
	}
	return ""
}

// otherAccount returns the home id of a refresh token for clientID that is
// not held by skip ("" if none): the real account behind a seeded token
// when the token response carried no id token to name it.
func (m *memCache) otherAccount(skip, clientID string) string {
	for _, e := range m.load()[sectionRefreshToken] {
		h, _ := e["home_account_id"].(string)
		cid, _ := e["client_id"].(string)
		if h != skip && h != "" && strings.EqualFold(cid, clientID) {
			return h
		}
	}
	return ""
}

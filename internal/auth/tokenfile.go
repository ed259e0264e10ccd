package auth

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// tokenFile is the optional TokenCacheFile: the latest (rotated) refresh
// token per tenant and client, so the next run starts from it rather than
// from the configured token, which rotation may have invalidated. It holds
// no access tokens (MSAL's cache stays in memory) and is written atomically
// with mode 0600.
type tokenFile struct {
	Version  int                      `json:"version"`
	Accounts map[string]tokenFileItem `json:"accounts"`
}

type tokenFileItem struct {
	TenantID      string `json:"tenant_id"`
	ClientID      string `json:"client_id"`
	HomeAccountID string `json:"home_account_id,omitempty"`
	Username      string `json:"username,omitempty"`
	RefreshToken  string `json:"refresh_token"`
	// ConfiguredSHA256 fingerprints the configured refresh_token this one
	// descends from: when the configuration carries a different token (a
	// new consent), that one wins over the file.
	ConfiguredSHA256 string    `json:"configured_sha256,omitempty"`
	UpdatedAt        time.Time `json:"updated_at"`
}

const tokenFileVersion = 1

func tokenFileKey(tenantID, clientID string) string {
	return strings.ToLower(tenantID + "/" + clientID)
}

func fingerprint(refreshToken string) string {
	if refreshToken == "" {
		return ""
	}
	sum := sha256.Sum256([]byte(refreshToken))
	return hex.EncodeToString(sum[:])
}

// readTokenFile returns the entry for tenant and client; a missing file is
// no entry. Writes are atomic renames, so a read needs no lock.
func readTokenFile(path, tenantID, clientID string) (tokenFileItem, bool, error) {
	f, err := loadTokenFile(path)
	if err != nil {
		return tokenFileItem{}, false, err
	}
	it, ok := f.Accounts[tokenFileKey(tenantID, clientID)]
	return it, ok && it.RefreshToken != "", nil
}

func loadTokenFile(path string) (*tokenFile, error) {
	f := &tokenFile{Version: tokenFileVersion, Accounts: map[string]tokenFileItem{}}
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading %s %s: %w", AttrTokenCacheFile, path, err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return f, nil
	}
	if err := json.Unmarshal(b, f); err != nil {
		return nil, fmt.Errorf("reading %s %s: not a token cache file written by this provider: %w", AttrTokenCacheFile, path, err)
	}
	if f.Accounts == nil {
		f.Accounts = map[string]tokenFileItem{}
	}
	return f, nil
}

// writeTokenFile records it, keeping the other entries of the file. The
// caller holds the file's lock (lockCacheFile).
func writeTokenFile(path string, it tokenFileItem) error {
	f, err := loadTokenFile(path)
	if err != nil {
		return err
	}
	it.UpdatedAt = time.Now().UTC()
	f.Version = tokenFileVersion
	f.Accounts[tokenFileKey(it.TenantID, it.ClientID)] = it
	b, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(path, append(b, '\n')); err != nil {
		// Writability was checked before the redemption, so this is rare
		// (disk full, the folder changed meanwhile).
		return fmt.Errorf("the refresh token was redeemed, but saving the new one to %s %s failed: %w. "+
			"If Entra rotates refresh tokens single-use the saved chain is now broken: free the disk or fix the folder's permissions, "+
			"then repeat the Secure Application Model consent and set %s if the next run reports an invalid refresh token",
			Hint(AttrTokenCacheFile), path, err, Hint(AttrRefreshToken))
	}
	return nil
}

// writeFileAtomic writes a temporary file (0600) next to path and renames it
// over path, so a crash never leaves a half-written token behind.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	ok := false
	defer func() {
		if !ok {
			_ = tmp.Close()
			_ = os.Remove(name)
		}
	}()
	if err := tmp.Chmod(0o600); err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		return err
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(name, path); err != nil {
		return err
	}
	ok = true
	return nil
}

// tokenFileTooOpen reports whether others than the owner may read the file.
func tokenFileTooOpen(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode().Perm()&0o077 != 0
}

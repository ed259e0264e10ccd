package crmfield

import (
	"sync"

	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// lockTables serialises metadata writes per table inside the provider
// process (facts.go §9), shared with cosell_crm_table. Publishing is not
// done under it, so sibling columns of one table share a publish.
func lockTables(tables ...string) func() {
	keys := make([]string, len(tables))
	for i, t := range tables {
		if t != "" {
			keys[i] = framework.TableLockKey(t)
		}
	}
	return framework.Lock(keys...)
}

// writeLock locks the tables a change to m writes (facts.go §9). Unlocking
// more than once is harmless, so an operation can release the lock before
// it publishes (publishing is shared with other callers, see
// dataverse.Client.Publish) and still defer the release.
func writeLock(m fieldModel) (unlock func()) {
	return sync.OnceFunc(lockTables(tablesOf(m)...))
}

package crmfield

import "github.com/cosell-labs/terraform-provider-cosell/internal/framework"

// lockTables serialises metadata writes and publishing per table inside the
// provider process (facts.go §9), shared with cosell_crm_table.
func lockTables(tables ...string) func() {
	keys := make([]string, len(tables))
	for i, t := range tables {
		if t != "" {
			keys[i] = framework.TableLockKey(t)
		}
	}
	return framework.Lock(keys...)
}

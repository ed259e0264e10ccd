package crmfield

import (
	"sort"
	"sync"
)

// tableLocks serialises metadata writes and publishing per table inside the
// provider process (facts.go §9).
var tableLocks sync.Map // logical name → *sync.Mutex

// lockTables locks the named tables in a fixed order (no deadlock between a
// lookup and its target) and returns the unlock function.
func lockTables(tables ...string) func() {
	names := uniqueSorted(tables)
	for _, n := range names {
		mu, _ := tableLocks.LoadOrStore(n, &sync.Mutex{})
		mu.(*sync.Mutex).Lock()
	}
	return func() {
		for i := len(names) - 1; i >= 0; i-- {
			mu, _ := tableLocks.Load(names[i])
			mu.(*sync.Mutex).Unlock()
		}
	}
}

func uniqueSorted(in []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range in {
		if s != "" && !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	sort.Strings(out)
	return out
}

package framework

import (
	"sort"
	"sync"
)

// locks serialises, inside the provider process, operations that Terraform
// runs in parallel but the API cannot: metadata writes to one table (their
// publish is made after the lock is released, through the Dataverse
// client's group commit), or "check then create" of a row that must be
// unique.
var locks sync.Map // key → *sync.Mutex

// Lock locks every key, in a fixed order so that two callers sharing keys
// cannot deadlock, and returns the unlock function. Empty keys are ignored.
// Prefix keys with their kind ("table:opportunity") so kinds never collide.
func Lock(keys ...string) (unlock func()) {
	names := UniqueSorted(keys)
	for _, n := range names {
		mu, _ := locks.LoadOrStore(n, &sync.Mutex{})
		mu.(*sync.Mutex).Lock()
	}
	return func() {
		for i := len(names) - 1; i >= 0; i-- {
			mu, _ := locks.Load(names[i])
			mu.(*sync.Mutex).Unlock()
		}
	}
}

// UniqueSorted returns the distinct non-empty strings of in, sorted.
func UniqueSorted(in []string) []string {
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

// TableLockKey is the lock key of a Dataverse table's metadata.
func TableLockKey(logicalName string) string { return "table:" + logicalName }

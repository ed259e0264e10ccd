package framework

import (
	"sync"
	"testing"
)

func TestLockSerialisesSharedKeys(t *testing.T) {
	var mu sync.Mutex
	inside, most := 0, 0
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			// Overlapping key sets in different orders: no deadlock, one at a time.
			keys := []string{"table:a", "table:b"}
			if i%2 == 1 {
				keys = []string{"table:b", "", "table:a", "table:a"}
			}
			unlock := Lock(keys...)
			mu.Lock()
			inside++
			if inside > most {
				most = inside
			}
			mu.Unlock()
			mu.Lock()
			inside--
			mu.Unlock()
			unlock()
		}(i)
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("%d holders of the same keys at once, want 1", most)
	}
}

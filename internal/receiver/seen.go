package receiver

import (
	"sync"
	"time"
)

// seenSet remembers deliveries accepted within the replay window (by body
// hash), at most max of them, forgetting the oldest first.
type seenSet struct {
	mu    sync.Mutex
	keep  time.Duration
	max   int
	at    map[[32]byte]time.Time
	order [][32]byte // insertion order; entries are roughly time-ordered
	head  int
}

func newSeenSet(keep time.Duration, max int) *seenSet {
	return &seenSet{keep: keep, max: max, at: map[[32]byte]time.Time{}}
}

func (s *seenSet) contains(k [32]byte, now time.Time) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.at[k]
	return ok && now.Sub(t) <= s.keep
}

func (s *seenSet) add(k [32]byte, now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.at[k]; !ok {
		s.order = append(s.order, k)
	}
	s.at[k] = now
	for s.head < len(s.order) {
		old := s.order[s.head]
		t, ok := s.at[old]
		if ok && now.Sub(t) <= s.keep && len(s.at) <= s.max {
			break
		}
		delete(s.at, old)
		s.head++
	}
	if s.head > len(s.order)/2 && s.head > 1024 { // compact the slice now and then
		s.order = append([][32]byte(nil), s.order[s.head:]...)
		s.head = 0
	}
}

func (s *seenSet) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.at)
}

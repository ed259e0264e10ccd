package partnercenter

import (
	"slices"
	"strings"
	"sync"
	"time"
)

// A list request answers from the store as it is when the request arrives:
// every page (each $skiptoken page too) re-runs the query and cuts it at the
// token's offset, so a referral created, changed or removed between two pages
// shifts the following pages exactly as re-running the query would. The work
// of re-running is kept, as a real service keeps its indexes: while the store
// is unchanged (same version), the listing of one query ($filter, $orderby)
// and the indexes it used are reused; any write bumps the version and
// everything below is rebuilt on the next request.

// maxCachedListings bounds the listings kept per store version (the pages of
// a few queries read in turn; key-chunk queries each read one page).
const maxCachedListings = 8

// storeLocked stores ref under its id and bumps the store version. The
// caller holds s.mu.
func (s *Service) storeLocked(ref Referral) {
	s.referrals[ref.ID()] = ref
	s.version++
}

// deleteLocked removes id and bumps the store version. The caller holds s.mu.
func (s *Service) deleteLocked(id string) {
	delete(s.referrals, id)
	s.version++
}

// snapshotRow is a stored referral with its sort keys parsed once.
type snapshotRow struct {
	ref              Referral
	id               string
	created, updated time.Time
}

// snapshot is the store at one version in the list's default order
// (createdDateTime, then id), with lazily built indexes of string
// properties (lower-cased value → positions in rows).
type snapshot struct {
	version uint64
	rows    []snapshotRow
	indexes map[string]map[string][]int // property path → value → positions
}

type listingKey struct{ filter, orderBy string }

// listCache holds the snapshot of the current version and the listings
// computed from it.
type listCache struct {
	mu       sync.Mutex
	snap     *snapshot
	listings map[listingKey][]Referral
	order    []listingKey // insertion order, for eviction
}

// listing returns the referrals matching filter in order, as of the
// store's current version. The slice is shared: callers must not modify it.
func (s *Service) listing(filterSrc, orderSrc string, filter filterExpr, order []orderKey) []Referral {
	c := &s.lists
	c.mu.Lock()
	defer c.mu.Unlock()
	snap := s.currentSnapshot(c)
	key := listingKey{filterSrc, orderSrc}
	if l, ok := c.listings[key]; ok {
		return l
	}
	var matched []snapshotRow
	if pos, ok := snap.candidates(filter); ok {
		for _, p := range pos {
			if filter.eval(filterEnv{doc: snap.rows[p].ref.doc}) {
				matched = append(matched, snap.rows[p])
			}
		}
	} else {
		matched = make([]snapshotRow, 0, len(snap.rows))
		for _, row := range snap.rows {
			if filter == nil || filter.eval(filterEnv{doc: row.ref.doc}) {
				matched = append(matched, row)
			}
		}
	}
	// matched is in the default order; $orderby re-sorts it stably by its
	// keys, then id (a total order: ids are unique).
	if !(len(order) == 1 && order[0].prop == "createdDateTime" && !order[0].desc) {
		slices.SortStableFunc(matched, func(a, b snapshotRow) int {
			for _, k := range order {
				ta, tb := a.created, b.created
				if k.prop == "updatedDateTime" {
					ta, tb = a.updated, b.updated
				}
				if c := ta.Compare(tb); c != 0 {
					if k.desc {
						return -c
					}
					return c
				}
			}
			return strings.Compare(a.id, b.id)
		})
	}
	out := make([]Referral, len(matched))
	for i, row := range matched {
		out[i] = row.ref
	}
	if len(c.order) >= maxCachedListings {
		delete(c.listings, c.order[0])
		c.order = c.order[1:]
	}
	c.listings[key] = out
	c.order = append(c.order, key)
	return out
}

// currentSnapshot returns the snapshot of the store's current version,
// building it (and dropping the listings of older versions) when the store
// changed. The caller holds c.mu.
func (s *Service) currentSnapshot(c *listCache) *snapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c.snap != nil && c.snap.version == s.version {
		return c.snap
	}
	rows := make([]snapshotRow, 0, len(s.referrals))
	for id, ref := range s.referrals {
		rows = append(rows, snapshotRow{ref: ref, id: id, created: ref.CreatedDateTime(), updated: ref.UpdatedDateTime()})
	}
	slices.SortFunc(rows, func(a, b snapshotRow) int {
		if c := a.created.Compare(b.created); c != 0 {
			return c
		}
		return strings.Compare(a.id, b.id)
	})
	c.snap = &snapshot{version: s.version, rows: rows, indexes: map[string]map[string][]int{}}
	c.listings = map[listingKey][]Referral{}
	c.order = nil
	return c.snap
}

// candidates returns, in ascending order, the positions of the only rows
// that can match f, when f narrows them through an index: an equality of a
// string property with a string literal, an "or" of such narrowings, or an
// "and" with one. ok is false when every row must be tested. The positions
// are a superset of the matches; the caller still evaluates f on each.
func (sn *snapshot) candidates(f filterExpr) (pos []int, ok bool) {
	switch e := f.(type) {
	case compareExpr:
		if e.elemPath != nil || e.kind != kindString || e.op != "eq" || e.lit.null {
			return nil, false
		}
		return sn.index(e.path)[strings.ToLower(e.lit.str)], true
	case orExpr:
		l, ok := sn.candidates(e.l)
		if !ok {
			return nil, false
		}
		r, ok := sn.candidates(e.r)
		if !ok {
			return nil, false
		}
		return mergeUnique(l, r), true
	case andExpr:
		l, lok := sn.candidates(e.l)
		r, rok := sn.candidates(e.r)
		switch {
		case lok && rok && len(r) < len(l):
			return r, true
		case lok:
			return l, true
		}
		return r, rok
	}
	return nil, false
}

// index returns the index of a string property, building it on first use.
// It is keyed by the lower-cased value: the filter's string equality is
// case-insensitive (core.CompareFold), which equals comparing lower-cased
// strings.
func (sn *snapshot) index(path []string) map[string][]int {
	name := strings.Join(path, "/")
	if ix, ok := sn.indexes[name]; ok {
		return ix
	}
	ix := map[string][]int{}
	for i, row := range sn.rows {
		if v, _ := lookup(row.ref.doc, path); v != nil {
			if s, ok := v.(string); ok {
				k := strings.ToLower(s)
				ix[k] = append(ix[k], i)
			}
		}
	}
	sn.indexes[name] = ix
	return ix
}

// mergeUnique merges two ascending position lists without duplicates.
func mergeUnique(a, b []int) []int {
	out := make([]int, 0, len(a)+len(b))
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		switch {
		case j == len(b) || (i < len(a) && a[i] < b[j]):
			out = append(out, a[i])
			i++
		case i == len(a) || b[j] < a[i]:
			out = append(out, b[j])
			j++
		default:
			out = append(out, a[i])
			i, j = i+1, j+1
		}
	}
	return out
}

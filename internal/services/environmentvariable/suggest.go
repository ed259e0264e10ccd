package environmentvariable

import (
	"sort"
	"strings"
)

// closestNames ranks candidates by how close they are to target, for a
// "did you mean" message: smallest edit distance first (case-insensitive),
// then the longest shared prefix, then alphabetical. A candidate is kept when
// the distance is at most max(3, len(target)/2), when it shares target's
// publisher prefix ("msft_"), or when one name contains the other. At most
// limit names are returned.
func closestNames(target string, candidates []string, limit int) []string {
	t := strings.ToLower(target)
	tr := []rune(t)
	maxDist := max(3, len(tr)/2)
	prefix := ""
	if i := strings.Index(t, "_"); i > 0 {
		prefix = t[:i+1]
	}
	type scored struct {
		name         string
		dist, shared int
	}
	var keep []scored
	seen := map[string]bool{}
	for _, c := range candidates {
		lc := strings.ToLower(c)
		if seen[lc] || lc == "" {
			continue
		}
		seen[lc] = true
		d := editDistance(tr, []rune(lc))
		related := d <= maxDist || (prefix != "" && strings.HasPrefix(lc, prefix)) ||
			strings.Contains(lc, t) || strings.Contains(t, lc)
		if related {
			keep = append(keep, scored{c, d, sharedPrefix(t, lc)})
		}
	}
	sort.Slice(keep, func(i, j int) bool {
		a, b := keep[i], keep[j]
		if a.dist != b.dist {
			return a.dist < b.dist
		}
		if a.shared != b.shared {
			return a.shared > b.shared
		}
		return a.name < b.name
	})
	out := make([]string, 0, min(limit, len(keep)))
	for i := 0; i < len(keep) && i < limit; i++ {
		out = append(out, keep[i].name)
	}
	return out
}

// editDistance is the Levenshtein distance (insert, delete, substitute).
func editDistance(a, b []rune) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

func sharedPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

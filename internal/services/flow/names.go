package flow

import (
	"fmt"
	"sort"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

// normalizeName folds a flow display name for matching (facts.go §2).
func normalizeName(s string) string {
	s = strings.Map(func(r rune) rune {
		switch r {
		case '–', '—', '−', '‐', '‑':
			return '-'
		}
		return r
	}, s)
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if strings.HasSuffix(s, strings.ToLower(insiderPreviewSuffix)) {
		s = strings.TrimSpace(strings.TrimSuffix(s, strings.ToLower(insiderPreviewSuffix)))
	}
	return s
}

// isDefinition keeps cloud flow definitions (type 1, or type not read).
func isDefinition(w dataverse.Workflow) bool { return w.Type != 2 && w.Type != 3 }

// candidates returns the workflows a name refers to (facts.go §2): unique
// name matches win over display name matches.
func candidates(name string, flows []dataverse.Workflow) []dataverse.Workflow {
	key := strings.TrimSpace(name)
	var byUnique, byName []dataverse.Workflow
	norm := normalizeName(key)
	for _, w := range flows {
		if !isDefinition(w) {
			continue
		}
		if w.UniqueName != "" && strings.EqualFold(w.UniqueName, key) {
			byUnique = append(byUnique, w)
		} else if normalizeName(w.Name) == norm {
			byName = append(byName, w)
		}
	}
	if len(byUnique) > 0 {
		return byUnique
	}
	return byName
}

// resolution is what a list of names refers to, position by position.
type resolution struct {
	names   []string
	flows   []*dataverse.Workflow // nil = missing
	missing []string
	// ambiguous maps a name to all the workflows it matches.
	ambiguous map[string][]dataverse.Workflow
	// repeats lists positions that refer to a workflow already listed.
	repeats []string
}

func resolve(names []string, all []dataverse.Workflow) resolution {
	r := resolution{names: names, flows: make([]*dataverse.Workflow, len(names))}
	firstAt := map[string]int{}
	for i, n := range names {
		c := candidates(n, all)
		switch {
		case len(c) == 0:
			r.missing = append(r.missing, n)
			continue
		case len(c) > 1:
			if r.ambiguous == nil {
				r.ambiguous = map[string][]dataverse.Workflow{}
			}
			r.ambiguous[n] = c
		}
		w := c[0]
		r.flows[i] = &w
		id := strings.ToLower(w.ID)
		if j, seen := firstAt[id]; seen {
			r.repeats = append(r.repeats, fmt.Sprintf("flows[%d] %q and flows[%d] %q both refer to the flow %q (workflow id %s)", j, names[j], i, n, w.Name, w.ID))
			continue
		}
		firstAt[id] = i
	}
	return r
}

// ok reports that every name refers to exactly one workflow, once.
func (r resolution) ok() bool {
	return len(r.missing) == 0 && len(r.ambiguous) == 0 && len(r.repeats) == 0
}

// found reports whether at least one listed flow exists.
func (r resolution) found() bool {
	for _, f := range r.flows {
		if f != nil {
			return true
		}
	}
	return false
}

// describeFlows lists cloud flows for an error message, one a line:
// `- "name" (unique name x, off)`.
func describeFlows(all []dataverse.Workflow) string {
	var lines []string
	for _, w := range all {
		if !isDefinition(w) {
			continue
		}
		line := fmt.Sprintf("  - %q", w.Name)
		if w.UniqueName != "" {
			line += fmt.Sprintf(" (unique name %s, %s)", w.UniqueName, stateName(w.StateCode))
		} else {
			line += fmt.Sprintf(" (%s)", stateName(w.StateCode))
		}
		lines = append(lines, line)
	}
	if len(lines) == 0 {
		return "  (none: the organisation has no solution-aware cloud flows; import the co-sell connector solution first)"
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

// State names used in `states`.
const (
	stateOn        = "on"
	stateOff       = "off"
	stateSuspended = "suspended"
	stateMissing   = "missing"
)

func stateName(statecode int) string {
	switch statecode {
	case dataverse.WorkflowStateActivated:
		return stateOn
	case dataverse.WorkflowStateSuspended:
		return stateSuspended
	}
	return stateOff
}

// duplicateNames reports names that refer to the same flow by their
// normalised display name (plan-time check; unique names are compared
// without case). Messages say which positions clash.
func duplicateNames(names []string) []string {
	var out []string
	first := map[string]int{}
	for i, n := range names {
		k := normalizeName(n)
		if k == "" {
			continue
		}
		if j, ok := first[k]; ok {
			out = append(out, fmt.Sprintf("flows[%d] %q names the same flow as flows[%d] %q", i, n, j, names[j]))
			continue
		}
		first[k] = i
	}
	return out
}

package acctest

import (
	"regexp"
	"strings"
)

// DiagnosticLike matches a CLI diagnostic that contains the fragments in
// order. The CLIs wrap diagnostics at word boundaries, so every space in a
// fragment matches any run of white space; fragments are literal text.
func DiagnosticLike(fragments ...string) *regexp.Regexp {
	parts := make([]string, len(fragments))
	for i, f := range fragments {
		words := strings.Fields(f)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		parts[i] = strings.Join(words, `\s+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(parts, ".*"))
}

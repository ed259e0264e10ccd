package validate

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// Dataverse schema names are <publisher prefix>_<Name>. The prefix is the
// solution publisher's customization prefix: 2 to 8 lower-case letters or
// digits, starting with a letter, and never "mscrm" (reserved). Capitals are
// matched here so the message can say exactly what to write.
var schemaNameRE = regexp.MustCompile(`^([A-Za-z][A-Za-z0-9]{1,7})_([A-Za-z0-9][A-Za-z0-9_]*)$`)

// CheckSchemaName returns "" when s is a valid prefixed schema name no longer
// than maxLen, or a message saying how to fix it.
func CheckSchemaName(s string, maxLen int) string {
	m := schemaNameRE.FindStringSubmatch(s)
	switch {
	case m == nil && !strings.Contains(s, "_"):
		return fmt.Sprintf("%q has no publisher prefix. Dataverse schema names start with the publisher's customization prefix and an underscore, e.g. \"contoso_%s\".", s, s)
	case m == nil:
		return fmt.Sprintf("%q is not a valid schema name: write <prefix>_<Name>, where the prefix has 2 to 8 letters or digits and starts with a letter, and the name uses only letters, digits and underscores (e.g. \"contoso_ReferralId\").", s)
	case m[1] != strings.ToLower(m[1]):
		return fmt.Sprintf("the publisher prefix %q has capitals; Dataverse customization prefixes are lower case: write %q.", m[1], strings.ToLower(m[1])+s[len(m[1]):])
	case strings.EqualFold(m[1], "mscrm"):
		return fmt.Sprintf("%q uses the reserved prefix \"mscrm\"; use your publisher's customization prefix instead.", s)
	case len(s) > maxLen:
		return fmt.Sprintf("%q is %d characters long; schema names may have at most %d.", s, len(s), maxLen)
	}
	return ""
}

// SchemaName validates a prefixed Dataverse schema name of at most maxLen characters.
func SchemaName(maxLen int) validator.String {
	return String(fmt.Sprintf("must be a Dataverse schema name with a publisher prefix (<prefix>_<Name>), at most %d characters", maxLen),
		func(s string) string { return CheckSchemaName(s, maxLen) })
}

// SchemaPrefix returns the publisher prefix of a valid schema name ("" if none).
func SchemaPrefix(s string) string {
	if m := schemaNameRE.FindStringSubmatch(s); m != nil {
		return m[1]
	}
	return ""
}

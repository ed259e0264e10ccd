package connection

import (
	"fmt"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types/basetypes"

	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var objectAsOptions = basetypes.ObjectAsOptions{}

// Checks return "" for a valid value, else what is wrong and how to fix it.

func checkConnector(v string) string {
	if _, ok := connectorByValue(v); ok {
		return ""
	}
	return fmt.Sprintf("%q is not a connector of the co-sell solution; use one of %s.", v, strings.Join(quoteAll(connectorValues()), ", "))
}

// checkEnvironmentID is shared with the provider's environment_id.
func checkEnvironmentID(v string) string { return validate.CheckEnvironmentID(v) }

func checkName(v string) string {
	if nameRE.MatchString(v) {
		return ""
	}
	return fmt.Sprintf("%q is not a valid connection name; use 1 to 128 letters, digits, '-', '_' or '.', starting with a letter or digit, "+
		"or leave name unset to get a generated one (a GUID without dashes).", v)
}

func checkDisplayName(v string) string {
	if strings.TrimSpace(v) != "" {
		return ""
	}
	return `display_name must not be empty; give the name people see in Power Automate, e.g. "Partner Center Referrals (co-sell)".`
}

func checkGUID(what string) func(string) string { return validate.CheckGUID(what) }

func checkSecret(v string) string { return checkSecretOf("client_secret")(v) }

// checkSecretOf is the check of a client secret attribute (client_secret or
// client_secret_wo).
func checkSecretOf(attribute string) func(string) string {
	return func(v string) string {
		if strings.TrimSpace(v) != "" {
			return ""
		}
		return attribute + " must not be empty; give a client secret of the app registration (Microsoft Entra admin center → App registrations → Certificates & secrets)."
	}
}

// parameterKeyValidator refuses empty keys of a connection parameter map.
func parameterKeyValidator(attribute string) validator.String {
	return validate.String("must not be empty", func(k string) string {
		if strings.TrimSpace(k) == "" {
			return attribute + " has an empty key; use the connector's parameter names."
		}
		return ""
	})
}

func checkReferenceName(v string) string {
	if msg := validate.CheckSchemaName(v, 200); msg != "" {
		return "connection reference logical names are prefixed like schema names: " + msg +
			" Find the names in Power Apps → Solutions → the co-sell solution → Connection references."
	}
	return ""
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = `"` + s + `"`
	}
	return out
}

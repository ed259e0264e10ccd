package powerplatform

import (
	"slices"
	"strings"
)

// Values a service principal (oauthSP) parameter set must carry, as the
// Power Platform Terraform provider sends them (dataverse-api.md §6.3A).
var oauthSPRequired = []string{"token:clientId", "token:clientSecret", "token:TenantId"}

// errUnauthenticated is the status of an OAuth (user-consent) connection
// nobody has signed in to yet.
func errUnauthenticated() *ConnectionError {
	return &ConnectionError{Code: "Unauthenticated",
		Message: "This connection is not authenticated. Sign in from the Power Apps / Power Automate portal to consent."}
}

// missingSPValues lists the required oauthSP values that are absent.
func missingSPValues(ps *ParameterSet) []string {
	var missing []string
	for _, k := range oauthSPRequired {
		if strings.TrimSpace(paramValue(ps.Values, k)) == "" {
			missing = append(missing, k)
		}
	}
	return missing
}

// paramValue looks a value up by name, ignoring case (the API's parameter
// names are case-insensitive in practice: token:TenantId vs token:tenantId).
func paramValue(values map[string]string, name string) string {
	for k, v := range values {
		if strings.EqualFold(k, name) {
			return v
		}
	}
	return ""
}

// initialStatus is the status of a connection just created (or whose
// credentials just changed): a service principal parameter set the
// connector supports signs in at once; anything else waits for a person.
func (s *Service) initialStatus(c *Connection) (string, *ConnectionError) {
	conn, known := s.connector(c.API)
	if c.ParameterSet != nil && known && slices.Contains(conn.ParameterSets, c.ParameterSet.Name) {
		if c.ParameterSet.Name == ParameterSetOAuthSP && s.opts.CheckClientSecret != nil {
			v := c.ParameterSet.Values
			if !s.opts.CheckClientSecret(paramValue(v, "token:TenantId"), paramValue(v, "token:clientId"), paramValue(v, "token:clientSecret")) {
				return StatusError, &ConnectionError{Code: "Unauthorized",
					Message: "The service principal credentials of this connection were refused by Microsoft Entra ID (invalid client id, secret or tenant)."}
			}
		}
		return StatusConnected, nil
	}
	return StatusError, errUnauthenticated()
}

// isSecretParam says whether a parameter value is secure (never returned).
func isSecretParam(name string) bool {
	n := strings.ToLower(name)
	for _, frag := range []string{"secret", "password", "apikey", "api_key", "certificate"} {
		if strings.Contains(n, frag) {
			return true
		}
	}
	return false
}

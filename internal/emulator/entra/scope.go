package entra

import (
	"net/http"
	"strings"
)

// graphResource is the resource of bare scopes ("User.Read") and of requests
// that name only OpenID scopes, as in Entra.
const graphResource = "https://graph.microsoft.com"

var oidcScopes = map[string]bool{"openid": true, "profile": true, "offline_access": true, "email": true}

// scopeRequest is the parsed `scope` (or v1-style `resource`) parameter.
type scopeRequest struct {
	resource string   // the token audience
	perms    []string // delegated permissions (scp) of user tokens
	echo     []string // scopes to report as granted
}

// parseScope derives the audience from "<resource>/<permission>" scopes.
// Client credentials accept only "<resource>/.default".
func parseScope(scope, resourceParam string, appOnly bool) (scopeRequest, *stsError) {
	var req scopeRequest
	for _, sc := range strings.Fields(scope) {
		if oidcScopes[strings.ToLower(sc)] {
			if !appOnly {
				req.echo = append(req.echo, sc)
			}
			continue
		}
		res, perm := splitScope(sc)
		if appOnly && perm != ".default" {
			return req, newErr(http.StatusBadRequest, "invalid_scope", 1002012,
				"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", sc)
		}
		if req.resource != "" && !sameResource(req.resource, res) {
			return req, newErr(http.StatusBadRequest, "invalid_request", 28000,
				"Provided value for the input parameter scope is not valid because it contains more than one resource. Scope %s is not valid.", scope)
		}
		req.resource = res
		req.echo = append(req.echo, sc)
		if perm == ".default" {
			// Consented delegated permissions; the emulator's resources all
			// expose user_impersonation.
			perm = "user_impersonation"
		}
		req.perms = appendUnique(req.perms, perm)
	}
	if req.resource == "" {
		switch {
		case resourceParam != "":
			req.resource = strings.TrimRight(resourceParam, "/")
			req.perms = []string{"user_impersonation"}
		case appOnly:
			return req, errMissingParam("scope")
		default:
			req.resource = graphResource
			req.perms = []string{"openid", "profile"}
		}
	}
	return req, nil
}

// splitScope splits "https://host/path/perm" into resource and permission.
// A scope without a resource ("User.Read") belongs to Microsoft Graph.
func splitScope(sc string) (resource, perm string) {
	rest := sc
	scheme := ""
	if i := strings.Index(sc, "://"); i >= 0 {
		scheme, rest = sc[:i+3], sc[i+3:]
	}
	i := strings.LastIndex(rest, "/")
	if i < 0 {
		if scheme != "" {
			return strings.TrimRight(sc, "/"), ".default"
		}
		return graphResource, sc
	}
	return strings.TrimRight(scheme+rest[:i], "/"), rest[i+1:]
}

func sameResource(a, b string) bool {
	return strings.EqualFold(strings.TrimRight(a, "/"), strings.TrimRight(b, "/"))
}

func appendUnique(list []string, v string) []string {
	for _, x := range list {
		if x == v {
			return list
		}
	}
	return append(list, v)
}

package validate

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Endpoint describes a base-URL setting (an API host, an authority host, a
// token audience): https, a host, and no path, query or credentials. A few
// documented API paths that users copy with the host (Dataverse's
// "/api/data/v9.2") are listed as Suffixes and removed instead of refused.
type Endpoint struct {
	// Example is a valid value, shown in messages.
	Example string
	// Suffixes are paths (case-insensitive, without trailing slash) that
	// Normalize strips, e.g. "/api/data/v9.2".
	Suffixes []string
	// PathHint is added to the message for any other path, e.g. "the
	// tenant goes in tenant_id".
	PathHint string
}

// Normalize returns the canonical form "https://host[:port]" of raw (outer
// whitespace and trailing slashes removed, host lower-cased, a listed suffix
// stripped), or "" and a message saying what is wrong and how to fix it. The
// message does not name the setting: the caller does.
func (e Endpoint) Normalize(raw string) (string, string) {
	s := strings.TrimSpace(raw)
	if s == "" {
		return "", fmt.Sprintf("is empty; give the full address, e.g. %s.", e.Example)
	}
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return "", fmt.Sprintf("%q contains whitespace; give the address without spaces, e.g. %s.", raw, e.Example)
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Sprintf("%q is not a URL (%s); give the full address, e.g. %s.", raw, urlErr(err), e.Example)
	}
	if u.Scheme == "" || u.Opaque != "" {
		return "", fmt.Sprintf("%q is not an absolute URL; give the full address with https://, e.g. %s.", raw, e.Example)
	}
	if !strings.EqualFold(u.Scheme, "https") {
		return "", fmt.Sprintf("%q uses %s://; only https:// is accepted, e.g. %s.", raw, strings.ToLower(u.Scheme), e.Example)
	}
	if u.Host == "" || u.Hostname() == "" {
		return "", fmt.Sprintf("%q has no host; give the full address, e.g. %s.", raw, e.Example)
	}
	if u.User != nil {
		return "", fmt.Sprintf("%q carries a user name or password; give only the scheme and host, e.g. %s.", redactUser(u), e.Example)
	}
	if u.RawQuery != "" || u.Fragment != "" || u.ForceQuery {
		return "", fmt.Sprintf("%q has a query or fragment; give only the scheme and host, e.g. %s.", raw, e.Example)
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	if path != "" {
		stripped := false
		for _, suf := range e.Suffixes {
			if strings.EqualFold(path, strings.TrimRight(suf, "/")) {
				path, stripped = "", true
				break
			}
		}
		if !stripped {
			msg := fmt.Sprintf("%q has a path (%s); give only the scheme and host, e.g. %s", raw, path, e.Example)
			if e.PathHint != "" {
				msg += " (" + e.PathHint + ")"
			}
			return "", msg + "."
		}
	}
	return "https://" + strings.ToLower(u.Host), ""
}

func urlErr(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return err.Error()
}

func redactUser(u *url.URL) string {
	c := *u
	c.User = url.User("***")
	return c.String()
}

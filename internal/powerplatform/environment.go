package powerplatform

import "strings"

// WithEnvironment returns a client for another environment of the same
// tenant, sharing the transport. A client built for the real service (no
// base URL) moves to that environment's own host; a client with an explicit
// base URL (a proxy or the emulator, which serve every environment) keeps
// it. The same environment returns c itself.
func (c *Client) WithEnvironment(environmentID string) *Client {
	if strings.EqualFold(environmentID, c.env) {
		return c
	}
	out := *c
	out.env = environmentID
	if c.base == "https://"+EnvironmentHost(c.env) {
		out.base = "https://" + EnvironmentHost(environmentID)
	}
	return &out
}

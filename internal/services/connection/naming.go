package connection

import (
	"strings"

	"github.com/google/uuid"
)

// nameNamespace is the UUIDv5 namespace of deterministic connection names
// (facts.go §3). Changing it would rename every new connection: never.
var nameNamespace = uuid.MustParse("6c1f3e0a-8d2b-5b7e-9a41-0c05e11c0de5")

// deterministicName is the name a connection gets when the configuration
// sets none: a UUIDv5 (without dashes, like a portal-made name) of what
// identifies it in the configuration — environment, connector and display
// name. A re-create after an interrupted apply (no state written) computes
// the same name and finds the connection it made before, so a second create
// never makes a second connection. The environment compares without case.
func deterministicName(environmentID, api, displayName string) string {
	key := strings.ToLower(strings.TrimSpace(environmentID)) + "/" + strings.ToLower(api) + "/" + displayName
	return strings.ReplaceAll(uuid.NewSHA1(nameNamespace, []byte(key)).String(), "-", "")
}

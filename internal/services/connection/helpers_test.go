package connection_test

import (
	"fmt"
	"strings"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	emupp "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// The emulator's default app registration (BRIEF.md).
const (
	tenantID     = entra.DefaultTenantID
	clientID     = entra.DefaultClientID
	clientSecret = entra.DefaultClientSecret
)

// The emulator's default app registration (BRIEF.md): a service principal
// that signs a Dataverse connection in.
const spBlock = `
  service_principal = {
    tenant_id     = "` + entra.DefaultTenantID + `"
    client_id     = "` + entra.DefaultClientID + `"
    client_secret = "` + entra.DefaultClientSecret + `"
  }`

func suffix() string { return sdkacctest.RandStringFromCharSet(10, sdkacctest.CharSetAlphaNum) }

// writes counts the requests that could change Power Platform or Dataverse
// (token requests to entra are not writes to the managed objects).
func writes(emu *emulator.Emulator) int {
	n := 0
	for _, svc := range []string{emulator.ServicePowerPlatform, emulator.ServiceDataverse} {
		for _, m := range []string{"PUT", "POST", "PATCH", "DELETE"} {
			n += emu.Metrics().Total(svc, m)
		}
	}
	return n
}

// expectNoWrites fails the test if any write reached the emulator after
// the call, checked when the test ends.
func expectNoWrites(t *testing.T) {
	t.Helper()
	emu := acctest.Emulator(t)
	before := writes(emu)
	t.Cleanup(func() {
		if after := writes(emu); after != before {
			t.Errorf("%d write request(s) reached Power Platform or Dataverse; plan-time validation must not write", after-before)
		}
	})
}

// newReference adds a connection reference for api to the emulator's
// Dataverse and returns its logical name and id.
func newReference(t *testing.T, api, label string) (string, string) {
	t.Helper()
	logical := "cosell_" + label + "_" + suffix()
	id, err := acctest.Emulator(t).Dataverse().CreateRecord("connectionreferences", map[string]any{
		"connectionreferencelogicalname": logical, "connectionreferencedisplayname": "Test " + label,
		"connectorid": powerplatform.ConnectorID(api),
	})
	if err != nil {
		t.Fatal(err)
	}
	return logical, id
}

// boundConnection returns the connectionid of a reference in the emulator.
func boundConnection(t *testing.T, id string) string {
	t.Helper()
	rec, ok := acctest.Emulator(t).Dataverse().Record("connectionreferences", id)
	if !ok {
		t.Fatalf("connection reference %s is gone", id)
	}
	s, _ := rec["connectionid"].(string)
	return s
}

// attr reads one attribute of a resource from the CLI's state.
func attr(s *terraform.State, addr, key string) (string, error) {
	rs, ok := s.RootModule().Resources[addr]
	if !ok {
		return "", fmt.Errorf("%s not in state", addr)
	}
	v, ok := rs.Primary.Attributes[key]
	if !ok {
		return "", fmt.Errorf("%s has no %s", addr, key)
	}
	return v, nil
}

// emulatorConnection checks the emulator's copy of a resource's connection.
func emulatorConnection(emu *emulator.Emulator, addr string, check func(c *emupp.Connection) error) func(*terraform.State) error {
	return func(s *terraform.State) error {
		env, err := attr(s, addr, "environment_id")
		if err != nil {
			return err
		}
		name, err := attr(s, addr, "name")
		if err != nil {
			return err
		}
		c, ok := emu.PowerPlatform().Connection(env, name)
		if !ok {
			return fmt.Errorf("the emulator has no connection %s in %s", name, env)
		}
		return check(&c)
	}
}

// connectionsGone is a CheckDestroy: no connection of the given resources
// is left in the emulator.
func connectionsGone(emu *emulator.Emulator, addrs ...string) func(*terraform.State) error {
	return func(s *terraform.State) error {
		var left []string
		for _, addr := range addrs {
			env, err1 := attr(s, addr, "environment_id")
			name, err2 := attr(s, addr, "name")
			if err1 != nil || err2 != nil {
				continue
			}
			if _, ok := emu.PowerPlatform().Connection(env, name); ok {
				left = append(left, addr+" ("+name+")")
			}
		}
		if len(left) > 0 {
			return fmt.Errorf("connections left after destroy: %s", strings.Join(left, ", "))
		}
		return nil
	}
}

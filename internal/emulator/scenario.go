package emulator

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"

	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/core"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/entra"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/emulator/powerplatform"
)

// Scenario is the seed data of every emulated service, as one JSON document.
type Scenario struct {
	Entra         entra.Scenario         `json:"entra"`
	PartnerCenter partnercenter.Scenario `json:"partner_center"`
	Dataverse     dataverse.Scenario     `json:"dataverse"`
	PowerPlatform powerplatform.Scenario `json:"power_platform"`
	// Faults are applied at start, by service name (entra, referrals,
	// webhooks, dataverse, powerplatform).
	Faults map[string]*core.Faults `json:"faults,omitempty"`
	// Seed makes fault injection repeatable (Options.Seed wins when set).
	Seed uint64 `json:"seed,omitempty"`
}

// DefaultScenario is the well-known world of the team brief: tenant
// 00000000-0000-4000-8000-00000000c0de, app 11111111-…-111111111111 with
// secret "emulator-client-secret", user admin@contoso.example /
// "emulator-password" (Referrals Admin, no MFA), SAM refresh token
// "emulator-refresh-token" and environment 00000000-…-00000000e001.
//
// The default app is the organisation's only application user: an app a
// scenario file or a test adds has none (Dataverse answers its app-only
// tokens 403) until it is listed in dataverse.application_users or added
// with PUT /_emulator/dataverse-application-users/{client_id}.
func DefaultScenario() Scenario {
	dv := dataverse.DefaultScenario()
	dv.ApplicationUsers = []string{entra.DefaultClientID}
	return Scenario{
		Entra:         entra.DefaultScenario(),
		PartnerCenter: partnercenter.DefaultScenario(),
		Dataverse:     dv,
		PowerPlatform: powerplatform.DefaultScenario(),
	}
}

// LoadScenario reads a scenario JSON file. The file is laid over
// DefaultScenario(): a section (or field) the file leaves out keeps its
// default, a list the file gives replaces the default list, and maps are
// merged. Unknown fields are an error, so typos do not pass silently.
func LoadScenario(path string) (Scenario, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return Scenario{}, err
	}
	return ParseScenario(raw)
}

// ParseScenario is LoadScenario for JSON already in memory.
func ParseScenario(raw []byte) (Scenario, error) {
	sc := DefaultScenario()
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&sc); err != nil {
		return Scenario{}, fmt.Errorf("scenario: %w", err)
	}
	return sc, nil
}

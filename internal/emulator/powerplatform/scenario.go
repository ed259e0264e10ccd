package powerplatform

import (
	"fmt"
	"time"
)

// Connector api names (dataverse-api.md §6.2).
const (
	APIDataverse            = "shared_commondataserviceforapps"
	APIPartnerCenterRef     = "shared_partnercenterref"
	APIPartnerCenterEvents  = "shared_partnercenterevents"
	ParameterSetOAuthSP     = "oauthSP"
	DefaultEnvironmentID    = "00000000-0000-0000-0000-00000000e001"
	defaultEnvironmentTitle = "Contoso (emulator)"
)

// Connection statuses.
const (
	StatusConnected = "Connected"
	StatusError     = "Error"
)

// Scenario is the seed data of the connectivity API.
type Scenario struct {
	Environments []Environment `json:"environments"`
	// Connectors known to the tenant; empty means DefaultConnectors().
	Connectors  []Connector  `json:"connectors,omitempty"`
	Connections []Connection `json:"connections,omitempty"`
}

// Environment is a Power Platform environment.
type Environment struct {
	ID          string `json:"id"`
	DisplayName string `json:"display_name,omitempty"`
}

// Connector is a connector (api) and the ways a connection to it can be
// authenticated without a person signing in.
type Connector struct {
	Name        string `json:"name"` // e.g. shared_commondataserviceforapps
	DisplayName string `json:"display_name,omitempty"`
	// ParameterSets lists the non-interactive connection parameter sets the
	// connector accepts (e.g. "oauthSP"). Connections made any other way use
	// the connector's default OAuth (user consent) and stay in Error until
	// someone signs in (Service.Consent).
	ParameterSets []string `json:"parameter_sets,omitempty"`
}

// ParameterSet is a named connection parameter set with its values.
type ParameterSet struct {
	Name   string            `json:"name"`
	Values map[string]string `json:"values"`
}

// ConnectionError explains a connection status other than Connected.
type ConnectionError struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Connection is a stored connection, including secret parameter values
// (which the API never returns).
type Connection struct {
	EnvironmentID        string         `json:"environment_id"`
	API                  string         `json:"api"`
	Name                 string         `json:"name"`
	DisplayName          string         `json:"display_name,omitempty"`
	ConnectionParameters map[string]any `json:"connection_parameters,omitempty"`
	ParameterSet         *ParameterSet  `json:"connection_parameters_set,omitempty"`
	// Status is Connected or Error; empty in a scenario means "compute it as
	// a PUT would".
	Status           string           `json:"status,omitempty"`
	Error            *ConnectionError `json:"error,omitempty"`
	CreatedBy        Principal        `json:"created_by"`
	CreatedTime      time.Time        `json:"created_time"`
	LastModifiedTime time.Time        `json:"last_modified_time"`
}

// Principal is who created a connection.
type Principal struct {
	ID                string `json:"id"`
	DisplayName       string `json:"displayName"`
	Email             string `json:"email,omitempty"`
	Type              string `json:"type"` // User | ServicePrincipal
	TenantID          string `json:"tenantId"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// DefaultConnectors are the three connectors of the co-sell solution.
// Dataverse accepts a service principal (oauthSP); the Partner Center
// connectors are OAuth user-consent only.
func DefaultConnectors() []Connector {
	return []Connector{
		{Name: APIDataverse, DisplayName: "Microsoft Dataverse", ParameterSets: []string{ParameterSetOAuthSP}},
		{Name: APIPartnerCenterRef, DisplayName: "Partner Center Referrals (Preview)"},
		{Name: APIPartnerCenterEvents, DisplayName: "Partner Center Events"},
	}
}

// DefaultScenario has the well-known environment and no connections.
func DefaultScenario() Scenario {
	return Scenario{
		Environments: []Environment{{ID: DefaultEnvironmentID, DisplayName: defaultEnvironmentTitle}},
		Connectors:   DefaultConnectors(),
	}
}

func (sc Scenario) validate() error {
	envs := map[string]bool{}
	for _, e := range sc.Environments {
		if e.ID == "" {
			return fmt.Errorf("power platform scenario: an environment has no id")
		}
		envs[e.ID] = true
	}
	for _, c := range sc.Connections {
		if !envs[c.EnvironmentID] || c.API == "" || c.Name == "" {
			return fmt.Errorf("power platform scenario: connection %q needs a known environment_id, an api and a name", c.Name)
		}
	}
	return nil
}

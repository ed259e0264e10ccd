package connection

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

// privateWriteOnlyKeys is the private-state key holding the names (never
// the values) of the connection_parameters_wo keys the last write sent, so
// that Read leaves their echoes out of connection_parameters (facts.go §11).
const privateWriteOnlyKeys = "write_only_parameter_keys"

// privateState is the part of the framework's private state API used here
// (satisfied by *privatestate.ProviderData).
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// writeOnlyKeys reads the names remembered by setWriteOnlyKeys.
func writeOnlyKeys(ctx context.Context, p privateState, diags *diag.Diagnostics) []string {
	raw, d := p.GetKey(ctx, privateWriteOnlyKeys)
	diags.Append(d...)
	var keys []string
	if len(raw) > 0 && json.Unmarshal(raw, &keys) != nil {
		return nil
	}
	return keys
}

// setWriteOnlyKeys remembers the names of the write-only parameters sent
// (none: the key is removed).
func setWriteOnlyKeys(ctx context.Context, p privateState, keys []string, diags *diag.Diagnostics) {
	var raw []byte
	if len(keys) > 0 {
		raw, _ = json.Marshal(keys)
	}
	diags.Append(p.SetKey(ctx, privateWriteOnlyKeys, raw)...)
}

// validateWriteOnly checks the write-only attributes against their stored
// variants and versions (plan time, no API call).
func validateWriteOnly(ctx context.Context, m *connectionModel, diags *diag.Diagnostics) {
	if sp, ok := m.servicePrincipal(ctx, diags); ok {
		switch {
		case !sp.ClientSecret.IsNull() && !sp.ClientSecretWO.IsNull():
			diags.AddAttributeError(pathSecretWO, "Conflicting client secrets",
				"service_principal sets both client_secret and client_secret_wo; set only one. client_secret_wo (OpenTofu 1.11+ or "+
					"Terraform 1.11+) keeps the secret out of state and plan: remove client_secret to use it, or remove client_secret_wo "+
					"and client_secret_wo_version to keep the secret in state.")
		case sp.ClientSecret.IsNull() && sp.ClientSecretWO.IsNull():
			diags.AddAttributeError(pathServicePrincipal, "Missing client secret",
				"service_principal needs the app registration's client secret: set client_secret_wo (OpenTofu 1.11+ or Terraform 1.11+; "+
					"kept out of state and plan) or client_secret (older CLIs; stored in state, marked sensitive).")
		}
		if !sp.SecretWOVersion.IsNull() && sp.ClientSecretWO.IsNull() {
			diags.AddAttributeError(pathServicePrincipal.AtName("client_secret_wo_version"), "client_secret_wo_version without client_secret_wo",
				"client_secret_wo_version only says when to send client_secret_wo again. Set client_secret_wo with it, or remove "+
					"client_secret_wo_version (client_secret needs no version: a changed value is sent by itself).")
		}
	}

	if !m.ParametersWOVersion.IsNull() && m.ParametersWO.IsNull() {
		diags.AddAttributeError(pathParametersWOVersion, "connection_parameters_wo_version without connection_parameters_wo",
			"connection_parameters_wo_version only says when to send connection_parameters_wo again. Set connection_parameters_wo with "+
				"it, or remove connection_parameters_wo_version (changes to connection_parameters are sent by themselves).")
	}
	if m.ParametersWO.IsNull() || m.ParametersWO.IsUnknown() {
		return
	}
	if len(m.ParametersWO.Elements()) == 0 {
		diags.AddAttributeError(pathParametersWO, "Empty connection_parameters_wo",
			"connection_parameters_wo is an empty map: remove the attribute (and connection_parameters_wo_version), or give the "+
				"connector's secret parameters.")
		return
	}
	if m.ConnectionParameters.IsUnknown() {
		return
	}
	stored := m.ConnectionParameters.Elements()
	for _, k := range m.writeOnlyKeys(ctx, diags) {
		if _, both := stored[k]; both {
			diags.AddAttributeError(pathParametersWO.AtMapKey(k), "Connection parameter set twice",
				fmt.Sprintf("The parameter %q is in both connection_parameters and connection_parameters_wo; give it in one of them. "+
					"connection_parameters_wo (OpenTofu 1.11+ or Terraform 1.11+) keeps secret values out of state and plan; "+
					"connection_parameters keeps the value in state, where a change made outside Terraform shows as drift.", k))
		}
	}
}

package environmentvariable

import (
	"context"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

func TestFlattenDataSourceEffectiveValue(t *testing.T) {
	def := &dataverse.EnvironmentVariableDefinition{ID: "d", SchemaName: "msft_dealvaluefield", DisplayName: "Deal value field",
		DefaultValue: "estimatedvalue", Type: dataverse.EnvVarTypeString}
	m := flattenDataSource(def, nil)
	if !m.CurrentValue.IsNull() || !m.ValueID.IsNull() || m.EffectiveValue.ValueString() != "estimatedvalue" || !m.Description.IsNull() {
		t.Errorf("no value record: %+v", m)
	}
	m = flattenDataSource(def, &dataverse.EnvironmentVariableValue{ID: "v", Value: "actualvalue"})
	if m.CurrentValue.ValueString() != "actualvalue" || m.EffectiveValue.ValueString() != "actualvalue" || m.ValueID.ValueString() != "v" {
		t.Errorf("value record: %+v", m)
	}
	noDefault := *def
	noDefault.DefaultValue = ""
	if m := flattenDataSource(&noDefault, nil); !m.EffectiveValue.IsNull() || !m.DefaultValue.IsNull() {
		t.Errorf("neither: %+v", m)
	}
	secret := *def
	secret.Type = dataverse.EnvVarTypeSecret
	m = flattenDataSource(&secret, &dataverse.EnvironmentVariableValue{ID: "v", Value: "/subscriptions/x/secrets/y"})
	if !m.CurrentValue.IsNull() || !m.EffectiveValue.IsNull() || m.Type.ValueString() != "secret" || m.ValueID.ValueString() != "v" {
		t.Errorf("secret values must stay out of state: %+v", m)
	}
}

func TestFlattenKeepsDefinitionBlockOnlyWhenManaged(t *testing.T) {
	def := &dataverse.EnvironmentVariableDefinition{ID: "d", SchemaName: "pfx_X", DisplayName: "X", Type: dataverse.EnvVarTypeJSON,
		DefaultValue: "{}", IsRequired: true}
	m := resourceModel{Definition: types.ObjectNull(definitionAttrTypes)}
	m.flatten(def, nil)
	if !m.Definition.IsNull() || !m.Value.IsNull() || !m.ValueID.IsNull() || m.Type.ValueString() != "json" || m.ID.ValueString() != "pfx_X" {
		t.Errorf("unmanaged: %+v", m)
	}
	m.Definition = flattenDefinition(&dataverse.EnvironmentVariableDefinition{DisplayName: "old"})
	m.flatten(def, &dataverse.EnvironmentVariableValue{ID: "v", Value: "[]"})
	var diags diag.Diagnostics
	b := m.definitionBlock(context.Background(), &diags)
	if diags.HasError() || b == nil {
		t.Fatal(diags)
	}
	if b.DisplayName.ValueString() != "X" || !b.Description.IsNull() || b.Type.ValueString() != "json" || !b.IsRequired.ValueBool() ||
		b.DefaultValue.ValueString() != "{}" || !b.sameAs(def) {
		t.Errorf("managed block not refreshed: %+v", b)
	}
	if m.Value.ValueString() != "[]" || m.ValueID.ValueString() != "v" {
		t.Errorf("value: %+v", m)
	}
}

type memPrivate map[string][]byte

func (p memPrivate) GetKey(_ context.Context, k string) ([]byte, diag.Diagnostics) { return p[k], nil }
func (p memPrivate) SetKey(_ context.Context, k string, v []byte) diag.Diagnostics {
	p[k] = v
	return nil
}

func TestOriginRoundTripAndAdopt(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	p := memPrivate{}
	if o := readOrigin(ctx, p, &diags); o.Known {
		t.Errorf("empty private state must read as unknown origin (import)")
	}
	o := origin{}
	o.adopt(&dataverse.EnvironmentVariableValue{Value: "first"})
	o.adopt(&dataverse.EnvironmentVariableValue{Value: "second"}) // the first value seen is the one to restore
	o.PreviousDefinition = fieldsOf(&dataverse.EnvironmentVariableDefinition{DisplayName: "Old", DefaultValue: "a"})
	writeOrigin(ctx, p, o, &diags)
	got := readOrigin(ctx, p, &diags)
	if diags.HasError() || !got.Known || got.PreviousValue == nil || *got.PreviousValue != "first" ||
		got.PreviousDefinition.DisplayName != "Old" || got.PreviousDefinition.DefaultValue != "a" || got.ValueCreated || got.DefinitionCreated {
		t.Errorf("round trip: %+v %v", got, diags)
	}
	created := origin{ValueCreated: true}
	created.adopt(&dataverse.EnvironmentVariableValue{Value: "x"})
	if created.PreviousValue != nil {
		t.Errorf("a created value record has nothing to restore")
	}
}

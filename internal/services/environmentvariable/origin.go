package environmentvariable

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
)

// originKey is the private state key holding what this resource created and
// what it found (facts.go §5).
const originKey = "origin"

// origin records ownership, so destroy removes only what the resource made.
type origin struct {
	// Known is false for state written before origin was recorded (import).
	Known bool `json:"known"`
	// DefinitionCreated: the definition block created the definition; destroy deletes it.
	DefinitionCreated bool `json:"definition_created,omitempty"`
	// ValueCreated: this resource created the value record; destroy deletes it.
	ValueCreated bool `json:"value_created,omitempty"`
	// PreviousValue is the adopted value record's value before this resource
	// changed it (nil = null); destroy writes it back.
	PreviousValue *string `json:"previous_value,omitempty"`
	// PreviousDefinition holds an adopted definition's managed fields before
	// the block changed them; destroy writes them back.
	PreviousDefinition *definitionFields `json:"previous_definition,omitempty"`
}

type definitionFields struct {
	DisplayName  string `json:"display_name"`
	Description  string `json:"description,omitempty"`
	DefaultValue string `json:"default_value,omitempty"`
	IsRequired   bool   `json:"is_required,omitempty"`
}

func fieldsOf(d *dataverse.EnvironmentVariableDefinition) *definitionFields {
	return &definitionFields{DisplayName: d.DisplayName, Description: d.Description, DefaultValue: d.DefaultValue, IsRequired: d.IsRequired}
}

func (f definitionFields) applyTo(d *dataverse.EnvironmentVariableDefinition) {
	d.DisplayName, d.Description, d.DefaultValue, d.IsRequired = f.DisplayName, f.Description, f.DefaultValue, f.IsRequired
}

// adopt records the existing value record's value (once: the first value
// seen is the one to restore).
func (o *origin) adopt(v *dataverse.EnvironmentVariableValue) {
	if o.ValueCreated || o.PreviousValue != nil {
		return
	}
	s := v.Value
	o.PreviousValue = &s
}

// privateGetter and privateSetter are what the framework's request and
// response Private fields offer.
type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

func readOrigin(ctx context.Context, p privateGetter, diags *diag.Diagnostics) origin {
	var o origin
	if p == nil {
		return o
	}
	b, d := p.GetKey(ctx, originKey)
	diags.Append(d...)
	if len(b) == 0 {
		return o
	}
	if err := json.Unmarshal(b, &o); err != nil {
		diags.AddError("Unreadable private state", "The resource's ownership record could not be read ("+err.Error()+"); this is a bug in the provider, please report it.")
	}
	return o
}

func writeOrigin(ctx context.Context, p privateSetter, o origin, diags *diag.Diagnostics) {
	o.Known = true
	b, err := json.Marshal(o)
	if err != nil {
		diags.AddError("Unwritable private state", err.Error())
		return
	}
	diags.Append(p.SetKey(ctx, originKey, b)...)
}

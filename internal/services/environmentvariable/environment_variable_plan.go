package environmentvariable

import (
	"context"

	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

// ValidateConfig checks what the configuration alone decides: a definition
// the resource may create needs a prefixed schema name, and with a
// definition block the type is known, so value and default value are
// checked against it.
func (r *environmentVariableResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg resourceModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	block := cfg.definitionBlock(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() || block == nil {
		return
	}
	sv := &validator.StringResponse{}
	validate.SchemaName(100).ValidateString(ctx, validator.StringRequest{Path: pathSchemaName, PathExpression: pathSchemaName.Expression(),
		ConfigValue: cfg.SchemaName.StringValue, Config: req.Config}, sv)
	resp.Diagnostics.Append(sv.Diagnostics...)

	typ := block.Type
	if typ.IsNull() || typ.IsUnknown() || checkDefinitionType(typ.ValueString()) != "" {
		return // unknown until apply, or already reported by the attribute validator
	}
	name := cfg.SchemaName.ValueString()
	if v := cfg.Value; !v.IsNull() && !v.IsUnknown() {
		if msg := checkValue(typ.ValueString(), name, v.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(pathValue, "Invalid value", msg)
		}
	}
	if v := block.DefaultValue; !v.IsNull() && !v.IsUnknown() {
		if msg := checkValue(typ.ValueString(), name+" (default value)", v.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(path.Root("definition").AtName("default_value"), "Invalid definition.default_value", msg)
		}
	}
}

// ModifyPlan fills in what is known before apply and validates the value
// against a definition that already exists. It reads, never writes.
func (r *environmentVariableResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *resourceModel
	if !req.State.Raw.IsNull() {
		state = &resourceModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	block := plan.definitionBlock(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	name := plan.SchemaName
	if name.IsUnknown() {
		return
	}
	plan.ID = name
	defer func() { resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...) }()
	if !framework.ClaimOrError(r.scope(), framework.PhasePlan, "environment_variable:"+name.ValueString(), req.Config.Raw.String(), &resp.Diagnostics,
		pathSchemaName, object(name.ValueString()), twoVariablesFix) {
		return
	}

	if plan.Definition.IsUnknown() {
		return // the block comes from values known only at apply
	}
	if block != nil {
		plan.Type, plan.DefaultValue = block.Type, block.DefaultValue
		if state != nil && framework.SameName(state.SchemaName.ValueString(), name.ValueString()) && !block.Type.IsUnknown() && !state.Type.IsNull() &&
			!state.Type.Equal(block.Type) {
			o := readOrigin(ctx, req.Private, &resp.Diagnostics)
			if !o.DefinitionCreated || state.Definition.IsNull() {
				resp.Diagnostics.AddAttributeError(pathDefinitionType, "Environment variable type cannot change",
					"The definition "+name.ValueString()+" has type "+state.Type.ValueString()+" and was not created by this resource; "+
						"Dataverse cannot change a definition's type. Set definition.type = \""+state.Type.ValueString()+"\".")
			}
		}
		return
	}

	// No block: the definition must exist; read its type to check the value.
	if r.client == nil {
		return // provider not configured yet (unknown provider settings)
	}
	c, err := r.client.Dataverse(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "planning", object(name.ValueString()), err)
		return
	}
	def, err := c.FindEnvironmentVariableDefinition(ctx, name.ValueString())
	if dataverse.IsNotFound(err) {
		return // reported at apply, before any write (facts.go §8)
	}
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading the definition of", object(name.ValueString()), err)
		return
	}
	if def.Type == dataverse.EnvVarTypeSecret {
		resp.Diagnostics.AddAttributeError(pathSchemaName, "Secret environment variables are not supported", secretRefusal(def.SchemaName))
		return
	}
	plan.Type = types.StringValue(typeName(def.Type))
	plan.DefaultValue = strOrNull(def.DefaultValue)
	plan.DefinitionID = types.StringValue(def.ID)
	if v := plan.Value; !v.IsNull() && !v.IsUnknown() {
		if msg := checkValue(typeName(def.Type), def.SchemaName, v.ValueString()); msg != "" {
			resp.Diagnostics.AddAttributeError(pathValue, "Invalid value", msg)
		}
	}
}

package environmentvariable

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

var (
	_ resource.ResourceWithConfigure      = (*environmentVariableResource)(nil)
	_ resource.ResourceWithImportState    = (*environmentVariableResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*environmentVariableResource)(nil)
	_ resource.ResourceWithValidateConfig = (*environmentVariableResource)(nil)
)

type (
	resourceSchemaRequest  = resource.SchemaRequest
	resourceSchemaResponse = resource.SchemaResponse
)

// Default operation timeouts.
const (
	defaultCreateTimeout = 5 * time.Minute
	defaultReadTimeout   = 2 * time.Minute
	defaultUpdateTimeout = 5 * time.Minute
	defaultDeleteTimeout = 5 * time.Minute
)

var (
	pathSchemaName     = path.Root("schema_name")
	pathValue          = path.Root("value")
	pathDefinitionType = path.Root("definition").AtName("type")
)

// NewEnvironmentVariableResource is cosell_environment_variable.
func NewEnvironmentVariableResource() resource.Resource { return &environmentVariableResource{} }

type environmentVariableResource struct{ client *conns.Client }

func (r *environmentVariableResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_environment_variable"
}

func (r *environmentVariableResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

func (r *environmentVariableResource) dataverse(ctx context.Context, diags *diag.Diagnostics, action, object string) *dataverse.Client {
	if r.client == nil {
		diags.AddError("Provider not configured", "The provider was not configured before "+action+" "+object+"; this is a bug in the provider, please report it.")
		return nil
	}
	c, err := r.client.Dataverse(ctx)
	if err != nil {
		framework.AddAPIError(diags, action, object, err)
		return nil
	}
	return c
}

func object(schemaName string) string { return "environment variable " + schemaName }

// scope identifies this run's provider instance for claims.
func (r *environmentVariableResource) scope() any {
	if r.client == nil {
		return nil
	}
	return r.client
}

const twoVariablesFix = "Keep one cosell_environment_variable per schema name and remove the other (both would set the one current value)."

// maxValueWrites bounds the re-read-and-retry of a value write that meets a
// 412 (the record changed between our read and our write).
const maxValueWrites = 3

// writeValue sets the value record cur (read just before) to value with
// If-Match, so a change made meanwhile by someone else is never silently
// overwritten: on 412 it reads the record again and, while it still holds
// another value, writes again, at most maxValueWrites times.
func writeValue(ctx context.Context, c *dataverse.Client, def *dataverse.EnvironmentVariableDefinition, cur *dataverse.EnvironmentVariableValue, value string) error {
	for try := 1; ; try++ {
		err := c.UpdateEnvironmentVariableValue(ctx, cur.ID, value, cur.ETag)
		if !dataverse.IsPreconditionFailed(err) {
			return err
		}
		again, rerr := currentValue(ctx, c, def)
		switch {
		case rerr != nil:
			return fmt.Errorf("the value record %s changed while it was being written (HTTP 412), and reading it again failed: %w", cur.ID, rerr)
		case again == nil:
			return fmt.Errorf("the value record %s was deleted while it was being written (HTTP 412). Nothing was changed: run apply again "+
				"and the plan re-creates the value", cur.ID)
		case again.Value == value:
			return nil // someone wrote the same value
		case try >= maxValueWrites:
			return fmt.Errorf("the value record %s kept changing while it was being written (HTTP 412 %d times: another process, such as "+
				"a flow or another Terraform configuration, writes it too). The value now is %q. Find the other writer, then run apply again",
				cur.ID, try, again.Value)
		}
		cur = again
	}
}

// currentValue returns the definition's value record, nil when there is
// none, and an error when there is more than one (facts.go §9).
func currentValue(ctx context.Context, c *dataverse.Client, def *dataverse.EnvironmentVariableDefinition) (*dataverse.EnvironmentVariableValue, error) {
	vals, err := c.ListEnvironmentVariableValues(ctx, def.ID)
	if err != nil {
		return nil, err
	}
	switch len(vals) {
	case 0:
		return nil, nil
	case 1:
		return &vals[0], nil
	}
	ids := make([]string, len(vals))
	for i, v := range vals {
		ids[i] = v.ID
	}
	return nil, fmt.Errorf("%s has %d value records (%s), but Dataverse uses one value record per definition. "+
		"Delete the extra records (maker portal: Solutions → Default Solution → Environment variables, or the environmentvariablevalues table) "+
		"so that exactly one remains, then run again", def.SchemaName, len(vals), strings.Join(ids, ", "))
}

const fixMissingForResource = "Fix schema_name, install the solution that defines the variable first (the co-sell connector solution " +
	"installs the msft_ variables), or add a definition block so that this resource creates the definition. Nothing was changed."

// missingDefinition reports a definition that does not exist, with the
// closest existing schema names (facts.go §8).
func missingDefinition(ctx context.Context, c *dataverse.Client, name, fix string, diags *diag.Diagnostics) {
	var hint string
	names, err := c.ListEnvironmentVariableSchemaNames(ctx)
	switch close := closestNames(name, names, 5); {
	case err != nil:
		hint = "(The existing schema names could not be listed: " + err.Error() + ".)"
	case len(close) > 0:
		hint = "Closest existing schema names: " + strings.Join(close, ", ") + "."
	default:
		hint = fmt.Sprintf("No similar schema name exists among the organisation's %d environment variable definitions.", len(names))
	}
	diags.AddAttributeError(pathSchemaName, "Environment variable definition "+name+" not found",
		fmt.Sprintf("Dataverse has no environment variable definition with schema name %q. %s\n\n%s", name, hint, fix))
}

func (r *environmentVariableResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	name, value := plan.SchemaName.ValueString(), plan.Value.ValueString()
	obj := object(name)
	if !framework.ClaimOrError(r.scope(), framework.PhaseWrite, "environment_variable:"+name, "", &resp.Diagnostics, pathSchemaName, obj, twoVariablesFix) {
		return
	}
	block := plan.definitionBlock(ctx, &resp.Diagnostics)
	c := r.dataverse(ctx, &resp.Diagnostics, "creating", obj)
	if resp.Diagnostics.HasError() {
		return
	}

	// Everything is checked before the first write.
	def, err := c.FindEnvironmentVariableDefinition(ctx, name)
	switch {
	case err == nil:
	case dataverse.IsNotFound(err) && block == nil:
		missingDefinition(ctx, c, name, fixMissingForResource, &resp.Diagnostics)
		return
	case dataverse.IsNotFound(err):
		def = nil
	default:
		framework.AddAPIError(&resp.Diagnostics, "reading the definition of", obj, err)
		return
	}
	var cur *dataverse.EnvironmentVariableValue
	if def != nil {
		if !checkExisting(def, block, &resp.Diagnostics) {
			return
		}
		if cur, err = currentValue(ctx, c, def); err != nil {
			framework.AddAPIError(&resp.Diagnostics, "reading the current value of", obj, err)
			return
		}
	}
	typ := ""
	if block != nil {
		typ = block.Type.ValueString()
	} else {
		typ = typeName(def.Type)
	}
	if msg := checkValue(typ, name, value); msg != "" {
		resp.Diagnostics.AddAttributeError(pathValue, "Invalid value", msg)
		return
	}

	var o origin
	if def == nil {
		nd := dataverse.EnvironmentVariableDefinition{SchemaName: name, Type: typeCodes[typ]}
		block.expand(&nd)
		id, err := c.CreateEnvironmentVariableDefinition(ctx, nd, "")
		if err != nil {
			framework.AddAPIError(&resp.Diagnostics, "creating the definition of", obj, err)
			return
		}
		nd.ID, def, o.DefinitionCreated = id, &nd, true
	} else if block != nil && !block.sameAs(def) {
		o.PreviousDefinition = fieldsOf(def)
		upd := *def
		block.expand(&upd)
		if err := c.UpdateEnvironmentVariableDefinition(ctx, upd, ""); err != nil {
			framework.AddAPIError(&resp.Diagnostics, "updating the definition of", obj, err)
			return
		}
	}
	valueID := ""
	if cur == nil {
		valueID, err = c.CreateEnvironmentVariableValue(ctx, def.ID, name, value, "")
		o.ValueCreated = true
	} else {
		o.adopt(cur)
		if cur.Value != value {
			err = writeValue(ctx, c, def, cur, value)
		}
	}
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "setting the current value of", obj, err)
		r.undoCreate(ctx, c, def, o, &resp.Diagnostics)
		return
	}

	if !r.refresh(ctx, c, &plan, def.ID, &resp.Diagnostics) {
		// Nothing reaches state, and a later create would adopt what was
		// written here as pre-existing: undo it all.
		r.undoValue(ctx, c, name, cur, valueID, value, o, &resp.Diagnostics)
		r.undoCreate(ctx, c, def, o, &resp.Diagnostics)
		return
	}
	writeOrigin(ctx, resp.Private, o, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// checkExisting checks an existing definition against the configuration
// before anything is written: secrets are refused, and a definition block
// must not change the type.
func checkExisting(def *dataverse.EnvironmentVariableDefinition, block *definitionModel, diags *diag.Diagnostics) bool {
	if def.Type == dataverse.EnvVarTypeSecret {
		diags.AddAttributeError(pathSchemaName, "Secret environment variables are not supported", secretRefusal(def.SchemaName))
		return false
	}
	if block != nil && typeName(def.Type) != block.Type.ValueString() {
		diags.AddAttributeError(pathDefinitionType, "Environment variable type mismatch",
			fmt.Sprintf("The definition %s already exists with type %s, and Dataverse cannot change a definition's type. "+
				"Set definition.type = %q to adopt it, or use another schema_name. Nothing was changed.",
				def.SchemaName, typeName(def.Type), typeName(def.Type)))
		return false
	}
	return true
}

// undoValue reverts the value record a failed create wrote: deletes the one
// it created (unless deleting the created definition removes it anyway), or
// writes an adopted record's previous value back.
func (r *environmentVariableResource) undoValue(ctx context.Context, c *dataverse.Client, name string,
	cur *dataverse.EnvironmentVariableValue, createdID, written string, o origin, diags *diag.Diagnostics) {
	var err error
	switch {
	case o.ValueCreated && !o.DefinitionCreated && createdID != "":
		err = c.DeleteEnvironmentVariableValue(ctx, createdID)
	case cur != nil && o.PreviousValue != nil && *o.PreviousValue != written:
		err = c.UpdateEnvironmentVariableValue(ctx, cur.ID, *o.PreviousValue, "")
	}
	if err != nil && !dataverse.IsNotFound(err) {
		diags.AddWarning("Could not undo a partial create of "+object(name),
			"The current value was written before reading it back failed, and undoing that failed too: "+err.Error()+
				". Check the variable in the maker portal before running again.")
	}
}

// undoCreate removes what a failed create made, so a retry starts clean.
func (r *environmentVariableResource) undoCreate(ctx context.Context, c *dataverse.Client, def *dataverse.EnvironmentVariableDefinition, o origin, diags *diag.Diagnostics) {
	var err error
	switch {
	case o.DefinitionCreated:
		err = c.DeleteEnvironmentVariableDefinition(ctx, def.ID)
	case o.PreviousDefinition != nil:
		restored := *def
		o.PreviousDefinition.applyTo(&restored)
		err = c.UpdateEnvironmentVariableDefinition(ctx, restored, "")
	}
	if err != nil && !dataverse.IsNotFound(err) {
		diags.AddWarning("Could not undo a partial create of "+object(def.SchemaName),
			"The definition was changed before the value failed, and undoing that failed too: "+err.Error()+
				". Check the definition in the maker portal before running again.")
	}
}

// refresh reads the definition (by id) and its value into m. It returns
// false (with a diagnostic) when that fails.
func (r *environmentVariableResource) refresh(ctx context.Context, c *dataverse.Client, m *resourceModel, defID string, diags *diag.Diagnostics) bool {
	obj := object(m.SchemaName.ValueString())
	def, err := c.GetEnvironmentVariableDefinition(ctx, defID)
	if err != nil {
		framework.AddAPIError(diags, "reading", obj, err)
		return false
	}
	cur, err := currentValue(ctx, c, def)
	if err != nil {
		framework.AddAPIError(diags, "reading the current value of", obj, err)
		return false
	}
	m.flatten(def, cur)
	return true
}

func (r *environmentVariableResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state resourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	o := readOrigin(ctx, req.Private, &resp.Diagnostics)
	name := state.SchemaName.ValueString()
	obj := object(name)
	c := r.dataverse(ctx, &resp.Diagnostics, "reading", obj)
	if resp.Diagnostics.HasError() {
		return
	}

	var def *dataverse.EnvironmentVariableDefinition
	var err error
	if id := state.DefinitionID.ValueString(); id != "" {
		def, err = c.GetEnvironmentVariableDefinition(ctx, id)
	} else { // just imported: only the schema name is known
		def, err = c.FindEnvironmentVariableDefinition(ctx, name)
	}
	if dataverse.IsNotFound(err) {
		resp.State.RemoveResource(ctx)
		return
	}
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading", obj, err)
		return
	}
	if def.Type == dataverse.EnvVarTypeSecret {
		resp.Diagnostics.AddAttributeError(pathSchemaName, "Secret environment variables are not supported", secretRefusal(def.SchemaName))
		return
	}
	cur, err := currentValue(ctx, c, def)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading the current value of", obj, err)
		return
	}
	if cur == nil && !o.DefinitionCreated {
		if !o.Known && state.DefinitionID.IsNull() {
			// Being imported: say why there is nothing to import, and how
			// to adopt the variable instead.
			resp.Diagnostics.AddAttributeError(pathSchemaName, "Cannot import "+obj+": it has no current value", importDefaultOnly(def))
			return
		}
		// The value record is the object this resource stands for.
		resp.State.RemoveResource(ctx)
		return
	}
	if !o.Known { // imported: the value found now is the one to restore
		o.adopt(cur)
		writeOrigin(ctx, resp.Private, o, &resp.Diagnostics)
	}
	state.flatten(def, cur)
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *environmentVariableResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state resourceModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	o := readOrigin(ctx, req.Private, &resp.Diagnostics)
	name, value := plan.SchemaName.ValueString(), plan.Value.ValueString()
	obj := object(name)
	block := plan.definitionBlock(ctx, &resp.Diagnostics)
	c := r.dataverse(ctx, &resp.Diagnostics, "updating", obj)
	if resp.Diagnostics.HasError() {
		return
	}

	def, err := c.GetEnvironmentVariableDefinition(ctx, state.DefinitionID.ValueString())
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading the definition of", obj, err)
		return
	}
	if !checkExisting(def, block, &resp.Diagnostics) {
		return
	}
	if msg := checkValue(typeName(def.Type), name, value); msg != "" {
		resp.Diagnostics.AddAttributeError(pathValue, "Invalid value", msg)
		return
	}
	cur, err := currentValue(ctx, c, def)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "reading the current value of", obj, err)
		return
	}

	switch {
	case block != nil:
		if state.Definition.IsNull() && !o.DefinitionCreated && o.PreviousDefinition == nil {
			o.PreviousDefinition = fieldsOf(def) // the block is added: adopt
		}
		if !block.sameAs(def) {
			upd := *def
			block.expand(&upd)
			if err := c.UpdateEnvironmentVariableDefinition(ctx, upd, ""); err != nil {
				framework.AddAPIError(&resp.Diagnostics, "updating the definition of", obj, err)
				return
			}
		}
	case !state.Definition.IsNull():
		o.DefinitionCreated, o.PreviousDefinition = false, nil // the block is removed: release
	}
	switch {
	case cur == nil:
		_, err = c.CreateEnvironmentVariableValue(ctx, def.ID, name, value, "")
		o.ValueCreated, o.PreviousValue = true, nil
	case cur.Value != value:
		err = writeValue(ctx, c, def, cur, value)
	}
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "setting the current value of", obj, err)
		return
	}

	if !r.refresh(ctx, c, &plan, def.ID, &resp.Diagnostics) {
		return
	}
	writeOrigin(ctx, resp.Private, o, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

func (r *environmentVariableResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state resourceModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	o := readOrigin(ctx, req.Private, &resp.Diagnostics)
	obj := object(state.SchemaName.ValueString())
	c := r.dataverse(ctx, &resp.Diagnostics, "deleting", obj)
	if resp.Diagnostics.HasError() {
		return
	}
	defID := state.DefinitionID.ValueString()
	ignoreGone := func(action string, err error) bool {
		if err != nil && !dataverse.IsNotFound(err) {
			framework.AddAPIError(&resp.Diagnostics, action, obj, err)
			return false
		}
		return true
	}

	if o.DefinitionCreated { // its value records go with it (cascade)
		ignoreGone("deleting the definition of", c.DeleteEnvironmentVariableDefinition(ctx, defID))
		return
	}
	if id := state.ValueID.ValueString(); id != "" {
		var err error
		switch {
		case o.ValueCreated:
			err = c.DeleteEnvironmentVariableValue(ctx, id)
		case o.PreviousValue != nil && *o.PreviousValue == "":
			err = c.ClearEnvironmentVariableValue(ctx, id, "")
		case o.PreviousValue != nil:
			err = c.UpdateEnvironmentVariableValue(ctx, id, *o.PreviousValue, "")
		}
		if !ignoreGone("restoring the current value of", err) {
			return
		}
	}
	if prev := o.PreviousDefinition; prev != nil {
		def, err := c.GetEnvironmentVariableDefinition(ctx, defID)
		if err == nil {
			prev.applyTo(def)
			err = c.UpdateEnvironmentVariableDefinition(ctx, *def, "")
		}
		ignoreGone("restoring the definition of", err)
	}
}

// importDefaultOnly explains an import of a variable that has only its
// definition's default value.
func importDefaultOnly(def *dataverse.EnvironmentVariableDefinition) string {
	dflt := "no default value either"
	if def.DefaultValue != "" {
		dflt = fmt.Sprintf("only the default value %q", def.DefaultValue)
	}
	return fmt.Sprintf("The definition %s exists, but it has no current value record (%s). cosell_environment_variable manages the "+
		"current value record, so there is nothing to import. To adopt the variable, remove the import block (or skip `terraform import`) "+
		"and apply the resource with the value to set (e.g. value = %q to keep what the variable resolves to today): the apply creates the "+
		"current value record, and destroy deletes it again, so the variable falls back to its default.", def.SchemaName, dflt, def.DefaultValue)
}

func (r *environmentVariableResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	if strings.TrimSpace(req.ID) == "" || strings.ContainsAny(req.ID, " /") {
		resp.Diagnostics.AddError("Invalid import id",
			fmt.Sprintf("%q is not an environment variable schema name. Import with the schema name, e.g. "+
				"terraform import cosell_environment_variable.deal_value_field msft_dealvaluefield", req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), framework.NameValue(req.ID))...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, pathSchemaName, framework.NameValue(req.ID))...)
}

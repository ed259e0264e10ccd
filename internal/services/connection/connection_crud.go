package connection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
)

// Default timeouts.
const (
	defaultCreateTimeout = 10 * time.Minute
	defaultReadTimeout   = 5 * time.Minute
	defaultUpdateTimeout = 10 * time.Minute
	defaultDeleteTimeout = 10 * time.Minute
)

// envRetryInterval is how often a create retries an environment the
// connectivity service does not know yet (facts.go §9).
var envRetryInterval = 15 * time.Second

func (r *connectionResource) powerPlatform(ctx context.Context, env string) (*powerplatform.Client, error) {
	return r.client.PowerPlatformFor(ctx, env)
}

// references returns the Dataverse client; action says what needed it.
func (r *connectionResource) references(ctx context.Context, action string, diags *diag.Diagnostics) referenceAPI {
	dv, err := r.client.Dataverse(ctx)
	if err != nil {
		diags.AddAttributeError(pathReferences, "Error "+action+" connection references", err.Error())
		return nil
	}
	return dv
}

// object names the connection in diagnostics.
func object(info connectorInfo, env, name string) string {
	return fmt.Sprintf("connection %s/%s in environment %s", info.API, name, env)
}

// checkBindable reads the references to bind, before any write; it adds
// the error (listing the connector's references) when one cannot be bound.
func (r *connectionResource) checkBindable(ctx context.Context, dv referenceAPI, info connectorInfo, names []string, diags *diag.Diagnostics) (refs []*dataverse.ConnectionReference) {
	found, problems, err := checkReferences(ctx, dv, info, names)
	if err != nil {
		diags.AddAttributeError(pathReferences, "Error reading connection references", err.Error())
		return nil
	}
	if len(problems) > 0 {
		available, err := referencesOf(ctx, dv, info.API)
		if err != nil {
			diags.AddAttributeError(pathReferences, "Error listing connection references", err.Error())
			return nil
		}
		diags.AddAttributeError(pathReferences, fmt.Sprintf("Cannot bind connection references to the %s connection", info.Title),
			problemDetail(problems, info, available))
		return nil
	}
	return found
}

func (r *connectionResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	info, _ := connectorByValue(plan.Connector.ValueString())
	if !known(plan.EnvironmentID) { // the provider was not configured at plan time
		plan.EnvironmentID = types.StringValue(r.client.Config().EnvironmentID)
	}
	env := plan.EnvironmentID.ValueString()
	name := plan.Name.ValueString()
	if !known(plan.Name) { // the display name was unknown at plan time
		name = deterministicName(env, info.API, plan.DisplayName.ValueString())
	}

	// Everything is checked before the first write.
	names, bind := referenceNames(ctx, plan.ReferenceNames, &resp.Diagnostics)
	var dv referenceAPI
	var refs []*dataverse.ConnectionReference
	if bind && len(names) > 0 {
		if dv = r.references(ctx, "binding", &resp.Diagnostics); dv == nil {
			return
		}
		if refs = r.checkBindable(ctx, dv, info, names, &resp.Diagnostics); refs == nil {
			return
		}
	}
	params, set, d := plan.expandParameters(ctx, &config)
	resp.Diagnostics.Append(d...)
	woKeys := config.writeOnlyKeys(ctx, &resp.Diagnostics)
	pp, err := r.powerPlatform(ctx, env)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Power Platform API for", object(info, env, name), err)
		return
	}
	if resp.Diagnostics.HasError() {
		return
	}

	// A connection of this name is the one an interrupted apply made (or the
	// one another resource with the same connector and display name manages):
	// PUT is create-or-update, so the create adopts it (facts.go §3).
	var conn *powerplatform.Connection
	adopted := false
	err = retryEnvironmentNotFound(ctx, func() error {
		existing, err := pp.Get(ctx, info.API, name)
		switch {
		case err == nil:
			adopted = existing != nil
		case !powerplatform.IsNotFound(err):
			return err
		}
		conn, err = pp.CreateOrUpdate(ctx, info.API, name, powerplatform.Connection{Properties: powerplatform.ConnectionProperties{
			DisplayName: plan.DisplayName.ValueString(), ConnectionParameters: params, ConnectionParametersSet: set}})
		return err
	})
	if err != nil {
		addWriteError(&resp.Diagnostics, "creating", info, env, name, err)
		return
	}
	resp.Diagnostics.Append(plan.flatten(ctx, conn, false, woKeys)...)
	setWriteOnlyKeys(ctx, resp.Private, woKeys, &resp.Diagnostics)
	if adopted {
		resp.Diagnostics.AddWarning("Adopted the existing "+object(info, env, name),
			"A connection with this name already existed, so it was updated to this configuration and is now managed here instead of "+
				"creating a second one. It is normally the connection an interrupted apply created before its state was saved. If another "+
				"cosell_connection manages it (same connector and display_name in this environment, and no name set), give one of them "+
				"a different display_name or name.")
	}

	if bind {
		bound, err := bindReferences(ctx, dv, refs, conn.Name, &resp.Diagnostics)
		plan.ReferenceNames = stringSet(ctx, bound, &resp.Diagnostics)
		if err != nil {
			resp.Diagnostics.AddAttributeError(pathReferences, "Error binding connection references to "+object(info, env, conn.Name),
				err.Error()+"\nThe connection was created and is saved in state, but Terraform marks it tainted after this error, so the next "+
					"apply would replace it (and a Partner Center connection would need consent again). To keep it and only finish the "+
					"bindings, run `terraform untaint <address of this resource>` and apply again.")
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	warnIfNotConnected(&resp.Diagnostics, info, &plan)
}

func (r *connectionResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	flag, d := req.Private.GetKey(ctx, privateImporting)
	resp.Diagnostics.Append(d...)
	importing := string(flag) == "true"
	woKeys := writeOnlyKeys(ctx, req.Private, &resp.Diagnostics)

	info, _ := connectorByValue(state.Connector.ValueString())
	env, name := state.EnvironmentID.ValueString(), state.Name.ValueString()
	pp, err := r.powerPlatform(ctx, env)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Power Platform API for", object(info, env, name), err)
		return
	}
	conn, err := pp.Get(ctx, info.API, name)
	if powerplatform.IsNotFound(err) && !importing {
		resp.State.RemoveResource(ctx) // deleted outside Terraform: plan re-creates it
		return
	}
	if err != nil {
		addReadError(&resp.Diagnostics, info, env, name, err)
		return
	}
	resp.Diagnostics.Append(state.flatten(ctx, conn, importing, woKeys)...)

	names, managed := referenceNames(ctx, state.ReferenceNames, &resp.Diagnostics)
	switch {
	case managed && len(names) > 0:
		dv := r.references(ctx, "reading", &resp.Diagnostics)
		if dv == nil {
			return
		}
		bound, err := boundTo(ctx, dv, names, conn.Name)
		if err != nil {
			resp.Diagnostics.AddAttributeError(pathReferences, "Error reading connection references of "+object(info, env, name), err.Error())
			return
		}
		state.ReferenceNames = stringSet(ctx, bound, &resp.Diagnostics)
	case importing && r.client.Config().DataverseURL != "":
		dv := r.references(ctx, "reading", &resp.Diagnostics)
		if dv == nil {
			return
		}
		bound, err := discoverBound(ctx, dv, info.API, conn.Name)
		if err != nil {
			resp.Diagnostics.AddAttributeError(pathReferences, "Error reading connection references of "+object(info, env, name), err.Error())
			return
		}
		if len(bound) > 0 {
			state.ReferenceNames = stringSet(ctx, bound, &resp.Diagnostics)
		}
	}
	if importing {
		resp.Diagnostics.Append(resp.Private.SetKey(ctx, privateImporting, nil)...)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
	warnIfNotConnected(&resp.Diagnostics, info, &state)
}

func (r *connectionResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config connectionModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Update(ctx, defaultUpdateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	info, _ := connectorByValue(plan.Connector.ValueString())
	env, name := state.EnvironmentID.ValueString(), state.Name.ValueString()
	names, bind := referenceNames(ctx, plan.ReferenceNames, &resp.Diagnostics)
	old, _ := referenceNames(ctx, state.ReferenceNames, &resp.Diagnostics)
	var dv referenceAPI
	var refs []*dataverse.ConnectionReference
	if len(names) > 0 || len(old) > 0 {
		if dv = r.references(ctx, "changing", &resp.Diagnostics); dv == nil {
			return
		}
	}
	if len(names) > 0 {
		if refs = r.checkBindable(ctx, dv, info, names, &resp.Diagnostics); refs == nil {
			return
		}
	}
	pp, err := r.powerPlatform(ctx, env)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Power Platform API for", object(info, env, name), err)
		return
	}

	// GET, change, PUT (dataverse-api.md §6.3A). The PUT carries the
	// parameters from the plan and the write-only ones from config: secrets
	// are never returned by the GET. A changed *_wo_version is a change.
	conn, err := pp.Get(ctx, info.API, name)
	if err != nil {
		addReadError(&resp.Diagnostics, info, env, name, err)
		return
	}
	woKeys := writeOnlyKeys(ctx, req.Private, &resp.Diagnostics) // what the last PUT sent
	if !plan.DisplayName.Equal(state.DisplayName) || !plan.ConnectionParameters.Equal(state.ConnectionParameters) ||
		!plan.ParametersWOVersion.Equal(state.ParametersWOVersion) || !plan.ServicePrincipal.Equal(state.ServicePrincipal) {
		woKeys = config.writeOnlyKeys(ctx, &resp.Diagnostics)
		params, set, d := plan.expandParameters(ctx, &config)
		resp.Diagnostics.Append(d...)
		if resp.Diagnostics.HasError() {
			return
		}
		conn.Properties.DisplayName = plan.DisplayName.ValueString()
		conn.Properties.ConnectionParameters, conn.Properties.ConnectionParametersSet = params, set
		if conn, err = pp.CreateOrUpdate(ctx, info.API, name, *conn); err != nil {
			addWriteError(&resp.Diagnostics, "updating", info, env, name, err)
			return
		}
	}
	resp.Diagnostics.Append(plan.flatten(ctx, conn, false, woKeys)...)
	setWriteOnlyKeys(ctx, resp.Private, woKeys, &resp.Diagnostics)

	var problems []string
	if bind {
		bound, err := bindReferences(ctx, dv, refs, conn.Name, &resp.Diagnostics)
		if err != nil {
			problems = append(problems, err.Error())
		}
		plan.ReferenceNames = stringSet(ctx, bound, &resp.Diagnostics)
	}
	if removed := minus(old, names); len(removed) > 0 {
		if err := unbindReferences(ctx, dv, removed, conn.Name); err != nil {
			problems = append(problems, err.Error())
		}
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
	if len(problems) > 0 {
		resp.Diagnostics.AddAttributeError(pathReferences, "Error changing the connection references of "+object(info, env, name),
			strings.Join(problems, "\n")+"\nRun terraform apply again to finish.")
	}
	warnIfNotConnected(&resp.Diagnostics, info, &plan)
}

func (r *connectionResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state connectionModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	info, _ := connectorByValue(state.Connector.ValueString())
	env, name := state.EnvironmentID.ValueString(), state.Name.ValueString()
	// Unbind first, so no reference is left pointing at a deleted connection.
	if names, _ := referenceNames(ctx, state.ReferenceNames, &resp.Diagnostics); len(names) > 0 {
		dv := r.references(ctx, "unbinding", &resp.Diagnostics)
		if dv == nil {
			return
		}
		if err := unbindReferences(ctx, dv, names, name); err != nil {
			resp.Diagnostics.AddAttributeError(pathReferences, "Error unbinding the connection references of "+object(info, env, name),
				err.Error()+"\nThe connection was not deleted.")
			return
		}
	}
	pp, err := r.powerPlatform(ctx, env)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Power Platform API for", object(info, env, name), err)
		return
	}
	if err := pp.Delete(ctx, info.API, name); err != nil && !powerplatform.IsNotFound(err) {
		framework.AddAPIError(&resp.Diagnostics, "deleting", object(info, env, name), err)
	}
}

// retryEnvironmentNotFound calls fn until it stops failing with
// ServiceToServiceEnvironmentNotFound or ctx ends (facts.go §9).
func retryEnvironmentNotFound(ctx context.Context, fn func() error) error {
	for {
		err := fn()
		if err == nil || !powerplatform.IsEnvironmentNotFound(err) {
			return err
		}
		t := time.NewTimer(envRetryInterval)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
	}
}

func addWriteError(diags *diag.Diagnostics, action string, info connectorInfo, env, name string, err error) {
	detail := err.Error()
	switch {
	case powerplatform.IsEnvironmentNotFound(err):
		detail += "\n\nPower Platform does not know environment " + env + ". A new environment can take some minutes to be ready " +
			"(the create timeout allows for that); otherwise check environment_id (or the provider's environment_id)."
	case errors.Is(err, context.DeadlineExceeded):
		detail += "\n\nThe operation ran out of time; raise the timeouts block's value if the service is slow."
	}
	diags.AddError(fmt.Sprintf("Error %s %s", action, object(info, env, name)), detail)
}

func addReadError(diags *diag.Diagnostics, info connectorInfo, env, name string, err error) {
	detail := err.Error()
	if powerplatform.IsNotFound(err) {
		detail += "\n\nThe connection does not exist: check the import id (" + connectionID(env, info.API, name) + "), or, if it was deleted " +
			"outside Terraform, run terraform apply again to re-create it."
	}
	diags.AddError("Error reading "+object(info, env, name), detail)
}

// minus returns the elements of a not in b (names compare without case).
func minus(a, b []string) []string {
	var out []string
	for _, x := range a {
		found := false
		for _, y := range b {
			if strings.EqualFold(x, y) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, x)
		}
	}
	return out
}

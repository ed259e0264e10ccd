package webhook

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/setvalidator"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/setdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var (
	_ resource.ResourceWithConfigure      = (*registrationResource)(nil)
	_ resource.ResourceWithImportState    = (*registrationResource)(nil)
	_ resource.ResourceWithValidateConfig = (*registrationResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*registrationResource)(nil)
)

var (
	pathURL       = path.Root("url")
	pathEvents    = path.Root("events")
	pathOverwrite = path.Root("overwrite")
	pathValidate  = path.Root("validate")
)

// NewWebhookRegistrationResource is cosell_webhook_registration.
func NewWebhookRegistrationResource() resource.Resource { return &registrationResource{} }

type registrationResource struct{ client *conns.Client }

// registrationAPI is what the resource needs from the webhooks client.
type registrationAPI interface {
	validationAPI
	Get(ctx context.Context) (*partnercenter.Registration, error)
	Create(ctx context.Context, reg partnercenter.Registration) (*partnercenter.Registration, error)
	Update(ctx context.Context, reg partnercenter.Registration) (*partnercenter.Registration, error)
}

func (r *registrationResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_webhook_registration"
}

func (r *registrationResource) Schema(ctx context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: registrationDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The partner tenant id (the provider's `tenant_id`, lower case): the registration is one per tenant. It is also the import id.",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"url": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				MarkdownDescription: "The https:// URL Partner Center posts events to: normally the HTTP POST URL of the trigger *When a HTTP request is received* " +
					"of the connector's *Partner Center to Dynamics 365* flow. Sensitive, because Power Automate trigger URLs carry a `sig` secret; " +
					"it is kept in state (marked sensitive). Only https:// URLs are accepted. Set this or `url_wo`, not both: with OpenTofu 1.11+ or " +
					"Terraform 1.11+ prefer `url_wo`, which keeps the URL and its `sig` out of state and plan.",
				Validators: []validator.String{validate.SecretHTTPSURL()},
			},
			"url_wo": schema.StringAttribute{
				Optional:  true,
				Sensitive: true,
				WriteOnly: true,
				MarkdownDescription: "Write-only variant of `url` (OpenTofu 1.11+ or Terraform 1.11+): sent to Partner Center but never stored in state or " +
					"shown in plan. Set this or `url`, not both. It is sent when the registration is created and whenever `url_wo_version` (or " +
					"another argument) changes; changing only this value is not seen by Terraform, so change `url_wo_version` with it (e.g. after " +
					"the trigger URL's `sig` was regenerated). A registration taken by another tool is still detected (by a hash kept in private " +
					"state) and planned as an update of `subscriber_id`, with the same warning as with `url`. Only https:// URLs are accepted.",
				Validators: []validator.String{validate.SecretHTTPSURL()},
			},
			"url_wo_version": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "Any number, kept in state: changing it (e.g. incrementing it) sends `url_wo` again, in place. Only with `url_wo`.",
			},
			"events": schema.SetAttribute{
				ElementType: types.StringType,
				Optional:    true,
				Computed:    true,
				Default:     setdefault.StaticValue(defaultEvents()),
				MarkdownDescription: "The events to receive. Defaults to the four referral events the co-sell connector registers: `referral-created`, " +
					"`referral-updated`, `related-referral-created` and `related-referral-updated`. Must not be empty. Names are case-sensitive; valid names: " +
					validEventsText() + ". Add `test-created` to use `validate`.",
				Validators: []validator.Set{
					nonEmptySet{fix: "events lists no event; Partner Center needs at least one. Remove the events argument to receive the four referral events " +
						"(referral-created, referral-updated, related-referral-created, related-referral-updated), or list the events to receive."},
					setvalidator.ValueStringsAre(eventNameValidator()),
				},
			},
			"signature_in_ms_signature_header": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(true),
				MarkdownDescription: "Send the event signature in the `x-ms-signature` header instead of `Authorization` " +
					"(`SignatureTokenToMsSignatureHeader`). Defaults to `true`, which Power Automate needs: its HTTP triggers reserve the `Authorization` header. " +
					"Set `false` only for a receiver that reads the signature from `Authorization: Signature …`. Partner Center does not report this setting, " +
					"so changes made outside Terraform are not detected, and the first apply after an import re-sends the registration.",
			},
			"overwrite": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "Replace a registration that points at another URL (set by another tool, e.g. the connector's *Partner Center Webhook Registration* flow). " +
					"Defaults to `false`: creating the resource then fails at plan time naming the other URL's host, and an update after another tool " +
					"took the registration fails before any write. Partner Center keeps one URL per event, so overwriting stops delivery to the other URL.",
			},
			"validate": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				Default:  booldefault.StaticBool(false),
				MarkdownDescription: "After each create or update, ask Partner Center to send a test event (`POST /registration/validationEvents`) and wait " +
					"until it reports the delivery result, within the create/update timeout. Requires `test-created` in `events`. Partner Center allows 2 test " +
					"events per minute; when throttled the provider waits and tries again. A failed delivery is an error that says what the receiver answered. " +
					"Defaults to `false`.",
			},
			"subscriber_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The subscriber id Partner Center returned when the registration was written (`SubscriberId`). Not reported on read, so null after an import until the next apply.",
				PlanModifiers:       []planmodifier.String{keepKnownState{}},
			},
			"validation_status": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "With `validate = true`: the status of the last test event, `completed` (delivered) or `failed`. " +
					"`" + validationNotRequested + "` when `validate` is `false` (never null, so outputs can always interpolate it). " +
					"A `failed` status makes the next plan validate again.",
			},
			"validation_result": schema.StringAttribute{
				Computed: true,
				MarkdownDescription: "With `validate = true`: the receiver's answer to the last delivery attempt of the test event, as Partner Center reports it: " +
					"the response code and message, e.g. `OK` or `InternalServerError: flow is turned off`. `" + validationNotRequestedResult +
					"` when `validate` is `false`.",
			},
			"timeouts": framework.Timeouts(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true}),
		},
	}
}

const registrationDescription = "Manages the partner tenant's Partner Center **webhook registration**: the URL Partner Center posts events to " +
	"(normally the HTTP trigger of the co-sell connector's *Partner Center to Dynamics 365* flow) and the events it sends. It replaces running the " +
	"connector's *Partner Center Webhook Registration* flow by hand.\n\n" +
	"Partner Center keeps **one registration per partner tenant**. Creating this resource adopts an existing registration with the same `url`; " +
	"when another URL is registered, the plan fails naming that URL's host unless `overwrite = true`.\n\n" +
	"**Drift:** when another tool changes the events or takes the registration, the next plan shows an update. Taking the registration back " +
	"needs `overwrite = true`; without it the plan warns and the apply fails before writing anything.\n\n" +
	"**Destroy:** Partner Center has no API to delete a registration. Destroy *disarms* it instead: when the registration still points at this " +
	"resource's `url`, it is re-registered with the single event `test-created`, which Partner Center sends only when a test event is requested, " +
	"so no referral events are delivered any more. If another tool has taken the registration, destroy leaves it unchanged and warns.\n\n" +
	"**Import:** the id is the partner tenant id (the provider's `tenant_id`).\n\n" +
	"Works with app-only or App+User credentials (token audience `https://api.partnercenter.microsoft.com`)."

func (r *registrationResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.client = framework.Client(req.ProviderData, &resp.Diagnostics)
}

// tenant is the resource id: the provider's tenant.
func (r *registrationResource) tenant() string {
	if r.client == nil {
		return ""
	}
	return normalizeTenant(r.client.Config().Auth.TenantID)
}

func (r *registrationResource) object() string {
	if t := r.tenant(); t != "" {
		return "webhook registration of tenant " + t
	}
	return "webhook registration"
}

// scope identifies this run's provider instance for claims.
func (r *registrationResource) scope() any {
	if r.client == nil {
		return nil
	}
	return r.client
}

// claimKey: Partner Center keeps one registration per tenant.
func (r *registrationResource) claimKey() string { return "webhook_registration:" + r.tenant() }

const twoRegistrationsFix = "Partner Center keeps one webhook registration per tenant, so one configuration needs one " +
	"cosell_webhook_registration: remove the other (with overwrite = true the two would take the registration from each other on every apply)."

func (r *registrationResource) api(ctx context.Context) (registrationAPI, error) {
	if r.client == nil {
		return nil, errors.New("the provider is not configured")
	}
	return r.client.Webhooks(ctx)
}

// ValidateConfig: one of url and url_wo; validate needs test-created in events.
func (r *registrationResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var cfg registrationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &cfg)...)
	if resp.Diagnostics.HasError() {
		return
	}
	validateURLVariants(&cfg, &resp.Diagnostics)
	if cfg.Validate.IsUnknown() || !cfg.Validate.ValueBool() || cfg.Events.IsUnknown() {
		return
	}
	for _, e := range cfg.Events.Elements() {
		if e.IsUnknown() {
			return // decided once the events are known
		}
	}
	events := eventNames(ctx, cfg.Events, &resp.Diagnostics)
	if cfg.Events.IsNull() {
		events = partnercenter.ReferralEvents()
	}
	for _, e := range events {
		if e == partnercenter.EventTestCreated {
			return
		}
	}
	which := "events does not list it"
	if cfg.Events.IsNull() {
		which = "events is not set, and its default (the four referral events) does not include it"
	}
	resp.Diagnostics.AddAttributeError(pathValidate, "validate needs the test-created event",
		"validate = true asks Partner Center to send a test event, which it delivers only to registrations subscribed to \"test-created\"; "+which+". "+
			"Add \"test-created\" to events, e.g. events = [\"referral-created\", \"referral-updated\", \"related-referral-created\", "+
			"\"related-referral-updated\", \"test-created\"], or set validate = false.")
}

func (r *registrationResource) ImportState(ctx context.Context, req resource.ImportStateRequest, resp *resource.ImportStateResponse) {
	tenant := r.tenant()
	if tenant == "" {
		resp.Diagnostics.AddError("Cannot import the webhook registration",
			"The provider has no tenant_id (COSELL_TENANT_ID). The registration is one per partner tenant and is imported by that tenant's id; configure the provider first.")
		return
	}
	if id := normalizeTenant(req.ID); id != tenant {
		resp.Diagnostics.AddError("Invalid import id for cosell_webhook_registration",
			fmt.Sprintf("The import id must be the partner tenant id the provider is configured with (tenant_id), %s; got %q. "+
				"Partner Center keeps one webhook registration per tenant, and the provider's credentials decide which tenant's registration it reads: "+
				"to import another tenant's registration, configure a provider for that tenant.", tenant, req.ID))
		return
	}
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, path.Root("id"), tenant)...)
	// Arguments that only steer the provider take their defaults, so an
	// import followed by a plan with defaults shows no change for them.
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, pathOverwrite, false)...)
	resp.Diagnostics.Append(resp.State.SetAttribute(ctx, pathValidate, false)...)
}

// getRegistration reads the registration; nil when there is none.
func getRegistration(ctx context.Context, api registrationAPI) (*partnercenter.Registration, error) {
	cur, err := api.Get(ctx)
	if partnercenter.IsNotFound(err) {
		return nil, nil
	}
	return cur, err
}

// writeRegistration GETs the registration and POSTs or PUTs want, or reports
// a conflict (cur is then the other tool's registration). A POST that races
// another creator (409) or a PUT on a registration deleted meanwhile (404)
// decides once more.
func writeRegistration(ctx context.Context, api registrationAPI, want partnercenter.Registration, owned string, overwrite bool) (
	out *partnercenter.Registration, action writeAction, cur *partnercenter.Registration, err error,
) {
	for try := 0; ; try++ {
		cur, err = getRegistration(ctx, api)
		if err != nil {
			return nil, 0, nil, err
		}
		action = decideWrite(cur, want.WebhookURL, owned, overwrite)
		switch action {
		case actionConflict:
			return nil, action, cur, nil
		case actionPost:
			out, err = api.Create(ctx, want)
			if try == 0 && partnercenter.IsConflict(err) {
				continue
			}
		case actionPut:
			out, err = api.Update(ctx, want)
			if try == 0 && partnercenter.IsNotFound(err) {
				continue
			}
		}
		return out, action, cur, err
	}
}

// apiError reports an API failure without the webhook URL or its sig.
func apiError(diags *diag.Diagnostics, action, object string, err error, webhookURL string) {
	diags.AddError(fmt.Sprintf("Error %s %s", action, object), redact(err.Error(), webhookURL))
}

// afterWrite fills the computed attributes from a successful write.
func afterWrite(m *registrationModel, tenant string, out *partnercenter.Registration) {
	m.ID = types.StringValue(tenant)
	if m.SubscriberID.IsUnknown() {
		m.SubscriberID = types.StringNull()
		if out != nil {
			m.SubscriberID = strOrNull(out.SubscriberID)
		}
	}
	m.ValidationStatus, m.ValidationResult = notValidated()
}

// notValidated is the validation attributes' value when validate is false.
func notValidated() (status, result types.String) {
	return types.StringValue(validationNotRequested), types.StringValue(validationNotRequestedResult)
}

// runValidation sends the test event when validate is set and records the outcome.
func (r *registrationResource) runValidation(ctx context.Context, api registrationAPI, m *registrationModel, webhookURL string, diags *diag.Diagnostics, action string) {
	if !m.Validate.ValueBool() {
		return
	}
	out, err := validationRun{api: api, webhookURL: webhookURL}.run(ctx)
	m.ValidationStatus, m.ValidationResult = strOrNull(out.Status), strOrNull(out.Result)
	if out.Status == "" {
		m.ValidationStatus = types.StringValue("not sent")
		if out.CorrelationID != "" {
			m.ValidationStatus = types.StringValue("unknown")
		}
	}
	if err == nil {
		return
	}
	summary := fmt.Sprintf("Error validating %s", r.object())
	detail := redact(err.Error(), webhookURL)
	if errors.Is(err, errValidationFailed) {
		summary = fmt.Sprintf("Webhook validation failed for %s", r.object())
		detail += ". The registration was " + action + ", but the receiver did not accept Partner Center's test event: check that the flow is on, " +
			"that url is its current trigger URL, and that the receiver answers 2xx. " + afterFailedValidation(action)
	}
	diags.AddError(summary, detail)
}

// afterFailedValidation says what the next apply does after a failed
// validation: after an update the registration stays in state with
// validation_status "failed", so the next plan updates it in place and
// validates again; after a create Terraform marks it tainted, so the next
// plan replaces it (destroy disarms it, create registers it again), unless
// it is untainted.
func afterFailedValidation(action string) string {
	if action == "created" {
		return "The registration is saved in state but tainted (Terraform taints a resource whose create reports an error): " +
			"the next apply replaces it, which disarms the registration (only test-created stays subscribed), registers it again " +
			"and validates again. To keep it registered meanwhile, run `terraform untaint <address>` (or `tofu untaint`) first: " +
			"the next plan then updates it in place and validates again (validation_status is failed)."
	}
	return "The registration stays as written, with validation_status = \"failed\": the next apply updates it in place and " +
		"validates again, without disarming it."
}

// write is what Create and Update share once want is known: POST or PUT it
// (see writeRegistration; owned is "" on create), save the result, and send
// the test event when validate is set.
func (r *registrationResource) write(ctx context.Context, api registrationAPI, plan *registrationModel, want partnercenter.Registration,
	owned string, onCreate bool, private privateState, state *tfsdk.State, diags *diag.Diagnostics) {
	verb, done := "updating", "updated"
	if onCreate {
		verb, done = "creating", "created"
	}
	if !framework.ClaimOrError(r.scope(), framework.PhaseWrite, r.claimKey(), "", diags, pathURL, r.object(), twoRegistrationsFix) {
		return
	}
	out, action, cur, err := writeRegistration(ctx, api, want, owned, plan.Overwrite.ValueBool())
	switch {
	case action == actionConflict:
		diags.AddAttributeError(pathOverwrite, "Error "+verb+" "+r.object(), conflictDetail(cur, r.tenant(), onCreate))
		return
	case err != nil:
		apiError(diags, verb, r.object(), err, want.WebhookURL)
		return
	}
	afterWrite(plan, r.tenant(), out)
	setOwned(ctx, private, want.WebhookURL, diags)
	setURLWriteOnly(ctx, private, plan.URL.IsNull(), want.WebhookURL, diags)
	diags.Append(state.Set(ctx, plan)...)
	if diags.HasError() || !plan.Validate.ValueBool() {
		return
	}
	// The registration exists now: a failed validation leaves it in state
	// (after a create, tainted, so the next apply replaces it and validates
	// again).
	r.runValidation(ctx, api, plan, want.WebhookURL, diags, done)
	diags.Append(state.Set(ctx, plan)...)
}

func (r *registrationResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var plan, config registrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := plan.Timeouts.Create(ctx, defaultCreateTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	api, err := r.api(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Webhooks API for", r.object(), err)
		return
	}
	want := expand(ctx, plan, &resp.Diagnostics)
	want.WebhookURL, _ = wantURL(plan, config)
	if resp.Diagnostics.HasError() {
		return
	}
	r.write(ctx, api, &plan, want, "", true, resp.Private, &resp.State, &resp.Diagnostics)
}

func (r *registrationResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var state registrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Read(ctx, defaultReadTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	api, err := r.api(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Webhooks API for", r.object(), err)
		return
	}
	cur, err := getRegistration(ctx, api)
	if err != nil {
		apiError(&resp.Diagnostics, "reading", r.object(), err, state.URL.ValueString())
		return
	}
	if cur == nil || len(cur.WebhookEvents) == 0 {
		// Gone (or subscribed to nothing): the plan re-creates it.
		resp.State.RemoveResource(ctx)
		return
	}
	if urlWriteOnly(ctx, req.Private, &resp.Diagnostics) {
		// Written from url_wo: the URL stays out of state; ModifyPlan
		// compares its hash with the one we wrote (facts.go §7).
		setRemoteURL(ctx, resp.Private, cur.WebhookURL, &resp.Diagnostics)
	} else if state.URL.ValueString() != cur.WebhookURL {
		state.URL = types.StringValue(cur.WebhookURL)
	}
	stateEvents := eventNames(ctx, state.Events, &resp.Diagnostics)
	if state.Events.IsNull() || state.Events.IsUnknown() || !sameEvents(stateEvents, cur.WebhookEvents) {
		state.Events = stringSet(cur.WebhookEvents)
	}
	if state.ID.IsNull() || state.ID.ValueString() == "" {
		state.ID = types.StringValue(r.tenant())
	}
	if state.ValidationStatus.IsNull() { // imported: nothing validated yet
		state.ValidationStatus, state.ValidationResult = notValidated()
	}
	// After an import nothing is known to be ours yet: adopt what was read.
	if ownedHash(ctx, resp.Private, &resp.Diagnostics) == "" {
		setOwned(ctx, resp.Private, cur.WebhookURL, &resp.Diagnostics)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &state)...)
}

func (r *registrationResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state, config registrationModel
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

	api, err := r.api(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Webhooks API for", r.object(), err)
		return
	}
	want := expand(ctx, plan, &resp.Diagnostics)
	want.WebhookURL, _ = wantURL(plan, config)
	if resp.Diagnostics.HasError() {
		return
	}
	owned := ownedHash(ctx, req.Private, &resp.Diagnostics)
	if owned == "" {
		owned = urlHash(state.URL.ValueString())
	}
	r.write(ctx, api, &plan, want, owned, false, resp.Private, &resp.State, &resp.Diagnostics)
}

// Delete disarms the registration (see facts.go §1): there is no DELETE.
func (r *registrationResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var state registrationModel
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	timeout, d := state.Timeouts.Delete(ctx, defaultDeleteTimeout)
	resp.Diagnostics.Append(d...)
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()

	api, err := r.api(ctx)
	if err != nil {
		framework.AddAPIError(&resp.Diagnostics, "configuring the Webhooks API for", r.object(), err)
		return
	}
	cur, err := getRegistration(ctx, api)
	if err != nil {
		apiError(&resp.Diagnostics, "reading", r.object(), err, state.URL.ValueString())
		return
	}
	if cur == nil {
		return
	}
	if !isOurs(cur, ownedHash(ctx, req.Private, &resp.Diagnostics), state.URL.ValueString()) {
		resp.Diagnostics.AddWarning("Webhook registration left unchanged",
			"Partner Center's webhook registration of tenant "+r.tenant()+" now points at another URL, on host "+hostOf(cur.WebhookURL)+
				", set by another tool. Destroy leaves it as it is and only removes it from the Terraform state.")
		return
	}
	if isDisarmed(cur.WebhookEvents) {
		return
	}
	sig := true
	if !state.SignatureInMSSignatureHeader.IsNull() && !state.SignatureInMSSignatureHeader.IsUnknown() {
		sig = state.SignatureInMSSignatureHeader.ValueBool()
	}
	_, err = api.Update(ctx, partnercenter.Registration{
		WebhookURL:                        cur.WebhookURL,
		WebhookEvents:                     []string{partnercenter.EventTestCreated},
		SignatureTokenToMsSignatureHeader: &sig,
	})
	if err != nil && !partnercenter.IsNotFound(err) {
		apiError(&resp.Diagnostics, "disarming", r.object(), fmt.Errorf("re-registering it for test-created only (Partner Center has no DELETE): %w", err), cur.WebhookURL)
	}
}

// ModifyPlan keeps the validation attributes honest and finds, by reading
// only, a registration another tool holds (see facts.go §3).
func (r *registrationResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy
	}
	var plan registrationModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	var state *registrationModel
	if !req.State.Raw.IsNull() {
		state = &registrationModel{}
		resp.Diagnostics.Append(req.State.Get(ctx, state)...)
	}
	if resp.Diagnostics.HasError() {
		return
	}

	if !plan.Validate.IsUnknown() {
		switch {
		case !plan.Validate.ValueBool():
			plan.ValidationStatus, plan.ValidationResult = notValidated()
		case state != nil && state.ValidationStatus.ValueString() != validationCompleted:
			// Never validated, or the last test event failed: validate on this apply.
			plan.ValidationStatus, plan.ValidationResult = types.StringUnknown(), types.StringUnknown()
		}
		resp.Diagnostics.Append(resp.Plan.Set(ctx, &plan)...)
	}

	if !framework.ClaimOrError(r.scope(), framework.PhasePlan, r.claimKey(), req.Config.Raw.String(), &resp.Diagnostics, pathURL, r.object(), twoRegistrationsFix) {
		return
	}
	var config registrationModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &config)...)
	want, known := wantURL(plan, config)
	if r.client == nil || !known || plan.Overwrite.IsUnknown() || resp.Diagnostics.HasError() {
		return
	}
	overwrite := plan.Overwrite.ValueBool()
	if state == nil {
		r.checkCreateConflict(ctx, want, overwrite, resp)
		return
	}
	// What is registered: the refreshed state's url, or, when written from
	// url_wo, what Read kept of it in private state (facts.go §7).
	remoteHash, host := urlHash(state.URL.ValueString()), hostOf(state.URL.ValueString())
	if state.URL.IsNull() {
		remote := getRemoteURL(ctx, req.Private, &resp.Diagnostics)
		remoteHash, host = remote.SHA256, remote.Host
	}
	owned := ownedHash(ctx, req.Private, &resp.Diagnostics)
	if remoteHash == "" || remoteHash == urlHash(want) || owned == "" || remoteHash == owned {
		return
	}
	// The registration holds a URL this resource did not write.
	if state.URL.IsNull() && plan.URL.IsNull() {
		// With url_wo no argument differs from state: plan the update that
		// takes the registration back (or fails without overwrite) through
		// subscriber_id, which every write sets.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, pathSubscriberID, types.StringUnknown())...)
	}
	if overwrite {
		resp.Diagnostics.AddWarning("Webhook registration taken by another tool",
			"Partner Center's webhook registration of tenant "+r.tenant()+" now points at another URL, on host "+host+
				". overwrite = true, so this apply takes it back; Partner Center will stop delivering events to that host.")
		return
	}
	resp.Diagnostics.AddAttributeWarning(pathOverwrite, "Webhook registration taken by another tool",
		"Partner Center's webhook registration of tenant "+r.tenant()+" now points at another URL, on host "+host+
			", set outside this configuration. Applying this plan will fail without changing anything, because overwrite = false. "+
			"Set overwrite = true to take the registration back, or remove this resource from the state to leave it to the other tool.")
}

// checkCreateConflict reads the registration at plan time so a create that
// would replace another tool's registration fails before any apply.
func (r *registrationResource) checkCreateConflict(ctx context.Context, wantURL string, overwrite bool, resp *resource.ModifyPlanResponse) {
	api, err := r.api(ctx)
	var cur *partnercenter.Registration
	if err == nil {
		cur, err = getRegistration(ctx, api)
	}
	if err != nil {
		resp.Diagnostics.AddWarning("Could not read the current webhook registration",
			"The plan could not check whether another URL is registered ("+oneLine(redact(err.Error(), wantURL), 400)+"); the apply checks again before writing.")
		return
	}
	if cur == nil || cur.WebhookURL == wantURL {
		return
	}
	if !overwrite {
		resp.Diagnostics.AddAttributeError(pathOverwrite, "Webhook registration of tenant "+r.tenant()+" is held by another URL",
			conflictDetail(cur, r.tenant(), true))
		return
	}
	resp.Diagnostics.AddWarning("Webhook registration will be replaced",
		"Partner Center's webhook registration of tenant "+r.tenant()+" points at another URL, on host "+hostOf(cur.WebhookURL)+
			". overwrite = true, so this apply replaces it; Partner Center will stop delivering events to that host.")
}

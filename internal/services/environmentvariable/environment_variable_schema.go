package environmentvariable

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

// resourceDescription is the resource's documentation page body.
const resourceDescription = "Sets the **current value** of a Dataverse environment variable — the `environmentvariablevalue` record — " +
	"never the definition's default value, as Microsoft's co-sell connector guide asks (\"set Current Value, never Default Value\").\n\n" +
	"Without a `definition` block the definition must already exist, typically installed by the co-sell connector solution " +
	"(*Partner Center Referrals Synchronization for Dynamics 365*). If it does not, apply fails before any change and lists the closest " +
	"existing schema names. With a `definition` block the resource also manages the definition: it creates it when missing " +
	"(the schema name then needs your publisher prefix), or adopts an existing one of the same type.\n\n" +
	"**Validation by type, at plan time.** The type comes from the `definition` block, or else is read from Dataverse while planning. " +
	"Yes/No (`boolean`) variables take exactly `yes` or `no`; `number` takes a decimal number such as `42` or `-3.5`; `json` must parse as JSON; " +
	"every value is at most 2000 characters. `data_source` variables are accepted and their value is taken as text. " +
	"**Secret** variables are refused: this provider does not put secrets in state — store the secret in Azure Key Vault and reference it there.\n\n" +
	"**Destroy removes only what this resource created.** A value record it created is deleted (the variable falls back to its default value); " +
	"a value record that existed before (adopted, or imported) gets its previous value back; the definition is deleted only when the " +
	"`definition` block created it (deleting a definition deletes its value too), and an adopted definition gets its previous display name, " +
	"description, default value and `is_required` back. Removing the `definition` block releases the definition: it stays as it is.\n\n" +
	"**Drift.** A value changed outside Terraform shows as an update. A deleted value record makes the resource disappear, so the plan " +
	"re-creates it (when the `definition` block created the definition, the plan instead updates the value back into place; deleting that " +
	"definition makes the resource disappear). More than one value record for the definition is an error: Dataverse uses one per definition.\n\n" +
	"**One resource per variable.** Schema names compare without letter case, as in Dataverse; two resources for one variable in a " +
	"configuration are refused at plan time. A value that someone else changes while it is being written (HTTP 412) is read again and " +
	"written again, at most three times. A variable that has only its default value cannot be imported (there is no current value " +
	"record yet): create the resource with the value instead.\n\n" +
	"## The co-sell connector's variables\n\n" +
	"The Dynamics 365 connector solution installs six variables (cosell-connector guide, *Edit environment variables*). Names the maker " +
	"portal shows truncated are completed from the Salesforce solution's identical set and are marked *inferred*; check them with the " +
	"`cosell_environment_variable` data source before relying on them.\n\n" +
	"| Variable | Schema name | Type | Default | What it does |\n" +
	"|---|---|---|---|---|\n" +
	"| Deal value field name in Dynamics 365 | `msft_dealvaluefield` | string | `estimatedvalue` | Logical name of the opportunity column that holds the deal value. |\n" +
	"| Customer account country code field name in Dynamics 365 | `msft_customeraccountcountrycode` (*inferred*) | string (*inferred*) | `address1_country` (*inferred*) | Logical name of the account column holding the ISO country code. For a lookup-based country, add a text column filled with the ISO code and point this at it. |\n" +
	"| Deal value currency code field name in Dynamics 365 | `msft_dealcurrencycodefield` (*inferred*) | string (*inferred*) | not documented | Logical name of the column holding the deal's ISO currency code. |\n" +
	"| Display check mark in opportunity name | `msft_displaycheckmarkinname` (*inferred*) | boolean | `yes` | Whether synced opportunities get a check mark (or cross) appended to their name. |\n" +
	"| Sync co-sell opportunities only | `msft_synccosellopportunitiesonly` (*inferred*) | boolean (*inferred*) | not documented | `yes`: only co-sell and pipeline-sharing opportunities flow from Partner Center to Dynamics 365; `no`: leads too. No effect the other way. |\n" +
	"| Auto-heal run scheduler | `msft_autohealrunscheduler` (*inferred*) | undocumented | undocumented | Schedule of the auto-heal flow; its format is undocumented, leave it alone. |\n\n" +
	"When you point a field-name variable at another column, also move the matching assignment in the *[Customize] Create or Get Details " +
	"from Dynamics 365* flow, as the connector guide says."

func (r *environmentVariableResource) Schema(ctx context.Context, _ resourceSchemaRequest, resp *resourceSchemaResponse) {
	// Unknown computed values keep the state's (ModifyPlan sets the ones it
	// can know); value_id keeps only a non-null one, since a deleted value
	// record (null in state) gets a new id.
	computed := func(desc string, keep planmodifier.String) schema.StringAttribute {
		return schema.StringAttribute{Computed: true, MarkdownDescription: desc, PlanModifiers: []planmodifier.String{keep}}
	}
	keep := stringplanmodifier.UseStateForUnknown()
	resp.Schema = schema.Schema{
		MarkdownDescription: resourceDescription,
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{Computed: true, CustomType: framework.NameType{},
				MarkdownDescription: "The schema name (also the import id)."},
			"schema_name": schema.StringAttribute{Required: true, CustomType: framework.NameType{},
				MarkdownDescription: "Schema name of the environment variable definition, e.g. `msft_dealvaluefield` (at most 100 characters). " +
					"When the `definition` block creates the definition, it must start with your publisher's customization prefix and an " +
					"underscore (`contoso_SyncWindow`). Schema names are case-insensitive: `MSFT_DealValueField` names the same variable, " +
					"is kept as written and never replaces the resource. Changing the name otherwise replaces the resource.",
				PlanModifiers: []planmodifier.String{framework.RequiresReplaceIfRenamed("the resource")},
				Validators:    []validator.String{stringvalidator.LengthBetween(1, 100)}},
			"value": schema.StringAttribute{Required: true,
				MarkdownDescription: "The current value, at most 2000 characters, written in the form the variable's type needs: `yes` or `no` for " +
					"Yes/No, a decimal number for Number, a JSON document for JSON (e.g. with `jsonencode`), any text for Text and Data Source. " +
					"It cannot be empty: to fall back to the default value, remove the resource.",
				Validators: []validator.String{validate.String("must be 1 to 2000 characters", checkValueText)}},
			"type": computed("The variable's type: `string` (Text), `number`, `boolean` (Yes/No), `json` or `data_source`. "+
				"Taken from the `definition` block, or read from Dataverse.", keep),
			"definition_id": computed("Id (GUID) of the `environmentvariabledefinition` record.", keep),
			"value_id": computed("Id (GUID) of the `environmentvariablevalue` record that holds the current value.",
				stringplanmodifier.UseNonNullStateForUnknown()),
			"default_value": computed("The definition's default value (used when no current value exists); null when it has none.", keep),
			"definition": schema.SingleNestedAttribute{Optional: true,
				MarkdownDescription: "Manage the definition too. Leave it out for variables that a solution installs (such as the co-sell " +
					"connector's). When given, the definition is created if missing (and then deleted on destroy), or adopted if it exists " +
					"with the same type (its fields are then set, and restored on destroy).",
				Attributes: map[string]schema.Attribute{
					"display_name": schema.StringAttribute{Required: true,
						MarkdownDescription: "Display name, 1 to 100 characters.",
						Validators:          []validator.String{stringvalidator.LengthBetween(1, 100)}},
					"description": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Description, 1 to 2000 characters; none when unset.",
						Validators:          []validator.String{stringvalidator.LengthBetween(1, 2000)}},
					"type": schema.StringAttribute{Required: true,
						MarkdownDescription: "`string` (Text), `number`, `boolean` (Yes/No) or `json`. `secret` is refused (use Azure Key Vault) " +
							"and `data_source` cannot be created here. Dataverse cannot change a definition's type: changing it replaces the " +
							"resource when this resource created the definition, and is an error otherwise.",
						Validators: []validator.String{validate.String("must be string, number, boolean or json", checkDefinitionType)},
						PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplaceIf(typeChangeReplaces,
							"Dataverse cannot change a definition's type", "Dataverse cannot change a definition's type")}},
					"default_value": schema.StringAttribute{Optional: true,
						MarkdownDescription: "Default value, used while no current value exists; validated like `value`. None when unset.",
						Validators: []validator.String{stringvalidator.LengthAtLeast(1),
							validate.String("must be at most 2000 characters", checkLength)}},
					"is_required": schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false),
						MarkdownDescription: "Whether a value is required when the solution is imported elsewhere. Defaults to `false`."},
				},
			},
			"timeouts": framework.Timeouts(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: timeoutDescription("create", defaultCreateTimeout),
				ReadDescription:   timeoutDescription("read", defaultReadTimeout),
				UpdateDescription: timeoutDescription("update", defaultUpdateTimeout),
				DeleteDescription: timeoutDescription("delete", defaultDeleteTimeout)}),
		},
	}
}

func timeoutDescription(op string, d time.Duration) string {
	return fmt.Sprintf("How long %s may take, as a duration such as `30s` or `10m` (default `%s`).", op, strings.TrimSuffix(d.String(), "0s"))
}

// checkValueText is the type-independent check of value.
func checkValueText(v string) string {
	if v == "" {
		return "an empty value is not allowed. To fall back to the definition's default value, remove the resource " +
			"(destroy deletes the value record it created)."
	}
	return checkLength(v)
}

// typeChangeReplaces: a type change within an existing block replaces the
// resource (adding the block is adoption, checked in ModifyPlan).
func typeChangeReplaces(_ context.Context, req planmodifier.StringRequest, resp *stringplanmodifier.RequiresReplaceIfFuncResponse) {
	resp.RequiresReplace = !req.StateValue.IsNull() && !req.PlanValue.IsNull() && !req.PlanValue.IsUnknown() &&
		req.StateValue.ValueString() != req.PlanValue.ValueString()
}

package crmfield

import (
	"context"
	"math"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringdefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"

	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
	"github.com/cosell-labs/terraform-provider-cosell/internal/validate"
)

var tableNameRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

func tableName() validator.String {
	return stringvalidator.RegexMatches(tableNameRE,
		`must be a table's logical name: lower-case letters, digits and underscores, starting with a letter (e.g. "opportunity", "account", "contoso_solutiondetail")`)
}

func fieldSchema(ctx context.Context) schema.Schema {
	return schema.Schema{
		MarkdownDescription: "A custom column on a Dataverse table (by default `opportunity`), such as the co-sell connector's " +
			"*Sync with Partner Center* (boolean) or *How can Microsoft help?* (choice). The column is created through the Dataverse " +
			"metadata Web API, optionally inside an unmanaged solution, and the table is published after every change.\n\n" +
			"`display_name`, `description`, `required_level` and the type-specific settings change in place (the full definition is " +
			"read, edited and written back with `MSCRM.MergeLabels: true`, so labels in other languages are kept; choice options " +
			"change through `InsertOptionValue`, `UpdateOptionValue` and `DeleteOptionValue`). Changing `type`, `table`, " +
			"`schema_name` (other than in letter case), a recorded `solution_unique_name`, `target_table` or `relationship_schema_name` " +
			"replaces the column, **which deletes the data stored in it**; such a plan carries a warning saying so.\n\n" +
			"Creating a column that already exists (installed by hand or by the connector solution) stops before any write with the " +
			"ready `import` block for it.\n\n" +
			"A `lookup` column is created with its one-to-many relationship from `target_table` to `table`; destroying it deletes " +
			"the relationship (and with it the column).",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "`<table>/<logical_name>`, e.g. `opportunity/contoso_referralid`; also the import id.",
				PlanModifiers:       []planmodifier.String{planID},
			},
			"table": schema.StringAttribute{
				Optional: true, Computed: true,
				Default:             stringdefault.StaticString("opportunity"),
				MarkdownDescription: "Logical name of the table the column is added to. Defaults to `opportunity`. Changing it replaces the column.",
				Validators:          []validator.String{tableName()},
				PlanModifiers:       []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"schema_name": schema.StringAttribute{
				Required: true, CustomType: framework.NameType{},
				MarkdownDescription: "Schema name of the column: the solution publisher's lower-case customization prefix, an underscore and " +
					"the name, e.g. `contoso_ReferralId` (at most 50 characters; the prefix `mscrm` is reserved). Dataverse names are " +
					"case-insensitive: a spelling that differs only in letter case names the same column, is kept in state as written, and " +
					"never replaces it. Changing the name otherwise replaces the column (the plan warns: its data is deleted).",
				Validators:    []validator.String{validate.SchemaName(50)},
				PlanModifiers: []planmodifier.String{framework.RequiresReplaceIfRenamed("the column and the data in it")},
			},
			"logical_name": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "Logical name of the column: `schema_name` in lower case. Use it in Web API queries and flows.",
				PlanModifiers:       []planmodifier.String{planLogicalName},
			},
			"metadata_id": schema.StringAttribute{
				Computed:            true,
				MarkdownDescription: "The column's `MetadataId` (a GUID).",
				PlanModifiers:       []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"display_name": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: "Display name (English, language 1033), e.g. `Sync with Partner Center`. Changes in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"description": schema.StringAttribute{
				Optional:            true,
				MarkdownDescription: "Description (English) shown as the column's tooltip. Changes in place; removing it clears the description.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
			},
			"required_level": schema.StringAttribute{
				Optional: true, Computed: true,
				Default:             stringdefault.StaticString("none"),
				MarkdownDescription: "Requirement level: `none` (default), `recommended` or `application_required`. Changes in place.",
				Validators:          []validator.String{stringvalidator.OneOf("none", "recommended", "application_required")},
			},
			"solution_unique_name": schema.StringAttribute{
				Optional: true, CustomType: framework.NameType{},
				MarkdownDescription: "Unique name of an unmanaged solution to add the column to (sent as `MSCRM.SolutionUniqueName`). " +
					"Without it the column goes to the default solution. Dataverse does not report it back: after an import (or when it is " +
					"added to a column created without it) the first apply only records the configured value, writes nothing and never " +
					"replaces the column. Changing a recorded value to another solution (other than in letter case) replaces the column.",
				Validators:    []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers: []planmodifier.String{framework.RequiresReplaceIfRenamed("the column and the data in it")},
			},
			"type": schema.StringAttribute{
				Required: true,
				MarkdownDescription: "Column type: `boolean` (Yes/No), `string` (single line of text), `memo` (multiple lines of text), " +
					"`choice` (local option set), `money` (currency), `date` (date only, no time zone conversion), `datetime` (date and " +
					"time, stored in UTC and shown in the user's time zone), `integer` (whole number), `decimal` or `lookup` (reference to " +
					"another table). Changing it replaces the column.",
				Validators:    []validator.String{stringvalidator.OneOf(columnTypes...)},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},

			// boolean
			"true_label": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`boolean` only: label of the true option (value 1). Defaults to `Yes`. Changes in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringDefault("true_label", map[string]string{typeBoolean: defaultTrueLabel})},
			},
			"false_label": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`boolean` only: label of the false option (value 0). Defaults to `No`. Changes in place.",
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
				PlanModifiers:       []planmodifier.String{stringDefault("false_label", map[string]string{typeBoolean: defaultFalseLabel})},
			},
			"default_value": schema.BoolAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`boolean` only: value of new rows. Defaults to `false`. Changes in place.",
				PlanModifiers:       []planmodifier.Bool{boolDefault("default_value", map[string]bool{typeBoolean: false})},
			},

			// string, memo
			"max_length": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`string` and `memo` only: maximum number of characters, 1–4000 for `string` (default 100) and " +
					"1–1048576 for `memo` (default 2000). Changes in place.",
				PlanModifiers: []planmodifier.Int64{int64Default("max_length", map[string]int64{
					typeString: defaultStringMaxLength, typeMemo: defaultMemoMaxLength})},
			},
			"format": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`string` only: `text` (default), `url`, `email` or `phone`. Changes in place.",
				Validators:          []validator.String{stringvalidator.OneOf("text", "url", "email", "phone")},
				PlanModifiers:       []planmodifier.String{stringDefault("format", map[string]string{typeString: defaultFormat})},
			},

			// choice
			"options": schema.ListNestedAttribute{
				Optional: true,
				MarkdownDescription: "`choice` only, required for it: the options, at least one. Values must be unique and should never be " +
					"reused for another meaning (stored rows keep the number); labels must be unique. Adding an option inserts it, a new " +
					"label relabels it, and **removing an option deletes it from the column** (rows that held it keep the bare number). " +
					"Order follows the configuration.",
				NestedObject: schema.NestedAttributeObject{Attributes: map[string]schema.Attribute{
					"value": schema.Int64Attribute{
						Required: true,
						MarkdownDescription: "Option value (a 32-bit integer), normally the publisher's option value prefix × 10000 plus a " +
							"counter, e.g. `100000000`.",
						Validators: []validator.Int64{int64validator.Between(math.MinInt32, math.MaxInt32)},
					},
					"label": schema.StringAttribute{
						Required:            true,
						MarkdownDescription: "Option label (English).",
						Validators:          []validator.String{stringvalidator.LengthAtLeast(1)},
					},
				}},
			},
			"default_option": schema.Int64Attribute{
				Optional:            true,
				MarkdownDescription: "`choice` only: value of the option new rows get; one of the `options` values. No default when left out. Changes in place.",
			},

			// money, decimal, integer
			"precision": schema.Int64Attribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`decimal`: decimal places, 0–10 (default 2). `money`: fixed decimal places, 0–4; when left out " +
					"the column uses the precision of each row's currency (`PrecisionSource` 2). Changes in place.",
				PlanModifiers: []planmodifier.Int64{int64Default("precision", map[string]int64{typeDecimal: defaultDecimalPrec})},
			},
			"min_value": schema.NumberAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`integer`, `decimal` and `money` only: smallest allowed value. Defaults to the type's limit: " +
					"-2147483648 (`integer`), -100000000000 (`decimal`), -922337203685477 (`money`). Changes in place.",
				PlanModifiers: []planmodifier.Number{rangeDefault("min_value", false)},
			},
			"max_value": schema.NumberAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`integer`, `decimal` and `money` only: largest allowed value. Defaults to the type's limit: " +
					"2147483647 (`integer`), 100000000000 (`decimal`), 922337203685477 (`money`). Changes in place.",
				PlanModifiers: []planmodifier.Number{rangeDefault("max_value", true)},
			},

			// lookup
			"target_table": schema.StringAttribute{
				Optional: true,
				MarkdownDescription: "`lookup` only, required for it: logical name of the table the column points to, e.g. `account`. " +
					"The table must exist when the column is created (checked before anything is written). Changing it replaces the column.",
				Validators:    []validator.String{tableName()},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"relationship_schema_name": schema.StringAttribute{
				Optional: true, Computed: true,
				MarkdownDescription: "`lookup` only: schema name of the one-to-many relationship created with the column. Defaults to " +
					"`<prefix>_<target_table>_<table>_<Name>` for `schema_name` `<prefix>_<Name>`, e.g. " +
					"`contoso_account_opportunity_PartnerAccountId`. Changing it replaces the column.",
				CustomType: framework.NameType{},
				Validators: []validator.String{validate.SchemaName(100)},
				PlanModifiers: []planmodifier.String{relationshipNameDefault(),
					framework.RequiresReplaceIfRenamed("the lookup column and the data in it")},
			},

			"timeouts": framework.Timeouts(ctx, timeouts.Opts{Create: true, Read: true, Update: true, Delete: true,
				CreateDescription: "Time allowed to create and publish the column (default 20m).",
				ReadDescription:   "Time allowed to read the column (default 5m).",
				UpdateDescription: "Time allowed to change and publish the column (default 20m).",
				DeleteDescription: "Time allowed to delete the column and publish the table (default 20m).",
			}),
		},
	}
}

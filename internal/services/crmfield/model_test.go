package crmfield

import (
	"context"
	"encoding/json"
	"math/big"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"

	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

// model returns a column model of typ with every other attribute null.
func model(t *testing.T, typ string, opts ...option) fieldModel {
	t.Helper()
	m := fieldModel{
		ID: types.StringValue("opportunity/pfx_x"), Table: types.StringValue("opportunity"),
		SchemaName: framework.NameValue("pfx_X"), LogicalName: types.StringValue("pfx_x"), MetadataID: types.StringNull(),
		DisplayName: types.StringValue("X"), Description: types.StringNull(), RequiredLevel: types.StringValue("none"),
		SolutionUniqueName: framework.NameNull(), Type: types.StringValue(typ),
		TrueLabel: types.StringNull(), FalseLabel: types.StringNull(), DefaultValue: types.BoolNull(),
		MaxLength: types.Int64Null(), Format: types.StringNull(), Options: types.ListNull(optionObjectType),
		DefaultOption: types.Int64Null(), Precision: types.Int64Null(), MinValue: types.NumberNull(), MaxValue: types.NumberNull(),
		TargetTable: types.StringNull(), RelationshipSchemaName: framework.NameNull(),
		Timeouts: timeouts.Value{Object: types.ObjectNull(map[string]attr.Type{
			"create": types.StringType, "read": types.StringType, "update": types.StringType, "delete": types.StringType})},
	}
	if opts != nil {
		l, d := optionsList(opts)
		if d.HasError() {
			t.Fatal(d)
		}
		m.Options = l
	}
	return m
}

func num(s string) types.Number {
	f, _, _ := big.ParseFloat(s, 10, 512, big.ToNearestEven)
	return types.NumberValue(f)
}

func wire(t *testing.T, v any) map[string]any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewDefinitionPerType(t *testing.T) {
	ctx := context.Background()
	str := model(t, typeString)
	str.MaxLength, str.Format, str.Description = types.Int64Value(250), types.StringValue("url"), types.StringValue("Link")
	str.RequiredLevel = types.StringValue("application_required")
	def, _ := newDefinition(ctx, str)
	w := wire(t, def)
	if w["@odata.type"] != "Microsoft.Dynamics.CRM.StringAttributeMetadata" || w["MaxLength"] != 250.0 ||
		w["FormatName"].(map[string]any)["Value"] != "Url" || w["RequiredLevel"].(map[string]any)["Value"] != "ApplicationRequired" ||
		w["SchemaName"] != "pfx_X" || labelText(def.Description) != "Link" {
		t.Errorf("string: %v", w)
	}

	b := model(t, typeBoolean)
	b.TrueLabel, b.FalseLabel, b.DefaultValue = types.StringValue("Shared"), types.StringValue("Private"), types.BoolValue(true)
	def, _ = newDefinition(ctx, b)
	if labelText(def.OptionSet.TrueOption.Label) != "Shared" || labelText(def.OptionSet.FalseOption.Label) != "Private" || !*def.DefaultValue {
		t.Errorf("boolean: %+v", def.OptionSet)
	}

	c := model(t, typeChoice, option{100000000, "A"}, option{100000001, "B"})
	c.DefaultOption = types.Int64Value(100000001)
	def, _ = newDefinition(ctx, c)
	if len(def.OptionSet.Options) != 2 || def.OptionSet.Options[1].Value != 100000001 || labelText(def.OptionSet.Options[1].Label) != "B" ||
		*def.DefaultFormValue != 100000001 || def.OptionSet.OptionSetType != "Picklist" {
		t.Errorf("choice: %+v", def)
	}
	c.DefaultOption = types.Int64Null()
	if def, _ = newDefinition(ctx, c); *def.DefaultFormValue != -1 {
		t.Errorf("choice without default: %d", *def.DefaultFormValue)
	}

	money := model(t, typeMoney)
	money.MinValue, money.MaxValue = num("0"), num("922337203685477")
	def, _ = newDefinition(ctx, money)
	if *def.PrecisionSource != 2 || def.Precision != nil || def.MinValue != "0" || def.MaxValue != "922337203685477" {
		t.Errorf("money (currency precision): %+v", def)
	}
	money.Precision = types.Int64Value(3)
	if def, _ = newDefinition(ctx, money); *def.PrecisionSource != 0 || *def.Precision != 3 {
		t.Errorf("money (fixed precision): %+v", def)
	}

	for typ, want := range map[string][2]string{typeDate: {"DateOnly", "DateOnly"}, typeDateTime: {"DateAndTime", "UserLocal"}} {
		def, _ = newDefinition(ctx, model(t, typ))
		if def.Format != want[0] || def.DateTimeBehavior.Value != want[1] || def.AttributeType != "DateTime" {
			t.Errorf("%s: %s / %v", typ, def.Format, def.DateTimeBehavior)
		}
	}

	dec := model(t, typeDecimal)
	dec.Precision, dec.MinValue, dec.MaxValue = types.Int64Value(4), num("-0.25"), num("0.1")
	def, _ = newDefinition(ctx, dec)
	if *def.Precision != 4 || def.MinValue != "-0.25" || def.MaxValue != "0.1" {
		t.Errorf("decimal: %+v", def)
	}
}

func TestNewRelationship(t *testing.T) {
	m := model(t, typeLookup)
	m.SchemaName, m.TargetTable = framework.NameValue("pfx_PartnerId"), types.StringValue("account")
	m.RelationshipSchemaName = framework.NameValue(defaultRelationshipName("pfx_PartnerId", "account", "opportunity"))
	rel := newRelationship(m, "accountid")
	if rel.SchemaName != "pfx_account_opportunity_PartnerId" || rel.ReferencedEntity != "account" || rel.ReferencedAttribute != "accountid" ||
		rel.ReferencingEntity != "opportunity" || rel.Lookup.SchemaName != "pfx_PartnerId" || rel.Lookup.AttributeType != "Lookup" ||
		rel.CascadeConfiguration.Delete != dataverse.CascadeRemoveLink || rel.CascadeConfiguration.Assign != dataverse.CascadeNoCascade {
		t.Errorf("relationship: %+v", rel)
	}
}

func TestFlattenRoundTrip(t *testing.T) {
	ctx := context.Background()
	prior := model(t, typeChoice, option{2, "Two"}, option{1, "One"})
	read := &dataverse.AttributeMetadata{
		ODataType: "#Microsoft.Dynamics.CRM.PicklistAttributeMetadata", LogicalName: "pfx_x", SchemaName: "pfx_X", MetadataID: "m1",
		AttributeType: "Picklist", DisplayName: label("X"), Description: &dataverse.Label{}, RequiredLevel: dataverse.Required("Recommended"),
		DefaultFormValue: intPtr(-1),
		OptionSet: &dataverse.OptionSetMetadata{Options: []dataverse.OptionMetadata{
			{Value: 1, Label: label("One")}, {Value: 2, Label: label("Two")}, {Value: 3, Label: label("Three")}}},
	}
	m, d := flatten(ctx, read, "opportunity", prior)
	if d.HasError() {
		t.Fatal(d)
	}
	got, _ := m.options(ctx)
	if len(got) != 3 || got[0] != (option{2, "Two"}) || got[1] != (option{1, "One"}) || got[2] != (option{3, "Three"}) {
		t.Errorf("options in prior order then new ones: %v", got)
	}
	if m.RequiredLevel.ValueString() != "recommended" || !m.Description.IsNull() || !m.DefaultOption.IsNull() ||
		m.ID.ValueString() != "opportunity/pfx_x" || m.MetadataID.ValueString() != "m1" || !m.MaxLength.IsNull() {
		t.Errorf("flatten: %+v", m)
	}

	// Numbers keep the configured value when equal, else take Dataverse's.
	dec := model(t, typeDecimal)
	dec.MinValue, dec.MaxValue = num("0.1"), num("5")
	read = &dataverse.AttributeMetadata{ODataType: "Microsoft.Dynamics.CRM.DecimalAttributeMetadata", LogicalName: "pfx_x", SchemaName: "pfx_X",
		DisplayName: label("X"), Precision: intPtr(2), MinValue: "0.1", MaxValue: "7"}
	m, _ = flatten(ctx, read, "opportunity", dec)
	if !m.MinValue.Equal(dec.MinValue) || m.MaxValue.ValueBigFloat().Text('f', -1) != "7" || m.Precision.ValueInt64() != 2 {
		t.Errorf("decimal numbers: %v %v", m.MinValue, m.MaxValue)
	}

	// Dates by Format; unsupported kinds are an error naming the column.
	read = &dataverse.AttributeMetadata{ODataType: "#Microsoft.Dynamics.CRM.DateTimeAttributeMetadata", LogicalName: "pfx_x", Format: "DateOnly", DisplayName: label("X")}
	if m, _ = flatten(ctx, read, "opportunity", prior); m.Type.ValueString() != typeDate {
		t.Errorf("date: %s", m.Type)
	}
	read = &dataverse.AttributeMetadata{ODataType: "#Microsoft.Dynamics.CRM.BigIntAttributeMetadata", AttributeType: "BigInt", LogicalName: "pfx_x"}
	if _, d = flatten(ctx, read, "opportunity", prior); !d.HasError() || !strings.Contains(d[0].Detail(), "opportunity/pfx_x") {
		t.Errorf("bigint: %v", d)
	}
}

func TestDiffOptionsAndOrder(t *testing.T) {
	before := []option{{1, "One"}, {2, "Two"}, {3, "Three"}}
	after := []option{{3, "Three"}, {2, "Deux"}, {4, "Four"}}
	added, relabelled, removed := diffOptions(before, after)
	if len(added) != 1 || added[0].Value != 4 || len(relabelled) != 1 || relabelled[0] != (option{2, "Deux"}) ||
		len(removed) != 1 || removed[0].Value != 1 {
		t.Errorf("added %v relabelled %v removed %v", added, relabelled, removed)
	}
}

func TestFieldIDs(t *testing.T) {
	if tbl, l, err := parseFieldID("Opportunity/pfx_X"); err != nil || tbl != "opportunity" || l != "pfx_x" {
		t.Errorf("%s %s %v", tbl, l, err)
	}
	for _, bad := range []string{"pfx_x", "/pfx_x", "opportunity/", "a/b/c"} {
		if _, _, err := parseFieldID(bad); err == nil || !strings.Contains(err.Error(), "<table>/<logical_name>") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if got := defaultRelationshipName("contoso_PartnerAccountId", "account", "opportunity"); got != "contoso_account_opportunity_PartnerAccountId" {
		t.Errorf("relationship name %q", got)
	}
}

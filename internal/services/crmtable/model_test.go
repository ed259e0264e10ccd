package crmtable

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/framework"
)

func planFixture() tableModel {
	return tableModel{
		SchemaName:            framework.NameValue("contoso_SolutionDetail"),
		DisplayName:           types.StringValue("Microsoft Solution Detail"),
		DisplayCollectionName: types.StringValue("Microsoft Solution Details"),
		Description:           types.StringNull(),
		Ownership:             types.StringValue("organization"),
		PrimaryNameColumn: &primaryNameModel{
			SchemaName:  framework.NameValue("contoso_Name"),
			DisplayName: types.StringValue("Solution Name"),
			MaxLength:   types.Int64Value(200),
		},
	}
}

// The create body carries what dataverse-api.md §3 shows for a custom table:
// EntityMetadata type, labels, ownership, no activities/notes, and one
// primary name String column with FormatName Text.
func TestExpandTable(t *testing.T) {
	b, err := json.Marshal(expandTable(planFixture()))
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	if got["@odata.type"] != dataverse.ODataTypeEntityMetadata || got["SchemaName"] != "contoso_SolutionDetail" ||
		got["OwnershipType"] != "OrganizationOwned" || got["IsActivity"] != false || got["HasNotes"] != false {
		t.Fatalf("table body: %s", b)
	}
	if _, has := got["Description"]; has {
		t.Fatalf("a null description must not be sent: %s", b)
	}
	attrs := got["Attributes"].([]any)
	if len(attrs) != 1 {
		t.Fatalf("attributes: %s", b)
	}
	p := attrs[0].(map[string]any)
	if p["SchemaName"] != "contoso_Name" || p["IsPrimaryName"] != true || p["MaxLength"] != float64(200) ||
		p["AttributeType"] != "String" || p["FormatName"].(map[string]any)["Value"] != "Text" {
		t.Fatalf("primary column: %v", p)
	}
	label := p["DisplayName"].(map[string]any)["LocalizedLabels"].([]any)[0].(map[string]any)
	if label["Label"] != "Solution Name" || label["LanguageCode"] != float64(1033) {
		t.Fatalf("primary column label: %v", label)
	}
}

func TestFlattenTable(t *testing.T) {
	n := 150
	e := &dataverse.EntityMetadata{
		MetadataID: "0f1e2d3c-0000-4000-8000-000000000001", LogicalName: "contoso_solutiondetail", SchemaName: "contoso_SolutionDetail",
		EntitySetName: "contoso_solutiondetails", OwnershipType: "UserOwned",
		DisplayName: &dataverse.Label{LocalizedLabels: []dataverse.LocalizedLabel{
			{Label: "Lösungsdetail", LanguageCode: 1031}, {Label: "Solution Detail", LanguageCode: 1033}}},
		DisplayCollectionName: dataverse.NewLabel("Solution Details", 1033),
		Description:           &dataverse.Label{LocalizedLabels: []dataverse.LocalizedLabel{{Label: "", LanguageCode: 1033}}},
		PrimaryNameAttribute:  "contoso_name",
	}
	a := &dataverse.AttributeMetadata{SchemaName: "contoso_Name", LogicalName: "contoso_name", DisplayName: dataverse.NewLabel("Name", 1033), MaxLength: &n}
	m := tableModel{SolutionUniqueName: framework.NameValue("CosellConfig")}
	flattenTable(&m, e, a)
	switch {
	case m.ID.ValueString() != "contoso_solutiondetail", m.EntitySetName.ValueString() != "contoso_solutiondetails":
		t.Fatalf("ids: %v %v", m.ID, m.EntitySetName)
	case m.DisplayName.ValueString() != "Solution Detail":
		t.Fatalf("the English label must be read: %v", m.DisplayName)
	case !m.Description.IsNull():
		t.Fatalf("an empty description must read as null: %v", m.Description)
	case m.Ownership.ValueString() != "user":
		t.Fatalf("ownership %v", m.Ownership)
	case m.SolutionUniqueName.ValueString() != "CosellConfig":
		t.Fatal("solution_unique_name is not read back and must be kept")
	case m.PrimaryNameColumn.LogicalName.ValueString() != "contoso_name" || m.PrimaryNameColumn.MaxLength.ValueInt64() != 150:
		t.Fatalf("primary %+v", m.PrimaryNameColumn)
	}
	e.OwnershipType = "TeamOwned"
	flattenTable(&m, e, a)
	if m.Ownership.ValueString() != "TeamOwned" {
		t.Fatalf("other ownership types must show raw: %v", m.Ownership)
	}
}

func TestUpdateHelpers(t *testing.T) {
	a, b := planFixture(), planFixture()
	if labelsChanged(a, b) || primaryChanged(a.PrimaryNameColumn, b.PrimaryNameColumn) {
		t.Fatal("equal models reported as changed")
	}
	b.Description = types.StringValue("x")
	c := planFixture()
	c.PrimaryNameColumn = &primaryNameModel{SchemaName: c.PrimaryNameColumn.SchemaName, DisplayName: c.PrimaryNameColumn.DisplayName, MaxLength: types.Int64Value(300)}
	if !labelsChanged(a, b) || !primaryChanged(a.PrimaryNameColumn, c.PrimaryNameColumn) {
		t.Fatal("changes not detected")
	}
	// A cleared description is written as an empty English label (facts.go §5).
	var def dataverse.EntityMetadata
	applyLabels(&def, a)
	if def.Description == nil || len(def.Description.LocalizedLabels) != 1 || def.Description.LocalizedLabels[0].Label != "" {
		t.Fatalf("cleared description: %+v", def.Description)
	}
	var col dataverse.AttributeMetadata
	applyPrimary(&col, c.PrimaryNameColumn)
	if *col.MaxLength != 300 || col.DisplayName.Text(1033) != "Solution Name" {
		t.Fatalf("primary update: %+v", col)
	}
}

func TestCheckPrimaryPrefix(t *testing.T) {
	s := framework.NameValue
	for _, tc := range []struct {
		table, column framework.Name
		want          string
	}{
		{s("contoso_Catalogue"), s("contoso_Name"), ""},
		{s("contoso_Catalogue"), s("fabrik_Name"), `name the column "contoso_Name"`},
		{s("contoso_Catalogue"), framework.NameUnknown(), ""},
		{s("Catalogue"), s("fabrik_Name"), ""}, // the schema name validator reports the table
	} {
		got := checkPrimaryPrefix(tc.table, tc.column)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("checkPrimaryPrefix(%v, %v) = %q, want %q", tc.table, tc.column, got, tc.want)
		}
	}
}

package solutiondetail

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/types"
)

func TestCheckSolutionID(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // substring of the message; "" = accepted
	}{
		{"SOL-15974-MQF", ""}, // the connector doc's sample
		{"SOL-22010-XYZ", ""}, // referral samples
		{"SOL-31337-ABC", ""},
		{"SOL-1-A1B", ""},
		{"3f2b6c1e-8d4a-4e5f-9a0b-1c2d3e4f5a6b", ""}, // Microsoft solution (GUID)
		{"3F2B6C1E-8D4A-4E5F-9A0B-1C2D3E4F5A6B", ""},
		{"sol-15974-mqf", `write "SOL-15974-MQF"`},
		{"SOL-15974", "SOL-<digits>-<three upper-case letters or digits>"},
		{"SOL-ABCDE-MQF", "is not a solution id"},
		{"SOL-15974-MQFX", "is not a solution id"},
		{" SOL-15974-MQF", "Remove the surrounding spaces"},
		{"", "or a Microsoft solution's GUID"},
		{"3f2b6c1e-8d4a-4e5f-9a0b", "is not a solution id"},
	} {
		got := checkSolutionID(tc.in)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("checkSolutionID(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckType(t *testing.T) {
	for in, want := range map[string]string{
		"3P": "", "1P": "", "Partner solution": "",
		"":                       "must not be empty",
		" 3P":                    `write "3P"`,
		strings.Repeat("x", 101): "at most 100",
	} {
		got := checkType(in)
		if want == "" && got != "" || want != "" && !strings.Contains(got, want) {
			t.Errorf("checkType(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestParseImportID(t *testing.T) {
	for _, tc := range []struct {
		in, table, key, err string
	}{
		{"msft_solutiondetail/SOL-15974-MQF", "msft_solutiondetail", "SOL-15974-MQF", ""},
		{"contoso_solutiondetail/c05e11d0-0000-4000-8000-000000000001", "contoso_solutiondetail", "c05e11d0-0000-4000-8000-000000000001", ""},
		{"SOL-15974-MQF", "", "", "is not <table>/<record id>"},
		{"msft_solutiondetail/", "", "", "is not <table>/<record id>"},
		{"MSFT_SolutionDetail/SOL-15974-MQF", "", "", "custom table's logical name"},
		{"msft_solutiondetail/sol-1-abc", "", "", "record id (a GUID) or its solution id"},
	} {
		table, key, err := parseImportID(tc.in)
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("parseImportID(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || table != tc.table || key != tc.key {
			t.Errorf("parseImportID(%q) = %q, %q, %v", tc.in, table, key, err)
		}
	}
}

func obj(vals map[string]attr.Value) types.Object {
	for _, k := range columnNames {
		if _, ok := vals[k]; !ok {
			vals[k] = types.StringNull()
		}
	}
	return types.ObjectValueMust(columnAttrTypes, vals)
}

// Column names the configuration leaves out follow the table's prefix.
func TestPlanColumns(t *testing.T) {
	def := planColumns(types.ObjectNull(columnAttrTypes), types.StringValue(defaultTable))
	c, err := columnsFrom(def)
	if err != nil {
		t.Fatal(err)
	}
	if c != (columns{"msft_solutionidentifier", "msft_name", "msft_solutiontype", "msft_publishername"}) {
		t.Fatalf("defaults of the default table: %+v", c)
	}
	mixed := planColumns(obj(map[string]attr.Value{"name": types.StringValue("contoso_title")}), types.StringValue("contoso_catalogue"))
	if c, _ := columnsFrom(mixed); c.Name != "contoso_title" || c.SolutionID != "contoso_solutionidentifier" || c.PublisherName != "contoso_publishername" {
		t.Fatalf("configured name with derived others: %+v", c)
	}
	unknownTable := planColumns(types.ObjectNull(columnAttrTypes), types.StringUnknown())
	if !hasUnknown(unknownTable) {
		t.Fatal("columns must be unknown while the table is unknown")
	}
	if _, err := columnsFrom(unknownTable); err == nil {
		t.Fatal("columnsFrom accepted unknown names")
	}
	if !planColumns(types.ObjectUnknown(columnAttrTypes), types.StringValue(defaultTable)).IsUnknown() {
		t.Fatal("unknown configuration must stay unknown")
	}
}

func TestRecordBodies(t *testing.T) {
	c, _ := defaultColumns(defaultTable)
	plan := detailModel{SolutionID: types.StringValue("SOL-1-ABC"), Name: types.StringValue("Northwind"),
		Type: types.StringNull(), PublisherName: types.StringValue("Northwind Consulting")}
	rec := expandRecord(plan, c)
	if len(rec) != 3 || rec["msft_solutionidentifier"] != "SOL-1-ABC" || rec["msft_publishername"] != "Northwind Consulting" {
		t.Fatalf("create body: %v", rec)
	}
	if _, has := rec["msft_solutiontype"]; has {
		t.Fatal("a null type must not be written on create")
	}
	state := plan
	state.Type = types.StringValue("3P")
	state.Name = types.StringValue("Old name")
	patch := changedColumns(plan, state, c)
	if len(patch) != 2 || patch["msft_name"] != "Northwind" || patch["msft_solutiontype"] != nil {
		t.Fatalf("patch: %v", patch)
	}
	if v, has := patch["msft_solutiontype"]; !has || v != nil {
		t.Fatal("a removed type must be cleared with null")
	}
	full := fullRecord(plan, c)
	if v, has := full["msft_solutiontype"]; !has || v != nil || len(full) != 4 {
		t.Fatalf("full record: %v", full)
	}
}

func TestDuplicateColumn(t *testing.T) {
	o := obj(map[string]attr.Value{"name": types.StringValue("x_a"), "type": types.StringValue("x_a")})
	if first, second, name := duplicateColumn(o); first != "name" || second != "type" || name != "x_a" {
		t.Fatalf("duplicate: %q %q %q", first, second, name)
	}
	if _, _, name := duplicateColumn(obj(map[string]attr.Value{"name": types.StringValue("x_a")})); name != "" {
		t.Fatal("false duplicate")
	}
}

package environmentvariable

import (
	"strings"
	"testing"
)

func TestCheckValue(t *testing.T) {
	for _, tc := range []struct {
		typ, value string
		want       string // substring of the message; "" = valid
	}{
		{typeBoolean, "yes", ""},
		{typeBoolean, "no", ""},
		{typeBoolean, "maybe", "write yes or no"},
		{typeBoolean, "true", "write yes or no"},
		{typeBoolean, "Yes", "lower case"},
		{typeNumber, "42", ""},
		{typeNumber, "-3.5", ""},
		{typeNumber, "1.2e3", ""},
		{typeNumber, "12abc", "not a number"},
		{typeNumber, "1,000", "thousands separators"},
		{typeNumber, "NaN", "decimal number"},
		{typeNumber, "", "not a number"},
		{typeJSON, `{"a":[1,2]}`, ""},
		{typeJSON, `"text"`, ""},
		{typeJSON, `{not json`, "not valid JSON"},
		{typeString, "anything at all", ""},
		{typeDataSource, "https://contoso.sharepoint.com/sites/sales", ""},
		{typeSecret, "x", "Azure Key Vault"},
	} {
		got := checkValue(tc.typ, "pfx_var", tc.value)
		if tc.want == "" && got != "" || tc.want != "" && !strings.Contains(got, tc.want) {
			t.Errorf("checkValue(%s, %q) = %q, want message containing %q", tc.typ, tc.value, got, tc.want)
		}
	}
}

func TestCheckLength(t *testing.T) {
	if msg := checkLength(strings.Repeat("é", maxValueLength)); msg != "" {
		t.Errorf("2000 characters (4000 bytes) rejected: %s", msg)
	}
	if msg := checkLength(strings.Repeat("a", maxValueLength+1)); !strings.Contains(msg, "2001 characters") {
		t.Errorf("2001 characters: %q", msg)
	}
}

func TestCheckDefinitionType(t *testing.T) {
	for _, ok := range []string{typeString, typeNumber, typeBoolean, typeJSON} {
		if msg := checkDefinitionType(ok); msg != "" {
			t.Errorf("%s refused: %s", ok, msg)
		}
	}
	for typ, want := range map[string]string{
		"text": "write string (Text), number, boolean (Yes/No) or json", typeSecret: "Azure Key Vault",
		typeDataSource: "cannot be created", "String": "not an environment variable type",
	} {
		if msg := checkDefinitionType(typ); !strings.Contains(msg, want) {
			t.Errorf("checkDefinitionType(%q) = %q, want %q", typ, msg, want)
		}
	}
}

func TestTypeNames(t *testing.T) {
	for name, code := range typeCodes {
		if typeName(code) != name {
			t.Errorf("typeName(%d) = %s, want %s", code, typeName(code), name)
		}
	}
	if typeName(42) != typeString {
		t.Errorf("unknown code should read as string")
	}
}

package environmentvariable

import (
	"encoding/json"
	"fmt"
	"regexp"
	"unicode/utf8"
)

// maxValueLength is the size of the value and default value columns (Memo 2000).
const maxValueLength = 2000

var numberRE = regexp.MustCompile(`^-?[0-9]+(\.[0-9]+)?([eE][+-]?[0-9]+)?$`)

// checkValue returns "" when v is a valid value for a variable of the given
// type name (typeString, …), or a message saying what is wrong and how to
// write it instead. what names the variable in the message.
func checkValue(typeName, what, v string) string {
	switch typeName {
	case typeBoolean:
		if v != "yes" && v != "no" {
			return fmt.Sprintf("%q is not a Yes/No value for %s: write yes or no (lower case, the form Dataverse stores).", v, what)
		}
	case typeNumber:
		if !numberRE.MatchString(v) {
			return fmt.Sprintf("%q is not a number for %s: write a decimal number such as 42, -3.5 or 1.2e3 (no thousands separators or units).", v, what)
		}
	case typeJSON:
		var x any
		if err := json.Unmarshal([]byte(v), &x); err != nil {
			return fmt.Sprintf("the value of %s is not valid JSON (%v). Write a JSON document, e.g. with jsonencode({ ... }).", what, err)
		}
	case typeSecret:
		return secretRefusal(what)
	}
	return ""
}

// checkLength returns "" when v fits the Memo 2000 value column.
func checkLength(v string) string {
	if n := utf8.RuneCountInString(v); n > maxValueLength {
		return fmt.Sprintf("the value is %d characters long; Dataverse stores at most %d. Shorten it.", n, maxValueLength)
	}
	return ""
}

// secretRefusal is the guidance for Secret variables (facts.go §3).
func secretRefusal(what string) string {
	return fmt.Sprintf("%s is a Secret environment variable. This provider will not put secrets in Terraform state: "+
		"store the secret in Azure Key Vault and reference it there — set the variable's Key Vault secret reference "+
		"(/subscriptions/<id>/resourceGroups/<rg>/providers/Microsoft.KeyVault/vaults/<vault>/secrets/<name>) in the Power Apps maker portal "+
		"or in the solution's deployment settings, not with cosell_environment_variable.", what)
}

// checkDefinitionType returns "" when t may be given in a definition block.
func checkDefinitionType(t string) string {
	switch t {
	case typeString, typeNumber, typeBoolean, typeJSON:
		return ""
	case typeSecret:
		return secretRefusal("the definition")
	case typeDataSource:
		return "data_source definitions need a connection reference and parameter key and cannot be created by this provider; " +
			"create the definition in the maker portal and leave out the definition block to set its value. " +
			"Allowed types here: string, number, boolean, json."
	}
	return fmt.Sprintf("%q is not an environment variable type this provider creates: write string (Text), number, boolean (Yes/No) or json.", t)
}

package crmfield_test

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	sdkacctest "github.com/hashicorp/terraform-plugin-testing/helper/acctest"
	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/cosell-labs/terraform-provider-cosell/internal/acctest"
)

// prefix is the publisher prefix of every test column.
const prefix = "cstf"

// names returns a unique schema name and its logical name.
func names(base string) (schemaName, logical string) {
	s := prefix + "_" + base + sdkacctest.RandStringFromCharSet(6, "abcdefghijklmnopqrstuvwxyz")
	return s, strings.ToLower(s)
}

// dataverseWrites counts POST/PUT/PATCH/DELETE requests the emulator's
// Dataverse service has answered so far.
func dataverseWrites(t *testing.T) int {
	m := acctest.Emulator(t).Metrics()
	n := 0
	for _, method := range []string{"POST", "PUT", "PATCH", "DELETE"} {
		n += m.Total("dataverse", method)
	}
	return n
}

// noWrites runs a test case and fails if any Dataverse write happened.
func noWrites(t *testing.T, tc resource.TestCase) {
	t.Helper()
	before := dataverseWrites(t)
	resource.Test(t, tc)
	if after := dataverseWrites(t); after != before {
		t.Errorf("%d Dataverse writes were made; bad input must be rejected before any write", after-before)
	}
}

// errorLike matches CLI error output: words may be wrapped onto "│ " lines,
// parts may be far apart.
func errorLike(parts ...string) *regexp.Regexp {
	q := make([]string, len(parts))
	for i, p := range parts {
		words := strings.Fields(p)
		for j, w := range words {
			words[j] = regexp.QuoteMeta(w)
		}
		q[i] = strings.Join(words, `[\s│]+`)
	}
	return regexp.MustCompile(`(?s)` + strings.Join(q, ".*"))
}

// column returns the emulator's definition of a column (OptionSet expanded).
func column(t *testing.T, table, logical string) (map[string]any, bool) {
	return acctest.Emulator(t).Dataverse().Attribute(table, logical)
}

// text reads a label's English text from rendered metadata.
func text(v any) string {
	m, _ := v.(map[string]any)
	for _, raw := range asList(m["LocalizedLabels"]) {
		ll, _ := raw.(map[string]any)
		if fmt.Sprint(ll["LanguageCode"]) == "1033" {
			s, _ := ll["Label"].(string)
			return s
		}
	}
	return ""
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

// options renders a choice column's options as "value=label" strings.
func options(col map[string]any) []string {
	os, _ := col["OptionSet"].(map[string]any)
	var out []string
	for _, raw := range asList(os["Options"]) {
		o, _ := raw.(map[string]any)
		out = append(out, fmt.Sprintf("%v=%s", o["Value"], text(o["Label"])))
	}
	return out
}

// str renders a metadata value for comparison ({"Value": x} wrappers unwrapped).
func str(v any) string {
	if m, ok := v.(map[string]any); ok {
		if inner, ok := m["Value"]; ok {
			return str(inner)
		}
	}
	if f, ok := v.(float64); ok {
		return strconv.FormatFloat(f, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// checkColumn compares properties of the emulator's column definition
// ("DisplayName" and other labels by English text, wrappers unwrapped).
func checkColumn(t *testing.T, table, logical string, want map[string]string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		col, ok := column(t, table, logical)
		if !ok {
			return fmt.Errorf("column %s/%s does not exist in the emulator", table, logical)
		}
		for k, w := range want {
			got := str(col[k])
			if k == "DisplayName" || k == "Description" {
				got = text(col[k])
			}
			if got != w {
				return fmt.Errorf("column %s/%s: %s = %q, want %q", table, logical, k, got, w)
			}
		}
		return nil
	}
}

func checkOptions(t *testing.T, table, logical string, want ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		col, ok := column(t, table, logical)
		if !ok {
			return fmt.Errorf("column %s/%s does not exist", table, logical)
		}
		if got := options(col); strings.Join(got, ",") != strings.Join(want, ",") {
			return fmt.Errorf("column %s/%s options = %v, want %v", table, logical, got, want)
		}
		return nil
	}
}

// checkPublished asserts that the last publishes included each table.
func checkPublished(t *testing.T, tables ...string) resource.TestCheckFunc {
	return func(*terraform.State) error {
		xml := acctest.Emulator(t).Dataverse().PublishedXML()
		for _, tbl := range tables {
			found := false
			for i := len(xml) - 1; i >= 0 && i >= len(xml)-10; i-- {
				found = found || strings.Contains(xml[i], "<entity>"+tbl+"</entity>")
			}
			if !found {
				return fmt.Errorf("table %s was not published (recent PublishXml: %v)", tbl, xml[max(0, len(xml)-3):])
			}
		}
		return nil
	}
}

// checkDestroyed is a CheckDestroy: every cosell_crm_field of the state is
// gone from the emulator, and so is a lookup's relationship.
func checkDestroyed(t *testing.T) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		for _, rs := range s.RootModule().Resources {
			if rs.Type != "cosell_crm_field" {
				continue
			}
			table, logical := rs.Primary.Attributes["table"], rs.Primary.Attributes["logical_name"]
			if _, ok := column(t, table, logical); ok {
				return fmt.Errorf("column %s/%s still exists after destroy", table, logical)
			}
			if rel := rs.Primary.Attributes["relationship_schema_name"]; rel != "" {
				if _, ok := acctest.Emulator(t).Dataverse().Relationship(rel); ok {
					return fmt.Errorf("relationship %s still exists after destroy", rel)
				}
			}
		}
		return nil
	}
}

func testCase(t *testing.T, steps ...resource.TestStep) resource.TestCase {
	return resource.TestCase{
		PreCheck:                 func() { acctest.PreCheck(t) },
		ProtoV6ProviderFactories: acctest.ProtoV6ProviderFactories,
		CheckDestroy:             checkDestroyed(t),
		Steps:                    steps,
	}
}

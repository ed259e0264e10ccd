package adoption_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/statecheck"

	dvemu "github.com/cosell-labs/terraform-provider-cosell/internal/emulator/dataverse"
)

// emulatorCheck runs a check of the emulator's data as a state check.
type emulatorCheck func() error

func (f emulatorCheck) CheckState(_ context.Context, _ statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = f()
}

// schemaObjects are the tables and columns the adoption must keep: same
// MetadataId before and after (a replacement would give new ones).
var schemaObjects = map[string][]string{
	"opportunity":                {"msft_microsoftpartnercenterreferralsync", "msft_microsoftpartnercenterhelp", "msft_microsoftpartnercentersolutions"},
	"msft_solutiondetail":        {"msft_solutionidentifier", "msft_name"},
	"msft_partnercentersolution": {"msft_opportunityid", "msft_solutiondetailid"},
}

func metadataIDs(t *testing.T, dv *dvemu.Service) map[string]any {
	t.Helper()
	ids := map[string]any{}
	for table, cols := range schemaObjects {
		if table != "opportunity" {
			tb, ok := dv.Table(table)
			if !ok {
				t.Fatalf("the manual install lacks the table %s", table)
			}
			ids[table] = tb["MetadataId"]
		}
		for _, c := range cols {
			a, ok := dv.Attribute(table, c)
			if !ok {
				t.Fatalf("the manual install lacks the column %s.%s", table, c)
			}
			ids[table+"."+c] = a["MetadataId"]
		}
	}
	return ids
}

func sameSchema(dv *dvemu.Service, before map[string]any) error {
	for table, cols := range schemaObjects {
		if table != "opportunity" {
			tb, ok := dv.Table(table)
			if !ok || tb["MetadataId"] != before[table] {
				return fmt.Errorf("the table %s was replaced or deleted (MetadataId %v, before %v)", table, tb["MetadataId"], before[table])
			}
		}
		for _, c := range cols {
			a, ok := dv.Attribute(table, c)
			if !ok || a["MetadataId"] != before[table+"."+c] {
				return fmt.Errorf("the column %s.%s was replaced or deleted", table, c)
			}
		}
	}
	return nil
}

// moduleValue checks a string attribute of a resource in a child module
// (statecheck.ExpectKnownValue looks in the root module only).
type moduleValue struct{ address, attribute, want string }

func (c moduleValue) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	if req.State == nil || req.State.Values == nil {
		resp.Error = fmt.Errorf("no state")
		return
	}
	for _, m := range req.State.Values.RootModule.ChildModules {
		for _, r := range m.Resources {
			if r.Address == c.address {
				if got := fmt.Sprint(r.AttributeValues[c.attribute]); got != c.want {
					resp.Error = fmt.Errorf("%s.%s = %q, want %q", c.address, c.attribute, got, c.want)
				}
				return
			}
		}
	}
	resp.Error = fmt.Errorf("%s not found in state", c.address)
}

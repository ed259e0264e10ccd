package acctest

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-testing/plancheck"
	"github.com/hashicorp/terraform-plugin-testing/statecheck"
	"github.com/hashicorp/terraform-plugin-testing/tfversion"
)

// WriteOnlyCLIs are the CLIs that accept write-only attributes (OpenTofu
// and Terraform 1.11+); a test of write-only values skips on older ones.
var WriteOnlyCLIs = tfversion.SkipBelow(tfversion.Version1_11_0)

// NoWriteOnlyCLIs are the CLIs that refuse write-only values (Terraform
// 1.5 here): tests of that refusal skip on newer ones.
var NoWriteOnlyCLIs = tfversion.SkipAbove(tfversion.Version1_10_0)

// RandomSecret is a fresh, unguessable value: finding it anywhere it
// should not be can only be a leak.
func RandomSecret(t testing.TB, prefix string) string {
	t.Helper()
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// PlanLacks fails when the plan (as `show -json` gives it) contains any of
// the secrets in what it plans: values, changes, prior state, variables and
// outputs. Its "configuration" section is left out: it repeats the
// configuration's source, where a test writes its secrets as literals (a
// real configuration takes them from an ephemeral variable or resource).
func PlanLacks(secrets ...string) plancheck.PlanCheck { return lacks{secrets} }

// StateLacks fails when the state (as `show -json` gives it) contains any of
// the secrets.
func StateLacks(secrets ...string) statecheck.StateCheck { return lacks{secrets} }

type lacks struct{ secrets []string }

func (l lacks) CheckPlan(_ context.Context, req plancheck.CheckPlanRequest, resp *plancheck.CheckPlanResponse) {
	if req.Plan == nil {
		resp.Error = fmt.Errorf("no plan to scan")
		return
	}
	p := *req.Plan
	p.Config = nil
	resp.Error = l.scan("plan", p)
}

func (l lacks) CheckState(_ context.Context, req statecheck.CheckStateRequest, resp *statecheck.CheckStateResponse) {
	resp.Error = l.scan("state", req.State)
}

func (l lacks) scan(what string, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return err
	}
	if len(b) < 100 {
		return fmt.Errorf("the %s is nearly empty (%s): nothing was scanned", what, b)
	}
	for _, s := range l.secrets {
		if i := strings.Index(string(b), s); i >= 0 {
			return fmt.Errorf("the %s contains a write-only secret: …%s…", what, b[max(0, i-80):i])
		}
	}
	return nil
}

package connection

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/dataverse"
	"github.com/cosell-labs/terraform-provider-cosell/internal/powerplatform"
	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

// fakeRefs is an in-memory connectionreferences table.
type fakeRefs struct {
	rows    []dataverse.ConnectionReference
	patches []string // "<id>=<connection>"
	// races answers the next patches with 412; applyRaced applies them
	// first (a success the client never saw, then a 412 on the re-send).
	races      int
	applyRaced bool
}

func (f *fakeRefs) GetConnectionReference(_ context.Context, n string) (*dataverse.ConnectionReference, error) {
	for i := range f.rows {
		if strings.EqualFold(f.rows[i].LogicalName, n) {
			r := f.rows[i]
			return &r, nil
		}
	}
	return nil, fmt.Errorf("connection reference %s: %w", n, dataverse.ErrNotFound)
}

func (f *fakeRefs) ListConnectionReferences(_ context.Context, filter string) ([]dataverse.ConnectionReference, error) {
	var out []dataverse.ConnectionReference
	for _, r := range f.rows {
		if filter == "" || filter == dataverse.EqString("connectionid", r.ConnectionID) {
			out = append(out, r)
		}
	}
	return out, nil
}

func (f *fakeRefs) SetConnectionReferenceConnection(_ context.Context, id, conn string) error {
	f.patches = append(f.patches, id+"="+conn)
	if f.races > 0 {
		f.races--
		if f.applyRaced {
			for i := range f.rows {
				if f.rows[i].ID == id {
					f.rows[i].ConnectionID = conn
				}
			}
		}
		return &dataverse.Error{StatusCode: 412, Code: dataverse.CodeConcurrencyVersionMismatch}
	}
	for i := range f.rows {
		if f.rows[i].ID == id {
			f.rows[i].ConnectionID = conn
			return nil
		}
	}
	return fmt.Errorf("row %s: %w", id, dataverse.ErrNotFound)
}

func newFakeRefs() *fakeRefs {
	cid := powerplatform.ConnectorID
	return &fakeRefs{rows: []dataverse.ConnectionReference{
		{ID: "1", LogicalName: "msft_ref_a", ConnectorID: cid(powerplatform.APIPartnerCenterReferrals)},
		{ID: "2", LogicalName: "msft_ref_b", ConnectorID: cid(powerplatform.APIPartnerCenterReferrals), ConnectionID: "other"},
		{ID: "3", LogicalName: "msft_dv", ConnectorID: cid(powerplatform.APIDataverse)},
	}}
}

func TestCheckReferences(t *testing.T) {
	f := newFakeRefs()
	referrals, _ := connectorByValue("partner_center_referrals")
	refs, problems, err := checkReferences(context.Background(), f, referrals, []string{"msft_ref_a", "MSFT_REF_B"})
	if err != nil || len(problems) != 0 || len(refs) != 2 {
		t.Fatalf("%v %v %v", refs, problems, err)
	}
	_, problems, err = checkReferences(context.Background(), f, referrals, []string{"msft_missing", "msft_dv", "msft_ref_a"})
	if err != nil || len(problems) != 2 {
		t.Fatalf("problems %v %v", problems, err)
	}
	available, _ := referencesOf(context.Background(), f, referrals.API)
	detail := problemDetail(problems, referrals, available)
	for _, want := range []string{`"msft_missing" does not exist`, `"msft_dv" is for connector shared_commondataserviceforapps, not shared_partnercenterref`,
		"msft_ref_a, msft_ref_b", "Nothing was created"} {
		if !strings.Contains(detail, want) {
			t.Errorf("detail lacks %q:\n%s", want, detail)
		}
	}
	events, _ := connectorByValue("partner_center_events")
	if d := problemDetail(problems, events, nil); !strings.Contains(d, "no connection references of the Partner Center Events connector") {
		t.Errorf("empty list: %s", d)
	}
	if len(f.patches) != 0 {
		t.Errorf("checking wrote: %v", f.patches)
	}
}

func TestBindReadUnbind(t *testing.T) {
	ctx := context.Background()
	f := newFakeRefs()
	referrals, _ := connectorByValue("partner_center_referrals")
	refs, _, _ := checkReferences(ctx, f, referrals, []string{"msft_ref_a", "msft_ref_b"})
	var diags diag.Diagnostics
	bound, err := bindReferences(ctx, f, refs, "mine", &diags)
	if err != nil || len(bound) != 2 || strings.Join(f.patches, ",") != "1=mine,2=mine" {
		t.Fatalf("bind: %v %v %v", bound, err, f.patches)
	}
	// msft_ref_b pointed at another connection: a warning names both.
	if diags.WarningsCount() != 1 || !strings.Contains(diags.Warnings()[0].Detail(), `"msft_ref_b" pointed at connection other; it now points at mine`) {
		t.Errorf("re-bind warning: %v", diags)
	}
	// Already bound: no second write, no warning.
	diags = nil
	refs, _, _ = checkReferences(ctx, f, referrals, []string{"msft_ref_a"})
	if _, err := bindReferences(ctx, f, refs, "MINE", &diags); err != nil || len(f.patches) != 2 || diags.WarningsCount() != 0 {
		t.Errorf("rebind wrote: %v %v", f.patches, diags)
	}
	if got, _ := discoverBound(ctx, f, referrals.API, "mine"); strings.Join(got, ",") != "msft_ref_a,msft_ref_b" {
		t.Errorf("discover: %v", got)
	}
	// Drift: b re-bound elsewhere, a reference deleted.
	f.rows[1].ConnectionID = "someone-else"
	got, err := boundTo(ctx, f, []string{"msft_ref_a", "msft_ref_b", "msft_gone"}, "mine")
	if err != nil || strings.Join(got, ",") != "msft_ref_a" {
		t.Errorf("boundTo: %v %v", got, err)
	}
	// Unbind only what still points here.
	f.patches = nil
	if err := unbindReferences(ctx, f, []string{"msft_ref_a", "msft_ref_b", "msft_gone"}, "mine"); err != nil {
		t.Fatal(err)
	}
	if strings.Join(f.patches, ",") != "1=" || f.rows[1].ConnectionID != "someone-else" {
		t.Errorf("unbind: %v %+v", f.patches, f.rows)
	}
	if got := minus([]string{"a", "B", "c"}, []string{"b"}); strings.Join(got, ",") != "a,c" {
		t.Errorf("minus: %v", got)
	}
}

func TestRetryEnvironmentNotFound(t *testing.T) {
	old := envRetryInterval
	envRetryInterval = time.Millisecond
	defer func() { envRetryInterval = old }()
	notFound := &powerplatform.Error{StatusCode: 404, Code: powerplatform.CodeServiceToServiceEnvironmentNotFound}
	calls := 0
	err := retryEnvironmentNotFound(context.Background(), func() error {
		calls++
		if calls < 3 {
			return notFound
		}
		return nil
	})
	if err != nil || calls != 3 {
		t.Errorf("retried %d times: %v", calls, err)
	}
	// Other errors are not retried.
	calls = 0
	other := errors.New("boom")
	if err := retryEnvironmentNotFound(context.Background(), func() error { calls++; return other }); err != other || calls != 1 {
		t.Errorf("other error: %d %v", calls, err)
	}
	// The context ends the wait and returns the last error.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	envRetryInterval = time.Hour
	if err := retryEnvironmentNotFound(ctx, func() error { return notFound }); !powerplatform.IsEnvironmentNotFound(err) {
		t.Errorf("cancelled: %v", err)
	}
}

// Dataverse finds a reference whatever the case of its logical name; the
// names bound (saved in state) must keep the configuration's spelling, or
// the CLI reports "Provider produced inconsistent result after apply".
func TestBindReferencesKeepsConfiguredSpelling(t *testing.T) {
	f := newFakeRefs()
	referrals, _ := connectorByValue("partner_center_referrals")
	names := []string{"MSFT_Ref_A", "msft_REF_b"}
	refs, problems, err := checkReferences(context.Background(), f, referrals, names)
	if err != nil || len(problems) != 0 {
		t.Fatalf("%v %v", problems, err)
	}
	bound, err := bindReferences(context.Background(), f, refs, "conn1", &diag.Diagnostics{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(bound, ",") != strings.Join(names, ",") {
		t.Errorf("bound = %v, want the configured spelling %v", bound, names)
	}
	if strings.Join(f.patches, ",") != "1=conn1,2=conn1" {
		t.Errorf("patches = %v", f.patches)
	}
}

// A 412 on a binding re-reads the reference and decides again: a race with
// another writer is retried; a success the client never saw (applied, then
// 412 on the re-send) is recognised on the re-read, with no further write.
func TestBind412ReReadsAndDecidesAgain(t *testing.T) {
	ctx := context.Background()
	referrals, _ := connectorByValue("partner_center_referrals")
	for _, tc := range []struct {
		name       string
		races      int
		applyRaced bool
		wantPatch  string
	}{
		{"race", 2, false, "1=mine,1=mine,1=mine"},
		{"unseen success", 1, true, "1=mine"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeRefs()
			refs, _, _ := checkReferences(ctx, f, referrals, []string{"msft_ref_a"})
			f.races, f.applyRaced = tc.races, tc.applyRaced
			bound, err := bindReferences(ctx, f, refs, "mine", &diag.Diagnostics{})
			if err != nil || strings.Join(bound, ",") != "msft_ref_a" || f.rows[0].ConnectionID != "mine" {
				t.Fatalf("bound %v, err %v, row %+v", bound, err, f.rows[0])
			}
			if got := strings.Join(f.patches, ","); got != tc.wantPatch {
				t.Errorf("patches %s, want %s", got, tc.wantPatch)
			}
		})
	}
}

// A race that never ends is an error after the bound, not a loop.
func TestBind412Bounded(t *testing.T) {
	ctx := context.Background()
	f := newFakeRefs()
	referrals, _ := connectorByValue("partner_center_referrals")
	refs, _, _ := checkReferences(ctx, f, referrals, []string{"msft_ref_a"})
	f.races = 100
	_, err := bindReferences(ctx, f, refs, "mine", &diag.Diagnostics{})
	if !dataverse.IsPreconditionFailed(err) || len(f.patches) != transport.DefaultConflictRounds {
		t.Fatalf("err %v after %d patches", err, len(f.patches))
	}
}

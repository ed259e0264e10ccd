package framework

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestWithTimeoutAppliesValue(t *testing.T) {
	var diags diag.Diagnostics
	var gotDefault time.Duration
	get := func(_ context.Context, def time.Duration) (time.Duration, diag.Diagnostics) {
		gotDefault = def
		return time.Hour, nil
	}
	ctx, cancel, ok := WithTimeout(context.Background(), get, 5*time.Minute, &diags)
	defer cancel()
	if !ok || diags.HasError() || gotDefault != 5*time.Minute {
		t.Fatalf("ok=%v diags=%v default=%v", ok, diags, gotDefault)
	}
	dl, has := ctx.Deadline()
	if !has || time.Until(dl) <= 30*time.Minute || time.Until(dl) > time.Hour {
		t.Errorf("deadline %v (set %v), want about an hour from now", dl, has)
	}
	cancel()
	if ctx.Err() == nil {
		t.Error("cancel did not cancel the context")
	}
}

func TestWithTimeoutStopsOnBadValue(t *testing.T) {
	var diags diag.Diagnostics
	diags.AddWarning("earlier", "kept")
	get := func(context.Context, time.Duration) (time.Duration, diag.Diagnostics) {
		var d diag.Diagnostics
		d.AddError("Timeout Cannot Be Parsed", "bad")
		return 0, d
	}
	parent := context.Background()
	ctx, cancel, ok := WithTimeout(parent, get, time.Minute, &diags)
	cancel() // a no-op, but must be callable
	if ok || ctx != parent {
		t.Errorf("ok=%v, ctx changed=%v", ok, ctx != parent)
	}
	if len(diags) != 2 || diags[1].Summary() != "Timeout Cannot Be Parsed" {
		t.Errorf("diags = %v", diags)
	}
}

func TestDataverseWithoutProvider(t *testing.T) {
	var diags diag.Diagnostics
	if dv := Dataverse(context.Background(), nil, "CRM table x", &diags); dv != nil {
		t.Fatal("got a client from an unconfigured provider")
	}
	if len(diags) != 1 || diags[0].Summary() != "Provider not configured" ||
		!strings.Contains(diags[0].Detail(), "before CRM table x was used") {
		t.Errorf("diags = %v", diags)
	}
}

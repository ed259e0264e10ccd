package webhook

import (
	"context"
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

func TestExpand(t *testing.T) {
	ctx := context.Background()
	var diags diag.Diagnostics
	m := registrationModel{
		URL:                          types.StringValue(hookURL),
		Events:                       stringSet([]string{"test-created", "referral-created"}),
		SignatureInMSSignatureHeader: types.BoolValue(false),
	}
	r := expand(ctx, m, &diags)
	if diags.HasError() || r.WebhookURL != hookURL || strings.Join(r.WebhookEvents, ",") != "referral-created,test-created" ||
		r.SignatureTokenToMsSignatureHeader == nil || *r.SignatureTokenToMsSignatureHeader {
		t.Errorf("expand = %+v %v", r, diags)
	}
	m.SignatureInMSSignatureHeader = types.BoolNull()
	if r := expand(ctx, m, &diags); !*r.SignatureTokenToMsSignatureHeader {
		t.Error("an unknown signature flag must be sent as the default, true")
	}
}

func TestDefaultEventsAreTheReferralEvents(t *testing.T) {
	var diags diag.Diagnostics
	got := eventNames(context.Background(), defaultEvents(), &diags)
	if !sameEvents(got, []string{"referral-created", "referral-updated", "related-referral-created", "related-referral-updated"}) {
		t.Errorf("default events = %v", got)
	}
}

func TestStringSetDropsDuplicates(t *testing.T) {
	if n := len(stringSet([]string{"a", "b", "a"}).Elements()); n != 2 {
		t.Errorf("%d elements, want 2", n)
	}
}

func TestSameEventsAndDisarmed(t *testing.T) {
	if !sameEvents([]string{"b", "a"}, []string{"a", "b"}) || sameEvents([]string{"a"}, []string{"a", "b"}) || sameEvents([]string{"A"}, []string{"a"}) {
		t.Error("sameEvents")
	}
	if !isDisarmed([]string{"test-created"}) || isDisarmed([]string{"test-created", "referral-created"}) || isDisarmed(nil) {
		t.Error("isDisarmed")
	}
}

func TestRedactAndHost(t *testing.T) {
	if h := hostOf(hookURL); h != "prod-07.westeurope.logic.azure.com:443" {
		t.Errorf("hostOf = %q", h)
	}
	if h := hostOf("not a url"); strings.Contains(h, "not a url") {
		t.Errorf("hostOf echoes an unparseable value: %q", h)
	}
	msg := `Post "` + hookURL + `": dial tcp; also sig=abc&x=1 and SIG=def`
	got := redact(msg, hookURL)
	for _, leak := range []string{"TopSecretSig", "sig=abc", "SIG=def", "/workflows/abc"} {
		if strings.Contains(got, leak) {
			t.Errorf("redact left %q in %q", leak, got)
		}
	}
	if !strings.Contains(got, "prod-07.westeurope.logic.azure.com") {
		t.Errorf("redact should keep the host: %q", got)
	}
}

func TestFormatResult(t *testing.T) {
	for _, tc := range []struct {
		in   partnercenter.ValidationResult
		want string
	}{
		{result("OK", ""), "OK"},
		{result("NotFound", "  no\nsuch   flow "), "NotFound: no such flow"},
		{partnercenter.ValidationResult{SystemError: "true", ResponseMessage: "timeout"}, "SystemError: timeout"},
		{partnercenter.ValidationResult{}, "NoResponse"},
	} {
		if got := formatResult(tc.in, hookURL); got != tc.want {
			t.Errorf("formatResult(%+v) = %q, want %q", tc.in, got, tc.want)
		}
	}
	long := formatResult(result("BadRequest", strings.Repeat("x", 1000)), "")
	if len([]rune(long)) > maxResultMessage+len("BadRequest: ")+1 {
		t.Errorf("message not cut: %d chars", len(long))
	}
}

func TestCheckEventName(t *testing.T) {
	for _, ok := range []string{"referral-created", "test-created", "usagerecords-thresholdExceeded", "granular-admin-relationship-approved"} {
		if msg := checkEventName(ok); msg != "" {
			t.Errorf("%s rejected: %s", ok, msg)
		}
	}
	msg := checkEventName("referral-deleted")
	for _, want := range []string{`"referral-deleted" is not a documented`, "`referral-created`", "`related-referral-updated`", "`test-created`", "`dap-admin-relationship-*`"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message %q lacks %q", msg, want)
		}
	}
	if msg := checkEventName("Referral-Created"); !strings.Contains(msg, `case-sensitive: write "referral-created"`) {
		t.Errorf("case hint missing: %q", msg)
	}
	if msg := checkEventName("dap-admin-relationship-"); msg == "" {
		t.Error("a bare family prefix is not an event")
	}
}

func TestFlattenEvents(t *testing.T) {
	m := flattenEvents([]string{"test-created", "referral-updated", "invoice-ready", "referral-created"})
	if len(m.Events) != 4 || len(m.ReferralEvents) != 2 || m.ReferralEvents[0].ValueString() != "referral-updated" {
		t.Errorf("flattenEvents = %+v", m)
	}
	if m := flattenEvents(nil); m.Events == nil || m.ReferralEvents == nil {
		t.Error("empty lists, not null")
	}
}

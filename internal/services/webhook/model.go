// Package webhook holds the Partner Center webhook registration resource and
// the webhook events data source.
package webhook

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

// registrationModel is cosell_webhook_registration as Terraform sees it.
type registrationModel struct {
	ID                           types.String   `tfsdk:"id"`
	URL                          types.String   `tfsdk:"url"`
	URLWO                        types.String   `tfsdk:"url_wo"` // write-only: set only in the configuration
	URLWOVersion                 types.Int64    `tfsdk:"url_wo_version"`
	Events                       types.Set      `tfsdk:"events"`
	SignatureInMSSignatureHeader types.Bool     `tfsdk:"signature_in_ms_signature_header"`
	Overwrite                    types.Bool     `tfsdk:"overwrite"`
	Validate                     types.Bool     `tfsdk:"validate"`
	SubscriberID                 types.String   `tfsdk:"subscriber_id"`
	ValidationStatus             types.String   `tfsdk:"validation_status"`
	ValidationResult             types.String   `tfsdk:"validation_result"`
	Timeouts                     timeouts.Value `tfsdk:"timeouts"`
}

// defaultEvents is the events default: the four referral events.
func defaultEvents() types.Set {
	return stringSet(partnercenter.ReferralEvents())
}

// stringSet builds a set of strings (duplicates, which a set cannot hold, dropped).
func stringSet(vals []string) types.Set {
	elems := make([]attr.Value, 0, len(vals))
	seen := map[string]bool{}
	for _, v := range vals {
		if !seen[v] {
			seen[v] = true
			elems = append(elems, types.StringValue(v))
		}
	}
	return types.SetValueMust(types.StringType, elems)
}

// eventNames returns the set's strings, sorted (unknown/null: nil).
func eventNames(ctx context.Context, s types.Set, diags *diag.Diagnostics) []string {
	if s.IsNull() || s.IsUnknown() {
		return nil
	}
	var out []string
	diags.Append(s.ElementsAs(ctx, &out, false)...)
	slices.Sort(out)
	return out
}

// expand builds the wire registration from a plan.
func expand(ctx context.Context, m registrationModel, diags *diag.Diagnostics) partnercenter.Registration {
	sig := true
	if !m.SignatureInMSSignatureHeader.IsNull() && !m.SignatureInMSSignatureHeader.IsUnknown() {
		sig = m.SignatureInMSSignatureHeader.ValueBool()
	}
	return partnercenter.Registration{
		WebhookURL:                        m.URL.ValueString(),
		WebhookEvents:                     eventNames(ctx, m.Events, diags),
		SignatureTokenToMsSignatureHeader: &sig,
	}
}

// sameEvents compares event lists as sets (case-sensitive, as the API matches them).
func sameEvents(a, b []string) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// isDisarmed reports a registration left by our destroy: only test-created.
func isDisarmed(events []string) bool {
	return sameEvents(events, []string{partnercenter.EventTestCreated})
}

func strOrNull(s string) types.String {
	if s == "" {
		return types.StringNull()
	}
	return types.StringValue(s)
}

// urlHash is what private state remembers of a URL we wrote.
func urlHash(u string) string {
	sum := sha256.Sum256([]byte(u))
	return hex.EncodeToString(sum[:])
}

// hostOf names a URL by its host only: webhook URLs may carry a sig secret.
func hostOf(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "(a URL that is not absolute)"
	}
	return u.Host
}

var sigRE = regexp.MustCompile(`(?i)(sig=)[^&\s"'<>]+`)

// redact removes what may be secret from a message that Partner Center (or
// the receiver) produced: the webhook URL itself (replaced by its host) and
// any sig= value.
func redact(msg, webhookURL string) string {
	if webhookURL != "" {
		msg = strings.ReplaceAll(msg, webhookURL, "https://"+hostOf(webhookURL)+"/…")
	}
	return sigRE.ReplaceAllString(msg, "${1}REDACTED")
}

// oneLine trims a message to one line of at most n characters.
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// normalizeTenant is the resource id form of a tenant id.
func normalizeTenant(t string) string { return strings.ToLower(strings.TrimSpace(t)) }

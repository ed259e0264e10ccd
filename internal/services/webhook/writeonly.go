package webhook

import (
	"context"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
)

// Private-state keys of url_wo (facts.go §7).
const (
	// privateURLWriteOnly marks a registration last written from url_wo:
	// Read then keeps the URL it reads out of state.
	privateURLWriteOnly = "url_write_only"
	// privateRemoteURL holds what Read saw of the registered URL in that
	// case: its SHA-256 and host (never the URL).
	privateRemoteURL = "remote_url"
)

var (
	pathURLWO        = path.Root("url_wo")
	pathURLWOVersion = path.Root("url_wo_version")
	pathSubscriberID = path.Root("subscriber_id")
)

// validateURLVariants: exactly one of url and url_wo; url_wo_version only
// with url_wo.
func validateURLVariants(cfg *registrationModel, diags *diag.Diagnostics) {
	switch {
	case !cfg.URL.IsNull() && !cfg.URLWO.IsNull():
		diags.AddAttributeError(pathURLWO, "Conflicting webhook URLs",
			"Both url and url_wo are set; set only one. url_wo (OpenTofu 1.11+ or Terraform 1.11+) keeps the URL and its sig secret "+
				"out of state and plan: remove url to use it, or remove url_wo and url_wo_version to keep the URL in state.")
	case cfg.URL.IsNull() && cfg.URLWO.IsNull():
		diags.AddAttributeError(pathURL, "Missing webhook URL",
			"Set url_wo (OpenTofu 1.11+ or Terraform 1.11+; kept out of state and plan) or url (older CLIs; stored in state, marked "+
				"sensitive) to the https:// URL Partner Center posts events to, normally the HTTP POST URL of the \"When a HTTP request "+
				"is received\" trigger of the connector's \"Partner Center to Dynamics 365\" flow.")
	}
	if !cfg.URLWOVersion.IsNull() && cfg.URLWO.IsNull() {
		diags.AddAttributeError(pathURLWOVersion, "url_wo_version without url_wo",
			"url_wo_version only says when to send url_wo again. Set url_wo with it, or remove url_wo_version "+
				"(a changed url is sent by itself).")
	}
}

// wantURL is the URL to register: url from the plan, else url_wo from the
// configuration (the plan holds write-only values as null). known is false
// while it is unknown.
func wantURL(plan, config registrationModel) (u string, known bool) {
	if !plan.URL.IsNull() {
		return plan.URL.ValueString(), !plan.URL.IsUnknown()
	}
	return config.URLWO.ValueString(), !config.URLWO.IsUnknown()
}

// remoteURL is what private state holds of a registered URL.
type remoteURL struct {
	SHA256 string `json:"sha256"`
	Host   string `json:"host"`
}

func urlWriteOnly(ctx context.Context, p privateState, diags *diag.Diagnostics) bool {
	raw, d := p.GetKey(ctx, privateURLWriteOnly)
	diags.Append(d...)
	return string(raw) == "true"
}

// setURLWriteOnly records whether the write of written came from url_wo,
// and then what is registered now (a plan without refresh sees no Read).
func setURLWriteOnly(ctx context.Context, p privateState, on bool, written string, diags *diag.Diagnostics) {
	if !on {
		diags.Append(p.SetKey(ctx, privateRemoteURL, nil)...)
		diags.Append(p.SetKey(ctx, privateURLWriteOnly, nil)...)
		return
	}
	setRemoteURL(ctx, p, written, diags)
	diags.Append(p.SetKey(ctx, privateURLWriteOnly, []byte("true"))...)
}

func setRemoteURL(ctx context.Context, p privateState, u string, diags *diag.Diagnostics) {
	b, _ := json.Marshal(remoteURL{SHA256: urlHash(u), Host: hostOf(u)})
	diags.Append(p.SetKey(ctx, privateRemoteURL, b)...)
}

// getRemoteURL reads what Read last saw (zero when nothing).
func getRemoteURL(ctx context.Context, p privateState, diags *diag.Diagnostics) remoteURL {
	raw, d := p.GetKey(ctx, privateRemoteURL)
	diags.Append(d...)
	var r remoteURL
	if len(raw) > 0 && json.Unmarshal(raw, &r) != nil {
		return remoteURL{}
	}
	return r
}

package webhook

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/cosell-labs/terraform-provider-cosell/internal/partnercenter"
)

// privateState is the part of the framework's private state API we use
// (satisfied by *privatestate.ProviderData).
type privateState interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// ownedHash reads the hash of the URL we last wrote ("" when unknown).
func ownedHash(ctx context.Context, p privateState, diags *diag.Diagnostics) string {
	if p == nil {
		return ""
	}
	raw, d := p.GetKey(ctx, privateOwnedURL)
	diags.Append(d...)
	var h string
	if len(raw) > 0 && json.Unmarshal(raw, &h) != nil {
		return ""
	}
	return h
}

// setOwned remembers (the hash of) the URL we wrote.
func setOwned(ctx context.Context, p privateState, webhookURL string, diags *diag.Diagnostics) {
	if p == nil {
		return
	}
	b, _ := json.Marshal(urlHash(webhookURL))
	diags.Append(p.SetKey(ctx, privateOwnedURL, b)...)
}

// writeAction is what a create or update does with the current registration.
type writeAction int

const (
	actionPost     writeAction = iota // none exists
	actionPut                         // ours, the same URL, or overwrite = true
	actionConflict                    // another tool's URL and overwrite = false
)

// decideWrite picks the write for want given the current registration (nil
// = none). owned is the hash of the URL this resource last wrote ("" on
// create: nothing is ours yet).
func decideWrite(cur *partnercenter.Registration, wantURL, owned string, overwrite bool) writeAction {
	switch {
	case cur == nil:
		return actionPost
	case cur.WebhookURL == wantURL, owned != "" && urlHash(cur.WebhookURL) == owned, overwrite:
		return actionPut
	}
	return actionConflict
}

// isOurs reports whether the current registration points at the URL we last
// wrote (owned), falling back to the URL in state when private state has
// nothing (a state written before private state was used).
func isOurs(cur *partnercenter.Registration, owned, stateURL string) bool {
	if cur == nil {
		return false
	}
	if owned != "" {
		return urlHash(cur.WebhookURL) == owned
	}
	return cur.WebhookURL == stateURL
}

// conflictDetail explains a registration taken by another URL, naming only its host.
func conflictDetail(cur *partnercenter.Registration, tenant string, onCreate bool) string {
	what := "Partner Center's webhook registration for this tenant points at another URL, on host " + hostOf(cur.WebhookURL) + "."
	if !onCreate {
		what = "Partner Center's webhook registration for this tenant now points at another URL, on host " + hostOf(cur.WebhookURL) +
			": another tool (the connector's \"Partner Center Webhook Registration\" flow, another Terraform workspace, CIPP, …) replaced the URL this resource manages."
	}
	fix := "Set overwrite = true to replace it with this configuration's url, or import it with " +
		fmt.Sprintf("`terraform import <resource address> %s` to manage the registration as it is.", tenant)
	if !onCreate {
		fix = "Set overwrite = true to take it back, or remove this resource from the state (`terraform state rm`) to leave the registration to the other tool."
	}
	return what + " Partner Center keeps one registration per partner tenant, so writing this one would stop event delivery to that URL. " +
		"Nothing was changed. " + fix
}

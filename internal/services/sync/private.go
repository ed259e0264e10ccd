package sync

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-log/tflog"

	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
)

// privateSettled is the private-state key holding the last apply's settled
// record versions (engine.Settled): about 8 bytes per record the next run
// may list again, base64 in a JSON string. It is not part of the schema, so
// it never shows in a plan; losing it only makes the next run decide the
// re-listed records again.
const privateSettled = "settled"

type privateGetter interface {
	GetKey(ctx context.Context, key string) ([]byte, diag.Diagnostics)
}

type privateSetter interface {
	SetKey(ctx context.Context, key string, value []byte) diag.Diagnostics
}

// settledFrom reads the set; one it cannot read is ignored (logged).
func settledFrom(ctx context.Context, p privateGetter) *engine.Settled {
	if p == nil {
		return nil
	}
	raw, diags := p.GetKey(ctx, privateSettled)
	if diags.HasError() || len(raw) == 0 {
		return nil
	}
	var enc string
	if err := json.Unmarshal(raw, &enc); err != nil {
		tflog.Warn(ctx, "cosell_sync: ignoring unreadable settled versions in private state", map[string]any{"error": err.Error()})
		return nil
	}
	b, err := base64.StdEncoding.DecodeString(enc)
	if err == nil {
		var s *engine.Settled
		if s, err = engine.UnmarshalSettled(b); err == nil {
			return s
		}
	}
	tflog.Warn(ctx, "cosell_sync: ignoring unreadable settled versions in private state", map[string]any{"error": err.Error()})
	return nil
}

// storeSettled keeps s for the next run (nil clears it).
func storeSettled(ctx context.Context, p privateSetter, s *engine.Settled, diags *diag.Diagnostics) {
	if p == nil {
		return
	}
	if s == nil {
		diags.Append(p.SetKey(ctx, privateSettled, nil)...)
		return
	}
	b, err := s.MarshalBinary()
	if err != nil {
		diags.AddError("Storing the settled record versions of cosell_sync", err.Error())
		return
	}
	raw, _ := json.Marshal(base64.StdEncoding.EncodeToString(b))
	diags.Append(p.SetKey(ctx, privateSettled, raw)...)
}

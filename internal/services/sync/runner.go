package sync

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	engine "github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/syncio"
)

// runner is the part of the engine the resource and the data source use.
type runner interface {
	Plan(ctx context.Context, o engine.Options) (engine.Report, error)
	Run(ctx context.Context, o engine.Options) (engine.Report, error)
}

// newRunner builds the engine over the provider's clients; host is the
// Dataverse organisation host (the resource id).
func newRunner(ctx context.Context, c *conns.Client) (_ runner, host string, _ error) {
	if c == nil {
		return nil, "", fmt.Errorf("the cosell provider is not configured; this is a bug in the provider")
	}
	rc, err := c.Referrals(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("configuring the Referrals API: %w", err)
	}
	dv, err := c.Dataverse(ctx)
	if err != nil {
		return nil, "", fmt.Errorf("configuring Dataverse: %w", err)
	}
	return engine.New(syncio.NewPartnerCenter(rc), syncio.NewDynamics(dv)), orgHost(dv.OrgURL()), nil
}

func orgHost(orgURL string) string {
	if u, err := url.Parse(orgURL); err == nil && u.Host != "" {
		return u.Host
	}
	return orgURL
}

// addRunError reports an engine error; a missing snapshot column gets the
// fix, on the attribute that names it.
func addRunError(diags *diag.Diagnostics, action, object string, o engine.Options, err error) {
	var missing *syncio.MissingColumnError
	if errors.As(err, &missing) && missing.Table == engine.TableOpportunity && missing.Column == o.SnapshotColumn {
		diags.AddAttributeError(path.Root("snapshot_column"), "The sync snapshot column does not exist",
			fmt.Sprintf("The opportunity table has no column %q, where %s keeps the last synced state of each pair. Create it "+
				"(a memo column, e.g. with the cosell-connector-schema module's sync_snapshot_column, or a cosell_crm_field of "+
				"type \"memo\" and max_length 100000), or set snapshot_column to the logical name of the column you use. "+
				"Nothing was written.", missing.Column, object))
		return
	}
	diags.AddError(fmt.Sprintf("Error %s %s", action, object), err.Error())
}

package sync

import (
	"context"
	"fmt"
	"net/url"

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

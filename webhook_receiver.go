package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os/signal"
	"strings"
	"syscall"

	"github.com/cosell-labs/terraform-provider-cosell/internal/conns"
	"github.com/cosell-labs/terraform-provider-cosell/internal/provider"
	"github.com/cosell-labs/terraform-provider-cosell/internal/receiver"
	"github.com/cosell-labs/terraform-provider-cosell/internal/sync"
	"github.com/cosell-labs/terraform-provider-cosell/internal/syncio"
)

// receiverCommand is the first argument that runs the webhook receiver
// instead of the provider.
const receiverCommand = "webhook-receiver"

// runReceiver reads every setting (the receiver's flags/COSELL_RECEIVER_*,
// the provider's COSELL_*/ARM_* through the provider's own code, the sync's
// COSELL_SYNC_* through the engine's options), builds the clients and serves
// until SIGTERM/SIGINT. A bad setting stops it before it listens, naming the
// setting; the exit code is 2 for settings, 1 for a failure while serving.
func runReceiver(args []string, getenv func(string) string, stderr io.Writer) int {
	fail := func(code int, err error) int {
		fmt.Fprintf(stderr, "%s: %v\n", receiverCommand, err)
		return code
	}
	cfg, err := receiver.Load(args, getenv, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		return fail(2, err)
	}
	opts, err := receiver.SyncOptionsFromEnv(getenv)
	if err != nil {
		return fail(2, err)
	}
	cfg.Concurrency = opts.MaxParallelism // the same bound as the sync
	cc, err := provider.ConnsConfigFromEnv(version, getenv)
	if err != nil {
		return fail(2, err)
	}
	cc.Auth.HTTPClient = receiver.LimitDataverse(cc.Auth.HTTPClient, cc.DataverseURL)
	client, err := conns.New(cc)
	if err != nil {
		return fail(2, err)
	}
	ctx := context.Background()
	rc, err := client.Referrals(ctx)
	if err != nil {
		return fail(2, err)
	}
	dv, err := client.Dataverse(ctx)
	if err != nil {
		return fail(2, err)
	}
	logger := newLogger(cfg, stderr)
	for _, w := range client.Warnings() {
		logger.Warn(w)
	}
	eng := receiver.NewEngine(sync.New(syncio.NewPartnerCenter(rc), receiver.CacheReferenceData(syncio.NewDynamics(dv), receiver.ReferenceDataTTL)), opts)
	r, err := receiver.New(cfg, eng, receiver.Options{Logger: logger})
	if err != nil {
		return fail(2, err)
	}
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if err := r.Run(ctx); err != nil {
		return fail(1, err)
	}
	return 0
}

func newLogger(cfg receiver.Config, w io.Writer) *slog.Logger {
	var lvl slog.Level
	_ = lvl.UnmarshalText([]byte(strings.ToUpper(cfg.LogLevel)))
	ho := &slog.HandlerOptions{Level: lvl}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, ho))
	}
	return slog.New(slog.NewJSONHandler(w, ho))
}

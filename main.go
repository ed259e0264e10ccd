// Command terraform-provider-cosell serves the cosell provider to Terraform and OpenTofu.
package main

import (
	"context"
	"flag"
	"log"
	"os"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"

	"github.com/cosell-labs/terraform-provider-cosell/internal/provider"
)

// version is set by goreleaser / the Makefile through -ldflags "-X main.version=…".
var version = "dev"

func main() {
	// The subcommand is chosen only by the first argument, so Terraform and
	// OpenTofu (which pass none, or -debug) launch the provider as before.
	if len(os.Args) > 1 && os.Args[1] == receiverCommand {
		os.Exit(runReceiver(os.Args[2:], os.Getenv, os.Stderr))
	}
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers like delve")
	flag.Parse()

	err := providerserver.Serve(context.Background(), provider.New(version), providerserver.ServeOpts{
		Address: provider.Address,
		Debug:   debug,
	})
	if err != nil {
		log.Fatal(err.Error())
	}
}

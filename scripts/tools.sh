#!/usr/bin/env bash
# Builds the CLIs the acceptance tests and the demo drive, from the Go module proxy,
# into .tools/ (git-ignored). A CLI already built at the pinned version is kept.
set -euo pipefail

TOFU_VERSION="${TOFU_VERSION:-1.12.6}"
TERRAFORM_VERSION="${TERRAFORM_VERSION:-1.5.7}"   # last MPL-licensed release
TFPLUGINDOCS_VERSION="${TFPLUGINDOCS_VERSION:-v0.25.0}"

root="$(cd "$(dirname "$0")/.." && pwd)"
tools="$root/.tools"
mkdir -p "$tools/bin"
export GOFLAGS=-mod=mod

have() { # have <binary> <version-substring>
  # An empty CLI config: the machine may point TF_CLI_CONFIG_FILE at a missing
  # file. The whole output is read before matching: with pipefail, `| head`
  # can kill the CLI with SIGPIPE and make a cached binary look missing.
  [ -x "$tools/bin/$1" ] || return 1
  local out
  out="$(TF_CLI_CONFIG_FILE=/dev/null CHECKPOINT_DISABLE=1 "$tools/bin/$1" version 2>/dev/null)" || return 1
  [[ "${out%%$'\n'*}" == *"$2"* ]]
}

build_tofu() {
  if have tofu "v$TOFU_VERSION"; then echo "tofu v$TOFU_VERSION: cached"; return; fi
  echo "building OpenTofu v$TOFU_VERSION (2-4 minutes on a cold cache)"
  local dir
  dir="$(cd "$tools" && GOFLAGS= go mod download -json "github.com/opentofu/opentofu@v$TOFU_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')"
  rm -rf "$tools/src/opentofu"
  mkdir -p "$tools/src"
  cp -r "$dir" "$tools/src/opentofu"
  chmod -R u+w "$tools/src/opentofu"
  (cd "$tools/src/opentofu" && CGO_ENABLED=0 go build -trimpath \
     -ldflags "-s -w -X github.com/opentofu/opentofu/version.dev=no" \
     -o "$tools/bin/tofu" ./cmd/tofu)
  rm -rf "$tools/src/opentofu"
  have tofu "v$TOFU_VERSION" && echo "tofu v$TOFU_VERSION: built"
}

build_terraform() {
  if have terraform "v$TERRAFORM_VERSION"; then echo "terraform v$TERRAFORM_VERSION: cached"; return; fi
  echo "building Terraform v$TERRAFORM_VERSION (2-4 minutes on a cold cache)"
  (cd "$tools" && CGO_ENABLED=0 GOBIN="$tools/bin" GOFLAGS= go install -trimpath -ldflags "-s -w" \
     "github.com/hashicorp/terraform@v$TERRAFORM_VERSION")
  have terraform "v$TERRAFORM_VERSION" && echo "terraform v$TERRAFORM_VERSION: built"
}

build_tfplugindocs() {
  if [ -x "$tools/bin/tfplugindocs" ]; then echo "tfplugindocs: cached"; return; fi
  (cd "$root" && GOBIN="$tools/bin" go install "github.com/hashicorp/terraform-plugin-docs/cmd/tfplugindocs@$TFPLUGINDOCS_VERSION")
}

case "${1:-all}" in
  tofu) build_tofu ;;
  terraform) build_terraform ;;
  tfplugindocs) build_tfplugindocs ;;
  all) build_tofu; build_terraform; build_tfplugindocs ;;
  *) echo "usage: $0 [all|tofu|terraform|tfplugindocs]" >&2; exit 2 ;;
esac

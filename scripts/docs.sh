#!/usr/bin/env bash
# Generates docs/ with tfplugindocs from the provider's schema, offline:
# the schema comes from `terraform providers schema -json` run against the
# freshly built provider through a dev_overrides CLI config, so tfplugindocs
# never downloads a CLI. `validate` regenerates into a scratch copy and fails
# when docs/ is stale, then runs `tfplugindocs validate`.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
mode="${1:-generate}"
tools="$root/.tools"
work="$(mktemp -d)"
trap '[ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

mkdir -p "$work/plugins" "$work/schema"
go build -o "$work/plugins/terraform-provider-cosell" "$root"
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/cosell-labs/cosell" = "$work/plugins"
  }
  direct {}
}
CFG
cat > "$work/schema/main.tf" <<'TF'
terraform {
  required_providers {
    cosell = { source = "cosell-labs/cosell" }
  }
}
TF
TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 \
  "$tools/bin/terraform" -chdir="$work/schema" providers schema -json > "$work/schema.json" 2> "$work/schema.err" || {
  cat "$work/schema.err" >&2; exit 1; }
# tfplugindocs finds a schema by short name (or under hashicorp/), not by our
# namespace: key it by the short name.
sed -i 's#"registry.terraform.io/cosell-labs/cosell":#"cosell":#' "$work/schema.json"

generate() { # generate <provider-dir>
  (cd "$1" && "$tools/bin/tfplugindocs" generate --provider-name cosell --providers-schema "$work/schema.json" >/dev/null)
}

case "$mode" in
  generate)
    generate "$root"
    echo "docs/ regenerated"
    ;;
  validate)
    mkdir -p "$work/copy"
    cp -r "$root/examples" "$root/templates" "$work/copy/" 2>/dev/null || true
    [ -d "$root/docs" ] && cp -r "$root/docs" "$work/copy/"
    generate "$work/copy"
    if ! diff -ru "$root/docs" "$work/copy/docs"; then
      echo "docs/ is stale: run 'make docs' and commit the result" >&2
      exit 1
    fi
    if ! (cd "$root" && "$tools/bin/tfplugindocs" validate --provider-name cosell --providers-schema "$work/schema.json") > "$work/validate.log" 2>&1; then
      cat "$work/validate.log" >&2; exit 1
    fi
    echo "docs/ is current and valid"
    ;;
  *) echo "usage: $0 generate|validate" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# make demo: start the emulator, apply the demo configuration with the freshly
# built provider through OpenTofu, then change data behind Terraform's back and
# show the drift plan.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.tools/demo"
tofu="$root/.tools/bin/tofu"
rm -rf "$work"; mkdir -p "$work/config"

echo "==> building the emulator"
go build -o "$work/cosell-emulator" ./internal/emulator/cmd/cosell-emulator
# DEMO_SCENARIO=examples/emulator/throttled.json runs the same demo under throttling.
"$work/cosell-emulator" -dir "$work" ${DEMO_SCENARIO:+-scenario "$root/$DEMO_SCENARIO"} > "$work/emulator.log" 2>&1 &
emu_pid=$!
trap 'kill $emu_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do [ -s "$work/env.sh" ] && break; sleep 0.1; done
[ -s "$work/env.sh" ] || { cat "$work/emulator.log"; echo "emulator did not start" >&2; exit 1; }
# shellcheck disable=SC1091
source "$work/env.sh"
sed -n '1,20p' "$work/emulator.log"

# Use the provider built by `make build` instead of a registry download.
# OpenTofu looks the short source up under registry.opentofu.org, so both keys.
cat > "$work/cli.tfrc" <<CFG
provider_installation {
  dev_overrides {
    "registry.terraform.io/cosell-labs/cosell" = "$root"
    "registry.opentofu.org/cosell-labs/cosell" = "$root"
  }
  direct {}
}
CFG
export TF_CLI_CONFIG_FILE="$work/cli.tfrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
# The Dataverse connection signs in as the emulator's app registration.
export TF_VAR_tenant_id="$COSELL_TENANT_ID" TF_VAR_client_id="$COSELL_CLIENT_ID" TF_VAR_dataverse_client_secret="$COSELL_CLIENT_SECRET"
cp -r "$root/examples/demo/." "$work/config/"

echo; echo "==> tofu apply (examples/demo)"
"$tofu" -chdir="$work/config" apply -auto-approve -no-color
echo; echo "==> tofu output"
"$tofu" -chdir="$work/config" output -no-color

if [ -x "$root/examples/demo/drift.sh" ]; then
  echo; echo "==> someone edits the environment in the portal (emulator admin API)"
  TOFU="$tofu" bash "$root/examples/demo/drift.sh" "$work/config"
  echo; echo "==> tofu plan shows the drift"
  set +e
  "$tofu" -chdir="$work/config" plan -detailed-exitcode -no-color
  rc=$?
  set -e
  [ "$rc" = 2 ] && echo "==> drift detected (plan exit code 2)" || { echo "expected a drift plan, got exit code $rc" >&2; exit 1; }
fi

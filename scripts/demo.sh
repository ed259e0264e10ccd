#!/usr/bin/env bash
# make demo: start two emulated environments (staging and production), apply
# examples/complete to each in its own workspace with the freshly built
# provider through OpenTofu, then change production behind Terraform's back
# and show that plan sees both the configuration drift and the pending sync.
set -euo pipefail
start=$SECONDS
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$root/.tools/demo"
tofu="$root/.tools/bin/tofu"
rm -rf "$work"; mkdir -p "$work/config"

echo "==> building the emulator"
go build -o "$work/cosell-emulator" ./internal/emulator/cmd/cosell-emulator

# One emulator process per environment: each writes its own CA and env.sh.
# DEMO_SCENARIO=examples/emulator/throttled.json runs the same demo under throttling.
emu_pids=()
trap 'for p in "${emu_pids[@]}"; do kill "$p" 2>/dev/null || true; done' EXIT
for env in staging production; do
  echo "==> starting the $env emulator"
  mkdir -p "$work/$env"
  "$work/cosell-emulator" -dir "$work/$env" ${DEMO_SCENARIO:+-scenario "$root/$DEMO_SCENARIO"} > "$work/$env/emulator.log" 2>&1 &
  emu_pids+=($!)
done
for env in staging production; do
  for _ in $(seq 1 100); do [ -s "$work/$env/env.sh" ] && break; sleep 0.1; done
  [ -s "$work/$env/env.sh" ] || { cat "$work/$env/emulator.log"; echo "the $env emulator did not start" >&2; exit 1; }
  sed -n '1,8p' "$work/$env/emulator.log"
done

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
cp -r "$root/examples/complete/." "$work/config/"

# in_env ENV CMD...: run CMD with ENV's emulator endpoints and credentials, as
# a pipeline would run each workspace with its own COSELL_* variables.
in_env() {
  local env="$1"; shift
  (
    # shellcheck disable=SC1090
    source "$work/$env/env.sh"
    # The Dataverse connection signs in as the emulator's app registration.
    export TF_VAR_tenant_id="$COSELL_TENANT_ID" TF_VAR_client_id="$COSELL_CLIENT_ID" TF_VAR_dataverse_client_secret="$COSELL_CLIENT_SECRET"
    # Production's webhook target (the connector flow's HTTP trigger).
    export TF_VAR_webhook_url="https://prod-00.westus.logic.azure.com/workflows/demo/triggers/manual/paths/invoke?api-version=2016-06-01&sig=demo-signature"
    "$@"
  )
}
tf() { "$tofu" -chdir="$work/config" "$@" -no-color; }


for env in staging production; do
  echo; echo "==> tofu apply in workspace $env ($env.tfvars)"
  "$tofu" -chdir="$work/config" workspace new "$env" -no-color > /dev/null
  in_env "$env" tf apply -auto-approve -var-file="$env.tfvars"
  echo; echo "==> $env: sync report"
  in_env "$env" tf output sync_report
done

echo; echo "==> production: changes behind Terraform's back (emulator admin API)"
value_id="$(in_env production "$tofu" -chdir="$work/config" output -json environment_variable_value_ids | sed -n 's/.*"msft_synccosellopportunitiesonly": *"\([^"]*\)".*/\1/p')"
[ -n "$value_id" ] || { echo "no value id for msft_synccosellopportunitiesonly" >&2; exit 1; }
in_env production bash -c '
  set -euo pipefail
  echo "admin (portal): \"Sync co-sell opportunities only\" set to no"
  curl -sf --cacert "$SSL_CERT_FILE" -X PATCH -H "Content-Type: application/json" \
    -d "{\"value\":\"no\"}" "$COSELL_DATAVERSE_URL/_emulator/dataverse/environmentvariablevalues/$1" > /dev/null
  echo "Microsoft seller (Partner Center): notes of the Tailspin Toys referral changed"
  curl -sf --cacert "$SSL_CERT_FILE" -X PATCH -H "Content-Type: application/json" \
    -d "[{\"op\":\"replace\",\"path\":\"/details/notes\",\"value\":\"Microsoft: the customer now wants 120 seats.\"}]" \
    "$COSELL_PARTNER_CENTER_URL/_emulator/referrals/7d0f5b8e-1a2b-4c3d-9e8f-112233445566" > /dev/null
' _ "$value_id"

echo; echo "==> production: tofu plan shows the configuration drift and the pending sync"
set +e
in_env production tf plan -detailed-exitcode -var-file=production.tfvars
rc=$?
set -e
[ "$rc" = 2 ] && echo "==> drift detected (plan exit code 2)" || { echo "expected a drift plan, got exit code $rc" >&2; exit 1; }

echo; echo "==> production: tofu apply restores the variable and runs the sync"
in_env production tf apply -auto-approve -var-file=production.tfvars
echo; echo "==> production: sync report"
in_env production tf output sync_report

echo; echo "==> production: plan is clean again"
in_env production tf plan -detailed-exitcode -var-file=production.tfvars > /dev/null
echo; echo "==> demo finished in $((SECONDS - start))s"

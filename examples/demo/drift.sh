#!/usr/bin/env bash
# Someone changes the environment in the portal, behind Terraform's back:
# the emulator's admin API edits the rows as a portal user would.
set -euo pipefail
: "${COSELL_DATAVERSE_URL:?source the emulator env.sh first}"
config="${1:-.}"
tofu="${TOFU:-tofu}"
value_id="$("$tofu" -chdir="$config" output -raw cosell_only_value_id)"
echo "portal: 'Sync co-sell opportunities only' set back to no"
curl -sf --cacert "$SSL_CERT_FILE" -X PATCH -H 'Content-Type: application/json' \
  -d '{"value":"no"}' "$COSELL_DATAVERSE_URL/_emulator/dataverse/environmentvariablevalues/$value_id"

flow_id="$("$tofu" -chdir="$config" output -raw pc_to_d365_flow_id)"
echo "portal: flow 'Partner Center to Dynamics 365' switched off"
curl -sf --cacert "$SSL_CERT_FILE" -X PATCH -H 'Content-Type: application/json' \
  -d '{"statecode":0,"statuscode":1}' "$COSELL_DATAVERSE_URL/_emulator/dataverse/workflows/$flow_id"

echo "Microsoft seller: notes of the Tailspin Toys referral changed in Partner Center"
curl -sf --cacert "$SSL_CERT_FILE" -X PATCH -H 'Content-Type: application/json' \
  -d '[{"op":"replace","path":"/details/notes","value":"Microsoft: the customer now wants 120 seats."}]' \
  "$COSELL_PARTNER_CENTER_URL/_emulator/referrals/7d0f5b8e-1a2b-4c3d-9e8f-112233445566" > /dev/null

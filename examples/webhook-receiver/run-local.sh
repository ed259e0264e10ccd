#!/usr/bin/env bash
# Run the receiver against the emulator: start the emulator in one shell
# (`make emulator`), then run this from the repository root. env.sh holds the
# provider's COSELL_* settings plus COSELL_RECEIVER_CERTIFICATE_HOSTS/ROOTS,
# which trust the emulator's signing certificate.
set -euo pipefail
dir=${EMULATOR_DIR:-.tools/emulator}
# shellcheck disable=SC1091
. "$dir/env.sh"
go build -o terraform-provider-cosell .
exec ./terraform-provider-cosell webhook-receiver \
  -listen 127.0.0.1:8443 \
  -tls-cert "$dir/receiver-tls-cert.pem" -tls-key "$dir/receiver-tls-key.pem" \
  -sweep-interval 1m -log-format text

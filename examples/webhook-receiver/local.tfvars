# With run-local.sh running: `. .tools/emulator/env.sh` then apply with this file.
receiver_url = "https://127.0.0.1:8443/partner-center/events"

# The registration is one per partner tenant: its import id is the tenant id
# the provider is configured with (tenant_id / COSELL_TENANT_ID).
terraform import cosell_webhook_registration.connector 00000000-0000-4000-8000-00000000c0de

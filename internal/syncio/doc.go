// Package syncio implements the sync engine's ports (internal/sync) with the
// real clients: PartnerCenter over the Referrals API (internal/partnercenter)
// and Dynamics over the Dataverse Web API (internal/dataverse). It holds no
// decisions (the engine makes them) and no Terraform types (the webhook
// receiver uses it too): it pages with $select of what the engine asks for,
// fetches counterparts by key in chunked OR filters, batches Dataverse writes
// in $batch change sets, and turns HTTP 412/404 into the engine's
// ErrConflict/ErrNotFound. Every choice the reference leaves open is in
// choices.go.
package syncio

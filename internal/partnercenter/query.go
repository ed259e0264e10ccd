package partnercenter

import "github.com/cosell-labs/terraform-provider-cosell/internal/odata"

// queryBuilder is the shared OData query writer (odata.Query) under this
// package's name for it.
type queryBuilder struct{ odata.Query }

func (q *queryBuilder) add(key, value string) { q.Add(key, value) }

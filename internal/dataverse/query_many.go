package dataverse

import (
	"context"
	"fmt"
	"net/http"
)

// QueryMany runs several queries of one entity set and calls fn with every
// page of each. The first pages of all queries travel as GETs in one $batch
// (up to MaxBatchRequests per batch; Dataverse counts a $batch as one request
// against the service protection limits, dataverse-api.md §1.8/§1.10); later
// pages follow @odata.nextLink one by one. A single query is a plain Query.
func (c *Client) QueryMany(ctx context.Context, entitySet string, qs []Query, fn func(page []Record) error) error {
	if len(qs) == 1 {
		return c.Query(ctx, entitySet, qs[0], fn)
	}
	for start := 0; start < len(qs); start += MaxBatchRequests {
		chunk := qs[start:min(start+MaxBatchRequests, len(qs))]
		reqs := make([]BatchRequest, len(chunk))
		for i, q := range chunk {
			if q.MaxPageSize > 5000 || (q.MaxPageSize > 0 && q.Top > 0) {
				return fmt.Errorf("dataverse: query %d: MaxPageSize must be ≤ 5000 and not combined with Top", start+i)
			}
			path := entitySet
			if enc := q.encode(); enc != "" {
				path += "?" + enc
			}
			reqs[i] = BatchRequest{Method: http.MethodGet, Path: path, Header: headerWith(HeaderPrefer, q.prefer())}
		}
		resps, err := c.Batch(ctx, reqs, BatchOptions{})
		if err != nil {
			return err
		}
		for i := range chunk {
			if i >= len(resps) {
				return fmt.Errorf("dataverse: $batch answered %d of %d queries", len(resps), len(chunk))
			}
			if err := resps[i].Err(); err != nil {
				return err
			}
			var page recordPage
			if err := resps[i].Decode(&page); err != nil {
				return err
			}
			r := request{header: headerWith(HeaderPrefer, chunk[i].prefer())}
			if err := c.followPages(ctx, r, page, fn); err != nil {
				return err
			}
		}
	}
	return nil
}

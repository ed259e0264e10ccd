package dataverse

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// ChangeSetResult is the outcome of one change set of BatchChangeSets.
type ChangeSetResult struct {
	// Responses has one answer per operation, in request order, when the
	// change set committed.
	Responses []BatchResponse
	// Err is set when the change set was rolled back (nothing of it was
	// written): the failing operation's API error, or why no answer came.
	Err error
	// Failed is the index of the failing operation within the change set
	// (-1 when the server did not say which).
	Failed int
}

// BatchChangeSets sends each group of operations as one atomic change set,
// all in one $batch with Prefer: odata.continue-on-error (so one failed
// change set does not stop the others), and returns one result per set.
// The total number of operations must not exceed MaxBatchRequests. retrySafe
// marks the $batch as safe to re-send after an ambiguous failure; pass true
// only when every operation is idempotent (e.g. upserts to client-chosen ids).
func (c *Client) BatchChangeSets(ctx context.Context, sets [][]BatchRequest, retrySafe bool) ([]ChangeSetResult, error) {
	total := 0
	bs := make([]batchSet, len(sets))
	for i, set := range sets {
		if len(set) == 0 {
			return nil, fmt.Errorf("dataverse: change set %d is empty", i)
		}
		for j, r := range set {
			if r.Method == "" || r.Path == "" || r.Method == http.MethodGet {
				return nil, fmt.Errorf("dataverse: change set %d operation %d: needs a method other than GET and a path", i, j)
			}
		}
		total += len(set)
		bs[i] = batchSet{reqs: set, changeSet: true}
	}
	if total == 0 {
		return nil, errors.New("dataverse: empty batch")
	}
	if total > MaxBatchRequests {
		return nil, fmt.Errorf("dataverse: batch of %d exceeds %d operations", total, MaxBatchRequests)
	}
	resps, err := c.sendBatch(ctx, bs, true, retrySafe)
	if err != nil {
		return nil, err
	}
	// Content-IDs run 1..total across the batch (writeBatch).
	// A failed change set is answered by its failing part alone; a server
	// that leaves the Content-ID off it is matched to the next set with no
	// answers, in order.
	byCID := make(map[string]BatchResponse, len(resps))
	var orphans []BatchResponse
	for _, r := range resps {
		if r.ContentID != "" {
			byCID[r.ContentID] = r
		} else if r.Err() != nil {
			orphans = append(orphans, r)
		}
	}
	out := make([]ChangeSetResult, len(sets))
	n := 0
	for i, set := range sets {
		res := ChangeSetResult{Failed: -1}
		for j := range set {
			r, ok := byCID[strconv.Itoa(n+j+1)]
			switch {
			case !ok:
				continue
			case r.Err() != nil:
				res.Err, res.Failed = r.Err(), j
			default:
				res.Responses = append(res.Responses, r)
			}
		}
		if res.Err == nil && len(res.Responses) == 0 && len(orphans) > 0 {
			res.Err, orphans = orphans[0].Err(), orphans[1:]
		}
		if res.Err == nil && len(res.Responses) != len(set) {
			res.Err = fmt.Errorf("dataverse: change set %d: %d of %d operations answered; treated as not written", i, len(res.Responses), len(set))
		}
		if res.Err != nil {
			res.Responses = nil
		}
		out[i] = res
		n += len(set)
	}
	return out, nil
}

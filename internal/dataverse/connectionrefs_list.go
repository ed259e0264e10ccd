package dataverse

import (
	"context"
	"sort"
	"strings"
)

// ListConnectionReferences returns the connection references matching an
// OData filter ("" = all), sorted by logical name. Build the filter with
// EqString, e.g. EqString("connectionid", name).
func (c *Client) ListConnectionReferences(ctx context.Context, filter string) ([]ConnectionReference, error) {
	rows, err := c.QueryAll(ctx, SetConnectionReferences, Query{Select: connectionReferenceColumns, Filter: filter})
	if err != nil {
		return nil, err
	}
	out := make([]ConnectionReference, 0, len(rows))
	for _, r := range rows {
		out = append(out, *connectionReferenceFrom(r))
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i].LogicalName) < strings.ToLower(out[j].LogicalName) })
	return out, nil
}

package dataverse

import (
	"context"
	"fmt"
)

// LookupRelationship returns the 1:N relationship whose lookup column is
// table.attribute, read through the table's ManyToOneRelationships
// navigation filtered on ReferencingAttribute (metadata queries are not
// paged). It answers IsNotFound when no relationship owns that column, which
// is how an imported lookup column finds its relationship's schema name.
func (c *Client) LookupRelationship(ctx context.Context, table, attribute string) (*OneToManyRelationship, error) {
	var q queryBuilder
	q.add("$filter", EqString("ReferencingAttribute", attribute))
	var out struct {
		Value []OneToManyRelationship `json:"value"`
	}
	if err := c.metadataRead(ctx, entityDefPath(table)+"/ManyToOneRelationships", q.String(), &out); err != nil {
		return nil, err
	}
	for i := range out.Value {
		if out.Value[i].ReferencingAttribute == attribute {
			return &out.Value[i], nil
		}
	}
	return nil, fmt.Errorf("no relationship owns the lookup column %s.%s: %w", table, attribute, ErrNotFound)
}

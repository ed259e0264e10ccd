package dataverse

import (
	"context"
	"fmt"
	"strings"
)

// TableShape is what a generic reader and writer of a table's rows needs to
// know: its entity set, primary key, the type of each column, and the
// navigation property that binds each lookup (case-sensitive, dataverse-api.md
// §1.6: a customer lookup has one per target, e.g. customerid_account).
type TableShape struct {
	LogicalName        string
	EntitySetName      string
	PrimaryIDAttribute string
	// Types maps a column's logical name to its AttributeType
	// ("String", "Money", "Picklist", "Lookup", "Customer", "Boolean", …).
	Types map[string]string
	// Navs maps "<column>/<target table>" to the navigation property that
	// binds the lookup column to a row of the target table.
	Navs map[string]string
}

// Nav returns the navigation property binding column to a row of target.
func (s TableShape) Nav(column, target string) (string, bool) {
	n, ok := s.Navs[strings.ToLower(column)+"/"+strings.ToLower(target)]
	return n, ok
}

// IsLookup reports whether column is a lookup (Lookup, Customer or Owner).
func (s TableShape) IsLookup(column string) bool {
	switch s.Types[column] {
	case "Lookup", "Customer", "Owner":
		return true
	}
	return false
}

// GetTableShape reads a table's shape in one metadata request: the
// definition with its Attributes and ManyToOneRelationships expanded.
func (c *Client) GetTableShape(ctx context.Context, table string) (*TableShape, error) {
	var q queryBuilder
	q.add("$select", "LogicalName,EntitySetName,PrimaryIdAttribute")
	q.add("$expand", "Attributes($select=LogicalName,AttributeType),"+
		"ManyToOneRelationships($select=ReferencingAttribute,ReferencedEntity,ReferencingEntityNavigationPropertyName)")
	var def struct {
		LogicalName        string `json:"LogicalName"`
		EntitySetName      string `json:"EntitySetName"`
		PrimaryIDAttribute string `json:"PrimaryIdAttribute"`
		Attributes         []struct {
			LogicalName   string `json:"LogicalName"`
			AttributeType string `json:"AttributeType"`
		} `json:"Attributes"`
		ManyToOne []struct {
			ReferencingAttribute string `json:"ReferencingAttribute"`
			ReferencedEntity     string `json:"ReferencedEntity"`
			Nav                  string `json:"ReferencingEntityNavigationPropertyName"`
		} `json:"ManyToOneRelationships"`
	}
	if err := c.metadataRead(ctx, entityDefPath(table), q.String(), &def); err != nil {
		return nil, fmt.Errorf("read the shape of table %s: %w", table, err)
	}
	s := &TableShape{LogicalName: def.LogicalName, EntitySetName: def.EntitySetName, PrimaryIDAttribute: def.PrimaryIDAttribute,
		Types: map[string]string{}, Navs: map[string]string{}}
	for _, a := range def.Attributes {
		s.Types[a.LogicalName] = a.AttributeType
	}
	for _, r := range def.ManyToOne {
		if r.Nav != "" {
			s.Navs[strings.ToLower(r.ReferencingAttribute)+"/"+strings.ToLower(r.ReferencedEntity)] = r.Nav
		}
	}
	return s, nil
}

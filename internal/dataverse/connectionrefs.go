package dataverse

import (
	"context"
	"errors"
)

// SetConnectionReferences is the connection reference table's entity set.
const SetConnectionReferences = "connectionreferences"

// ConnectionReference is a row of connectionreferences.
type ConnectionReference struct {
	ID          string
	LogicalName string
	DisplayName string
	ConnectorID string // e.g. /providers/Microsoft.PowerApps/apis/shared_commondataserviceforapps
	// ConnectionID is the connection's name in API hub ("" = not bound).
	ConnectionID string
	Description  string
	StateCode    int
	StatusCode   int
	ETag         string
}

var connectionReferenceColumns = []string{
	"connectionreferenceid", "connectionreferencelogicalname", "connectionreferencedisplayname",
	"connectorid", "connectionid", "description", "statecode", "statuscode",
}

func connectionReferenceFrom(r Record) *ConnectionReference {
	cr := &ConnectionReference{
		ID: r.String("connectionreferenceid"), LogicalName: r.String("connectionreferencelogicalname"),
		DisplayName: r.String("connectionreferencedisplayname"), ConnectorID: r.String("connectorid"),
		ConnectionID: r.String("connectionid"), Description: r.String("description"), ETag: r.ETag(),
	}
	if v, ok := r.Int("statecode"); ok {
		cr.StateCode = int(v)
	}
	if v, ok := r.Int("statuscode"); ok {
		cr.StatusCode = int(v)
	}
	return cr
}

// GetConnectionReference looks a connection reference up by logical name.
// None gives an error for which IsNotFound is true.
func (c *Client) GetConnectionReference(ctx context.Context, logicalName string) (*ConnectionReference, error) {
	r, err := c.first(ctx, SetConnectionReferences,
		Query{Select: connectionReferenceColumns, Filter: EqString("connectionreferencelogicalname", logicalName)},
		"connection reference "+logicalName)
	if err != nil {
		return nil, err
	}
	return connectionReferenceFrom(r), nil
}

// CreateConnectionReference creates a connection reference (in solution when
// not empty) and returns its id.
func (c *Client) CreateConnectionReference(ctx context.Context, ref ConnectionReference, solution string) (string, error) {
	if ref.LogicalName == "" || ref.ConnectorID == "" {
		return "", errors.New("dataverse: connection reference needs a logical name and a connector id")
	}
	rec := Record{
		"connectionreferencelogicalname": ref.LogicalName,
		"connectionreferencedisplayname": ref.DisplayName,
		"connectorid":                    ref.ConnectorID,
	}
	if ref.ConnectionID != "" {
		rec["connectionid"] = ref.ConnectionID
	}
	if ref.Description != "" {
		rec["description"] = ref.Description
	}
	if ref.ID != "" {
		rec["connectionreferenceid"] = ref.ID
	}
	return c.CreateInSolution(ctx, SetConnectionReferences, rec, solution)
}

// SetConnectionReferenceConnection binds a connection reference to a
// connection (its name); "" unbinds it.
func (c *Client) SetConnectionReferenceConnection(ctx context.Context, id, connectionID string) error {
	return c.Update(ctx, SetConnectionReferences, id, Record{"connectionid": nullIfEmpty(connectionID)}, "*")
}

// DeleteConnectionReference deletes a connection reference.
func (c *Client) DeleteConnectionReference(ctx context.Context, id string) error {
	return c.Delete(ctx, SetConnectionReferences, id, "")
}

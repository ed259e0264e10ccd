package dataverse

import (
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/cosell-labs/terraform-provider-cosell/internal/transport"
)

func entityDefPath(table string) string {
	return "EntityDefinitions(LogicalName=" + Quote(table) + ")"
}

func attributeDefPath(table, attribute string) string {
	return entityDefPath(table) + "/Attributes(LogicalName=" + Quote(attribute) + ")"
}

// metadataRead is a GET with Consistency: Strong (facts.go §5).
func (c *Client) metadataRead(ctx context.Context, path, query string, v any) error {
	_, err := c.getJSON(ctx, request{path: path, query: query, header: headerWith(HeaderConsistency, "Strong")}, v)
	return err
}

// castSegment turns "StringAttributeMetadata" or the full type name into the
// URI cast segment; "" stays "".
func castSegment(castType string) string {
	if castType == "" || strings.HasPrefix(castType, odataTypePrefix) {
		return castType
	}
	return odataTypePrefix + castType
}

func castHasOptionSet(cast string) bool {
	for _, k := range []string{"PicklistAttributeMetadata", "MultiSelectPicklistAttributeMetadata", "BooleanAttributeMetadata", "StateAttributeMetadata", "StatusAttributeMetadata"} {
		if cast == odataTypePrefix+k {
			return true
		}
	}
	return false
}

// GetAttribute reads a column definition. castType ("StringAttributeMetadata",
// or KindString.CastName()) returns the kind's own properties; for option-set
// kinds the OptionSet is expanded. A missing column gives IsNotFound.
func (c *Client) GetAttribute(ctx context.Context, table, logicalName, castType string) (*AttributeMetadata, error) {
	path := attributeDefPath(table, logicalName)
	query := ""
	if cast := castSegment(castType); cast != "" {
		path += "/" + cast
		if castHasOptionSet(cast) {
			query = "$expand=OptionSet"
		}
	}
	var a AttributeMetadata
	if err := c.metadataRead(ctx, path, query, &a); err != nil {
		return nil, err
	}
	return &a, nil
}

// CreateAttribute adds a column to table (in solution when not empty) and
// returns its MetadataId. After an ambiguous failure it looks the column up
// before reporting the error.
func (c *Client) CreateAttribute(ctx context.Context, table string, def AttributeMetadata, solution string) (string, error) {
	if def.SchemaName == "" || def.ODataType == "" {
		return "", errors.New("dataverse: create attribute: SchemaName and @odata.type are required")
	}
	var found *AttributeMetadata
	resp, _, err := c.send(ctx, request{
		method: http.MethodPost, path: entityDefPath(table) + "/Attributes", body: def,
		header: headerWith(HeaderSolutionUniqueName, solution),
		lookup: lookupBy(func(ctx context.Context) (err error) {
			found, err = c.GetAttribute(ctx, table, def.logicalName(), "")
			return err
		}),
	})
	if found != nil {
		return found.MetadataID, nil // applied; its answer was lost (facts.go §1)
	}
	if err != nil {
		if ambiguous(err) {
			if a, lookErr := c.GetAttribute(ctx, table, def.logicalName(), ""); lookErr == nil {
				return a.MetadataID, nil
			}
		}
		return "", err
	}
	return entityID(resp.Header), nil
}

// UpdateAttribute replaces a column definition (PUT of the full definition:
// GetAttribute with the cast, edit, UpdateAttribute). mergeLabels sends
// MSCRM.MergeLabels: true so labels in other languages are kept.
func (c *Client) UpdateAttribute(ctx context.Context, table string, def AttributeMetadata, mergeLabels bool) error {
	name := def.logicalName()
	if name == "" {
		return errors.New("dataverse: update attribute: LogicalName or SchemaName is required")
	}
	_, _, err := c.send(ctx, request{
		method: http.MethodPut, path: attributeDefPath(table, name), body: def,
		header: mergeLabelsHeader(mergeLabels),
	})
	return err
}

func mergeLabelsHeader(merge bool) http.Header {
	if merge {
		return headerWith(HeaderMergeLabels, "true")
	}
	return nil
}

// DeleteAttribute removes a column (URI by analogy with tables [U]).
func (c *Client) DeleteAttribute(ctx context.Context, table, logicalName string) error {
	_, _, err := c.send(ctx, request{method: http.MethodDelete, path: attributeDefPath(table, logicalName)})
	return err
}

// GetTable reads a table definition (without its Attributes).
func (c *Client) GetTable(ctx context.Context, logicalName string) (*EntityMetadata, error) {
	var e EntityMetadata
	if err := c.metadataRead(ctx, entityDefPath(logicalName), "", &e); err != nil {
		return nil, err
	}
	return &e, nil
}

// CreateTable creates a custom table (with its primary name column in
// Attributes) and returns its MetadataId.
func (c *Client) CreateTable(ctx context.Context, def EntityMetadata, solution string) (string, error) {
	if def.SchemaName == "" {
		return "", errors.New("dataverse: create table: SchemaName is required")
	}
	if def.ODataType == "" {
		def.ODataType = ODataTypeEntityMetadata
	}
	var found *EntityMetadata
	resp, _, err := c.send(ctx, request{
		method: http.MethodPost, path: "EntityDefinitions", body: def,
		header: headerWith(HeaderSolutionUniqueName, solution),
		lookup: lookupBy(func(ctx context.Context) (err error) {
			found, err = c.GetTable(ctx, def.logicalName())
			return err
		}),
	})
	if found != nil {
		return found.MetadataID, nil
	}
	if err != nil {
		if ambiguous(err) {
			if e, lookErr := c.GetTable(ctx, def.logicalName()); lookErr == nil {
				return e.MetadataID, nil
			}
		}
		return "", err
	}
	return entityID(resp.Header), nil
}

// UpdateTable replaces a table definition (PUT, without the Attributes
// collection; columns change through UpdateAttribute).
func (c *Client) UpdateTable(ctx context.Context, def EntityMetadata, mergeLabels bool) error {
	name := def.logicalName()
	if name == "" {
		return errors.New("dataverse: update table: LogicalName or SchemaName is required")
	}
	def.Attributes = nil
	if def.ODataType == "" {
		def.ODataType = ODataTypeEntityMetadata
	}
	_, _, err := c.send(ctx, request{method: http.MethodPut, path: entityDefPath(name), body: def, header: mergeLabelsHeader(mergeLabels)})
	return err
}

// DeleteTable deletes a custom table and its data.
func (c *Client) DeleteTable(ctx context.Context, logicalName string) error {
	_, _, err := c.send(ctx, request{method: http.MethodDelete, path: entityDefPath(logicalName)})
	return err
}

// relationshipPath addresses a relationship by MetadataId, else SchemaName.
func relationshipPath(idOrSchemaName string) string {
	if IsGUID(idOrSchemaName) {
		return "RelationshipDefinitions(" + idOrSchemaName + ")"
	}
	return "RelationshipDefinitions(SchemaName=" + Quote(idOrSchemaName) + ")"
}

// CreateOneToMany creates a 1:N relationship and its lookup column (in
// solution when not empty [U]) and returns the relationship's MetadataId.
func (c *Client) CreateOneToMany(ctx context.Context, rel OneToManyRelationship, solution string) (string, error) {
	if rel.SchemaName == "" || rel.ReferencedEntity == "" || rel.ReferencingEntity == "" || rel.Lookup == nil {
		return "", errors.New("dataverse: create relationship: SchemaName, ReferencedEntity, ReferencingEntity and Lookup are required")
	}
	if rel.ODataType == "" {
		rel.ODataType = ODataTypeOneToManyRelationship
	}
	if rel.Lookup.ODataType == "" {
		l := *rel.Lookup
		l.ODataType, l.AttributeType, l.AttributeTypeName = KindLookup.ODataType, KindLookup.AttributeType, &ValueName{KindLookup.TypeName}
		rel.Lookup = &l
	}
	var found *OneToManyRelationship
	resp, _, err := c.send(ctx, request{
		method: http.MethodPost, path: "RelationshipDefinitions", body: rel,
		header: headerWith(HeaderSolutionUniqueName, solution),
		lookup: lookupBy(func(ctx context.Context) (err error) {
			found, err = c.GetRelationship(ctx, rel.SchemaName)
			return err
		}),
	})
	if found != nil {
		return found.MetadataID, nil
	}
	if err != nil {
		if ambiguous(err) {
			if r, lookErr := c.GetRelationship(ctx, rel.SchemaName); lookErr == nil {
				return r.MetadataID, nil
			}
		}
		return "", err
	}
	return entityID(resp.Header), nil
}

// GetRelationship reads a 1:N relationship by SchemaName or MetadataId.
func (c *Client) GetRelationship(ctx context.Context, idOrSchemaName string) (*OneToManyRelationship, error) {
	var r OneToManyRelationship
	if err := c.metadataRead(ctx, relationshipPath(idOrSchemaName)+"/"+ODataTypeOneToManyRelationship, "", &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// DeleteRelationship deletes a relationship by MetadataId (or SchemaName [U]).
func (c *Client) DeleteRelationship(ctx context.Context, idOrSchemaName string) error {
	_, _, err := c.send(ctx, request{method: http.MethodDelete, path: relationshipPath(idOrSchemaName)})
	return err
}

// PublishXml publishes the customizations of the given tables.
func (c *Client) PublishXml(ctx context.Context, tables ...string) error {
	if len(tables) == 0 {
		return errors.New("dataverse: PublishXml needs at least one table")
	}
	var b strings.Builder
	b.WriteString("<importexportxml><entities>")
	for _, t := range tables {
		b.WriteString("<entity>")
		if err := xml.EscapeText(&b, []byte(t)); err != nil {
			return err
		}
		b.WriteString("</entity>")
	}
	b.WriteString("</entities></importexportxml>")
	// Publishing twice publishes the same thing: safe to re-send.
	_, _, err := c.send(ctx, request{method: http.MethodPost, path: "PublishXml", body: map[string]string{"ParameterXml": b.String()}, retrySafe: true})
	if err != nil {
		return fmt.Errorf("publish %v: %w", tables, err)
	}
	return nil
}

// PublishAll publishes every pending customization.
func (c *Client) PublishAll(ctx context.Context) error {
	_, _, err := c.send(ctx, request{method: http.MethodPost, path: "PublishAllXml", body: map[string]any{}, retrySafe: true})
	return err
}

// lookupBy turns a read of what a create makes (by its unique name) into a
// transport.Lookup: found → applied, not found → not applied.
func lookupBy(read func(ctx context.Context) error) transport.Lookup {
	return func(ctx context.Context) (bool, error) {
		switch err := read(ctx); {
		case err == nil:
			return true, nil
		case IsNotFound(err):
			return false, nil
		default:
			return false, err
		}
	}
}

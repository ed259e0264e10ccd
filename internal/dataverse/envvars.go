package dataverse

import (
	"context"
	"errors"
	"fmt"
)

// Environment variable tables.
const (
	SetEnvVarDefinitions = "environmentvariabledefinitions"
	SetEnvVarValues      = "environmentvariablevalues"
	// EnvVarDefinitionNav is the value→definition navigation property; the
	// documented case matters ("EnvironmentVariableDefinitionId@odata.bind").
	EnvVarDefinitionNav = "EnvironmentVariableDefinitionId"
)

// Environment variable types (the definition's "type" column).
const (
	EnvVarTypeString     = 100000000
	EnvVarTypeNumber     = 100000001
	EnvVarTypeBoolean    = 100000002 // "Yes/No"
	EnvVarTypeJSON       = 100000003
	EnvVarTypeDataSource = 100000004
	EnvVarTypeSecret     = 100000005
)

// Secret stores (the definition's "secretstore" column).
const (
	SecretStoreAzureKeyVault = 0
	SecretStoreDataverse     = 1
)

// EnvironmentVariableDefinition is a row of environmentvariabledefinitions.
type EnvironmentVariableDefinition struct {
	ID           string
	SchemaName   string // not updatable
	DisplayName  string
	Description  string
	DefaultValue string
	Type         int // EnvVarType*
	IsRequired   bool
	ValueSchema  string
	SecretStore  *int
	ETag         string
}

var envVarDefinitionColumns = []string{
	"environmentvariabledefinitionid", "schemaname", "displayname", "description", "defaultvalue",
	"type", "isrequired", "valueschema", "secretstore",
}

func envVarDefinitionFrom(r Record) *EnvironmentVariableDefinition {
	d := &EnvironmentVariableDefinition{
		ID: r.String("environmentvariabledefinitionid"), SchemaName: r.String("schemaname"),
		DisplayName: r.String("displayname"), Description: r.String("description"),
		DefaultValue: r.String("defaultvalue"), ValueSchema: r.String("valueschema"), ETag: r.ETag(),
	}
	if t, ok := r.Int("type"); ok {
		d.Type = int(t)
	}
	d.IsRequired, _ = r.Bool("isrequired")
	if s, ok := r.Int("secretstore"); ok {
		v := int(s)
		d.SecretStore = &v
	}
	return d
}

// updatable returns the columns that may change after creation.
func (d EnvironmentVariableDefinition) updatable() Record {
	return Record{
		"displayname":  d.DisplayName,
		"description":  nullIfEmpty(d.Description),
		"defaultvalue": nullIfEmpty(d.DefaultValue),
		"isrequired":   d.IsRequired,
		"valueschema":  nullIfEmpty(d.ValueSchema),
	}
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// FindEnvironmentVariableDefinition looks a definition up by schema name.
// None gives an error for which IsNotFound is true.
func (c *Client) FindEnvironmentVariableDefinition(ctx context.Context, schemaName string) (*EnvironmentVariableDefinition, error) {
	r, err := c.first(ctx, SetEnvVarDefinitions, Query{Select: envVarDefinitionColumns, Filter: EqString("schemaname", schemaName)},
		"environment variable definition "+schemaName)
	if err != nil {
		return nil, err
	}
	return envVarDefinitionFrom(r), nil
}

// GetEnvironmentVariableDefinition reads a definition by id.
func (c *Client) GetEnvironmentVariableDefinition(ctx context.Context, id string) (*EnvironmentVariableDefinition, error) {
	r, err := c.Get(ctx, SetEnvVarDefinitions, id, envVarDefinitionColumns)
	if err != nil {
		return nil, err
	}
	return envVarDefinitionFrom(r), nil
}

// CreateEnvironmentVariableDefinition creates a definition (in solution when
// not empty) and returns its id.
func (c *Client) CreateEnvironmentVariableDefinition(ctx context.Context, d EnvironmentVariableDefinition, solution string) (string, error) {
	if d.SchemaName == "" || d.DisplayName == "" {
		return "", errors.New("dataverse: environment variable definition needs schemaname and displayname")
	}
	if d.Type == 0 {
		d.Type = EnvVarTypeString
	}
	rec := d.updatable()
	rec["schemaname"] = d.SchemaName
	rec["type"] = d.Type
	if d.SecretStore != nil {
		rec["secretstore"] = *d.SecretStore
	}
	if d.ID != "" {
		rec["environmentvariabledefinitionid"] = d.ID
	}
	return c.CreateInSolution(ctx, SetEnvVarDefinitions, rec, solution)
}

// UpdateEnvironmentVariableDefinition writes the updatable columns
// (display name, description, default value, required, value schema).
func (c *Client) UpdateEnvironmentVariableDefinition(ctx context.Context, d EnvironmentVariableDefinition, ifMatch string) error {
	return c.Update(ctx, SetEnvVarDefinitions, d.ID, d.updatable(), ifMatch)
}

// DeleteEnvironmentVariableDefinition deletes a definition (its values go with it).
func (c *Client) DeleteEnvironmentVariableDefinition(ctx context.Context, id string) error {
	return c.Delete(ctx, SetEnvVarDefinitions, id, "")
}

// EnvironmentVariableValue is a row of environmentvariablevalues.
type EnvironmentVariableValue struct {
	ID           string
	DefinitionID string
	SchemaName   string
	Value        string
	ETag         string
}

var envVarValueColumns = []string{"environmentvariablevalueid", "schemaname", "value", LookupKey("environmentvariabledefinitionid")}

// GetEnvironmentVariableValue returns the value row of a definition. None
// gives IsNotFound (the default value applies); more than one is an error.
func (c *Client) GetEnvironmentVariableValue(ctx context.Context, definitionID string) (*EnvironmentVariableValue, error) {
	f, err := EqGUID(LookupKey("environmentvariabledefinitionid"), definitionID)
	if err != nil {
		return nil, err
	}
	r, err := c.first(ctx, SetEnvVarValues, Query{Select: envVarValueColumns, Filter: f}, "environment variable value of "+definitionID)
	if err != nil {
		return nil, err
	}
	return &EnvironmentVariableValue{
		ID: r.String("environmentvariablevalueid"), DefinitionID: r.Lookup("environmentvariabledefinitionid"),
		SchemaName: r.String("schemaname"), Value: r.String("value"), ETag: r.ETag(),
	}, nil
}

// CreateEnvironmentVariableValue creates the value row for a definition.
func (c *Client) CreateEnvironmentVariableValue(ctx context.Context, definitionID, schemaName, value, solution string) (string, error) {
	if !IsGUID(definitionID) {
		return "", fmt.Errorf("dataverse: environment variable definition id %q is not a GUID", definitionID)
	}
	rec := Record{"value": value}
	if schemaName != "" {
		rec["schemaname"] = schemaName
	}
	rec.Bind(EnvVarDefinitionNav, SetEnvVarDefinitions, definitionID)
	return c.CreateInSolution(ctx, SetEnvVarValues, rec, solution)
}

// UpdateEnvironmentVariableValue changes a value row.
func (c *Client) UpdateEnvironmentVariableValue(ctx context.Context, valueID, value, ifMatch string) error {
	return c.Update(ctx, SetEnvVarValues, valueID, Record{"value": value}, ifMatch)
}

// DeleteEnvironmentVariableValue deletes a value row (the default applies again).
func (c *Client) DeleteEnvironmentVariableValue(ctx context.Context, valueID string) error {
	return c.Delete(ctx, SetEnvVarValues, valueID, "")
}

// SetEnvironmentVariableValue creates or updates the value row of def and
// returns the row's id.
func (c *Client) SetEnvironmentVariableValue(ctx context.Context, def EnvironmentVariableDefinition, value string) (string, error) {
	cur, err := c.GetEnvironmentVariableValue(ctx, def.ID)
	switch {
	case err == nil:
		if cur.Value == value {
			return cur.ID, nil
		}
		return cur.ID, c.UpdateEnvironmentVariableValue(ctx, cur.ID, value, "")
	case IsNotFound(err):
		return c.CreateEnvironmentVariableValue(ctx, def.ID, def.SchemaName, value, "")
	}
	return "", err
}
